"""What every page of the collective steps shares: refusals become messages, documents are attachments."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse

from audit.services import record_event
from cases.exceptions import CaseActionError
from cases.pagination import CappedPaginator
from cases.services import record_personal_data_access

LIST_PAGE_SIZE = 25
# rows of a meeting's list or a decision's annex per page: a decision may list a whole commune's households
ENTRIES_PAGE_SIZE = 100


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


def back_to_page(request, name: str, pk: int):
    """Back to the page of the list the form was sent from (the form carries its page number)."""
    page = request.POST.get("page", "")
    url = reverse(name, args=[pk])
    return redirect(f"{url}?page={page}" if page.isdigit() and page != "1" else url)


def case_ids(request) -> list[int]:
    return [int(v) for v in request.GET.getlist("case") + request.POST.getlist("case") if v.isdigit()][:2000]


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
