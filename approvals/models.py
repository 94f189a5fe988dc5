"""Collective steps: the village review session, the commune decision and the audit of a decision."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from criteria.authority import DecidingBody
from criteria.models import TitleType
from registry.models import AdministrativeUnit

USER = settings.AUTH_USER_MODEL


class ReviewSession(models.Model):
    """A village meeting ("họp xét") reviewing its list of cases of one title and year."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    village = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    unit_path = models.CharField(max_length=255, editable=False)
    title_type = models.ForeignKey(
        TitleType, verbose_name=_("title"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("assessment year"))
    meeting_date = models.DateField(_("meeting date"))
    location = models.CharField(_("meeting place"), max_length=200, blank=True)
    chair = models.CharField(_("chaired by"), max_length=120)
    secretary = models.CharField(_("secretary"), max_length=120, blank=True)
    attendees = models.TextField(_("attendees"), help_text=_("One attendee per line: name and position."))
    posting_ends = models.DateField(_("public posting ends"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        USER, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_by = models.ForeignKey(
        USER, verbose_name=_("closed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    minutes = models.FileField(_("minutes"), upload_to="approvals/minutes/", max_length=255, blank=True)
    minutes_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("village review session")
        verbose_name_plural = _("village review sessions")
        indexes = [models.Index(fields=["unit_path", "year"], name="approvals_session_scope_idx")]

    def __str__(self):
        return gettext("Review meeting of %(village)s, %(date)s") % {
            "village": self.village.name,
            "date": self.meeting_date.strftime("%d/%m/%Y"),
        }

    def save(self, *args, **kwargs):
        self.unit_path = self.village.path
        super().save(*args, **kwargs)

    @property
    def stream(self) -> str:
        return f"session:{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class SessionEntry(models.Model):
    """One case on a session's list and the meeting's result for it."""

    session = models.ForeignKey(
        ReviewSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="entries"
    )
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="+")
    proposed = models.BooleanField(_("proposed"), null=True, blank=True)
    reason = models.TextField(_("reason for not proposing"), blank=True)

    class Meta:
        verbose_name = _("reviewed case")
        verbose_name_plural = _("reviewed cases")
        constraints = [
            models.UniqueConstraint(fields=["session", "case"], name="approvals_session_case_uniq")
        ]

    def __str__(self):
        return f"{self.session_id}/{self.case_id}"


class SessionComment(models.Model):
    """A comment received during the public posting, recorded against one case of the list."""

    entry = models.ForeignKey(
        SessionEntry, verbose_name=_("case"), on_delete=models.PROTECT, related_name="comments"
    )
    author = models.CharField(_("from"), max_length=120)
    text = models.TextField(_("comment"))
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("posting comment")
        verbose_name_plural = _("posting comments")

    def __str__(self):
        return f"{self.author}: {self.text[:40]}"


class Proposal(models.Model):
    """The numbered proposal for recognition ("tờ trình đề nghị công nhận") in which the commune's Study
    Promotion Association compiles its villages' results; the decision cites it (number and date). Issued
    once: its number, date and list never change."""

    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("proposing unit"), on_delete=models.PROTECT, related_name="+"
    )
    unit_path = models.CharField(max_length=255, editable=False)
    title_type = models.ForeignKey(
        TitleType, verbose_name=_("title"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("assessment year"))
    number = models.PositiveIntegerField(_("number"))
    suffix = models.CharField(_("number suffix"), max_length=20)
    proposed_on = models.DateField(_("proposal date"))
    note = models.TextField(_("content"), blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("compiled by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("compiled at"), auto_now_add=True)

    class Meta:
        verbose_name = _("recognition proposal")
        verbose_name_plural = _("recognition proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "suffix", "number"], name="approvals_proposal_number_uniq"
            )
        ]
        indexes = [models.Index(fields=["unit_path", "year"], name="approvals_proposal_scope_idx")]

    def __str__(self):
        return gettext("Proposal No. %(ref)s of %(date)s") % {
            "ref": self.reference,
            "date": self.proposed_on.strftime("%d/%m/%Y"),
        }

    def save(self, *args, **kwargs):
        self.unit_path = self.unit.path
        super().save(*args, **kwargs)

    @property
    def reference(self) -> str:
        """Number and symbol, e.g. "5/TTr-HKH"."""
        return f"{self.number}/{self.suffix}"

    @property
    def stream(self) -> str:
        return f"proposal:{self.pk}"


class ProposalEntry(models.Model):
    """A case on a proposal's list; a case is proposed once."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.PROTECT, related_name="entries"
    )
    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="proposal_entry"
    )

    class Meta:
        verbose_name = _("proposed case")
        verbose_name_plural = _("proposed cases")

    def __str__(self):
        return f"{self.proposal_id}/{self.case_id}"


class SignedDecisionError(ValidationError):
    """A signed decision is an issued official document: it never changes."""

    def __init__(self):
        super().__init__(
            gettext("A signed decision cannot be changed. Issue a new decision that amends it instead.")
        )


class Decision(models.Model):
    """A commune recognition decision ("Quyết định công nhận") with its annex list of cases."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNED = "signed", _("Signed")

    class Documents(models.TextChoices):
        NONE = "", _("Not generated")
        PENDING = "pending", _("Being generated")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Generation failed")

    # the issuing unit: of the level the title's recognition authority decides at (criteria.authority)
    commune = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="+"
    )
    unit_path = models.CharField(max_length=255, editable=False)
    title_type = models.ForeignKey(
        TitleType, verbose_name=_("title"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("assessment year"))
    # copied from the authority in force when drafted: an issued decision keeps the body that issued it
    body = models.CharField(_("issuing body"), max_length=10, choices=DecidingBody.choices)
    suffix = models.CharField(_("number suffix"), max_length=20)
    signer_office = models.CharField(_("signer's office"), max_length=120)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    amends = models.ForeignKey(
        "self",
        verbose_name=_("amends decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="amended_by",
    )
    amendment_note = models.TextField(_("what this decision corrects"), blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("drafted by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("drafted at"), auto_now_add=True)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        USER, verbose_name=_("signed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signer_name = models.CharField(_("signer"), max_length=120, blank=True)
    documents = models.CharField(
        _("documents"), max_length=10, choices=Documents.choices, default=Documents.NONE, blank=True
    )
    document = models.FileField(
        _("decision document"), upload_to="approvals/decisions/", max_length=255, blank=True
    )
    document_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("commune decision")
        verbose_name_plural = _("commune decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "year", "suffix", "number"],
                condition=models.Q(number__isnull=False),
                name="approvals_decision_number_uniq",
            )
        ]
        indexes = [models.Index(fields=["unit_path", "year"], name="approvals_decision_scope_idx")]

    def __str__(self):
        if self.number:
            return self.reference
        return gettext("Draft decision of %(commune)s") % {"commune": self.commune.name}

    def save(self, *args, **kwargs):
        # Once signed, only the document generation may still write, and only its own columns.
        if getattr(self, "_signed_in_db", False):
            allowed = {"documents", "document", "document_sha256"}
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= allowed:
                raise SignedDecisionError()
        self.unit_path = self.commune.path
        super().save(*args, **kwargs)
        self._signed_in_db = self.status == self.Status.SIGNED

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._signed_in_db = instance.status == cls.Status.SIGNED
        return instance

    @property
    def stream(self) -> str:
        return f"decision:{self.pk}"

    @property
    def is_signed(self) -> bool:
        return self.status == self.Status.SIGNED

    @property
    def reference(self) -> str:
        """Number and symbol, e.g. "12/QĐ-UBND", "3/QĐ-HKH"."""
        return f"{self.number}/{self.suffix}" if self.number else ""

    def delete(self, *args, **kwargs):
        if self.is_signed or getattr(self, "_signed_in_db", False):
            raise SignedDecisionError()
        return super().delete(*args, **kwargs)


class DecisionEntry(models.Model):
    """One case on a decision's annex list: recognised, or refused with a reason."""

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.CASCADE, related_name="entries"
    )
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="+")
    recognised = models.BooleanField(_("recognised"), default=True)
    reason = models.TextField(_("reason for refusal"), blank=True)

    class Meta:
        verbose_name = _("decision entry")
        verbose_name_plural = _("decision entries")
        constraints = [
            models.UniqueConstraint(fields=["decision", "case"], name="approvals_decision_case_uniq")
        ]

    def __str__(self):
        return f"{self.decision_id}/{self.case_id}"

    def save(self, *args, **kwargs):
        if self.decision_id and self._decision_signed():
            raise SignedDecisionError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._decision_signed():
            raise SignedDecisionError()
        return super().delete(*args, **kwargs)

    def _decision_signed(self) -> bool:
        return Decision.objects.filter(pk=self.decision_id, status=Decision.Status.SIGNED).exists()


class DecisionCounter(models.Model):
    """The last decision number a unit issued in a year in one series (its suffix: the People's Committee's
    "QĐ-UBND" and the Association's "QĐ-HKH" are numbered apart); locked while a decision is signed."""

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    series = models.CharField(max_length=20)
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["commune", "year", "series"], name="approvals_counter_uniq")
        ]

    def __str__(self):
        return f"{self.commune_id}/{self.year}={self.value}"


class Audit(models.Model):
    """The check of one commune decision by the level above the commune, on a sample of its cases."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="audits"
    )
    unit_path = models.CharField(max_length=255, editable=False)
    seed = models.BigIntegerField(_("sampling seed"))
    share = models.DecimalField(_("sample share"), max_digits=4, decimal_places=3)
    minimum = models.PositiveIntegerField(_("minimum sample size"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(
        USER, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_by = models.ForeignKey(
        USER, verbose_name=_("closed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit")
        verbose_name_plural = _("audits")
        constraints = [
            models.UniqueConstraint(
                fields=["decision"], condition=models.Q(status="open"), name="approvals_one_open_audit"
            )
        ]

    def __str__(self):
        return gettext("Audit of decision %(ref)s") % {"ref": self.decision.reference}

    def save(self, *args, **kwargs):
        self.unit_path = self.decision.unit_path
        super().save(*args, **kwargs)

    @property
    def stream(self) -> str:
        return f"audit:{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class AuditSample(models.Model):
    """A sampled case of an audit, why it was picked, and the finding."""

    class Finding(models.TextChoices):
        PENDING = "", _("Not checked yet")
        CONFIRMED = "confirmed", _("Confirmed")
        PROBLEM = "problem", _("Problem found")

    audit = models.ForeignKey(
        Audit, verbose_name=_("audit"), on_delete=models.CASCADE, related_name="samples"
    )
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="+")
    random_pick = models.BooleanField(_("random pick"), default=False)
    risks = models.JSONField(_("risk signals"), default=list, blank=True)
    finding = models.CharField(_("finding"), max_length=10, choices=Finding.choices, default="", blank=True)
    description = models.TextField(_("problem found"), blank=True)
    evidence = models.TextField(_("evidence of the problem"), blank=True)
    checked_by = models.ForeignKey(
        USER, verbose_name=_("checked by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sampled case")
        verbose_name_plural = _("sampled cases")
        constraints = [models.UniqueConstraint(fields=["audit", "case"], name="approvals_audit_case_uniq")]

    def __str__(self):
        return f"{self.audit_id}/{self.case_id}"


def finding_file_upload_to(instance, filename):
    # Content-addressed, as evidence files are: nothing of the uploader's file name reaches the file system.
    return f"approvals/findings/{instance.sample.audit_id}/{instance.sample_id}/{instance.sha256}"


class FindingFile(models.Model):
    """A file the auditor attached to a finding on a sampled case (a photo, a scanned record, a report).

    Part of the audit's record: never changed or removed once attached, whatever the finding becomes.
    """

    sample = models.ForeignKey(
        AuditSample, verbose_name=_("sampled case"), on_delete=models.PROTECT, related_name="files"
    )
    file = models.FileField(_("file"), upload_to=finding_file_upload_to, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        USER, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("finding file")
        verbose_name_plural = _("finding files")

    def __str__(self):
        return self.original_name


class Certificate(models.Model):
    """The certificate ("Giấy công nhận") of one recognised subject of a signed decision, as generated."""

    entry = models.OneToOneField(
        DecisionEntry, verbose_name=_("decision entry"), on_delete=models.PROTECT, related_name="certificate"
    )
    file = models.FileField(_("file"), upload_to="approvals/certificates/", max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("generated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self):
        return self.file.name
