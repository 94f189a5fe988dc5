"""Village review meetings and commune decisions as batches: open or draft one over chosen cases, record the
results of the whole list in one call, close or sign it (the workflow then completes the cases' steps)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals import selectors, services
from approvals.forms import DecisionForm, SessionForm, SignForm
from approvals.models import Decision, DecisionEntry, ReviewSession, SessionEntry
from cases.models import CaseState
from workflows.collective import services as collective

from ..pagination import Cursor
from ..permissions import ActingRole
from ._common import parsed, query_dict

ID = {"min_value": 1, "max_value": 10**18}
MAX_CASES = 2000  # as the pages' case lists (approvals.views._common.case_ids)


# --- shapes -----------------------------------------------------------------------------------------------


class SessionSerializer(serializers.ModelSerializer):
    village = serializers.CharField(source="village.code")
    village_name = serializers.CharField(source="village.name")
    title = serializers.CharField(source="title_type.code")

    class Meta:
        model = ReviewSession
        fields = [
            "id",
            "village",
            "village_name",
            "title",
            "year",
            "meeting_date",
            "location",
            "chair",
            "secretary",
            "attendees",
            "posting_ends",
            "status",
            "created_at",
        ]
        read_only_fields = fields


class _EntrySerializer(serializers.ModelSerializer):
    """A case on a collective list (a meeting's or a decision's entry): the case and its subject."""

    case = serializers.IntegerField(source="case_id")
    reference = serializers.CharField(source="case.reference")
    subject = serializers.CharField(source="case.subject.name")


class SessionEntrySerializer(_EntrySerializer):
    class Meta:
        model = SessionEntry
        fields = ["id", "case", "reference", "subject", "proposed", "reason"]
        read_only_fields = fields


class SessionCounts(serializers.Serializer):
    total = serializers.IntegerField()
    proposed = serializers.IntegerField()
    not_proposed = serializers.IntegerField()
    pending = serializers.IntegerField()


class SessionDetailSerializer(SessionSerializer):
    entries = SessionEntrySerializer(many=True, source="api_entries")
    counts = SessionCounts(source="api_counts")

    class Meta(SessionSerializer.Meta):
        fields = [*SessionSerializer.Meta.fields, "counts", "entries"]
        read_only_fields = fields


def _session_detail(session: ReviewSession) -> dict:
    session.api_entries = list(selectors.session_entries(session))
    session.api_counts = selectors.session_counts(session)
    return SessionDetailSerializer(session).data


class DecisionSerializer(serializers.ModelSerializer):
    commune = serializers.CharField(source="commune.code")
    commune_name = serializers.CharField(source="commune.name")
    title = serializers.CharField(source="title_type.code")

    class Meta:
        model = Decision
        fields = [
            "id",
            "reference",
            "commune",
            "commune_name",
            "title",
            "year",
            "status",
            "number",
            "signed_on",
            "signer_name",
            "amendment_note",
            "created_at",
        ]
        read_only_fields = fields


class DecisionEntrySerializer(_EntrySerializer):
    class Meta:
        model = DecisionEntry
        fields = ["id", "case", "reference", "subject", "recognised", "reason"]
        read_only_fields = fields


class DecisionCounts(serializers.Serializer):
    total = serializers.IntegerField()
    recognised = serializers.IntegerField()
    refused = serializers.IntegerField()
    certificates = serializers.IntegerField()


class DecisionDetailSerializer(DecisionSerializer):
    entries = DecisionEntrySerializer(many=True, source="api_entries")
    counts = DecisionCounts(source="api_counts")

    class Meta(DecisionSerializer.Meta):
        fields = [*DecisionSerializer.Meta.fields, "counts", "entries"]
        read_only_fields = fields


def _decision_detail(decision: Decision) -> dict:
    decision.api_entries = list(selectors.decision_entries(decision))
    decision.api_counts = selectors.decision_counts(decision)
    return DecisionDetailSerializer(decision).data


# --- payloads ---------------------------------------------------------------------------------------------


class CasesField(serializers.ListField):
    def __init__(self, **kwargs):
        super().__init__(child=serializers.IntegerField(**ID), min_length=1, max_length=MAX_CASES, **kwargs)


class SessionPayload(serializers.Serializer):
    cases = CasesField(help_text="scored cases of one village, of one title and year")
    meeting_date = serializers.DateField()
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    chair = serializers.CharField(max_length=120)
    secretary = serializers.CharField(max_length=120, required=False, allow_blank=True)
    attendees = serializers.CharField(max_length=10000)
    posting_days = serializers.IntegerField(min_value=0, max_value=60)


class SessionResult(serializers.Serializer):
    entry = serializers.IntegerField(**ID)
    proposed = serializers.BooleanField(allow_null=True, help_text="null: still pending")
    reason = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class SessionResultsPayload(serializers.Serializer):
    results = SessionResult(many=True, max_length=MAX_CASES)


class DecisionPayload(serializers.Serializer):
    cases = CasesField(help_text="cases proposed by the villages of one commune")
    amends = serializers.IntegerField(required=False, allow_null=True, **ID)
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class DecisionOutcome(serializers.Serializer):
    entry = serializers.IntegerField(**ID)
    recognised = serializers.BooleanField()
    reason = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class DecisionOutcomesPayload(serializers.Serializer):
    outcomes = DecisionOutcome(many=True, max_length=MAX_CASES)


class SignPayload(serializers.Serializer):
    signer_name = serializers.CharField(max_length=120)


def _valid(serializer_class, data) -> dict:
    payload = serializer_class(data=data)
    payload.is_valid(raise_exception=True)
    return payload.validated_data


def _unit_of(units, case_ids: list[int]):
    unit = selectors.chosen_unit(units, case_id=case_ids[0])
    if unit is None:
        raise ValidationError({"cases": [_("The first case is not one you may put on this list.")]})
    return unit


def _entries_only(owner, rows: list[dict]) -> None:
    known = set(selectors.entry_ids(owner))
    unknown = sorted({row["entry"] for row in rows} - known)
    if unknown:
        raise ValidationError({"entry": [_("Not on this list: %(ids)s.") % {"ids": unknown}]})


class ActingPostMixin:
    """A list that anyone in scope reads and only acting roles add to."""

    def get_permissions(self):
        permissions = super().get_permissions()
        return [*permissions, ActingRole()] if self.request.method == "POST" else permissions


# --- review meetings --------------------------------------------------------------------------------------


@extend_schema(tags=["sessions"])
class SessionList(ActingPostMixin, ListAPIView):
    """The village review meetings the caller may see, newest first."""

    serializer_class = SessionSerializer
    pagination_class = Cursor

    def get_queryset(self):
        return selectors.sessions_for(self.request.user)

    @extend_schema(summary="Họp xét / Review meetings")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Mở cuộc họp xét / Open a review meeting",
        request=SessionPayload,
        responses={201: SessionDetailSerializer},
    )
    def post(self, request):
        data = _valid(SessionPayload, request.data)
        village = _unit_of(selectors.session_villages(request.user), data["cases"])
        candidates = selectors.candidate_cases(request.user, state=CaseState.SCORED, unit=village)
        form = SessionForm(query_dict(data), candidates=candidates)
        cleaned = parsed(form)
        chosen = list(cleaned["cases"])
        fields = ("meeting_date", "location", "chair", "secretary", "attendees", "posting_days")
        session = services.open_session(
            village,
            title_type=chosen[0].title_type,
            year=chosen[0].year,
            cases=chosen,
            actor=request.user,
            **{name: cleaned[name] for name in fields},
        )
        return Response(_session_detail(session), status=201)


@extend_schema(
    tags=["sessions"], summary="Một cuộc họp xét / One review meeting", responses=SessionDetailSerializer
)
class SessionDetail(APIView):
    def get(self, request, pk: int):
        return Response(_session_detail(selectors.get_session_for(request.user, pk)))


@extend_schema(
    tags=["sessions"],
    summary="Ghi kết quả họp / Record the results",
    request=SessionResultsPayload,
    responses=SessionDetailSerializer,
)
class SessionResults(APIView):
    """The meeting's result per case of its list, for any number of its cases in one call."""

    permission_classes = [ActingRole]

    def post(self, request, pk: int):
        session = selectors.get_session_for(request.user, pk)
        rows = _valid(SessionResultsPayload, request.data)["results"]
        _entries_only(session, rows)
        results = {row["entry"]: (row["proposed"], row.get("reason", "")) for row in rows}
        session = services.record_results(session, results=results, actor=request.user)
        return Response(_session_detail(session))


@extend_schema(
    tags=["sessions"],
    summary="Kết thúc họp / Close the meeting",
    request=None,
    responses=SessionDetailSerializer,
)
class SessionClose(APIView):
    """Close the meeting: every case on its list is reviewed and its review step completed."""

    permission_classes = [ActingRole]

    def post(self, request, pk: int):
        session = selectors.get_session_for(request.user, pk)
        return Response(_session_detail(collective.close_session(session, actor=request.user)))


# --- commune decisions ------------------------------------------------------------------------------------


@extend_schema(tags=["decisions"])
class DecisionList(ActingPostMixin, ListAPIView):
    """The commune decisions the caller may see, newest first."""

    serializer_class = DecisionSerializer
    pagination_class = Cursor

    def get_queryset(self):
        return selectors.decisions_for(self.request.user)

    @extend_schema(summary="Quyết định / Decisions")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Dự thảo quyết định / Draft a decision",
        request=DecisionPayload,
        responses={201: DecisionDetailSerializer},
    )
    def post(self, request):
        data = _valid(DecisionPayload, request.data)
        commune = _unit_of(selectors.decision_communes(request.user), data["cases"])
        form = DecisionForm(
            query_dict(data),
            candidates=selectors.proposed_free(request.user, commune),
            signed=selectors.signed_decisions(commune),
        )
        cleaned = parsed(form)
        chosen = list(cleaned["cases"])
        decision = services.draft_decision(
            commune,
            title_type=chosen[0].title_type,
            year=chosen[0].year,
            cases=chosen,
            actor=request.user,
            amends=cleaned["amends"],
            note=cleaned["note"],
        )
        return Response(_decision_detail(decision), status=201)


@extend_schema(
    tags=["decisions"], summary="Một quyết định / One decision", responses=DecisionDetailSerializer
)
class DecisionDetail(APIView):
    def get(self, request, pk: int):
        return Response(_decision_detail(selectors.get_decision_for(request.user, pk)))


@extend_schema(
    tags=["decisions"],
    summary="Ghi kết quả từng hồ sơ / Record the outcomes",
    request=DecisionOutcomesPayload,
    responses=DecisionDetailSerializer,
)
class DecisionOutcomes(APIView):
    """Recognised or refused (with a reason), for any number of the draft's cases in one call."""

    permission_classes = [ActingRole]

    def post(self, request, pk: int):
        decision = selectors.get_decision_for(request.user, pk)
        rows = _valid(DecisionOutcomesPayload, request.data)["outcomes"]
        _entries_only(decision, rows)
        outcomes = {row["entry"]: (row["recognised"], row.get("reason", "")) for row in rows}
        decision = services.record_outcomes(decision, outcomes=outcomes, actor=request.user)
        return Response(_decision_detail(decision))


@extend_schema(
    tags=["decisions"],
    summary="Ký quyết định / Sign the decision",
    request=SignPayload,
    responses=DecisionDetailSerializer,
)
class DecisionSign(APIView):
    """Sign the draft: its cases are decided and their decision steps completed."""

    permission_classes = [ActingRole]

    def post(self, request, pk: int):
        decision = selectors.get_decision_for(request.user, pk)
        cleaned = parsed(SignForm(query_dict(_valid(SignPayload, request.data))))
        decision = collective.sign_decision(decision, actor=request.user, signer_name=cleaned["signer_name"])
        return Response(_decision_detail(decision))
