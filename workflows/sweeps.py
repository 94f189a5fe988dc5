"""The deadline sweep: reminders, escalations and stalled steps, each delivered once per (step, kind).

Celery beat runs `workflows.tasks.sweep_deadlines` every minute. The sweep reads the database, not a clock
of its own: a step is due for an effect when its time has passed (remind_at, escalate_at, or no change for
STALLED_AFTER_DAYS) and it has no StepEffect row of that kind. So a sweep that missed minutes (broker down,
worker dead) catches up on the next run, and nothing is ever scheduled as a long ETA task.

Exactly once: a batch claims its steps by inserting StepEffect rows under a unique (step, kind) constraint,
ignoring conflicts, and then delivers only the rows carrying its own sweep token — all in one transaction
with the notifications and the audit events. Two sweeps at once: the second's insert waits for the first's
commit and then skips those steps. A sweep that dies mid-batch rolls back, claims included, and the next
run delivers the batch again.
"""

import datetime
import uuid
from collections import defaultdict

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.status import STATUS

from audit.services import EventSpec, record_events
from cases.conf import setting
from cases.permissions import roles_for
from notifications.services import Message, notify_many
from registry.models import Role, RoleAssignment

from .models import CaseTask, StepEffect
from .selectors import STEP_ACTIONS

BATCH = 500
OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
Kind = StepEffect.Kind


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


def _pending(kind: str, due_q: Q):
    return (
        CaseTask.objects.filter(due_q, status__in=OPEN, flow_task_type="HUMAN", paused_at__isnull=True)
        .exclude(Exists(StepEffect.objects.filter(task=OuterRef("pk"), kind=kind)))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _deliver(kind: str, due_q: Q) -> int:
    delivered = 0
    while True:
        with transaction.atomic():
            ids = list(_pending(kind, due_q)[:BATCH])
            if not ids:
                return delivered
            token = uuid.uuid4()
            StepEffect.objects.bulk_create(
                [StepEffect(task_id=pk, kind=kind, sweep=token) for pk in ids], ignore_conflicts=True
            )
            mine = list(
                CaseTask.objects.filter(effects__sweep=token)
                .select_related("case__unit", "case__subject", "owner")
                .order_by("pk")
            )
            _announce(kind, mine)
            delivered += len(mine)


def _announce(kind: str, tasks: list[CaseTask]) -> None:
    """The batch's notifications and audit events, each written in one go."""
    recipients = _recipients(kind, tasks)
    messages, events = [], []
    for task in tasks:
        users = recipients.get(task.pk, [])
        case_url = reverse("cases:detail", args=[task.case_id])
        context = {"case": task.case, "task": task, "step": task.flow_task.task_title, "due_at": task.due_at}
        messages += [
            Message(user, f"deadline_{kind}", f"deadline:{kind}:{task.pk}:{user.pk}", context, case_url)
            for user in users
        ]
        events.append(
            EventSpec(
                task.case.stream,
                f"deadline.{kind}",
                scope=task.case.unit_path,
                data={
                    "step": task.step,
                    "task": task.pk,
                    "due_at": task.due_at.isoformat() if task.due_at else None,
                    "notified": sorted(u.get_username() for u in users),
                },
            )
        )
    notify_many(messages)
    record_events(events)


def _recipients(kind: str, tasks: list[CaseTask]) -> dict[int, list]:
    """Reminders: the assignee, or (unclaimed) whoever may take the step on the nearest unit that has such a
    person. Escalations and stalls: the supervisors of the nearest unit above the case that has any."""
    out: dict[int, list] = {}
    pending = []
    for task in tasks:
        if kind == Kind.REMINDER and task.owner_id:
            out[task.pk] = [task.owner]
        else:
            pending.append(task)
    if not pending:
        return out
    ancestor_codes = {code for t in pending for code in t.case.unit_path.strip("/").split("/")}
    holders: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))  # unit path -> role -> users
    for assignment in (
        RoleAssignment.objects.active()
        .filter(unit__code__in=ancestor_codes)
        .select_related("user", "unit")
        .order_by("user_id")
    ):
        holders[assignment.unit.path][assignment.role].append(assignment.user)
    for task in pending:
        if kind == Kind.REMINDER:
            roles = roles_for(STEP_ACTIONS[task.step], task.case.unit.level)
        else:
            roles = {Role.SUPERVISOR}
        out[task.pk] = _nearest(task.case.unit_path, holders, roles)
    return out


def _nearest(unit_path: str, holders, roles) -> list:
    """The holders of `roles` on the nearest unit (the case's own, then upwards) that has any."""
    codes = unit_path.strip("/").split("/")
    for depth in range(len(codes), 0, -1):
        path = "/" + "/".join(codes[:depth]) + "/"
        users = {u.pk: u for role in roles for u in holders.get(path, {}).get(role, [])}
        if users:
            return list(users.values())
    return []
