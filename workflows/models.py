"""viewflow rows saying who must act next on a case, since when and by when; the state stays on Case."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process, Task

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


class CaseTask(Task):
    """A step of a recognition process, with its case (denormalised for the inbox joins) and its due time."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="tasks")
    due_at = models.DateTimeField(_("due"), null=True, blank=True)

    class Meta:
        verbose_name = _("recognition step")
        verbose_name_plural = _("recognition steps")
        indexes = [models.Index(fields=["case", "due_at"], name="wf_casetask_case_due_idx")]

    def save(self, *args, **kwargs):
        if self.flow_task and not self.flow_task_type:
            self.flow_task_type = self.flow_task.task_type
        if self._state.adding and self.due_at is None and self.flow_task_type == "HUMAN":
            self.due_at = due_for(self.flow_task.name)
        if not self._state.adding and kwargs.get("update_fields") is None:
            # viewflow saves tasks whole on every status change; the case and due time never change that way,
            # so only viewflow's own table is written (one UPDATE instead of two per save).
            kwargs["update_fields"] = _TASK_FIELDS
        if self.case_id is None:
            self.case_id = getattr(self.process, "case_id", None) or (
                CaseProcess.objects.values_list("case_id", flat=True).get(pk=self.process_id)
            )
        super().save(*args, **kwargs)


_TASK_FIELDS = [f.name for f in Task._meta.concrete_fields if not f.primary_key]
