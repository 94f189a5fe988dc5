"""Queries compiled once return what the queryset returns; reused INSERTs write what Django compiles."""

import datetime

import pytest
from django.db import connection, transaction
from django.db.models import sql

from audit.models import AuditEvent
from fastpath.bulk import compiled_insert
from fastpath.compiled import CompiledQuery
from registry.models import AdministrativeUnit, RoleAssignment
from registry.selectors import Grant, forget_grants, grants_for
from workflows.engine import completion
from workflows.models import CaseTask

from ..workflows.walk import open_case


def _fields(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_a_select_related_query_gives_the_querysets_instances(world):
    open_case(world)
    open_case(world)

    def tasks(pk):
        return CaseTask.objects.select_related("case__unit", "process").filter(process__pk=pk).order_by("pk")

    query = CompiledQuery(tasks, kinds=[int])
    for process_id in set(CaseTask.objects.values_list("process_id", flat=True)):
        ours, theirs = query.all(process_id), list(tasks(process_id))
        assert len(ours) == len(theirs) == 2  # the start and the first step
        for mine, orm in zip(ours, theirs, strict=True):
            assert _fields(mine) == _fields(orm)
            assert _fields(mine.case) == _fields(orm.case)
            assert _fields(mine.case.unit) == _fields(orm.case.unit)
            assert _fields(mine.process) == _fields(orm.process)
            assert mine._state.adding is False and mine._state.db == "default"
    assert query.first(-1) is None


def test_the_steps_lock_reads_the_step_as_the_orm_does(world):
    case = open_case(world)
    task = CaseTask.objects.get(case=case, flow_task_type="HUMAN")
    with transaction.atomic():
        locked = completion.lock_step(task.pk)
        assert _fields(locked) == _fields(task)
        assert _fields(locked.case) == _fields(case)
        assert locked.case.unit == case.unit and locked.process.pk == task.process_id
        with pytest.raises(CaseTask.DoesNotExist):
            completion.lock_step(-5)


def test_an_argument_used_twice_is_given_at_every_place(world):
    """A user's grants on a given day: the day bounds the validity from both sides."""
    officer = world.user("officer_a1")
    assignment = RoleAssignment.objects.filter(user=officer).first()
    RoleAssignment.objects.filter(pk=assignment.pk).update(
        valid_from=datetime.date(2026, 1, 1), valid_to=datetime.date(2026, 6, 30)
    )
    query = CompiledQuery(
        lambda user_id, day: RoleAssignment.objects.active(on=day).filter(user_id=user_id).values_list("pk"),
        kinds=[int, datetime.date],
    )
    assert query.all(officer.pk, datetime.date(2026, 3, 1)) == [(assignment.pk,)]
    assert query.all(officer.pk, datetime.date(2026, 7, 1)) == []
    assert query.all(officer.pk, datetime.date(2025, 12, 31)) == []


def test_grants_are_the_active_assignments_with_their_units(world):
    officer = world.user("officer_a1")
    forget_grants(officer)
    expected = [
        Grant(*row)
        for row in RoleAssignment.objects.active()
        .filter(user=officer)
        .values_list("role", "unit_id", "unit__code", "unit__path", "unit__level")
    ]
    assert grants_for(officer) == expected and expected


def test_a_lookup_that_rewrites_its_value_is_refused(world):
    query = CompiledQuery(lambda path: AdministrativeUnit.objects.filter(path__startswith=path), kinds=[str])
    with pytest.raises(ValueError, match="does not reach the SQL"):
        query.all("/1/")


@pytest.mark.parametrize("options", [{"flat": True}, {"named": True}])
def test_rows_other_than_tuples_are_refused(world, options):
    query = CompiledQuery(
        lambda pk: AdministrativeUnit.objects.filter(pk=pk).values_list("code", **options), [int]
    )
    with pytest.raises(TypeError):
        query.all(world.village_a1.pk)


def test_a_reused_insert_sends_what_django_compiles(world, requires_postgres):
    def event(n):
        return AuditEvent(
            stream="test:compiled",
            seq=n,
            event_type="x.y",
            occurred_at=datetime.datetime(2026, 11, 22, 8, 0, tzinfo=datetime.UTC),
            data={"n": n, "tên": "Hộ"},
            ip="127.0.0.1",
            scope="/",
            hash=f"h{n}",
        )

    first_sql, _ = compiled_insert(AuditEvent, event(1), returning=True)
    reused_sql, reused_params = compiled_insert(AuditEvent, event(2), returning=True)

    query = sql.InsertQuery(AuditEvent)
    second = event(2)
    second.stream, second.hash = "test:django", "other"  # the same event elsewhere (unique per stream, hash)
    fields = [f for f in AuditEvent._meta.local_concrete_fields if not f.primary_key]
    query.insert_values(fields, [second])
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = [AuditEvent._meta.pk]
    [(django_sql, django_params)] = compiler.as_sql()
    assert reused_sql == first_sql == django_sql
    # the instants come from the same pre_save hooks; compare the rows the two statements write
    with connection.cursor() as cursor:
        cursor.execute(reused_sql, reused_params)
        ours = cursor.fetchone()[0]
        cursor.execute(django_sql, django_params)
        theirs = cursor.fetchone()[0]
    rows = {e.pk: e for e in AuditEvent.objects.filter(pk__in=[ours, theirs])}
    assert {k: v for k, v in _fields(rows[ours]).items() if k not in ("id", "stream", "hash")} == {
        k: v for k, v in _fields(rows[theirs]).items() if k not in ("id", "stream", "hash")
    }
