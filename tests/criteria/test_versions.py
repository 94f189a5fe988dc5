import pytest
from django.db import IntegrityError, transaction

from criteria.models import CriteriaSet


def test_a_version_number_is_unique_per_title_and_scope(world):
    national = CriteriaSet.objects.get(title_type__code="GDHT", version=1)
    duplicate = CriteriaSet.objects.get(pk=national.pk)
    duplicate.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    # the same version number is fine for a province's own adaptation
    duplicate.province = world.province
    duplicate.save()
    again = CriteriaSet.objects.get(pk=duplicate.pk)
    again.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        again.save()
