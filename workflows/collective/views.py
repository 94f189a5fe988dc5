"""The actions that end a collective step, on the pages of approvals (a meeting, a decision, an audit): each
calls the workflow's service, which also completes the cases' steps. Mounted in the approvals namespace by
config.site, next to the pages they are posted from."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from approvals import selectors
from approvals.forms import SignForm
from approvals.views._common import attempt, report
from cases.decorators import acting_role_required
from cases.exceptions import CaseActionError

from . import services


def _closing(load, close, done, page):
    """The POST that closes a meeting or an audit: load it in the user's scope, close it, say how it went."""

    @login_required
    @acting_role_required
    @require_POST
    def view(request, pk: int):
        obj = load(request.user, pk)
        attempt(request, lambda: close(obj, actor=request.user), str(done))
        return redirect(page, pk=obj.pk)

    return view


session_close = _closing(
    selectors.get_session_for,
    services.close_session,
    gettext_lazy("The meeting was closed; every case on its list was reviewed."),
    "approvals:session",
)
audit_close = _closing(
    selectors.get_audit_for,
    services.close_audit,
    gettext_lazy("The audit was closed and the commune was notified."),
    "approvals:audit",
)


@login_required
@acting_role_required
@require_POST
def decision_sign(request, pk: int):
    decision = selectors.get_decision_for(request.user, pk)
    form = SignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the signer's full name."))
        return redirect("approvals:decision", pk=decision.pk)
    try:
        decision = services.sign_decision(
            decision, actor=request.user, signer_name=form.cleaned_data["signer_name"]
        )
    except CaseActionError as exc:
        report(request, exc)
    else:
        messages.success(
            request,
            _("Decision %(ref)s was signed; its documents are being generated.")
            % {"ref": decision.reference},
        )
    return redirect("approvals:decision", pk=decision.pk)


# in the approvals namespace (config.site): the pages post to approvals:session_close and the like
urlpatterns = [
    path("hop-xet/<int:pk>/ket-thuc/", session_close, name="session_close"),
    path("quyet-dinh/<int:pk>/ky/", decision_sign, name="decision_sign"),
    path("hau-kiem/<int:pk>/ket-thuc/", audit_close, name="audit_close"),
]
