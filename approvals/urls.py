from django.urls import path

from .views import audits, decisions, proposals, sessions

app_name = "approvals"

# The actions that end a collective step (close a meeting, sign a decision, close an audit) also complete the
# cases' workflow steps: they are workflows.collective.views, mounted in this namespace by config.site.

urlpatterns = [
    path("hop-xet/", sessions.session_list, name="sessions"),
    path("hop-xet/moi/", sessions.session_new, name="session_new"),
    path("hop-xet/<int:pk>/", sessions.session_detail, name="session"),
    path("hop-xet/<int:pk>/ket-qua/", sessions.session_results, name="session_results"),
    path("hop-xet/<int:pk>/y-kien/", sessions.session_comment, name="session_comment"),
    path("hop-xet/<int:pk>/bo-ho-so/", sessions.session_drop, name="session_drop"),
    path("hop-xet/<int:pk>/huy/", sessions.session_cancel, name="session_cancel"),
    path("hop-xet/<int:pk>/bien-ban/", sessions.session_minutes, name="session_minutes"),
    path("to-trinh/", proposals.proposal_list, name="proposals"),
    path("to-trinh/moi/", proposals.proposal_new, name="proposal_new"),
    path("to-trinh/<int:pk>/", proposals.proposal_detail, name="proposal"),
    path("quyet-dinh/", decisions.decision_list, name="decisions"),
    path("quyet-dinh/moi/", decisions.decision_new, name="decision_new"),
    path("quyet-dinh/<int:pk>/", decisions.decision_detail, name="decision"),
    path("quyet-dinh/<int:pk>/danh-sach/", decisions.decision_outcomes, name="decision_outcomes"),
    path("quyet-dinh/<int:pk>/bo-ho-so/", decisions.decision_drop, name="decision_drop"),
    path("quyet-dinh/<int:pk>/huy-du-thao/", decisions.decision_discard, name="decision_discard"),
    path("quyet-dinh/<int:pk>/van-ban/", decisions.decision_document, name="decision_document"),
    path("quyet-dinh/<int:pk>/giay-cong-nhan/<int:entry_pk>/", decisions.certificate, name="certificate"),
    path("quyet-dinh/<int:pk>/hau-kiem/", decisions.audit_open, name="audit_open"),
    path("hau-kiem/<int:pk>/", audits.audit_detail, name="audit"),
    path("hau-kiem/<int:pk>/mau/<int:sample_pk>/", audits.audit_finding, name="audit_finding"),
    path("hau-kiem/<int:pk>/tep/<int:file_pk>/", audits.finding_file, name="finding_file"),
]
