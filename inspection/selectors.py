"""Reads of the inspector workspace, always scoped to the subtrees the user inspects."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Max, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from audit.checkpoints import start_of_day
from audit.models import AuditEvent, Checkpoint, ConsistencyRun, StreamHead, VerificationRun
from cases.models import Case, EvidenceFile
from registry.models import AdministrativeUnit, Subject
from registry.selectors import path_q
from registry.text import fold

from .permissions import inspection_paths, sees_province_wide

MAX_SUBJECT_MATCHES = 200
MAX_LOOKUP_MATCHES = 50


def inspected_cases(user) -> QuerySet[Case]:
    if user.is_superuser:
        return Case.objects.all()
    return Case.objects.filter(path_q(inspection_paths(user), field="unit_path"))


def get_inspected_case(user, pk: int) -> Case:
    """One case of the user's subtree, or 404 (a hidden case cannot be told from a missing one)."""
    case = (
        inspected_cases(user)
        .select_related("subject__household", "unit", "title_type", "criteria_set")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404
    return case


def inspects_case(user, case: Case) -> bool:
    return inspected_cases(user).filter(pk=case.pk).exists()


def inspected_cases_by_activity(user) -> QuerySet[Case]:
    """The user's cases, most recently changed first; only what naming their stream needs."""
    return inspected_cases(user).order_by("-updated_at", "-pk").only("pk", "reference")


def case_references(case_ids) -> dict[int, str]:
    """id -> reference of these cases (the caller shows only events the user may see)."""
    return dict(Case.objects.filter(pk__in=case_ids).values_list("pk", "reference"))


def evidence_count(case: Case) -> int:
    return EvidenceFile.objects.filter(case=case).count()


def inspected_subjects(user) -> QuerySet[Subject]:
    if user.is_superuser:
        return Subject.objects.all()
    return Subject.objects.filter(path_q(inspection_paths(user), field="unit__path"))


def get_inspected_subject(user, pk: int) -> Subject:
    """One subject of the user's subtree, with its unit, or 404."""
    return get_object_or_404(inspected_subjects(user).select_related("unit"), pk=pk)


def find_subjects(user, text: str) -> list[Subject]:
    """The subject with this code, else those whose name contains the text (without diacritics)."""
    text = text.strip()
    subjects = inspected_subjects(user).select_related("unit")
    return list(
        subjects.filter(code__iexact=text)[:1]
        or subjects.filter(name_folded__contains=fold(text)).order_by("name", "pk")[:MAX_LOOKUP_MATCHES]
    )


def visible_events(user) -> QuerySet[AuditEvent]:
    """Events whose stream belongs to a unit of the user's subtree; province-wide users also see config."""
    if user.is_superuser:
        return AuditEvent.objects.all()
    q = path_q(inspection_paths(user), field="scope")
    if sees_province_wide(user):
        q |= Q(scope="")
    return AuditEvent.objects.filter(q)


def search_events(
    user,
    *,
    reference: str = "",
    subject: str = "",
    actor: str = "",
    event_type: str = "",
    unit: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    """The audit search: every filter narrows the user's visible events; newest first."""
    qs = visible_events(user)
    if reference:
        case_ids = list(inspected_cases(user).filter(reference__iexact=reference.strip()).values_list("pk"))
        qs = qs.filter(stream__in=[f"case:{pk}" for (pk,) in case_ids])
    if subject:
        qs = qs.filter(stream__in=_subject_streams(user, subject))
    if actor:
        # through the user row: (actor, occurred_at) is indexed, a case-insensitive name match is not
        users = get_user_model().objects.filter(username__iexact=actor.strip()).values("pk")
        qs = qs.filter(actor_id__in=users)
    if event_type:
        qs = qs.filter(event_type=event_type)
    if unit:
        path = AdministrativeUnit.objects.filter(code=unit.strip()).values_list("path", flat=True).first()
        qs = qs.filter(scope__startswith=path) if path else qs.none()
    if date_from:
        qs = qs.filter(occurred_at__gte=start_of_day(date_from))
    if date_to:
        qs = qs.filter(occurred_at__lt=start_of_day(date_to + datetime.timedelta(days=1)))
    return qs.order_by("-occurred_at", "-id")


def _subject_streams(user, text: str) -> list[str]:
    """Streams of the matching subjects (by code, or by name without diacritics) and of their cases."""
    text = text.strip()
    subjects = inspected_subjects(user).filter(Q(code__iexact=text) | Q(name_folded__contains=fold(text)))
    ids = list(subjects.values_list("pk", flat=True)[:MAX_SUBJECT_MATCHES])
    case_ids = Case.objects.filter(subject_id__in=ids).values_list("pk", flat=True)
    return [f"subject:{pk}" for pk in ids] + [f"case:{pk}" for pk in case_ids]


def stream_visible(user, stream: str) -> bool:
    """Whether the user may see the events of a stream (checkpoint problems, stream "", concern everyone)."""
    if not stream or user.is_superuser:
        return True
    return visible_events(user).filter(stream=stream).exists()


def stream_heads(streams: list[str]) -> dict[str, tuple[int, str]]:
    """stream -> (seq, hash) of the heads of these streams."""
    rows = StreamHead.objects.filter(stream__in=streams).values_list("stream", "seq", "hash")
    return {stream: (seq, digest) for stream, seq, digest in rows}


def checkpointed_seqs(user, streams: list[str], cutoff) -> dict[str, int]:
    """stream -> the last sequence number a checkpoint with this cutoff covers, for streams the user sees."""
    return dict(
        visible_events(user)
        .filter(stream__in=streams, occurred_at__lt=cutoff)
        .values("stream")
        .annotate(last=Max("seq"))
        .values_list("stream", "last")
    )


def recent_checkpoints(limit: int = 30) -> list[Checkpoint]:
    return list(Checkpoint.objects.order_by("-day")[:limit])


def checkpoint_on(day: datetime.date) -> Checkpoint:
    return get_object_or_404(Checkpoint, day=day)


def recent_verification_runs(limit: int = 10) -> list[VerificationRun]:
    return list(VerificationRun.objects.order_by("-started_at", "-pk")[:limit])


def case_events(case: Case) -> QuerySet[AuditEvent]:
    """The case's events in order, with their actors."""
    return AuditEvent.objects.filter(stream=case.stream).select_related("actor").order_by("seq")


def access_events(subject: Subject) -> QuerySet[AuditEvent]:
    """Every recorded access to a subject's personal data, newest first."""
    return AuditEvent.objects.filter(
        stream=f"subject:{subject.pk}", event_type="personal_data.viewed"
    ).order_by("-occurred_at", "-id")


def latest_consistency_run() -> ConsistencyRun | None:
    return ConsistencyRun.objects.order_by("-started_at", "-pk").first()


def consistency_problems_for(user, run: ConsistencyRun | None) -> list[dict]:
    """The problems of a consistency run in the user's area (those of the whole system: superusers only)."""
    if run is None:
        return []
    if user.is_superuser:
        return list(run.problems)
    paths = inspection_paths(user)
    return [p for p in run.problems if p.get("scope") and any(p["scope"].startswith(path) for path in paths)]
