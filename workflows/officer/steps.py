"""One page per human step of the recognition flow: parse the outcome's form, call perform_step, respond.

Evidence uploads and removals on the collect page are not step completions: they call the evidence
services directly (one call per file) and leave the step open.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import permissions as perms
from cases import selectors as case_selectors
from cases import services as case_services
from cases.decorators import acting_role_required
from cases.exceptions import CaseActionError
from cases.models import Case
from cases.views import serve_evidence

from ..engine import steps as services
from ..models import CaseTask
from ..steps.base import Step
from ..steps.forms import EvidenceUploadForm, RemoveEvidenceForm
from ..steps.pages import collect_evidence
from ..steps.selectors import criteria_items
from . import selectors

# --- loading and access ---------------------------------------------------------------------------------


def _load(user, task_pk: int) -> tuple[CaseTask, Case, Step]:
    """The step (its declaration in its flow's step table) and its case, or 404 when the case is outside the
    user's scope."""
    task, case = selectors.human_task_and_case_for(user, task_pk)
    step = getattr(task.flow_task, "step", None)
    if step is None:
        raise Http404
    return task, case, step


def _ensure_may_act(user, task: CaseTask, case: Case, step: Step) -> None:
    if task.owner_id != user.pk and not perms.can(user, step.action, case):
        raise PermissionDenied(_("You cannot take this step."))


def _is_open(task: CaseTask) -> bool:
    return task.status in services.OPEN_TASK_STATES


def _case_file(case: Case):
    return redirect("cases:detail", pk=case.pk)


def _step_page(task: CaseTask):
    return redirect("workflows:step", task_pk=task.pk)


# --- the step page --------------------------------------------------------------------------------------


@login_required
@acting_role_required
@require_http_methods(["GET", "POST"])
def step_view(request, task_pk: int):
    task, case, step = _load(request.user, task_pk)
    _ensure_may_act(request.user, task, case, step)
    if request.method == "GET":
        if not _is_open(task):
            messages.warning(request, services.step_closed(case, step.key).message)
            return _case_file(case)
        return _render_step(request, task, case, step)

    outcome_name = request.POST.get("outcome", "")
    outcome = step.outcomes.get(outcome_name)
    if outcome is None:
        return HttpResponseBadRequest(_("Unknown outcome."))
    form = outcome.form(case, request.POST, outcome_name)
    if not form.is_valid():
        return _render_step(request, task, case, step, bound=(outcome_name, form))
    try:
        updated = services.perform_step(
            case, step=step.key, outcome=outcome_name, actor=request.user, task=task, **form.outcome_kwargs()
        )
    except CaseActionError as exc:
        messages.warning(request, exc.message)
        return _case_file(case)
    except ValidationError as exc:
        form.add_service_errors(exc)
        return _render_step(request, task, case, step, bound=(outcome_name, form))
    messages.success(request, outcome.done(updated))
    return _case_file(updated)


def _render_step(request, task, case, step, *, bound=None, context: dict | None = None):
    user = request.user
    may_work = task.owner_id in (None, user.pk)
    forms, side = {}, []
    for name, outcome in step.outcomes.items():
        if bound and bound[0] == name:
            form = bound[1]
        elif outcome.allowed(user, case) and (may_work or not outcome.own_work):
            form = outcome.form(case, None, name)
        else:
            continue
        forms[name] = form
        if outcome.side:
            side.append({"outcome": name, "form": form, "button": outcome.button, "open": form.is_bound})
    ctx = {
        "task": task,
        "case": case,
        "step": step.key,
        "step_title": task.flow_task.task_title,
        "forms": forms,
        "buttons": {name: o.button for name, o in step.outcomes.items()},
        "side_forms": side,
        "may_work": may_work,
        **(context if context is not None else step.page(request, task, case)),
    }
    if "score" in forms:
        ctx["sheet"] = forms["score"].sheet()
    return render(request, step.template_name, ctx)


# --- evidence on the collect step -----------------------------------------------------------------------


def _load_collect(request, task_pk: int) -> tuple[CaseTask, Case, Step]:
    task, case, step = _load(request.user, task_pk)
    if step.page is not collect_evidence:
        raise Http404
    _ensure_may_act(request.user, task, case, step)
    return task, case, step


@login_required
@acting_role_required
@require_POST
def evidence_upload(request, task_pk: int):
    """Attach the chosen files, each through its own add_evidence call; report each refusal by file name."""
    task, case, step = _load_collect(request, task_pk)
    form = EvidenceUploadForm(request.POST, request.FILES, items=criteria_items(case))
    if not form.is_valid():
        for error in form.non_field_errors():
            messages.error(request, error)
        return _step_page(task)
    attached = []
    for item, upload in form.uploads():
        try:
            case_services.add_evidence(case, item=item, upload=upload, actor=request.user)
        except ValidationError as exc:
            messages.error(
                request,
                _("%(name)s was not attached: %(error)s")
                % {"name": upload.name, "error": " ".join(exc.messages)},
            )
        except CaseActionError as exc:
            messages.warning(request, exc.message)
            break
        else:
            attached.append(upload.name)
    if attached:
        messages.success(
            request,
            ngettext(
                "%(count)s file attached: %(names)s.", "%(count)s files attached: %(names)s.", len(attached)
            )
            % {"count": len(attached), "names": ", ".join(attached)},
        )
    return _step_page(task)


@login_required
@acting_role_required
@require_POST
def evidence_remove(request, task_pk: int, evidence_pk: int):
    """Withdraw one file from the case with a reason; the file stays on record."""
    task, case, step = _load_collect(request, task_pk)
    evidence = case_selectors.get_evidence_of(case, evidence_pk)
    form = RemoveEvidenceForm(request.POST, auto_id=f"id_rm{evidence.pk}_%s")
    if form.is_valid():
        try:
            case_services.remove_evidence(evidence, actor=request.user, reason=form.cleaned_data["reason"])
        except CaseActionError as exc:
            messages.warning(request, exc.message)
            return _step_page(task)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request, _("Evidence file %(name)s was removed.") % {"name": evidence.original_name}
            )
            return _step_page(task)
    messages.error(request, _("Evidence file %(name)s was not removed.") % {"name": evidence.original_name})
    context = collect_evidence(request, task, case, remove=(evidence.pk, form))
    return _render_step(request, task, case, step, context=context)


@login_required
@require_GET
def evidence_preview(request, task_pk: int, evidence_pk: int):
    """Show an evidence file inline (image thumbnail, PDF) in a sandbox: it can never script our origin."""
    case = selectors.case_of_task_for(request.user, task_pk)
    evidence = case_selectors.get_evidence_of(case, evidence_pk)
    return serve_evidence(request, case, evidence, inline=True, what="evidence_preview")


urlpatterns = [
    path("viec/<int:task_pk>/", step_view, name="step"),
    path("viec/<int:task_pk>/minh-chung/", evidence_upload, name="evidence_upload"),
    path("viec/<int:task_pk>/minh-chung/<int:evidence_pk>/go/", evidence_remove, name="evidence_remove"),
    path("viec/<int:task_pk>/minh-chung/<int:evidence_pk>/xem/", evidence_preview, name="evidence_preview"),
]
