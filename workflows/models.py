"""viewflow rows saying who must act next on a case, since when and by when; the state stays on Case."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from cases.models import Case

# Where an open step stands against its deadline (workflows.deadlines.deadline_state).
ON_TRACK, AT_RISK, BREACHED, PAUSED = "on_track", "at_risk", "breached", "paused"
STATE_LABELS = {
    ON_TRACK: _("On track"),
    AT_RISK: _("At risk"),
    BREACHED: _("Overdue"),
    PAUSED: _("Paused"),
}


class CaseProcess(Process):
    """One recognition process per case; a real one-to-one so task lists can join case fields in SQL."""

    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="process"
    )

    class Meta:
        verbose_name = _("recognition process")
        verbose_name_plural = _("recognition processes")

    def save(self, *args, **kwargs):
        if not self._state.adding and kwargs.get("update_fields") is None:
            # viewflow saves the process whole when it finishes; the case link never changes that way.
            kwargs["update_fields"] = _PROCESS_FIELDS
        super().save(*args, **kwargs)


class CaseTask(Task):
    """A step of a recognition process, with its case (denormalised for the inbox joins) and its due time."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="tasks")
    # A copy of the case's unit (a case never changes unit): the work lists filter by unit without joining
    # the cases, which at a province's volume meant hashing every case to count one user's queue. No index of
    # its own: the lists reach the rows through the owner or the queue index and test the unit on them.
    unit = models.ForeignKey(
        "registry.AdministrativeUnit",
        verbose_name=_("locality"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    # Copies for the queue, which must not sort every open step of a province through a join: the step's
    # node name (fixed at creation) and whether the step waits unclaimed in the queue (status NEW).
    step = models.CharField(_("step"), max_length=32, blank=True, editable=False)
    queued = models.BooleanField(_("waiting in the queue"), default=False, editable=False)
    paused_at = models.DateTimeField(_("deadline paused at"), null=True, blank=True)
    pause_reason = models.TextField(_("reason for the pause"), blank=True)
    # When the sweep reminds the assignee (the first day inside the warning window) and escalates to the
    # supervisor (after the grace period); computed with due_at, moved with it by a pause.
    remind_at = models.DateTimeField(_("reminder from"), null=True, blank=True, editable=False)
    escalate_at = models.DateTimeField(_("escalation from"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("recognition step")
        verbose_name_plural = _("recognition steps")
        indexes = [
            models.Index(fields=["case", "due_at"], name="wf_casetask_case_due_idx"),
            models.Index(fields=["step", "due_at"], condition=Q(queued=True), name="wf_casetask_queue_idx"),
        ]

    @property
    def deadline(self) -> tuple[str, str]:
        """(state, label) of the step's clock: on track, at risk, overdue, paused; ("", "") without one."""
        clock = getattr(self.flow_task, "clock", None)
        state = clock(self) if clock is not None else ""
        return state, STATE_LABELS.get(state, "")

    @classmethod
    def from_db(cls, db, field_names, values):
        task = super().from_db(db, field_names, values)
        task._saved_queued = task.__dict__.get("queued")
        return task

    def fill_new_row(self) -> None:
        """The columns a new step's row derives: node type, queue flag, step name, due times (from the flow's
        node: its step's deadline), case and unit. save() calls it; so does a writer that inserts the row
        itself (workflows.engine.activations)."""
        if self.flow_task and not self.flow_task_type:
            self.flow_task_type = self.flow_task.task_type
        human = self.flow_task_type == "HUMAN"
        self.queued = human and self.status == STATUS.NEW
        self.step = self.flow_task.name if human and self.flow_task else ""
        self._fill_case()
        if self.due_at is None and human and hasattr(self.flow_task, "schedule"):
            case = getattr(self.process, "case", None)
            title_type_id = case.title_type_id if case is not None else None
            self.due_at, self.remind_at, self.escalate_at = self.flow_task.schedule(title_type_id)

    def _fill_case(self) -> None:
        if self.case_id is None or self.unit_id is None:
            case = getattr(self.process, "case", None)
            if case is not None:
                self.case_id, self.unit_id = case.pk, case.unit_id
            else:
                self.case_id, self.unit_id = CaseProcess.objects.values_list("case_id", "case__unit_id").get(
                    pk=self.process_id
                )

    def mark_saved(self) -> None:
        """The instance now matches its row (written by a statement of the caller's, e.g. an INSERT)."""
        self._state.adding = False
        self._saved_queued = self.queued

    def save(self, *args, **kwargs):
        if self._state.adding:
            self.fill_new_row()
            super().save(*args, **kwargs)
            self.mark_saved()
            return
        if self.flow_task and not self.flow_task_type:
            self.flow_task_type = self.flow_task.task_type
        self.queued = self.flow_task_type == "HUMAN" and self.status == STATUS.NEW
        update_fields = kwargs.get("update_fields")
        if update_fields is None:
            # viewflow saves tasks whole on every status change; the case and due time never change that way,
            # so only viewflow's own table is written, and this table's row only when the step enters or
            # leaves the queue (claim, release, completion straight from the queue).
            changed = self.queued != getattr(self, "_saved_queued", None)
            kwargs["update_fields"] = [*_TASK_FIELDS, "queued"] if changed else _TASK_FIELDS
        elif "status" in update_fields and "queued" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "queued"]
        self._fill_case()
        super().save(*args, **kwargs)
        self._saved_queued = self.queued


_PROCESS_FIELDS = [f.name for f in Process._meta.concrete_fields if not f.primary_key]
_TASK_FIELDS = [f.name for f in Task._meta.concrete_fields if not f.primary_key]


class StepDeadline(models.Model):
    """How many working days a step of a title type may take, and how early it shows as at risk."""

    title_type = models.ForeignKey(
        "criteria.TitleType", verbose_name=_("title type"), on_delete=models.CASCADE, related_name="+"
    )
    # a key of the step table (workflows.steps): the admin's form offers the table's steps, so a step added
    # to the table needs no migration
    step = models.CharField(_("step"), max_length=32)
    working_days = models.PositiveSmallIntegerField(_("working days"))
    warning_days = models.PositiveSmallIntegerField(
        _("warning window (working days)"),
        default=2,
        help_text=_("The step shows as at risk this many working days before it is due."),
    )

    class Meta:
        verbose_name = _("step deadline")
        verbose_name_plural = _("step deadlines")
        ordering = ["title_type", "step"]
        constraints = [models.UniqueConstraint(fields=["title_type", "step"], name="wf_step_deadline_unique")]

    def __str__(self):
        return f"{self.title_type} · {self.step}: {self.working_days}"


class CalendarDay(models.Model):
    """A day the administrator adds to the public-holiday calendar: an extra day off, or a working day
    (a Saturday worked in exchange for a bridge holiday)."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"), default=False, help_text=_("Ticked: a working day; unticked: a day off.")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["-date"]

    def __str__(self):
        return f"{self.date:%d/%m/%Y}"


class StepEffect(models.Model):
    """One deadline effect (reminder, escalation, stall) delivered for a step: the row is the claim, so each
    happens once per (step, kind) however many sweeps run, crash or overlap."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("reminder")
        ESCALATION = "escalation", _("escalation")
        STALLED = "stalled", _("stalled")

    task = models.ForeignKey(
        CaseTask, verbose_name=_("step"), on_delete=models.CASCADE, related_name="effects"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    sweep = models.UUIDField(_("sweep"), editable=False)

    class Meta:
        verbose_name = _("deadline effect")
        verbose_name_plural = _("deadline effects")
        constraints = [models.UniqueConstraint(fields=["task", "kind"], name="wf_step_effect_once")]
        indexes = [models.Index(fields=["sweep"], name="wf_step_effect_sweep_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.task_id}"
