"""The migration that gives events written before the scope column the unit path of their stream."""

import importlib

from django.apps import apps
from django.db import connection

from audit.models import AuditEvent
from audit.services import record_event
from audit.verify import verify_log
from tests.builders import make_household, nominate

backfill = importlib.import_module("inspection.migrations.0001_backfill_event_scope")


class _Editor:
    connection = connection


def test_backfill_fills_case_subject_and_role_streams_and_keeps_every_chain(world):
    case = nominate(world, world.village_b1, household=make_household(world.village_b1))
    old = [
        record_event(case.stream, "case.legacy"),
        record_event(f"subject:{case.subject_id}", "personal_data.viewed", data={"what": "evidence"}),
        record_event(
            f"user:{world.user('officer_a2').pk}", "role.assigned", data={"unit": world.village_a2.code}
        ),
        record_event("config:criteria_set:GDHT", "criteria_set.revised"),
    ]
    assert all(e.scope == "" for e in old)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # ALTER TABLE refuses while deferred checks are pending
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    backfill.forwards(apps, _Editor())
    scopes = dict(AuditEvent.objects.filter(pk__in=[e.pk for e in old]).values_list("pk", "scope"))
    assert [scopes[e.pk] for e in old] == [
        world.village_b1.path,
        world.village_b1.path,
        world.village_a2.path,
        "",  # configuration stays province-wide
    ]
    assert verify_log().ok
