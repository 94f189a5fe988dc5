"""Writing validated households in bulk, consistent with registry.households.create_household: the same
name convention, folded search name, area class from the village, members with their relation."""

from collections.abc import Callable

from django.db import connection

from registry.models import Household, HouseholdMember, Subject, SubjectKind
from registry.text import fold

from .validation import Report

BATCH = 2000


def write_households(report: Report, *, progress: Callable[[int], None] | None = None) -> tuple[int, int]:
    """Insert the report's new households and their members; the caller holds the transaction.

    Household is a multi-table child of Subject, which bulk_create refuses, so the parent rows are
    bulk-created and the child rows inserted with one executemany per batch.
    Returns (households, members) written.
    """
    plans = report.new
    villages = {u.code: u for u in report.villages.values()}
    households = members = 0
    child_table = connection.ops.quote_name(Household._meta.db_table)
    ptr = connection.ops.quote_name(Household._meta.pk.column)
    head = connection.ops.quote_name(Household._meta.get_field("head_name").column)
    for start in range(0, len(plans), BATCH):
        batch = plans[start : start + BATCH]
        subjects = []
        for plan in batch:
            village = villages[plan.village_code]
            name = f"Hộ {plan.head_name}"  # the registry's naming convention (data, not UI text)
            subjects.append(
                Subject(
                    kind=SubjectKind.HOUSEHOLD,
                    code=plan.code,
                    name=name,
                    name_folded=fold(name)[:200],
                    unit_id=village.pk,
                    area_class=village.area_class,
                    address=plan.address,
                )
            )
        Subject.objects.bulk_create(subjects)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {child_table} ({ptr}, {head}) VALUES (%s, %s)",  # noqa: S608 (quoted names)
                [(s.pk, plan.head_name) for s, plan in zip(subjects, batch, strict=True)],
            )
        rows = [
            HouseholdMember(household_id=s.pk, **member)
            for s, plan in zip(subjects, batch, strict=True)
            for member in plan.members
        ]
        HouseholdMember.objects.bulk_create(rows, batch_size=BATCH)
        households += len(batch)
        members += len(rows)
        if progress is not None:
            progress(households)
    return households, members
