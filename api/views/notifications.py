"""The caller's own notifications: list, mark one read, mark all read."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from notifications import selectors, services

from ..pagination import Cursor
from ..serializers import NotificationSerializer


@extend_schema(tags=["notifications"], summary="Thông báo / Notifications")
class Notifications(ListAPIView):
    """The caller's notifications, newest first."""

    serializer_class = NotificationSerializer
    pagination_class = Cursor

    def get_queryset(self):
        return selectors.notifications_for(self.request.user)


@extend_schema(
    tags=["notifications"],
    summary="Đánh dấu đã đọc / Mark read",
    request=None,
    responses=NotificationSerializer,
)
class NotificationRead(APIView):
    def post(self, request, pk: int):
        notification = selectors.get_notification_for(request.user, pk)
        return Response(NotificationSerializer(services.mark_read(notification, actor=request.user)).data)


class MarkedCount(serializers.Serializer):
    marked = serializers.IntegerField()


@extend_schema(
    tags=["notifications"], summary="Đọc tất cả / Mark all read", request=None, responses=MarkedCount
)
class NotificationsReadAll(APIView):
    def post(self, request):
        return Response({"marked": services.mark_all_read(request.user)})
