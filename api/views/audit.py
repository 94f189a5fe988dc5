"""The audit log for inspectors: the audit search's filters, in the caller's units only."""

from drf_spectacular.utils import extend_schema
from rest_framework.generics import ListAPIView

from inspection import selectors
from inspection.forms import AuditSearchForm

from ..pagination import Cursor
from ..permissions import Inspector
from ..serializers import EventSerializer
from ._common import parsed


@extend_schema(tags=["audit"], summary="Nhật ký kiểm tra / Audit events")
class AuditEvents(ListAPIView):
    """Audit events of the caller's units (province-wide inspectors also see configuration), newest first."""

    serializer_class = EventSerializer
    pagination_class = Cursor
    permission_classes = [Inspector]
    filter_form = AuditSearchForm

    def get_queryset(self):
        form = AuditSearchForm(self.request.query_params)
        parsed(form)
        return selectors.search_events(self.request.user, **form.filters())
