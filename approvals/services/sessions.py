"""The village review meeting: its list, the public posting, and the close that reviews every case at once."""

import datetime
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.jobs import enqueue
from audit.services import record_event
from cases import services as case_services
from cases import transitions as T
from cases.models import Case
from registry.models import UnitLevel

from ..conf import knob
from ..models import ReviewSession, SessionComment, SessionEntry
from ..permissions import can_close_session, can_prepare_session
from ._common import (
    BatchRefused,
    LockFlow,
    OnMoved,
    audit_batch,
    deny,
    lock_cases,
    move_all,
    refuse_if,
    required_reason,
)


def _open_sessions_holding(case_ids) -> dict[int, int]:
    return dict(
        SessionEntry.objects.filter(
            case_id__in=case_ids, session__status=ReviewSession.Status.OPEN
        ).values_list("case_id", "session_id")
    )


@transaction.atomic
def open_session(
    village,
    *,
    title_type,
    year: int,
    meeting_date: datetime.date,
    chair: str,
    attendees: str,
    cases: Iterable[Case],
    actor,
    location: str = "",
    secretary: str = "",
    posting_days: int | None = None,
) -> ReviewSession:
    """Open a village meeting for a list of scored cases; the list is posted publicly for `posting_days`."""
    if village.level != UnitLevel.VILLAGE or not can_prepare_session(actor, village):
        deny(_("You cannot open a review meeting for %(unit)s.") % {"unit": village.name})
    # the current rows, locked (primary-key order, as the engine locks them) until the list is written: two
    # meetings opened at once over the same case queue here, and the second sees the first's list
    cases = lock_cases([c.pk for c in cases])
    if not cases:
        raise BatchRefused(_("Select at least one case for the meeting."))
    if not (chair or "").strip() or not (attendees or "").strip():
        raise ValidationError(_("The chair and the attendees of the meeting are required."))
    held = _open_sessions_holding([c.pk for c in cases])
    problems = []
    for case in cases:
        if case.unit_id != village.pk:
            problems.append(
                _("Case %(ref)s is not from %(unit)s.") % {"ref": case.reference, "unit": village.name}
            )
        elif case.title_type_id != title_type.pk or case.year != year:
            problems.append(_("Case %(ref)s is for another title or year.") % {"ref": case.reference})
        elif not _reviewable(case):
            problems.append(
                _("Case %(ref)s is not scored (state “%(state)s”).")
                % {"ref": case.reference, "state": case.get_state_display()}
            )
        elif case.pk in held:
            problems.append(
                _("Case %(ref)s is already on another open meeting's list.") % {"ref": case.reference}
            )
    refuse_if(problems, _("The meeting was not opened."))
    days = knob("POSTING_DAYS") if posting_days is None else posting_days
    session = ReviewSession.objects.create(
        village=village,
        title_type=title_type,
        year=year,
        meeting_date=meeting_date,
        location=(location or "").strip(),
        chair=chair.strip(),
        secretary=(secretary or "").strip(),
        attendees=attendees.strip(),
        posting_ends=timezone.localdate() + datetime.timedelta(days=days) if days else None,
        created_by=actor,
    )
    SessionEntry.objects.bulk_create(
        # a case that meets the criteria is proposed unless the meeting decides otherwise
        [SessionEntry(session=session, case=c, proposed=True if c.meets_criteria else None) for c in cases]
    )
    audit_batch(
        session,
        "session.opened",
        actor=actor,
        data={
            "village": village.code,
            "year": year,
            "meeting_date": meeting_date,
            "posting_ends": session.posting_ends,
            "cases": [c.reference for c in cases],
        },
    )
    return session


def _lock_open(session: ReviewSession) -> ReviewSession:
    session = ReviewSession.objects.select_for_update().select_related("village").get(pk=session.pk)
    if not session.is_open:
        raise BatchRefused(_("This meeting is closed or cancelled; its record can no longer change."))
    return session


@transaction.atomic
def record_results(
    session: ReviewSession, *, results: Mapping[int, tuple[bool | None, str]], actor
) -> ReviewSession:
    """Record the meeting's result per case: {entry id: (proposed, reason if not proposed)}."""
    session = _lock_open(session)
    if not can_prepare_session(actor, session.village):
        deny(_("You cannot change this meeting's record."))
    entries = {e.pk: e for e in session.entries.select_related("case").filter(pk__in=list(results))}
    changed, rows = {}, []
    for pk, (proposed, reason) in results.items():
        entry = entries.get(pk)
        if entry is None:
            continue
        reason = (reason or "").strip() if proposed is False else ""
        if (entry.proposed, entry.reason) != (proposed, reason):
            entry.proposed, entry.reason = proposed, reason
            changed[entry.case.reference] = {"proposed": proposed, "reason": reason}
            rows.append(entry)
    SessionEntry.objects.bulk_update(rows, ["proposed", "reason"])
    if changed:
        audit_batch(session, "session.results_recorded", actor=actor, data={"results": changed})
    return session


@transaction.atomic
def record_comment(entry: SessionEntry, *, author: str, text: str, actor) -> SessionComment:
    """A comment from the public posting, kept against its case (in the case's and the meeting's log)."""
    session = _lock_open(entry.session)
    if not can_prepare_session(actor, session.village):
        deny(_("You cannot record comments for this meeting."))
    author, text = (author or "").strip(), (text or "").strip()
    if not author or not text:
        raise ValidationError(_("Who commented and what they said are both required."))
    comment = SessionComment.objects.create(entry=entry, author=author, text=text, recorded_by=actor)
    data = {"session": session.pk, "author": author, "text": text}
    record_event(
        entry.case.stream, "case.posting_comment", actor=actor, data=data, scope=entry.case.unit_path
    )
    audit_batch(session, "session.comment_recorded", actor=actor, data={**data, "case": entry.case.reference})
    return comment


@transaction.atomic
def drop_from_session(entry: SessionEntry, *, actor, reason: str) -> ReviewSession:
    """Take one case off an open meeting's list, saying why (withdrawn, reviewed on its own page...): the rest
    of the list can still be closed, and the case is free to be acted on alone or listed again.

    Its posting comments go with it; they stay in the case's log and in the meeting's, this event included."""
    session = _lock_open(entry.session)
    if not can_prepare_session(actor, session.village):
        deny(_("You cannot change this meeting's record."))
    reason = required_reason(reason)
    entry = SessionEntry.objects.select_related("case").filter(pk=entry.pk, session=session).first()
    if entry is None:
        raise BatchRefused(_("This case is no longer on the meeting's list."))
    if not session.entries.exclude(pk=entry.pk).exists():
        raise BatchRefused(_("This is the last case on the list: cancel the meeting instead."))
    case = entry.case
    comments = [{"author": c.author, "text": c.text} for c in entry.comments.order_by("pk")]
    entry.comments.all().delete()
    entry.delete()
    data = {"session": session.pk, "case": case.reference, "comments": comments}
    audit_batch(session, "session.entry_dropped", actor=actor, reason=reason, data=data)
    record_event(
        case.stream, "case.dropped_from_list", actor=actor, reason=reason, data=data, scope=case.unit_path
    )
    return session


@transaction.atomic
def cancel_session(session: ReviewSession, *, actor, reason: str) -> ReviewSession:
    """Call off an open meeting (it did not take place, or its list was wrong): no case is reviewed,
    every case is free again; the meeting and its list stay on record, marked cancelled."""
    session = _lock_open(session)
    if not can_prepare_session(actor, session.village):
        deny(_("You cannot change this meeting's record."))
    reason = required_reason(reason)
    session.status = ReviewSession.Status.CANCELLED
    session.closed_by = actor
    session.closed_at = timezone.now()
    session.save(update_fields=["status", "closed_by", "closed_at"])
    cases = list(session.entries.order_by("pk").values_list("case__reference", flat=True))
    audit_batch(session, "session.cancelled", actor=actor, reason=reason, data={"cases": cases})
    return session


def _reviewable(case: Case) -> bool:
    """Its state allows the village review (the FSM transitions say; the criteria guard comes later)."""
    return T.NOT_PROPOSE.allowed(case, check_conditions=False)


def close_problems(session: ReviewSession, entries: list[SessionEntry]) -> list[str]:
    problems = []
    for entry in entries:
        case = entry.case
        ref = {"ref": case.reference}
        if not _reviewable(case):
            problems.append(
                _("Case %(ref)s cannot be reviewed: it is in state “%(state)s”, not scored.")
                % {**ref, "state": case.get_state_display()}
            )
        elif entry.proposed is None:
            problems.append(_("Case %(ref)s has no result yet.") % ref)
        elif entry.proposed and T.PROPOSE.failed_guard(case) is not None:
            problems.append(_("Case %(ref)s does not meet the criteria and cannot be proposed.") % ref)
        elif entry.proposed is False and not entry.reason:
            problems.append(_("Case %(ref)s is not proposed but has no reason.") % ref)
    return problems


@transaction.atomic
def close_session(
    session: ReviewSession, *, actor, lock_flow: LockFlow | None = None, on_moved: OnMoved | None = None
) -> ReviewSession:
    """Close the meeting: every listed case is reviewed (proposed or not) in one transaction, or none is.

    `lock_flow(case ids)` runs before the cases are locked, `on_moved(cases)` in the same transaction once
    they moved: the workflow locks their processes and steps first, then completes the steps
    (workflows.collective.close_session, which pages, tasks and commands call)."""
    session = _lock_open(session)
    if not can_close_session(actor, session):
        deny(_("Only the village head closes the review meeting."))
    today = timezone.localdate()
    if session.posting_ends and today < session.posting_ends:
        raise BatchRefused(
            _("The list is posted for comments until %(date)s; the meeting can be closed from that day.")
            % {"date": session.posting_ends.strftime("%d/%m/%Y")}
        )
    if lock_flow is not None:
        lock_flow(list(session.entries.values_list("case_id", flat=True)))
    entries = list(session.entries.select_related("case").order_by("pk"))
    refuse_if(close_problems(session, entries), _("The meeting was not closed; nothing was changed."))
    moved = move_all(
        lambda: case_services.review_many_in_village(
            [(e.case, e.proposed, e.reason) for e in entries], actor=actor
        )
    )
    session.status = ReviewSession.Status.CLOSED
    session.closed_by = actor
    session.closed_at = timezone.now()
    session.save(update_fields=["status", "closed_by", "closed_at"])
    audit_batch(
        session,
        "session.closed",
        actor=actor,
        data={
            "proposed": [e.case.reference for e in entries if e.proposed],
            "not_proposed": {e.case.reference: e.reason for e in entries if not e.proposed},
        },
    )
    if on_moved is not None:
        on_moved(moved)
    _queue_minutes(session.pk)
    return session


def _queue_minutes(session_id: int) -> None:
    """A recorded background job (audit.jobs), sent on commit and re-driven until the minutes exist."""
    enqueue(f"minutes:{session_id}", "approvals.tasks.generate_minutes", session_id)
