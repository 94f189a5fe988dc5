"""Import jobs: an uploaded registry file, its validation report and the progress of its commit."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .imports.messages import render


def import_upload_to(instance, filename):
    # Content-addressed: nothing of the uploader's file name reaches the file system.
    return f"imports/{instance.created_at:%Y/%m}/{instance.sha256}"


def parsed_upload_to(instance, filename):
    return f"imports/{instance.created_at:%Y/%m}/{instance.sha256}.rows.json.gz"


class ImportJob(models.Model):
    class Kind(models.TextChoices):
        HOUSEHOLDS = "households", _("Households with members")
        CLANS = "clans", _("Clans")
        ORGANISATIONS = "organisations", _("Organisations and units")
        NOMINATIONS = "nominations", _("Nominations for a title")
        VILLAGES = "villages", _("Villages and residential groups")
        STAFF = "staff", _("Staff and their roles")

    class Status(models.TextChoices):
        VALIDATING = "validating", _("Checking")
        INVALID = "invalid", _("Has errors")
        VALIDATED = "validated", _("Ready to import")
        COMMITTING = "committing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed, nothing imported")

    kind = models.CharField(_("import kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.VALIDATING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=import_upload_to, max_length=255)
    # the rows as read at validation (gzip JSON): the commit re-checks them without re-reading the file
    parsed = models.FileField(upload_to=parsed_upload_to, max_length=255, blank=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("file type"), max_length=5, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    # counted by the kind: households, clans, organisations or nominations (cases)
    new_count = models.PositiveIntegerField(_("new records"), default=0)
    existing_count = models.PositiveIntegerField(_("records already registered"), default=0)
    # records attached to the new ones: a household's members, a clan's member households
    linked_count = models.PositiveIntegerField(_("linked records"), default=0)
    processed = models.PositiveIntegerField(_("records written"), default=0)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    # [{"row": 12, "code": "birth_year", "params": {...}}]; rendered in the reader's language
    errors = models.JSONField(default=list, blank=True)
    failure_code = models.CharField(max_length=40, blank=True)
    failure_params = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        indexes = [models.Index(fields=["created_by", "-created_at"], name="reports_import_user_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.original_name}"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.VALIDATING, self.Status.COMMITTING)

    @property
    def percent(self) -> int | None:
        if self.status == self.Status.DONE:
            return 100
        if self.status != self.Status.COMMITTING or not self.new_count:
            return None
        return min(100, round(100 * self.processed / self.new_count))

    @property
    def import_kind(self):
        """The kind's layout, checks, writer and texts (reports.imports.kinds)."""
        from .imports.kinds import kind_of

        return kind_of(self.kind)

    def summary(self) -> list[str]:
        return self.import_kind.summary(self)

    def commit_label(self) -> str:
        return self.import_kind.commit_label(self)

    def progress_label(self) -> str:
        return self.import_kind.progress_label(self)

    @property
    def failure(self) -> str:
        return render(self.failure_code, self.failure_params) if self.failure_code else ""

    def error_rows(self, limit: int | None = None) -> list[dict]:
        rows = self.errors[:limit] if limit else self.errors
        return [{"row": e["row"], "message": render(e["code"], e.get("params"))} for e in rows]
