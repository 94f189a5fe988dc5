"""Reads of sessions, decisions and audits, scoped to the user's units like cases are."""

from django.db.models import Count, Q, QuerySet, Value
from django.http import Http404
from django.shortcuts import get_object_or_404

from cases.models import Case, CaseState
from cases.permissions import ACTION_ROLES
from cases.selectors import visible_cases
from criteria.authority import authorities_in
from registry.models import AdministrativeUnit, UnitLevel
from registry.selectors import grants_for, path_q, scope_paths

from .models import (
    Audit,
    AuditSample,
    Decision,
    DecisionEntry,
    FindingFile,
    Proposal,
    ReviewSession,
    SessionEntry,
)
from .permissions import DECISION_DRAFTERS, SESSION_EDITORS


def _scoped(qs: QuerySet, user) -> QuerySet:
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.is_superuser:
        return qs
    return qs.filter(path_q(scope_paths(user), field="unit_path"))


def sessions_for(user) -> QuerySet[ReviewSession]:
    return (
        _scoped(ReviewSession.objects.all(), user)
        .select_related("village", "title_type")
        .annotate(n=Count("entries"))
        .order_by("-meeting_date", "-pk")
    )


def decisions_for(user) -> QuerySet[Decision]:
    return (
        _scoped(Decision.objects.all(), user)
        .select_related("commune", "title_type")
        .annotate(n=Count("entries"))
        .order_by("-year", "status", "-number", "-pk")
    )


def get_session_for(user, pk: int) -> ReviewSession:
    session = (
        _scoped(ReviewSession.objects.select_related("village__parent", "title_type"), user)
        .filter(pk=pk)
        .first()
    )
    if session is None:
        raise Http404
    return session


def get_decision_for(user, pk: int) -> Decision:
    decision = (
        _scoped(Decision.objects.select_related("commune", "title_type", "amends", "signed_by"), user)
        .filter(pk=pk)
        .first()
    )
    if decision is None:
        raise Http404
    return decision


def get_audit_for(user, pk: int) -> Audit:
    audit = (
        _scoped(Audit.objects.select_related("decision__commune", "decision__title_type"), user)
        .filter(pk=pk)
        .first()
    )
    if audit is None:
        raise Http404
    return audit


def session_entries(session: ReviewSession, *, pk: int | None = None):
    """The meeting's list (or its entry `pk`), with subjects and comments."""
    entries = SessionEntry.objects.filter(session=session)
    if pk is not None:
        entries = entries.filter(pk=pk)
    return (
        entries.select_related("case__subject")
        .prefetch_related("comments")
        .order_by("case__subject__name", "pk")
    )


def session_entry(session: ReviewSession, pk: int) -> SessionEntry:
    return get_object_or_404(SessionEntry, pk=pk, session=session)


def entry_ids(owner: ReviewSession | Decision) -> list[int]:
    """The ids of the entries of a meeting's list or a decision's annex."""
    return list(owner.entries.values_list("pk", flat=True))


def decision_entries(decision: Decision, *, pk: int | None = None):
    """The decision's annex (or its entry `pk`), with subjects, units and certificates."""
    entries = decision.entries.all() if pk is None else decision.entries.filter(pk=pk)
    return entries.select_related("case__subject", "case__unit", "certificate").order_by(
        "case__unit__name", "case__subject__name", "pk"
    )


def decision_entry(decision: Decision, pk: int) -> DecisionEntry:
    """One entry of the decision's annex, with its case."""
    return get_object_or_404(DecisionEntry.objects.select_related("case"), pk=pk, decision=decision)


def signed_decisions(commune: AdministrativeUnit) -> QuerySet[Decision]:
    """The commune's signed decisions, latest first (what a new decision may amend)."""
    return Decision.objects.filter(commune=commune, status=Decision.Status.SIGNED).order_by(
        "-year", "-number"
    )


def decision_audits(decision: Decision) -> QuerySet[Audit]:
    return decision.audits.order_by("-opened_at")


def session_counts(session: ReviewSession) -> dict[str, int]:
    """How the whole list stands (the page shows only part of it): cases, proposed, not proposed, pending."""
    counts = session.entries.aggregate(
        total=Count("pk"),
        yes=Count("pk", filter=Q(proposed=True)),
        no=Count("pk", filter=Q(proposed=False)),
        pending=Count("pk", filter=Q(proposed__isnull=True)),
    )
    return {
        "total": counts["total"],
        "proposed": counts["yes"],
        "not_proposed": counts["no"],
        "pending": counts["pending"],
    }


def decision_counts(decision: Decision) -> dict[str, int]:
    """The whole annex list in numbers: cases, recognised, refused, certificates generated."""
    counts = decision.entries.aggregate(
        total=Count("pk"),
        yes=Count("pk", filter=Q(recognised=True)),
        no=Count("pk", filter=Q(recognised=False)),
        certificates=Count("certificate", filter=Q(recognised=True)),
    )
    return {
        "total": counts["total"],
        "recognised": counts["yes"],
        "refused": counts["no"],
        "certificates": counts["certificates"],
    }


def audit_samples(audit: Audit):
    return (
        AuditSample.objects.filter(audit=audit)
        .select_related("case__subject", "case__unit")
        .prefetch_related("files")
        .order_by("case_id")
    )


def audit_sample(audit: Audit, pk: int) -> AuditSample:
    return get_object_or_404(AuditSample, pk=pk, audit=audit)


def finding_file(audit: Audit, pk: int) -> FindingFile:
    """A file of one of the audit's findings, with its case."""
    return get_object_or_404(FindingFile.objects.select_related("sample__case"), pk=pk, sample__audit=audit)


def units_for_role(user, roles, level: str) -> QuerySet[AdministrativeUnit]:
    """Units of a level where the user holds one of the roles (on the unit or above it)."""
    paths = scope_paths(user, roles=roles)
    return AdministrativeUnit.objects.filter(level=level).filter(path_q(paths)).order_by("name")


def session_villages(user):
    return units_for_role(user, SESSION_EDITORS, UnitLevel.VILLAGE)


def decision_communes(user):
    """The units the user drafts decisions for: the commune's office and chair their commune; whoever decides
    a title elsewhere (the province Association, the Department of Education) the unit they decide at."""
    communes = units_for_role(user, DECISION_DRAFTERS, UnitLevel.COMMUNE)
    deciding = [g.unit_id for g in grants_for(user) if g.role in ACTION_ROLES["decide"]]
    if not deciding:
        return communes
    return AdministrativeUnit.objects.filter(Q(pk__in=communes.values("pk")) | Q(pk__in=deciding)).order_by(
        "level", "name"
    )


def chosen_unit(
    units: QuerySet[AdministrativeUnit], *, case_id: int | None = None, pk: int | None = None
) -> AdministrativeUnit | None:
    """Among `units` (the user's): the one the case `case_id` lies in, or the one with id `pk`."""
    if case_id is None:
        return units.filter(pk=pk).first() if pk is not None else None
    path = Case.objects.filter(pk=case_id).values_list("unit_path", flat=True).first()
    if not path:
        return None
    codes = path.strip("/").split("/")
    return units.filter(path__in=["/" + "/".join(codes[:n]) + "/" for n in range(1, len(codes) + 1)]).first()


def candidate_cases(user, *, state: str, unit: AdministrativeUnit) -> QuerySet[Case]:
    """Cases in the unit the user may put on a meeting's list (scored) or a decision (proposed)."""
    return (
        visible_cases(user)
        .filter(state=state, unit_path__startswith=unit.path)
        .select_related("subject", "unit", "title_type")
        .order_by("unit__name", "subject__name", "pk")
    )


def proposed_free(user, commune) -> QuerySet[Case]:
    """Proposed cases of the commune not yet on a draft decision."""
    return candidate_cases(user, state=CaseState.VILLAGE_REVIEWED, unit=commune).exclude(
        Q(pk__in=DecisionEntry.objects.filter(decision__status=Decision.Status.DRAFT).values("case_id"))
    )


def open_lists_holding(case_ids: list[int]) -> dict[int, str]:
    """The open meeting or draft decision each case is on (cases.lists: the list decides for it). One query
    when no case is on a list (every single-case action asks); the lists' names only for the cases held."""
    on_sessions = SessionEntry.objects.filter(
        case_id__in=case_ids, session__status=ReviewSession.Status.OPEN
    ).values_list("case_id", "session_id", Value(0))
    on_drafts = DecisionEntry.objects.filter(
        case_id__in=case_ids, decision__status=Decision.Status.DRAFT
    ).values_list("case_id", "decision_id", Value(1))
    rows = sorted(on_sessions.union(on_drafts, all=True), key=lambda row: row[2])  # a meeting first
    if not rows:
        return {}
    sessions = ReviewSession.objects.select_related("village").in_bulk({r[1] for r in rows if r[2] == 0})
    decisions = Decision.objects.select_related("commune").in_bulk({r[1] for r in rows if r[2] == 1})
    held: dict[int, str] = {}
    for case_id, list_id, kind in rows:
        held.setdefault(case_id, str(sessions[list_id] if kind == 0 else decisions[list_id]))
    return held


def cited_proposals(case_ids) -> list[Proposal]:
    """The proposals a decision listing these cases cites, in number order."""
    return list(
        Proposal.objects.filter(entries__case_id__in=list(case_ids))
        .select_related("unit")
        .distinct()
        .order_by("proposed_on", "number")
    )


def proposals_for(user) -> QuerySet[Proposal]:
    return (
        _scoped(Proposal.objects.all(), user)
        .select_related("unit", "title_type")
        .annotate(n=Count("entries"))
        .order_by("-year", "-proposed_on", "-number")
    )


def get_proposal_for(user, pk: int) -> Proposal:
    proposal = _scoped(Proposal.objects.select_related("unit", "title_type", "created_by"), user).filter(
        pk=pk
    )
    found = proposal.first()
    if found is None:
        raise Http404
    return found


def proposal_entries(proposal: Proposal) -> QuerySet[Case]:
    return (
        Case.objects.filter(proposal_entry__proposal=proposal)
        .select_related("subject", "unit")
        .order_by("unit__name", "subject__name", "pk")
    )


def proposal_communes(user) -> QuerySet[AdministrativeUnit]:
    """Communes where the user holds a role that compiles proposals (the commune's Association)."""
    return units_for_role(user, ACTION_ROLES["propose"], UnitLevel.COMMUNE)


def proposable(user, commune) -> QuerySet[Case]:
    """Cases its villages proposed, of titles whose decision cites the commune Association's proposal, not on
    a proposal yet, that the user compiles proposals for."""
    title_ids = [
        title_id
        for title_id, authority in authorities_in(commune.path.strip("/").split("/")[0]).items()
        if authority.proposal_role
        and authority.proposal_level == commune.level
        and any(
            g.role == authority.proposal_role and commune.path.startswith(g.unit_path)
            for g in grants_for(user)
        )
    ]
    return candidate_cases(user, state=CaseState.VILLAGE_REVIEWED, unit=commune).filter(
        title_type_id__in=title_ids, proposal_entry__isnull=True
    )
