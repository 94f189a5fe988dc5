"""What every page of the collective steps shares: lists and new meetings or decisions work alike, refusals
become messages, documents are attachments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.http import require_POST

from audit.services import record_event
from cases.decorators import acting_role_required
from cases.exceptions import CaseActionError
from cases.pagination import CappedPaginator
from cases.params import ascii_int, ascii_ints
from cases.services import record_personal_data_access

from .. import selectors

LIST_PAGE_SIZE = 25
# rows of a meeting's list or a decision's annex per page: a decision may list a whole commune's households
ENTRIES_PAGE_SIZE = 100


def acting_post(view):
    """A form post that changes something: signed in, holding a role that takes a step, and a POST."""
    return login_required(acting_role_required(require_POST(view)))


def paged(request, queryset, per_page: int, number=None) -> dict:
    """One page of a list and what the pager partial (includes/pager.html) needs."""
    page = CappedPaginator(queryset, per_page).get_page(number or request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return {
        "page_obj": page,
        "paginator": page.paginator,
        "is_paginated": page.has_other_pages(),
        "query_string": params.urlencode(),
    }


def list_page(request, queryset, per_page: int, template: str, name: str):
    """One page of the meetings or decisions the user sees, as `name` in the template."""
    context = paged(request, queryset, per_page)
    return render(request, template, {**context, name: context["page_obj"]})


@method_decorator([login_required, acting_role_required], name="dispatch")
class NewBatchView(View):
    """A new meeting or decision over chosen cases of one unit. The unit is the one the first chosen case lies
    in, else the one picked on a page of its own (`unit_param`: also its name in both templates); the form
    offers the unit's candidate cases, and a valid form is one call of `create` (one service)."""

    http_method_names = ["get", "post"]
    unit_param = ""  # "village", "commune"
    templates: tuple[str, str] = ("", "")  # the page that picks the unit, the form's page
    form_class = None
    url_name = ""  # the page of what was created
    created = ""  # the success message, with %(n)s cases
    only_unit_by_default = False  # with a single unit, it is picked without asking

    def units(self):
        raise NotImplementedError

    def form_kwargs(self, unit) -> dict:
        raise NotImplementedError

    def create(self, unit, data: dict, chosen: list):
        raise NotImplementedError

    def get(self, request):
        return self.respond(request)

    def post(self, request):
        return self.respond(request)

    def respond(self, request):
        units = self.units()
        unit = self.unit_of_request(units)
        if unit is None:
            return render(request, self.templates[0], {f"{self.unit_param}s": units})
        kwargs = self.form_kwargs(unit)
        if request.method == "GET":
            form = self.form_class(initial={"cases": case_ids(request)}, **kwargs)
        else:
            form = self.form_class(request.POST, **kwargs)
            if form.is_valid():
                chosen = list(form.cleaned_data["cases"])
                try:
                    made = self.create(unit, form.cleaned_data, chosen)
                except (CaseActionError, ValidationError) as exc:
                    report(request, exc)
                else:
                    messages.success(request, str(self.created) % {"n": len(chosen)})
                    return redirect(self.url_name, pk=made.pk)
        return render(request, self.templates[1], {"form": form, self.unit_param: unit})

    def unit_of_request(self, units):
        ids = case_ids(self.request)
        if ids:
            return selectors.chosen_unit(units, case_id=ids[0])
        raw = self.request.GET.get(self.unit_param) or self.request.POST.get(self.unit_param) or ""
        if ascii_int(raw) is not None:
            return selectors.chosen_unit(units, pk=ascii_int(raw))
        if self.only_unit_by_default and len(units) == 1:
            return units[0]
        return None


def back_to_page(request, name: str, pk: int):
    """Back to the page of the list the form was sent from (the form carries its page number)."""
    page = request.POST.get("page", "")
    url = reverse(name, args=[pk])
    return redirect(f"{url}?page={page}" if ascii_int(page, max_digits=6) not in (None, 1) else url)


def posted_id(request, name: str) -> int | None:
    """A row id sent by a form, or None when it is not one (an id past the database's integers included)."""
    raw = request.POST.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) <= 9 else None


def case_ids(request) -> list[int]:
    return ascii_ints(request.GET.getlist("case") + request.POST.getlist("case"), limit=2000)


def report(request, exc: Exception) -> None:
    """Show a service's refusal: the message, then every case it names."""
    if isinstance(exc, CaseActionError):
        messages.error(request, exc.message)
        for problem in getattr(exc, "problems", []):
            messages.error(request, problem)
    elif isinstance(exc, ValidationError):
        for message in exc.messages:
            messages.error(request, message)
    else:
        raise exc


def attempt(request, action, success: str) -> bool:
    """Call a service; show its refusal (with every case it names) or `success`. True when it went through."""
    try:
        action()
    except CaseActionError as exc:
        report(request, exc)
        return False
    messages.success(request, success)
    return True


def attempt_form(request, form, action, success: str) -> bool:
    """A form that names its reason, then a service: the form's errors or the service's refusal are shown as
    messages, else `success`. True when it went through."""
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return False
    try:
        action(form.cleaned_data)
    except (CaseActionError, ValidationError) as exc:
        report(request, exc)
        return False
    messages.success(request, success)
    return True


def document(request, owner, field: str, *, what: str, filename: str):
    """A generated document of a meeting or decision: the file in `field`, its SHA-256 in `<field>_sha256`."""
    return attachment(
        request,
        getattr(owner, field),
        filename=filename,
        stream=owner.stream,
        scope=owner.unit_path,
        what=what,
        sha256=getattr(owner, f"{field}_sha256"),
    )


def outcomes_posted(request, entry_ids, outcome) -> dict[int, tuple]:
    """(outcome, reason) of each entry the list's form sent: the form shows a page of the list, and only the
    rows it sent change. `outcome` reads the value of the entry's result field."""
    return {
        pk: (outcome(request.POST[f"result-{pk}"]), request.POST.get(f"reason-{pk}", ""))
        for pk in entry_ids
        if f"result-{pk}" in request.POST
    }


def attachment(
    request,
    field,
    *,
    filename: str,
    stream: str,
    scope: str,
    what: str,
    sha256: str,
    content_type: str = "application/pdf",
    data: dict | None = None,
    personal_data=None,
):
    """Serve a stored file as a download; the access is logged on `stream` (the files carry personal data),
    and, for a file about one case (`personal_data`), as access to its subject's personal data too."""
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    record_event(
        stream,
        "document.downloaded",
        actor=request.user,
        data={"document": what, "sha256": sha256, **(data or {})},
        scope=scope,
    )
    if personal_data is not None:
        record_personal_data_access(request.user, personal_data, what, sha256=sha256, **(data or {}))
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
