"""Cases: the list with the case list's filters, one case with its steps, history and evidence, and the
evidence files themselves."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import selectors
from cases.forms import CaseFilterForm
from cases.views import serve_evidence
from workflows.steps.selectors import human_tasks_of

from ..negotiation import FirstRenderer
from ..pagination import Cursor
from ..serializers import CaseDetailSerializer, CaseSerializer
from ._common import parsed

FILE_TYPES = ("application/pdf", "image/jpeg", "image/png")


@extend_schema(tags=["cases"], summary="Danh sách hồ sơ / Case list")
class CaseList(ListAPIView):
    """The cases the caller may see, filtered as on the case list page; newest first."""

    serializer_class = CaseSerializer
    pagination_class = Cursor
    filter_form = CaseFilterForm

    def get_queryset(self):
        filters = parsed(CaseFilterForm(self.request.query_params))
        user = self.request.user
        unit_path = ""
        if filters.get("unit"):
            unit = selectors.filter_unit(filters["unit"])
            if unit is None:
                return selectors.cases_for(user).none()
            unit_path = unit.path
        return selectors.cases_for(
            user,
            q=filters.get("q", ""),
            state=filters.get("state", ""),
            year=filters.get("year"),
            title=filters.get("title", ""),
            unit_path=unit_path,
        )


@extend_schema(tags=["cases"], summary="Một hồ sơ / One case", responses=CaseDetailSerializer)
class CaseDetail(APIView):
    """One case with its steps, its history (the audit events of its stream) and its evidence files."""

    def get(self, request, pk: int):
        case = selectors.get_case_for(request.user, pk)
        context = {
            "steps": human_tasks_of(case),
            "events": selectors.case_events(case),
            "evidence": list(selectors.evidence_for(case)),
        }
        return Response(CaseDetailSerializer(case, context=context).data)


@extend_schema(
    tags=["evidence"],
    summary="Tải tệp minh chứng / Download an evidence file",
    responses={
        **{(200, media): OpenApiResponse(OpenApiTypes.BINARY) for media in FILE_TYPES},
    },
)
class EvidenceDownload(APIView):
    """The file as uploaded; every download is recorded as access to the subject's personal data."""

    content_negotiation_class = FirstRenderer

    def get(self, request, pk: int, evidence_pk: int):
        case = selectors.get_case_for(request.user, pk)
        evidence = selectors.get_evidence_of(case, evidence_pk)
        return serve_evidence(request, case, evidence, inline=False, what="evidence")
