"""Decision numbers under concurrency (PostgreSQL): several chairs' signatures at once give 1..N, no gaps."""

import threading

import pytest
from django.db import connection

from approvals import services
from approvals.models import Decision
from tests.approvals.builders import proposed_cases
from tests.builders import gdht
from workflows import services as workflow


@pytest.mark.django_db(transaction=True)
def test_concurrent_signings_get_unique_gapless_numbers(world, requires_postgres):
    cases = proposed_cases(world, 6)
    drafts = [
        services.draft_decision(
            world.commune_a, title_type=gdht(), year=2026, cases=[case], actor=world.user("commune_officer_a")
        )
        for case in cases
    ]
    # one signing fails inside its transaction after taking a number: the number must not be lost
    import cases.services.engine as batch

    real = batch.record_events
    failing_stream = cases[3].stream

    def flaky(events, **kwargs):
        if any(e.stream == failing_stream for e in events):
            raise RuntimeError("connection dropped")
        return real(events, **kwargs)

    batch.record_events = flaky
    barrier = threading.Barrier(len(drafts))
    outcomes = [None] * len(drafts)

    def sign(i, draft):
        try:
            barrier.wait()
            outcomes[i] = workflow.sign_decision(draft, actor=world.user("chair_a"))
        except Exception as exc:  # noqa: BLE001 - inspected below
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=sign, args=(i, d)) for i, d in enumerate(drafts)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    finally:
        batch.record_events = real

    failed = [o for o in outcomes if isinstance(o, Exception)]
    assert len(failed) == 1 and "connection dropped" in str(failed[0])
    numbers = sorted(Decision.objects.filter(status=Decision.Status.SIGNED).values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4, 5]
    assert Decision.objects.get(pk=drafts[3].pk).number is None
