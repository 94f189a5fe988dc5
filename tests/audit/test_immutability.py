"""Audit events and checkpoints cannot be changed or removed: not by the ORM, nor by raw SQL on PostgreSQL."""

import pytest
from django.db import DatabaseError, Error, connection, transaction
from django.utils import timezone

from audit.checkpoints import make_checkpoint
from audit.models import AuditEvent, AuditLogImmutable, Checkpoint
from audit.services import record_event


@pytest.fixture
def events(db):
    return [record_event("test:immutable", "test.event", data={"i": i}, reason="original") for i in range(3)]


def snapshot(model):
    return sorted(model.objects.values_list())


def test_saving_an_existing_event_is_refused(events):
    before = snapshot(AuditEvent)
    event = AuditEvent.objects.get(pk=events[1].pk)
    event.reason = "changed"
    with pytest.raises(AuditLogImmutable):
        event.save()
    with pytest.raises(AuditLogImmutable):
        event.save(update_fields=["reason"])
    assert snapshot(AuditEvent) == before


def test_deleting_an_event_is_refused(events):
    before = snapshot(AuditEvent)
    with pytest.raises(AuditLogImmutable):
        AuditEvent.objects.get(pk=events[0].pk).delete()
    assert snapshot(AuditEvent) == before


def test_queryset_update_and_delete_are_refused(events):
    before = snapshot(AuditEvent)
    with pytest.raises(AuditLogImmutable):
        AuditEvent.objects.update(reason="changed")
    with pytest.raises(AuditLogImmutable):
        AuditEvent.objects.filter(pk=events[2].pk).update(reason="changed")
    with pytest.raises(AuditLogImmutable):
        AuditEvent.objects.all().delete()
    with pytest.raises(AuditLogImmutable):
        AuditEvent.objects.filter(pk=events[2].pk).delete()
    for event in events:
        event.reason = "changed"
    with pytest.raises(AuditLogImmutable):
        AuditEvent.objects.bulk_update(events, ["reason"])
    assert snapshot(AuditEvent) == before


def test_checkpoints_cannot_be_changed_or_removed(events):
    checkpoint = make_checkpoint(cutoff=timezone.now())
    before = snapshot(Checkpoint)
    checkpoint.event_count += 1
    with pytest.raises(AuditLogImmutable):
        checkpoint.save()
    with pytest.raises(AuditLogImmutable):
        checkpoint.delete()
    with pytest.raises(AuditLogImmutable):
        Checkpoint.objects.update(event_count=0)
    with pytest.raises(AuditLogImmutable):
        Checkpoint.objects.all().delete()
    assert snapshot(Checkpoint) == before


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET reason = 'changed' WHERE id = %s",
        "UPDATE audit_auditevent SET hash = prev_hash WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id >= %s",
    ],
)
def test_raw_sql_on_events_is_refused_by_the_trigger(requires_postgres, events, sql):
    before = snapshot(AuditEvent)
    with pytest.raises(Error) as excinfo, transaction.atomic():
        raw(sql, [events[1].pk])
    assert "append-only" in str(excinfo.value)
    assert snapshot(AuditEvent) == before


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_checkpoint SET event_count = 0 WHERE id = %s",
        "DELETE FROM audit_checkpoint WHERE id = %s",
    ],
)
def test_raw_sql_on_checkpoints_is_refused_by_the_trigger(requires_postgres, events, sql):
    checkpoint = make_checkpoint(cutoff=timezone.now())
    before = snapshot(Checkpoint)
    with pytest.raises(DatabaseError), transaction.atomic():
        raw(sql, [checkpoint.pk])
    assert snapshot(Checkpoint) == before
