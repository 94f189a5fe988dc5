"""A caller that holds a case's row locked passes it (`held=`): the service works on that instance, inside the
caller's transaction, without locking or reading the row again."""

import pytest
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from cases import services
from cases.models import Case, CaseState
from tests.builders import nominate


@pytest.mark.django_db(transaction=True)
def test_holding_needs_the_callers_transaction(world):
    case = nominate(world)
    held = Case.objects.select_related("unit").get(pk=case.pk)
    with pytest.raises(TransactionManagementError):
        services.withdraw_case(held, actor=world.user("officer_a1"), reason="Chuyển đi", held=held)
    assert Case.objects.get(pk=case.pk).state == CaseState.NOMINATED


def test_a_held_case_is_not_locked_again_and_others_are(world):
    case, other = nominate(world), nominate(world)
    officer = world.user("officer_a1")
    with transaction.atomic():
        held = Case.objects.select_for_update().select_related("unit").get(pk=case.pk)
        with CaptureQueriesContext(connection) as queries:
            moved = services.withdraw_case(held, actor=officer, reason="Chuyển đi", held=held)
        assert moved is held and held.state == CaseState.WITHDRAWN
        assert not [q for q in queries if 'FROM "cases_case"' in q["sql"]]  # neither locked nor read again
        with CaptureQueriesContext(connection) as queries:
            assert services.withdraw_case(other, actor=officer, reason="Chuyển đi").pk == other.pk
        assert [q for q in queries if 'FROM "cases_case"' in q["sql"] and "FOR UPDATE" in q["sql"]] or (
            connection.vendor
            == "sqlite"  # SQLite has no FOR UPDATE: the row is read in the IMMEDIATE transaction
            and [q for q in queries if 'FROM "cases_case"' in q["sql"]]
        )
