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
    stream = models.CharField(_("stream"), max_length=100)
    seq = models.PositiveIntegerField(_("sequence number"))
    event_type = models.CharField(_("event type"), max_length=60)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # audit_event_actor_time_idx leads with the actor
    )
    actor_name = models.CharField(_("username"), max_length=150, blank=True)
    actor_role = models.CharField(_("role"), max_length=40, blank=True)
    actor_unit = models.CharField(_("unit"), max_length=40, blank=True)
    occurred_at = models.DateTimeField(_("time"), db_index=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    request_id = models.CharField(_("request ID"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    # unique by a constraint, not unique=True, which on PostgreSQL adds a second (LIKE) index nobody queries
    hash = models.CharField(_("hash"), max_length=64)
    # The materialised path of the unit the stream belongs to ("" = province-wide: configuration). Not in the
    # hash: it is derived from the stream (the case's, subject's or grant's unit) and only decides who may
    # *find* the event in a search; the content, which the hash covers, cannot be changed through it.
    scope = models.CharField(_("scope"), max_length=255, blank=True, default="")

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        constraints = [
            models.UniqueConstraint(fields=["stream", "seq"], name="audit_event_stream_seq_uniq"),
            models.UniqueConstraint(fields=["hash"], name="audit_event_hash_uniq"),
        ]
        indexes = [
            models.Index(fields=["event_type", "occurred_at"], name="audit_event_type_time_idx"),
            models.Index(fields=["actor", "occurred_at"], name="audit_event_actor_time_idx"),
            # audit search: a subtree (prefix match) over a date range, newest first
            models.Index(
                fields=["scope", "occurred_at"],
                name="audit_event_scope_time_idx",
                opclasses=["varchar_pattern_ops", "timestamptz_ops"],
            ),
        ]

    def __str__(self):
        return f"{self.stream}#{self.seq} {self.event_type}"


class StreamHead(models.Model):
    """The latest link of each stream; the row lock serialises appends to one stream."""

    stream = models.CharField(_("stream"), max_length=100, primary_key=True)
    seq = models.PositiveIntegerField(_("sequence number"), default=0)
    hash = models.CharField(_("hash"), max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("stream head")
        verbose_name_plural = _("stream heads")

    def __str__(self):
        return f"{self.stream}#{self.seq}"


class Checkpoint(AppendOnlyModel):
    """A digest of every stream head as of a cut-off time; checkpoints are chained to each other."""

    day = models.DateField(_("day"), unique=True)
    cutoff = models.DateTimeField(_("cut-off"))
    stream_count = models.PositiveIntegerField(_("stream count"))
    event_count = models.PositiveBigIntegerField(_("event count"))
    heads_digest = models.CharField(_("digest of stream heads"), max_length=64)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        ordering = ["-day"]

    def __str__(self):
        return f"{self.day} {self.hash[:12]}"


class VerificationRun(models.Model):
    """One verification of the whole log: when, by what, how much was checked and the outcome."""

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Nightly schedule")
        COMMAND = "command", _("Command line")
        MANUAL = "manual", _("Started by an administrator")

    started_at = models.DateTimeField(_("started at"), db_index=True)
    finished_at = models.DateTimeField(_("finished at"))
    trigger = models.CharField(_("started by"), max_length=20, choices=Trigger.choices)
    against_day = models.DateField(_("checked against the checkpoint file of"), null=True, blank=True)
    ok = models.BooleanField(_("intact"))
    events_checked = models.PositiveBigIntegerField(_("events checked"))
    streams_checked = models.PositiveIntegerField(_("streams checked"))
    checkpoints_checked = models.PositiveIntegerField(_("checkpoints checked"))
    problem_count = models.PositiveIntegerField(_("problems"))
    first_stream = models.CharField(_("first broken stream"), max_length=100, blank=True)
    first_seq = models.PositiveIntegerField(_("first broken sequence number"), null=True, blank=True)
    # the first problems found (at most verify.MAX_PROBLEMS): [{"stream", "seq", "kind", "message"}]
    problems = models.JSONField(_("problems found"), default=list, blank=True)

    class Meta:
        verbose_name = _("verification run")
        verbose_name_plural = _("verification runs")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'FAILED'}"


class ConsistencyRun(models.Model):
    """One run of the consistency checker (`manage.py check_consistency`, nightly): what it found.

    Kept beside the log's verifications so the integrity page (inspection) reads it; the checker itself reads
    every app (workflows.consistency)."""

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Nightly schedule")
        COMMAND = "command", _("Command line")

    started_at = models.DateTimeField(_("started at"), db_index=True)
    finished_at = models.DateTimeField(_("finished at"))
    trigger = models.CharField(_("started by"), max_length=20, choices=Trigger.choices)
    ok = models.BooleanField(_("consistent"))
    problem_count = models.PositiveIntegerField(_("problems"))
    # the problems found (at most workflows.consistency.MAX_PROBLEMS):
    # [{"check", "subject", "scope" (a unit path, "" for the whole system), "message"}]
    problems = models.JSONField(_("problems found"), default=list, blank=True)

    class Meta:
        verbose_name = _("consistency check")
        verbose_name_plural = _("consistency checks")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'FAILED'}"


class BackgroundJob(models.Model):
    """A piece of background work that must not be lost: a decision's documents, a meeting's minutes, an
    import's check or commit, a batch of e-mails. Recorded with the transaction that asks for it, run by
    Celery, re-driven with back-off while it has not succeeded (audit.jobs), given up (and the administrators
    told) after too many failures, retried by hand from the admin."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to run")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed, will be retried")
        GAVE_UP = "gave_up", _("Failed too often: retry by hand")

    key = models.CharField(_("job"), max_length=150, unique=True)
    task = models.CharField(_("task"), max_length=150)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True, db_index=True)
    started_at = models.DateTimeField(_("last started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="audit_job_due_idx")]

    def __str__(self):
        return f"{self.key} ({self.state})"
