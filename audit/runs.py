"""Recorded verifications: each run of verify_log is kept, and a failure is announced by a signal."""

import datetime

from django.db import transaction
from django.utils import timezone

from .models import VerificationRun
from .signals import verification_failed
from .verify import verify_log


def run_verification(*, trigger: str, against: dict | None = None) -> VerificationRun:
    """Verify the whole log, record the run, and send `verification_failed` when the log is broken."""
    started = timezone.now()
    result = verify_log(against=against)
    first = result.first_problem
    against_day = None
    if isinstance(against, dict) and isinstance(against.get("day"), str):
        try:
            against_day = datetime.date.fromisoformat(against["day"])
        except ValueError:
            against_day = None
    run = VerificationRun.objects.create(
        started_at=started,
        finished_at=timezone.now(),
        trigger=trigger,
        against_day=against_day,
        ok=result.ok,
        events_checked=result.events_checked,
        streams_checked=result.streams_checked,
        checkpoints_checked=result.checkpoints_checked,
        problem_count=result.problem_count,
        first_stream=first.stream if first else "",
        first_seq=first.seq if first else None,
        problems=[
            {"stream": p.stream, "seq": p.seq, "kind": p.kind, "message": str(p.message)}
            for p in result.problems
        ],
    )
    run.result = result  # the full result, for callers that print it
    if not result.ok:
        # listeners (notifications) run once the run row is committed, so they can link to it
        transaction.on_commit(lambda: verification_failed.send(sender=VerificationRun, run=run))
    return run


def latest_run() -> VerificationRun | None:
    return VerificationRun.objects.order_by("-started_at", "-pk").first()
