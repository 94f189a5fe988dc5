"""The work lists (inbox, queue) with the work list's filters; claiming and releasing steps."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.exceptions import CaseActionError
from workflows.engine import steps as services
from workflows.officer import selectors
from workflows.officer.forms import TaskFilterForm
from workflows.officer.views import MAX_BULK

from ..pagination import OldestFirst
from ..permissions import ActingRole
from ..serializers import TaskSerializer
from ._common import parsed


class ApiTaskFilterForm(TaskFilterForm):
    """The work list's filters; the order is the cursor's (oldest step first)."""

    order = None


class TaskList(ListAPIView):
    serializer_class = TaskSerializer
    pagination_class = OldestFirst
    filter_form = ApiTaskFilterForm
    selector = None

    def get_queryset(self):
        form = ApiTaskFilterForm(self.request.query_params)
        parsed(form)
        return type(self).selector(self.request.user, form.filters())


@extend_schema(tags=["work"], summary="Việc của tôi / Inbox")
class Inbox(TaskList):
    """Steps the caller has claimed and not finished."""

    selector = staticmethod(selectors.inbox_for)


@extend_schema(tags=["work"], summary="Việc chờ nhận / Queue")
class Queue(TaskList):
    """Unclaimed steps the caller may take."""

    selector = staticmethod(selectors.queue_for)


class ClaimPayload(serializers.Serializer):
    tasks = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=10**18), min_length=1, max_length=MAX_BULK
    )


class Refusal(serializers.Serializer):
    task = serializers.IntegerField()
    detail = serializers.CharField()


class ClaimResult(serializers.Serializer):
    claimed = serializers.ListField(child=serializers.IntegerField())
    refused = Refusal(many=True)


@extend_schema(tags=["work"], summary="Nhận việc / Claim steps", request=ClaimPayload, responses=ClaimResult)
class Claim(APIView):
    """Claim steps from the queue (at most 100); each is claimed or refused on its own."""

    permission_classes = [ActingRole]

    def post(self, request):
        payload = ClaimPayload(data=request.data)
        payload.is_valid(raise_exception=True)
        ids = list(dict.fromkeys(payload.validated_data["tasks"]))
        tasks = {t.pk: t for t in selectors.queued_tasks_among(request.user, ids)}
        claimed, refused = [], []
        for pk in ids:
            task = tasks.get(pk)
            if task is None:
                refused.append({"task": pk, "detail": _("Not in your queue.")})
                continue
            try:
                services.claim_task(task, actor=request.user)
            except CaseActionError as exc:
                refused.append({"task": pk, "detail": exc.message})
            except PermissionDenied as exc:
                refused.append({"task": pk, "detail": str(exc)})
            else:
                claimed.append(pk)
        return Response(ClaimResult({"claimed": claimed, "refused": refused}).data)


@extend_schema(tags=["work"], summary="Trả việc / Release a step", request=None, responses=TaskSerializer)
class Release(APIView):
    """Put a claimed step back into the queue."""

    permission_classes = [ActingRole]

    def post(self, request, task_pk: int):
        task = selectors.inbox_for(request.user).filter(pk=task_pk).first()
        if task is None:
            raise NotFound(_("This step is not in your inbox."))
        return Response(TaskSerializer(services.release_task(task, actor=request.user)).data)
