"""The REST API under /api/: OpenAPI document, interactive docs (assets served locally), the operations."""

from django.urls import path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .problems import not_found
from .views import approvals, audit, cases, evidence, notifications, reports, work
from .views.steps import completion_views

app_name = "api"


class IdConverter:
    """A primary key: ASCII digits, small enough for a 64-bit column (a longer one is simply not found)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


class CodeConverter:
    """A unit code: letters, digits and dashes."""

    regex = "[A-Za-z0-9-]{1,40}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(IdConverter, "id")
register_converter(CodeConverter, "code")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
    path("cases/", cases.CaseList.as_view(), name="cases"),
    path("cases/<id:pk>/", cases.CaseDetail.as_view(), name="case"),
    path("cases/<id:pk>/evidence/<id:evidence_pk>/", cases.EvidenceDownload.as_view(), name="evidence"),
    path("inbox/", work.Inbox.as_view(), name="inbox"),
    path("queue/", work.Queue.as_view(), name="queue"),
    path("queue/claim/", work.Claim.as_view(), name="claim"),
    path("inbox/<id:task_pk>/release/", work.Release.as_view(), name="release"),
    path("tasks/<id:task_pk>/evidence/", evidence.EvidenceUpload.as_view(), name="evidence_upload"),
    *(
        path(f"tasks/<id:task_pk>/{step}/{outcome}/", view.as_view(), name=f"step_{step}_{outcome}")
        for step, outcome, view in completion_views()
    ),
    path("sessions/", approvals.SessionList.as_view(), name="sessions"),
    path("sessions/<id:pk>/", approvals.SessionDetail.as_view(), name="session"),
    path("sessions/<id:pk>/results/", approvals.SessionResults.as_view(), name="session_results"),
    path("sessions/<id:pk>/close/", approvals.SessionClose.as_view(), name="session_close"),
    path("decisions/", approvals.DecisionList.as_view(), name="decisions"),
    path("decisions/<id:pk>/", approvals.DecisionDetail.as_view(), name="decision"),
    path("decisions/<id:pk>/outcomes/", approvals.DecisionOutcomes.as_view(), name="decision_outcomes"),
    path("decisions/<id:pk>/sign/", approvals.DecisionSign.as_view(), name="decision_sign"),
    path("coverage/", reports.CoverageRoots.as_view(), name="coverage_roots"),
    path("coverage/<code:code>/", reports.Coverage.as_view(), name="coverage"),
    path("audit-events/", audit.AuditEvents.as_view(), name="audit_events"),
    path("notifications/", notifications.Notifications.as_view(), name="notifications"),
    path(
        "notifications/read-all/", notifications.NotificationsReadAll.as_view(), name="notifications_read_all"
    ),
    path("notifications/<id:pk>/read/", notifications.NotificationRead.as_view(), name="notification_read"),
    re_path(r"^[\s\S]*$", not_found),  # any other address under /api/, newlines included
]
