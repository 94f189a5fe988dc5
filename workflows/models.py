"""viewflow rows saying who must act next on a case, since when and by when; the state stays on Case."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from cases.models import Case

from .deadlines import due_for


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
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    # Copies for the queue, which must not sort every open step of a province through a join: the step's
    # node name (fixed at creation) and whether the step waits unclaimed in the queue (status NEW).
    step = models.CharField(_("step"), max_length=32, blank=True, editable=False)
    queued = models.BooleanField(_("waiting in the queue"), default=False, editable=False)

    class Meta:
        verbose_name = _("recognition step")
        verbose_name_plural = _("recognition steps")
        indexes = [
            models.Index(fields=["case", "due_at"], name="wf_casetask_case_due_idx"),
            models.Index(fields=["step", "due_at"], condition=Q(queued=True), name="wf_casetask_queue_idx"),
        ]

    @classmethod
    def from_db(cls, db, field_names, values):
        task = super().from_db(db, field_names, values)
        task._saved_queued = task.__dict__.get("queued")
        return task

    def save(self, *args, **kwargs):
        if self.flow_task and not self.flow_task_type:
            self.flow_task_type = self.flow_task.task_type
        human = self.flow_task_type == "HUMAN"
        self.queued = human and self.status == STATUS.NEW
        if self._state.adding:
            self.step = self.flow_task.name if human and self.flow_task else ""
            if self.due_at is None and human:
                self.due_at = due_for(self.flow_task.name)
        update_fields = kwargs.get("update_fields")
        if not self._state.adding and update_fields is None:
            # viewflow saves tasks whole on every status change; the case and due time never change that way,
            # so only viewflow's own table is written, and this table's row only when the step enters or
            # leaves the queue (claim, release, completion straight from the queue).
            changed = self.queued != getattr(self, "_saved_queued", None)
            kwargs["update_fields"] = [*_TASK_FIELDS, "queued"] if changed else _TASK_FIELDS
        elif update_fields is not None and "status" in update_fields and "queued" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "queued"]
        if self.case_id is None:
            self.case_id = getattr(self.process, "case_id", None) or (
                CaseProcess.objects.values_list("case_id", flat=True).get(pk=self.process_id)
            )
        super().save(*args, **kwargs)
        self._saved_queued = self.queued


_PROCESS_FIELDS = [f.name for f in Process._meta.concrete_fields if not f.primary_key]
_TASK_FIELDS = [f.name for f in Task._meta.concrete_fields if not f.primary_key]
