"""fastpath.claims and save_with_rows against the plain ORM on the same input: the rows they write, and what
they return, are the ORM's. Runs on both databases (PostgreSQL: the fused statements; SQLite: two)."""

import uuid

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from approvals.models import Decision, DecisionCounter, DecisionEntry
from fastpath.bulk import save_with_rows
from fastpath.claims import claim, next_number_into
from tests.builders import gdht, nominate
from workflows.models import CaseTask, StepEffect

from ..workflows.walk import open_case


def _effects(kind):
    return set(StepEffect.objects.filter(kind=kind).values_list("task_id", "kind", "sweep"))


def test_claim_inserts_and_reads_what_bulk_create_with_ignored_conflicts_and_a_filter_do(world):
    tasks = [services_task(open_case(world)) for _ in range(4)]
    ids = sorted(t.pk for t in tasks)
    sweep, now = uuid.uuid4(), timezone.now()

    def read(claimed):
        return CaseTask.objects.filter(pk__in=claimed).order_by("pk").values_list("pk", "step", "case_id")

    # the plain ORM: the first three claimed as "reminder"
    StepEffect.objects.bulk_create(
        [StepEffect(task_id=pk, kind="reminder", sweep=sweep) for pk in ids[:3]], ignore_conflicts=True
    )
    expected = _effects("reminder") | {(ids[3], "reminder", sweep)}
    expected_rows = list(read([ids[3]]))

    # the fast path over all four: only the fourth is new; it is claimed and read
    rows = claim(
        StepEffect,
        select=CaseTask.objects.filter(pk__in=ids).order_by().values_list("pk"),
        into="task",
        values={"kind": "reminder", "created_at": now, "sweep": sweep},
        unique=("task", "kind"),
        then=read,
    )
    assert rows == expected_rows
    assert _effects("reminder") == expected
    # claimed again: nothing new, nothing read
    assert (
        claim(
            StepEffect,
            select=CaseTask.objects.filter(pk__in=ids).order_by().values_list("pk"),
            into="task",
            values={"kind": "reminder", "created_at": now, "sweep": uuid.uuid4()},
            unique=("task", "kind"),
            then=read,
        )
        == []
    )


def services_task(case):
    return CaseTask.objects.get(case=case, status="NEW", flow_task_type="HUMAN")


def _draft(world, **extra):
    return Decision.objects.create(
        commune=world.commune_a,
        title_type=gdht(),
        year=2026,
        created_by=world.user("commune_officer_a"),
        **extra,
    )


def test_next_number_writes_the_counter_and_the_row_an_orm_update_would(world):
    chair = world.user("chair_a")
    fast, plain = _draft(world), _draft(world)
    signed_at = timezone.now()
    for decision in (fast, plain):
        decision.status, decision.signed_by, decision.signer_name = Decision.Status.SIGNED, chair, "Chủ tịch"
        decision.signed_at, decision.signed_on = signed_at, timezone.localdate(signed_at)

    fields = ("status", "signed_at", "signed_on", "signed_by", "signer_name")
    with transaction.atomic():
        taken = next_number_into(
            DecisionCounter,
            {"commune_id": world.commune_a.pk, "year": 2026, "series": "QĐ-UBND"},
            value="value",
            target=fast,
            number="number",
            fields=fields,
        )
    with transaction.atomic():  # the ORM's way: lock or create the counter, increment, write the decision
        counter, _created = DecisionCounter.objects.select_for_update().get_or_create(
            commune=world.commune_a, year=2026, series="QĐ-UBND"
        )
        DecisionCounter.objects.filter(pk=counter.pk).update(value=F("value") + 1)
        plain.number = DecisionCounter.objects.get(pk=counter.pk).value
        Decision.objects.filter(pk=plain.pk).update(
            number=plain.number, **{f: getattr(plain, f) for f in fields}
        )

    assert (taken, fast.number, plain.number) == (1, 1, 2)
    assert DecisionCounter.objects.get(commune=world.commune_a, year=2026, series="QĐ-UBND").value == 2
    columns = ["status", "signed_at", "signed_on", "signed_by_id", "signer_name"]
    rows = {d["pk"]: d for d in Decision.objects.filter(pk__in=[fast.pk, plain.pk]).values("pk", *columns)}
    assert {**rows[fast.pk], "pk": 0} == {**rows[plain.pk], "pk": 0}


def test_save_with_rows_writes_what_save_and_bulk_create_do(world):
    fast_case, plain_case = nominate(world), nominate(world)
    fast = Decision(
        commune=world.commune_a, unit_path=world.commune_a.path, title_type=gdht(), year=2026,
        created_by=world.user("commune_officer_a"),
    )  # fmt: skip
    entry = DecisionEntry(case=fast_case, recognised=False, reason="Chưa đạt")
    save_with_rows(fast, [(entry, "decision")])

    plain = _draft(world)
    DecisionEntry.objects.bulk_create(
        [DecisionEntry(decision=plain, case=plain_case, recognised=False, reason="Chưa đạt")]
    )

    assert not fast._state.adding and entry.decision_id == fast.pk
    columns = [f.attname for f in Decision._meta.concrete_fields if f.attname not in ("id", "created_at")]
    written = {d["pk"]: d for d in Decision.objects.filter(pk__in=[fast.pk, plain.pk]).values("pk", *columns)}
    assert {**written[fast.pk], "pk": 0} == {**written[plain.pk], "pk": 0}
    entries = {
        e.decision_id: (e.recognised, e.reason)
        for e in DecisionEntry.objects.filter(decision__in=[fast, plain])
    }
    assert entries[fast.pk] == entries[plain.pk] == (False, "Chưa đạt")
