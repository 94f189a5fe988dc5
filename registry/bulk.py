"""Registering many subjects at once (the registry imports) by the rules of registering one: every subject is
checked first, then all are written, each with its own `subject.created` event, in one transaction, or none.

A household is checked and shaped by registry.households (as create_household does); a clan or an
organisation by its model's field checks (as the admin's form does); every subject gets the fields
Subject.save derives. Subjects registered in bulk carry the codes their commune gave them.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model

from audit.services import start_streams

from .households import household_data
from .models import AdministrativeUnit, Clan, Organisation, Subject
from .subjects import BATCH, created_event, insert_subjects

# What a prepared subject is: the unsaved subject, the unsaved rows that refer to it (members, links), and
# what its `subject.created` event says besides kind, code and unit.
Prepared = tuple[Subject, list[Model], dict]


@dataclass(frozen=True)
class NewHousehold:
    code: str
    village: AdministrativeUnit
    head_name: str
    address: str = ""
    members: Sequence[Mapping] = ()  # full_name, birth_year, relation
    phone: str = ""
    head_id_last4: str = ""

    def check(self) -> None:
        self._data()

    def prepare(self) -> Prepared:
        data = self._data()
        household = data.household(code=self.code)
        return household, data.member_rows(household), {"members": len(data.members)}

    def _data(self):
        return household_data(
            self.village,
            head_name=self.head_name,
            address=self.address,
            members=self.members,
            phone=self.phone,
            head_id_last4=self.head_id_last4,
        )


@dataclass(frozen=True)
class NewClan:
    code: str
    commune: AdministrativeUnit
    name: str
    representative: str = ""
    address: str = ""
    households: Sequence[int] = ()  # ids of registered member households

    def prepare(self) -> Prepared:
        clan = _checked(
            Clan(
                code=self.code,
                name=self.name,
                unit=self.commune,
                representative=self.representative,
                address=self.address,
            )
        )
        links = [Clan.households.through(clan=clan, household_id=pk) for pk in dict.fromkeys(self.households)]
        return clan, links, {"households": len(links)}

    def check(self) -> None:
        self.prepare()


@dataclass(frozen=True)
class NewOrganisation:
    code: str
    commune: AdministrativeUnit
    name: str
    org_type: str
    member_count: int = 0
    address: str = ""

    def prepare(self) -> Prepared:
        organisation = Organisation(
            code=self.code,
            name=self.name,
            unit=self.commune,
            org_type=self.org_type,
            member_count=self.member_count,
            address=self.address,
        )
        return _checked(organisation), [], {}

    def check(self) -> None:
        self.prepare()


NewSubject = NewHousehold | NewClan | NewOrganisation


class SubjectsRefused(ValidationError):
    """Subjects of a bulk registration the registry refuses; `problems` maps the position of each in the
    sequence given to its ValidationError. Nothing was written."""

    def __init__(self, problems: dict[int, ValidationError]):
        super().__init__(list(problems.values()))
        self.problems = problems


def check_subjects(rows: Sequence[NewSubject]) -> dict[int, ValidationError]:
    """What the registry would object to, by the position of each row it would refuse; writes nothing (and,
    for households, builds no rows: their data's checks are all there is)."""
    problems = {}
    for at, row in enumerate(rows):
        try:
            row.check()
        except ValidationError as exc:
            problems[at] = exc
    return problems


@transaction.atomic
def create_subjects(
    rows: Sequence[NewSubject],
    *,
    actor,
    source: str = "",
    progress: Callable[[int], None] | None = None,
) -> list[Subject]:
    """Register subjects of one kind, with their members or member households, and one `subject.created`
    event each (naming `source`, e.g. the import job); raises SubjectsRefused, writing nothing, if the
    registry refuses any. The caller checks that the actor may register subjects where they are, and that
    their codes are free. `progress` hears how many are written, batch by batch."""
    if len({type(row) for row in rows}) > 1:
        raise ValueError("create_subjects() registers subjects of one kind at a time")
    prepared = _prepared(rows)
    subjects = [subject for subject, _rows, _facts in prepared]
    for start in range(0, len(prepared), BATCH):
        batch = prepared[start : start + BATCH]
        insert_subjects([subject for subject, _rows, _facts in batch])
        # built before the subjects had primary keys: bulk_create takes them from the subjects now
        related = [row for _subject, rows, _facts in batch for row in rows]
        if related:
            type(related[0]).objects.bulk_create(related, batch_size=BATCH)
        # the subjects are new: their streams start here, heads written with the events (audit.start_streams)
        start_streams(created_event(s, actor=actor, source=source, **facts) for s, _rows, facts in batch)
        if progress is not None:
            progress(start + len(batch))
    return subjects


def _prepared(rows: Sequence[NewSubject]) -> list[Prepared]:
    prepared, problems = [], {}
    for at, row in enumerate(rows):
        try:
            prepared.append(row.prepare())
        except ValidationError as exc:
            problems[at] = exc
    if problems:
        raise SubjectsRefused(problems)
    return prepared


def _checked(subject: Subject) -> Subject:
    """The checks a subject registered by hand passes (the admin's form): each field's own. Its unit is
    given as a registry row, and its code is checked by the caller against the whole registry at once."""
    subject.fill_derived()
    relations = [f.name for f in subject._meta.concrete_fields if f.is_relation or f.primary_key]
    subject.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
    return subject
