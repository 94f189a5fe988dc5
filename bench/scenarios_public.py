""" "Where is my case?" (portal.views.status_lookup) at the province's size: POSTs through the real view and
the test client, as a stranger with no session sends them; half find their case, half give wrong digits (a
wrong number costs the same work by design: tests/portal)."""

import random
import statistics
import time
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from cases.models import Case
from registry.models import Household, SubjectKind

from .province import BenchWorld
from .scenarios import QueryCounter, _no_debug, percentile, scenario

DIGITS = "0421"
UNLIMITED = {
    "PER_ADDRESS": 10**9,
    "WINDOW_SECONDS": 60,
    "FAILURES_PER_CASE": 10**9,
    "CASE_WINDOW_SECONDS": 60,
}


@scenario("public_status_lookup")
def public_status_lookup(
    world: BenchWorld, *, cases: int = 100, warmups: int = 10, log: Callable[[str], None] | None = print
) -> dict:
    """Untimed: `cases` household cases picked at random get check digits. Timed: one lookup per case with
    the right digits and one with wrong ones, interleaved, after `warmups` untimed lookups."""
    log = log or (lambda _msg: None)
    ids = list(Case.objects.filter(subject__kind=SubjectKind.HOUSEHOLD).values_list("pk", flat=True)[:50_000])
    picked = list(
        Case.objects.filter(pk__in=random.Random(7).sample(ids, min(cases, len(ids)))).values_list(
            "reference", "subject_id"
        )
    )
    Household.objects.filter(pk__in=[s for _r, s in picked]).update(head_id_last4=DIGITS)
    lookups = [(ref, DIGITS if n % 2 == 0 else "9999") for ref, _s in picked for n in range(2)]
    client = Client()
    url = reverse("portal:status")
    counter = QueryCounter()
    times: list[float] = []
    queries: list[int] = []
    found = 0
    with _no_debug(), override_settings(PUBLIC_LOOKUP=UNLIMITED), connection.execute_wrapper(counter):
        cache.clear()
        for n, (reference, digits) in enumerate(lookups[:warmups] + lookups):
            counter.counts.clear()
            counter.bucket = "request"
            t0 = time.perf_counter()
            response = client.post(url, {"reference": reference, "check": digits})
            dt = time.perf_counter() - t0
            counter.bucket = None
            if response.status_code != 200:
                raise AssertionError(f"lookup of {reference} answered {response.status_code}")
            if n >= warmups:
                times.append(dt * 1000)
                queries.append(counter.counts["request"])
                found += b'<ol class="steps">' in response.content  # the status card: no context here
    if found != len(picked):
        raise AssertionError(f"{found} of {len(picked)} lookups with the right digits found their case")
    log(f"    {len(times)} lookups, {found} found; queries per lookup min {min(queries)} max {max(queries)}")
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "queries": round(statistics.mean(queries), 1),
    }
