"""The one path every state change takes: lock, permission, transition, save, audit, effects on commit."""

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.transaction import TransactionManagementError
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed, can_proceed

from audit.services import record_event

from ..events import NOTIFIED_EVENTS
from ..exceptions import InvalidTransition
from ..models import Case
from ..permissions import authorising_grant, case_grant

_FAILING_AS_ONE: ContextVar[bool] = ContextVar("cases_failing_as_one", default=False)


def failing_as_one():
    """Inside the caller's atomic block, which fails as a whole (a workflow step: lock, service, next task).

    The services called here open their atomic blocks without a savepoint (two statements each): nothing
    between them and the caller catches their errors and carries on, so an error rolls back to the caller's
    block (its savepoint, or the whole transaction) exactly as it would have through their own savepoints.
    """
    return _in_callers_block(_FAILING_AS_ONE, True, "failing_as_one()")


@contextmanager
def _in_callers_block(var: ContextVar, value, name: str) -> Iterator[None]:
    """`var` set to `value` for the block, which runs inside the caller's atomic block."""
    if not transaction.get_connection().in_atomic_block:
        raise TransactionManagementError(f"{name} needs the caller's atomic block")
    token = var.set(value)
    try:
        yield
    finally:
        var.reset(token)


def atomic():
    """transaction.atomic() for services: a savepoint when nested, unless inside failing_as_one()."""
    return transaction.atomic(savepoint=not _FAILING_AS_ONE.get())


def atomic_service(func):
    """Decorator form of atomic(), decided per call."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with atomic():
            return func(*args, **kwargs)

    return wrapper


_HELD: ContextVar[Case | None] = ContextVar("cases_held", default=None)


def holding(case: Case):
    """The caller has locked `case`'s row in its transaction (with the unit loaded): the services called
    inside work on this instance instead of locking and re-reading the row (a workflow step locks its
    process, task and case in one statement)."""
    return _in_callers_block(_HELD, case, "holding()")


def held_case(pk: int) -> Case | None:
    """The instance of case `pk` whose row the caller holds locked (see holding()), if any."""
    case = _HELD.get()
    return case if case is not None and case.pk == pk else None


def lock_case(case: Case | int) -> Case:
    pk = case.pk if isinstance(case, Case) else case
    held = held_case(pk)
    if held is not None:
        return held
    # Only the unit is joined (permissions need its level): a five-table FOR UPDATE took longer to plan
    # (1.7 ms) than to run (0.3 ms); the few steps that need the subject or criteria set load them.
    return Case.objects.select_for_update(of=("self",)).select_related("unit").get(pk=pk)


def require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("A reason is required.")})
    return reason


def ensure_grant(actor, action: str, case: Case):
    grant = case_grant(actor, action, case)
    if grant is None:
        raise PermissionDenied(_("You are not allowed to do this on case %(ref)s.") % {"ref": case.reference})
    return grant


def audit_case(
    case: Case, event_type: str, *, actor, grant, data: dict[str, Any] | None = None, reason: str = ""
):
    event = record_event(
        case.stream,
        event_type,
        actor=actor,
        data=data or {},
        reason=reason,
        role=grant.role if grant else "",
        unit=grant.unit_code if grant else "",
        scope=case.unit_path,
    )
    if event_type in NOTIFIED_EVENTS:  # the other events notify nobody: no task to queue
        transaction.on_commit(lambda: _notify(event.pk))
    return event


def record_personal_data_access(user, case: Case, what: str, /, **extra):
    """Someone opened personal data of the case's subject (a file, a document): one event on the subject."""
    grant = authorising_grant(user, "view", case.unit_path)
    return record_event(
        f"subject:{case.subject_id}",
        "personal_data.viewed",
        actor=user,
        role=grant.role if grant else "",
        unit=grant.unit_code if grant else "",
        scope=case.unit_path,
        data={"what": what, "case": case.reference, **extra},
    )


def _notify(event_id: int) -> None:
    from ..tasks import notify_case_event

    notify_case_event.delay(event_id)


def apply_transition(
    case: Case,
    *,
    actor,
    action: str,
    method: str,
    label: str,
    event_type: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
    prepare: Callable[[Case, dict], list[str]] | None = None,
) -> Case:
    """Fire one FSM transition on a freshly locked case and write one audit event.

    `prepare(case, audit_data)` runs after the state and permission checks; it may validate input (raising
    ValidationError), set outcome fields and add to the audit data; it returns the names of changed fields.
    """
    with atomic():
        case = lock_case(case)
        grant = ensure_grant(actor, action, case)
        transition = getattr(case, method)
        before = case.state
        if not can_proceed(transition, check_conditions=False):
            raise InvalidTransition.for_case(case, label)
        audit_data = {"from": before, **(data or {})}
        changed = prepare(case, audit_data) if prepare else []
        if not can_proceed(transition):
            raise InvalidTransition.for_case(case, label)
        try:
            transition()
            case.save(update_fields=["state", "updated_at", *changed])
        except (TransitionNotAllowed, ConcurrentTransition) as exc:
            raise InvalidTransition.for_case(case, label) from exc
        audit_case(
            case,
            event_type,
            actor=actor,
            grant=grant,
            reason=reason,
            data={**audit_data, "to": case.state},
        )
    return case
