"""The deadline sweep: reminders, escalations and stalled steps, each delivered once per (step, kind).

Celery beat runs `workflows.tasks.sweep_deadlines` every minute. The sweep reads the database, not a clock
of its own: a step is due for an effect when its time has passed (remind_at, escalate_at, or no change for
STALLED_AFTER_DAYS) and it has no StepEffect row of that kind. So a sweep that missed minutes (broker down,
worker dead) catches up on the next run, and nothing is ever scheduled as a long ETA task.

Exactly once: a batch claims its steps with one INSERT .. SELECT of StepEffect rows under a unique
(step, kind) constraint (re-checking that each is still due), ON CONFLICT DO NOTHING, RETURNING the steps it
claimed (on PostgreSQL read in the same statement), and delivers only those — in one transaction with the
notifications and the audit events. Two sweeps at once: the second's insert waits for the first's commit and
then skips those steps. A sweep that dies mid-batch rolls back, claims included, and the next run delivers
the batch again.

Cost: one query per kind finds the due steps among the open ones (a partial index holds only those), then
a batch is a fixed handful of statements whatever its size (claim, read, recipients, notifications, audit)
and builds no model instances for the steps (bench `deadline_sweep`: 100,000 open steps, a tenth due).
"""

import datetime
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from viewflow.workflow.status import STATUS

from audit.services import EventSpec, record_events
from cases.conf import setting
from cases.links import link_maker
from cases.models import Case
from cases.permissions import roles_for
from fastpath.claims import claim
from notifications.services import Message, notify_many
from registry.models import Role, RoleAssignment

from ..models import CaseTask, StepEffect
from ..steps.base import step_actions, step_choices

BATCH = 2000
OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
Kind = StepEffect.Kind


@dataclass(frozen=True)
class DueStep:
    """What a notification and an audit event need of a claimed step (read as plain values)."""

    pk: int
    step: str
    due_at: datetime.datetime | None
    created: datetime.datetime
    owner_id: int | None
    owner_name: str | None
    case_id: int
    reference: str
    unit_path: str
    unit_level: str
    subject: str


def sweep(now: datetime.datetime | None = None) -> dict[str, int]:
    """Deliver every effect that is due at `now`; returns how many steps got each kind."""
    now = now or timezone.now()
    stalled_since = now - datetime.timedelta(days=setting("STALLED_AFTER_DAYS"))
    due = {
        Kind.REMINDER: Q(remind_at__lte=now),
        Kind.ESCALATION: Q(escalate_at__lte=now),
        Kind.STALLED: Q(created__lte=stalled_since),
    }
    return {kind.value: _deliver(kind, q) for kind, q in due.items()}


def _due(due_q: Q):
    return CaseTask.objects.filter(due_q, status__in=OPEN, flow_task_type="HUMAN", paused_at__isnull=True)


def _pending(kind: str, due_q: Q):
    return (
        _due(due_q)
        .exclude(Exists(StepEffect.objects.filter(task=OuterRef("pk"), kind=kind)))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _deliver(kind: str, due_q: Q) -> int:
    """Find the due steps in one query (over the open steps' partial index), then claim and announce them
    in batches, each in its own transaction."""
    due = list(_pending(kind, due_q))
    delivered = 0
    for start in range(0, len(due), BATCH):
        with transaction.atomic():
            claimed = _claim(kind, due_q, due[start : start + BATCH])
            if claimed:
                _announce(kind, claimed)
            delivered += len(claimed)
    return delivered


def _claim(kind: str, due_q: Q, ids: list[int]) -> list[DueStep]:
    """Claim those of `ids` that are still due and unclaimed; returns the steps claimed, in pk order.

    On PostgreSQL the claim and the read of the claimed steps are one statement (the INSERT in a WITH): the
    planner then reads the steps, their cases and subjects by primary key, where a separate read of 2,000
    ids hashed every case of the province.
    """
    rows = claim(
        StepEffect,
        # still due (the claims' unique constraint skips those claimed meanwhile)
        select=_due(due_q).filter(pk__in=ids).order_by().values_list("pk"),
        into="task",
        values={"kind": kind, "created_at": timezone.now(), "sweep": uuid.uuid4()},
        unique=("task", "kind"),
        then=_steps,
    )
    return [DueStep(*row) for row in rows]


def _steps(ids):
    """What the announcements need of the steps `ids` (a list, or a subquery), as DueStep's fields."""
    fields = (
        "pk", "step", "due_at", "created", "owner_id", "owner__username", "case_id", "case__reference",
        "unit__path", "unit__level", "case__subject__name",
    )  # fmt: skip
    return CaseTask.objects.filter(pk__in=ids).order_by("pk").values_list(*fields)


def _announce(kind: str, steps: list[DueStep]) -> None:
    """The batch's notifications and audit events, each written in one go."""
    recipients = _recipients(kind, steps)
    case_url = link_maker("cases:detail")
    with translation.override(settings.LANGUAGE_CODE):  # the language notifications are written in
        titles = {step: str(title) for step, title in step_choices()}
    messages, events = [], []
    for step in steps:
        users = recipients.get(step.pk, [])
        context = {
            "ref": step.reference,
            "subject": step.subject,
            "step": titles.get(step.step, step.step),
            "due_at": step.due_at,
            "since": step.created,
            "owner": step.owner_name or "",
        }
        url = case_url(step.case_id)
        messages += [
            Message(user, f"deadline_{kind}", f"deadline:{kind}:{step.pk}:{user.pk}", context, url)
            for user in users
        ]
        events.append(
            EventSpec(
                Case.stream_of(step.case_id),
                f"deadline.{kind}",
                scope=step.unit_path,
                data={
                    "step": step.step,
                    "task": step.pk,
                    "due_at": step.due_at.isoformat() if step.due_at else None,
                    "notified": sorted(u.get_username() for u in users),
                },
            )
        )
    notify_many(messages)
    record_events(events)


def _recipients(kind: str, steps: list[DueStep]) -> dict[int, list]:
    """Reminders: the assignee, or (unclaimed) whoever may take the step on the nearest unit that has such a
    person. Escalations and stalls: the supervisors of the nearest unit above the case that has any."""
    out: dict[int, list] = {}
    pending = []
    owners: dict = {}
    held: dict[int, list[str]] = {}
    if kind == Kind.REMINDER:
        owner_ids = {s.owner_id for s in steps if s.owner_id}
        owners = {u.pk: u for u in get_user_model().objects.filter(pk__in=owner_ids)} if owner_ids else {}
        held = _held_paths(owner_ids)
    for step in steps:
        # a holder whose role there has ended (its steps return to the queue tonight) is reminded no more
        if kind == Kind.REMINDER and step.owner_id in owners and _still_holds(step, held):
            out[step.pk] = [owners[step.owner_id]]
        else:
            pending.append(step)
    if not pending:
        return out
    ancestor_codes = {code for s in pending for code in s.unit_path.strip("/").split("/")}
    holders: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))  # unit path -> role -> users
    for assignment in (
        RoleAssignment.objects.active()
        .filter(unit__code__in=ancestor_codes)
        .select_related("user", "unit")
        .order_by("user_id")
    ):
        holders[assignment.unit.path][assignment.role].append(assignment.user)
    nearest: dict[tuple, list] = {}  # steps of one unit and step name share their recipients
    for step in pending:
        key = (step.unit_path, step.unit_level, step.step)
        if key not in nearest:
            if kind == Kind.REMINDER:
                roles = roles_for(step_actions()[step.step], step.unit_level)
            else:
                roles = {Role.SUPERVISOR}
            nearest[key] = _nearest(step.unit_path, holders, roles)
        out[step.pk] = nearest[key]
    return out


def _held_paths(owner_ids: set[int]) -> dict[int, list[str]]:
    """owner id -> the unit paths of their roles active today (one query for a sweep's batch)."""
    held: dict[int, list[str]] = defaultdict(list)
    if owner_ids:
        rows = RoleAssignment.objects.active().filter(user_id__in=owner_ids)
        for user_id, path in rows.values_list("user_id", "unit__path"):
            held[user_id].append(path)
    return held


def _still_holds(step: DueStep, held: dict[int, list[str]]) -> bool:
    return any(step.unit_path.startswith(path) for path in held.get(step.owner_id, ()))


def _nearest(unit_path: str, holders, roles) -> list:
    """The holders of `roles` on the nearest unit (the case's own, then upwards) that has any."""
    codes = unit_path.strip("/").split("/")
    for depth in range(len(codes), 0, -1):
        path = "/" + "/".join(codes[:depth]) + "/"
        users = {u.pk: u for role in roles for u in holders.get(path, {}).get(role, [])}
        if users:
            return list(users.values())
    return []
