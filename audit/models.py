"""The append-only audit log: one hash chain per stream, plus daily checkpoints over all stream heads."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditLogImmutable(Exception):
    """Raised on any attempt to change or remove a written audit record."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogImmutable("audit records cannot be updated")

    def delete(self):
        raise AuditLogImmutable("audit records cannot be deleted")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditLogImmutable("audit records cannot be updated")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogImmutable("audit records cannot be updated")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogImmutable("audit records cannot be deleted")


class AuditEvent(AppendOnlyModel):
    stream = models.CharField(_("luồng"), max_length=100)
    seq = models.PositiveIntegerField(_("số thứ tự"))
    event_type = models.CharField(_("loại sự kiện"), max_length=60)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("tên đăng nhập"), max_length=150, blank=True)
    actor_role = models.CharField(_("vai trò"), max_length=40, blank=True)
    actor_unit = models.CharField(_("đơn vị"), max_length=40, blank=True)
    occurred_at = models.DateTimeField(_("thời điểm"), db_index=True)
    data = models.JSONField(_("dữ liệu"), default=dict, blank=True)
    reason = models.TextField(_("lý do"), blank=True)
    request_id = models.CharField(_("mã yêu cầu"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    prev_hash = models.CharField(_("mã băm trước"), max_length=64)
    hash = models.CharField(_("mã băm"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("sự kiện kiểm toán")
        verbose_name_plural = _("sự kiện kiểm toán")
        constraints = [models.UniqueConstraint(fields=["stream", "seq"], name="audit_event_stream_seq_uniq")]
        indexes = [
            models.Index(fields=["event_type", "occurred_at"], name="audit_event_type_time_idx"),
            models.Index(fields=["actor", "occurred_at"], name="audit_event_actor_time_idx"),
        ]

    def __str__(self):
        return f"{self.stream}#{self.seq} {self.event_type}"


class StreamHead(models.Model):
    """The latest link of each stream; the row lock serialises appends to one stream."""

    stream = models.CharField(_("luồng"), max_length=100, primary_key=True)
    seq = models.PositiveIntegerField(_("số thứ tự"), default=0)
    hash = models.CharField(_("mã băm"), max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("đầu luồng")
        verbose_name_plural = _("đầu luồng")

    def __str__(self):
        return f"{self.stream}#{self.seq}"


class Checkpoint(AppendOnlyModel):
    """A digest of every stream head as of a cut-off time; checkpoints are chained to each other."""

    day = models.DateField(_("ngày"), unique=True)
    cutoff = models.DateTimeField(_("mốc thời gian"))
    stream_count = models.PositiveIntegerField(_("số luồng"))
    event_count = models.PositiveBigIntegerField(_("số sự kiện"))
    heads_digest = models.CharField(_("mã băm các đầu luồng"), max_length=64)
    prev_hash = models.CharField(_("mã băm trước"), max_length=64)
    hash = models.CharField(_("mã băm"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("lập lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("điểm kiểm tra")
        verbose_name_plural = _("điểm kiểm tra")
        ordering = ["-day"]

    def __str__(self):
        return f"{self.day} {self.hash[:12]}"
