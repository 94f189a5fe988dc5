"""The officer's work lists: inbox (claimed), queue (claimable) and archive (done); claim and release."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from cases.decorators import acting_role_required
from cases.exceptions import CaseActionError
from cases.links import link_maker
from cases.pagination import CappedPaginator
from cases.params import ascii_int, ascii_ints
from cases.selectors import get_case_for

from ..engine import steps as services
from ..steps.base import step_choices, step_named
from . import selectors
from .forms import TaskFilterForm

PAGE_SIZE = 25
MAX_BULK = 100


class TaskListView(LoginRequiredMixin, ListView):
    template_name = "workflows/task_list.html"
    paginator_class = CappedPaginator
    context_object_name = "tasks"
    paginate_by = PAGE_SIZE
    list_name = ""
    heading = ""
    selector = None

    def get_queryset(self):
        self.filter_form = TaskFilterForm(self.request.GET or None)
        return type(self).selector(self.request.user, self.filter_form.filters())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        ctx.update(
            filter_form=self.filter_form,
            query_string=params.urlencode(),
            list_name=self.list_name,
            heading=self.heading,
            rows=task_rows(ctx["tasks"]),
        )
        return ctx


@dataclass(frozen=True)
class TaskRow:
    """What a work-list row shows, computed once here rather than looked up by the template per cell."""

    pk: int
    reference: str
    title: str
    year: int
    subject: str
    step: str
    unit: str
    due_at: object
    deadline: tuple[str, str]
    finished: object
    case_url: str
    step_url: str
    release_url: str
    select_label: str


def task_rows(tasks) -> list[TaskRow]:
    """The rows of a page of steps; the three links of a row are made from one reverse() each per page."""
    case_url, step_url, release_url = map(link_maker, ("cases:detail", "workflows:step", "workflows:release"))
    titles = {step: str(title) for step, title in step_choices()}
    select = _("Select %(ref)s")
    rows = []
    for task in tasks:
        case = task.case
        rows.append(
            TaskRow(
                pk=task.pk,
                reference=case.reference,
                title=case.title_type.name,
                year=case.year,
                subject=case.subject.name,
                step=titles.get(task.step) or str(task.flow_task.task_title),
                unit=case.unit.name,
                due_at=task.due_at,
                deadline=task.deadline,
                finished=task.finished,
                case_url=case_url(case.pk),
                step_url=step_url(task.pk),
                release_url=release_url(task.pk),
                select_label=select % {"ref": case.reference},
            )
        )
    return rows


class InboxView(TaskListView):
    list_name = "inbox"
    heading = _("Inbox")
    selector = staticmethod(selectors.inbox_for)


class QueueView(TaskListView):
    list_name = "queue"
    heading = _("Queue")
    selector = staticmethod(selectors.queue_for)


class ArchiveView(TaskListView):
    list_name = "archive"
    heading = _("Done")
    selector = staticmethod(selectors.archive_for)


def _back(request, default: str):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


@login_required
@acting_role_required
@require_POST
def claim(request):
    """Claim one or several steps from the queue (bulk: every checked row)."""
    ids = ascii_ints(request.POST.getlist("task"), limit=MAX_BULK)
    if not ids:
        messages.warning(request, _("Select at least one step."))
        return _back(request, "workflows:queue")
    # only steps the user could see in their queue are considered; others are reported as unavailable
    tasks = {t.pk: t for t in selectors.queued_tasks_among(request.user, ids)}
    claimed, refused = 0, []
    for pk in ids:
        task = tasks.get(pk)
        if task is None:
            refused.append(str(pk))
            continue
        try:
            services.claim_task(task, actor=request.user)
            claimed += 1
        except (CaseActionError, PermissionDenied):
            refused.append(task.case.reference)
    if claimed:
        messages.success(
            request,
            ngettext("%(n)s step moved to your inbox.", "%(n)s steps moved to your inbox.", claimed)
            % {"n": claimed},
        )
    if refused:
        messages.warning(
            request,
            _("Not claimed (already taken or not yours to take): %(refs)s.") % {"refs": ", ".join(refused)},
        )
    return _back(request, "workflows:inbox")


# What each collective step is opened from: the step of the selected tasks, and the page that opens it.
BATCH_STEPS = {
    "session": ("review", "approvals:session_new"),
    "decision": ("decide", "approvals:decision_new"),
}


@login_required
@acting_role_required
@require_POST
def batch(request):
    """Selected review (or decide) steps from the inbox or queue -> the page that opens a meeting (or drafts a
    decision) with their cases; the collective step then completes the steps."""
    step, target = BATCH_STEPS.get(request.POST.get("batch", ""), (None, None))
    ids = ascii_ints(request.POST.getlist("task"), limit=MAX_BULK)
    if step is None or not ids:
        messages.warning(request, _("Select at least one step."))
        return _back(request, "workflows:inbox")
    cases = set()
    for selector in (selectors.inbox_for, selectors.queue_for):
        cases |= set(selector(request.user).filter(pk__in=ids, step=step).values_list("case_id", flat=True))
    if len(cases) != len(set(ids)):
        messages.warning(
            request, _("Select only “%(step)s” steps of your own units.") % {"step": step_named(step).label}
        )
        return _back(request, "workflows:inbox")
    return redirect(f"{reverse(target)}?{urlencode([('case', pk) for pk in sorted(cases)])}")


@login_required
@acting_role_required
@require_POST
def withdraw(request, case_pk: int):
    """Withdraw a case at whichever step is open (the household or the nominating body asked for it)."""
    case = get_case_for(request.user, case_pk)
    task_pk = request.POST.get("open_task", "")
    task = selectors.task_of_case(case, ascii_int(task_pk)) if ascii_int(task_pk) is not None else None
    if task is None:
        messages.warning(request, _("This case has no open step to withdraw from."))
        return redirect("cases:detail", pk=case.pk)
    try:
        services.perform_step(
            case,
            step=task.flow_task.name,
            outcome="withdraw",
            actor=request.user,
            task=task,
            reason=request.POST.get("reason", ""),
        )
    except CaseActionError as exc:
        messages.warning(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Case %(ref)s was withdrawn.") % {"ref": case.reference})
    return redirect("cases:detail", pk=case.pk)


@login_required
@acting_role_required
@require_POST
def release(request, task_pk: int):
    """Put a claimed step back into the queue."""
    task = selectors.inbox_for(request.user).filter(pk=task_pk).first()  # owned, and in the user's scope
    if task is None:
        messages.warning(request, _("This step is not in your inbox."))
        return _back(request, "workflows:inbox")
    try:
        services.release_task(task, actor=request.user)
        messages.success(request, _("Case %(ref)s is back in the queue.") % {"ref": task.case.reference})
    except CaseActionError as exc:
        messages.warning(request, exc.message)
    return _back(request, "workflows:inbox")
