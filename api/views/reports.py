"""Coverage figures: a unit's children against their targets, as on the coverage page."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from reports import coverage as cov
from reports.forms import CoverageFilterForm

from ._common import parsed


class UnitSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()


class CoverageRowSerializer(serializers.Serializer):
    unit = UnitSerializer()
    total = serializers.IntegerField()
    registered = serializers.IntegerField()
    recognised = serializers.IntegerField()
    target = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    pct_registered = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    by_state = serializers.DictField(child=serializers.IntegerField())
    by_level = serializers.DictField(child=serializers.IntegerField())


class CoverageSerializer(serializers.Serializer):
    title = serializers.CharField(source="title.code")
    year = serializers.IntegerField()
    unit = UnitSerializer()
    total = CoverageRowSerializer()
    rows = CoverageRowSerializer(many=True)
    levels = serializers.ListField(child=serializers.IntegerField())


@extend_schema(
    tags=["reports"], summary="Đơn vị báo cáo / Units to report on", responses=UnitSerializer(many=True)
)
class CoverageRoots(APIView):
    """The units whose coverage the caller may read (the top of each of their grants)."""

    def get(self, request):
        roots = cov.coverage_roots(request.user)
        if not roots:
            raise PermissionDenied
        return Response(UnitSerializer(roots, many=True).data)


@extend_schema(tags=["reports"], summary="Tỷ lệ công nhận / Coverage", responses=CoverageSerializer)
class Coverage(APIView):
    """Coverage under a unit, one row per child unit, for a title and a year (default: this year)."""

    filter_form = CoverageFilterForm

    def get(self, request, code: str):
        unit = cov.unit_for(request.user, code)
        form = CoverageFilterForm(request.query_params)
        parsed(form)
        title, year = form.selection(timezone.localdate().year)
        if title is None:
            raise Http404
        report = cov.coverage(unit, title=title, year=year)
        return Response(CoverageSerializer(report).data)
