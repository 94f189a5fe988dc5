"""A caller that holds a case's row locked lets the services work on its instance, inside its transaction."""

import pytest
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from cases import services
from cases.models import Case
from tests.builders import nominate


@pytest.mark.django_db(transaction=True)
def test_holding_needs_the_callers_transaction(world):
    case = nominate(world)
    with pytest.raises(TransactionManagementError), services.holding(case):
        pass
    with pytest.raises(TransactionManagementError), services.failing_as_one():
        pass


def test_a_held_case_is_not_locked_again_and_others_are(world):
    case, other = nominate(world), nominate(world)
    with transaction.atomic():
        held = Case.objects.select_for_update().select_related("unit").get(pk=case.pk)
        with services.holding(held), CaptureQueriesContext(connection) as queries:
            assert services.lock_case(case.pk) is held
            assert len(queries) == 0
            assert services.lock_case(other).pk == other.pk
            assert len(queries) == 1
        with CaptureQueriesContext(connection) as queries:
            assert services.lock_case(case) is not held  # outside the block: the row is read again
            assert len(queries) == 1
