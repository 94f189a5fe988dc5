"""Evidence on the collect step: upload one file for one criterion item (add_evidence, as the step page)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import permissions as perms
from cases import services as case_services
from workflows.officer import selectors
from workflows.steps.pages import collect_evidence
from workflows.steps.selectors import criteria_items

from ..permissions import ActingRole
from ..serializers import EvidenceSerializer


class UploadPayload(serializers.Serializer):
    item = serializers.IntegerField(min_value=1, max_value=10**18, help_text="criterion item id")
    file = serializers.FileField(allow_empty_file=False)


@extend_schema(
    tags=["evidence"],
    summary="Nộp minh chứng / Upload evidence",
    request={"multipart/form-data": UploadPayload},
    responses={201: EvidenceSerializer},
)
class EvidenceUpload(APIView):
    """Attach one file to the case of an open collect step, for one item of its criteria set."""

    permission_classes = [ActingRole]
    parser_classes = [MultiPartParser]

    def post(self, request, task_pk: int):
        task, case = selectors.human_task_and_case_for(request.user, task_pk)
        step = getattr(task.flow_task, "step", None)
        if step is None or step.page is not collect_evidence:
            raise Http404
        if task.owner_id != request.user.pk and not perms.can(request.user, step.action, case):
            raise PermissionDenied(_("You cannot take this step."))
        payload = UploadPayload(data=request.data)
        payload.is_valid(raise_exception=True)
        item = criteria_items(case).filter(pk=payload.validated_data["item"]).first()
        if item is None:
            raise ValidationError({"item": [_("Not an item of this case's criteria set.")]})
        evidence = case_services.add_evidence(
            case, item=item, upload=payload.validated_data["file"], actor=request.user
        )
        return Response(EvidenceSerializer(evidence).data, status=201)
