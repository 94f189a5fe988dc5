"""Villages and residential groups ("thôn", "bản", "tổ dân phố") registered in bulk under their communes, and
the mergers that replace them (the old villages end, a succession old → new is recorded)."""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import transaction

from audit.services import EventSpec, record_events

from .models import AdministrativeUnit, UnitLevel, UnitSuccession

BATCH = 500


@dataclass(frozen=True)
class NewVillage:
    code: str
    name: str
    commune: AdministrativeUnit


@dataclass(frozen=True)
class Merger:
    """`old` villages merged into `new` (a village being created in the same call, by code, or registered)."""

    new_code: str
    old: Sequence[AdministrativeUnit]
    effective_date: datetime.date


@transaction.atomic
def register_villages(
    villages: Sequence[NewVillage],
    mergers: Sequence[Merger] = (),
    *,
    actor,
    source: str = "",
    progress: Callable[[int], None] | None = None,
) -> tuple[list[AdministrativeUnit], list[UnitSuccession]]:
    """Create the villages (each with the commune's area class and its path) and record the mergers: one
    `unit.created` event per village and one `unit.merged` per succession, in one transaction, or nothing.

    The caller has checked codes and names (reports.imports.villages); the database's unique constraints
    refuse a code taken meanwhile. A succession already recorded is left as it is."""
    created: list[AdministrativeUnit] = []
    for start in range(0, len(villages), BATCH):
        rows = [
            AdministrativeUnit(
                code=v.code,
                name=v.name,
                level=UnitLevel.VILLAGE,
                parent=v.commune,
                path=f"{v.commune.path}{v.code}/",
                area_class=v.commune.area_class,
            )
            for v in villages[start : start + BATCH]
        ]
        AdministrativeUnit.objects.bulk_create(rows)
        created.extend(rows)
        if progress is not None:
            progress(len(created))
    if created and created[0].pk is None:  # back ends that return no keys from a bulk insert
        by_code = dict(
            AdministrativeUnit.objects.filter(code__in=[u.code for u in created]).values_list("code", "pk")
        )
        for unit in created:
            unit.pk = by_code[unit.code]
    new_units = {u.code: u for u in created}
    wanted_codes = {m.new_code for m in mergers} - new_units.keys()
    new_units.update({u.code: u for u in AdministrativeUnit.objects.filter(code__in=wanted_codes)})
    pairs = set(
        UnitSuccession.objects.filter(new_unit__code__in=[m.new_code for m in mergers]).values_list(
            "old_unit_id", "new_unit_id"
        )
    )
    successions = []
    for merger in mergers:
        new = new_units[merger.new_code]
        for old in merger.old:
            if (old.pk, new.pk) in pairs or old.pk == new.pk:
                continue
            pairs.add((old.pk, new.pk))
            successions.append(
                UnitSuccession(old_unit=old, new_unit=new, effective_date=merger.effective_date)
            )
    UnitSuccession.objects.bulk_create(successions)
    # the merged villages end the day before the merger (their history stays readable under their names)
    for succession in successions:
        last_day = succession.effective_date - datetime.timedelta(days=1)
        AdministrativeUnit.objects.filter(pk=succession.old_unit.pk, valid_to__isnull=True).update(
            valid_to=last_day
        )
    record_events(
        [
            *(
                EventSpec(
                    f"unit:{u.code}",
                    "unit.created",
                    actor=actor,
                    scope=u.path,
                    data={
                        "code": u.code,
                        "name": u.name,
                        "level": u.level,
                        "parent": u.parent.code,
                        "source": source,
                    },
                )
                for u in created
            ),
            *(
                EventSpec(
                    f"unit:{s.new_unit.code}",
                    "unit.merged",
                    actor=actor,
                    scope=s.new_unit.path,
                    data={
                        "old": s.old_unit.code,
                        "old_name": s.old_unit.name,
                        "new": s.new_unit.code,
                        "effective_date": s.effective_date,
                        "source": source,
                    },
                )
                for s in successions
            ),
        ]
    )
    return created, successions
