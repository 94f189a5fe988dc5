"""Bulk registration follows the rules of registering one subject: same rows, an event each, all or none."""

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from registry.bulk import (
    NewClan,
    NewHousehold,
    NewOrganisation,
    SubjectsRefused,
    check_subjects,
    create_subjects,
)
from registry.households import create_household
from registry.models import Clan, Household, Organisation, Subject
from tests.builders import make_household

MEMBERS = [
    {"full_name": "  Nguyễn   Văn Đức ", "birth_year": 1970, "relation": "head"},
    {"full_name": "Trần Thị  Hương", "birth_year": 1974, "relation": "spouse"},
    {"full_name": "Nguyễn Văn An", "birth_year": 2008, "relation": "child"},
]
# what differs between two registrations of the same data: the row's identity, its code and its time
OWN = {"id", "subject_ptr", "code", "created_at"}


def fields(subject: Subject) -> dict:
    return {k: v for k, v in model_to_dict(subject, exclude=["households"]).items() if k not in OWN} | {
        "kind": subject.kind,
        "name_folded": subject.name_folded,
    }


def members(household: Household) -> list[tuple]:
    return list(household.members.order_by("pk").values_list("full_name", "birth_year", "relation"))


def created_events():
    return AuditEvent.objects.filter(event_type="subject.created").order_by("pk")


def test_a_household_registered_in_bulk_is_the_row_create_household_makes(world):
    actor = world.user("commune_officer_a")
    one = create_household(
        world.village_a1,
        head_name=" Nguyễn  Văn Đức",
        address="Số 5  đường Làng ",
        members=MEMBERS,
        actor=actor,
    )
    (bulk,) = create_subjects(
        [NewHousehold("HK-1", world.village_a1, " Nguyễn  Văn Đức", "Số 5  đường Làng ", MEMBERS)],
        actor=actor,
    )

    one, bulk = Household.objects.get(pk=one.pk), Household.objects.get(pk=bulk.pk)
    assert fields(bulk) == fields(one)
    assert (bulk.name, bulk.head_name, bulk.address) == (
        "Hộ Nguyễn Văn Đức",
        "Nguyễn Văn Đức",
        "Số 5 đường Làng",
    )
    assert (bulk.name_folded, bulk.area_class) == ("ho nguyen van duc", world.village_a1.area_class)
    assert (
        members(bulk)
        == members(one)
        == [
            ("Nguyễn Văn Đức", 1970, "head"),
            ("Trần Thị Hương", 1974, "spouse"),
            ("Nguyễn Văn An", 2008, "child"),
        ]
    )
    first, second = created_events()
    assert (first.stream, second.stream) == (f"subject:{one.pk}", f"subject:{bulk.pk}")
    assert second.scope == first.scope == world.village_a1.path
    assert second.actor_id == first.actor_id == actor.pk
    assert first.data == {"kind": "household", "code": one.code, "unit": world.village_a1.code, "members": 3}
    assert second.data == {**first.data, "code": "HK-1"}


def test_clans_and_organisations_registered_in_bulk_are_the_rows_save_makes(world):
    households = [make_household(world.village_a1), make_household(world.village_a2)]
    one_clan = Clan(
        code="DH-0", name="Dòng họ Nguyễn Đình", unit=world.commune_a, representative="Nguyễn Khang"
    )
    one_clan.save()
    one_org = Organisation(
        code="CQ-0", name="Trường Tiểu học Đại Sơn", unit=world.commune_a, org_type="school"
    )
    one_org.member_count = 41
    one_org.save()

    (clan,) = create_subjects(
        [
            NewClan(
                "DH-1",
                world.commune_a,
                "Dòng họ Nguyễn Đình",
                representative="Nguyễn Khang",
                households=[h.pk for h in households],
            )
        ],
        actor=None,
        source="import:7",
    )
    (org,) = create_subjects(
        [NewOrganisation("CQ-1", world.commune_a, "Trường Tiểu học Đại Sơn", "school", member_count=41)],
        actor=None,
    )

    assert fields(Clan.objects.get(pk=clan.pk)) == fields(Clan.objects.get(pk=one_clan.pk))
    assert fields(Organisation.objects.get(pk=org.pk)) == fields(Organisation.objects.get(pk=one_org.pk))
    assert set(clan.households.all()) == set(households)
    events = {e.stream: e for e in created_events()}
    assert events[f"subject:{clan.pk}"].data == {
        "kind": "clan",
        "code": "DH-1",
        "unit": world.commune_a.code,
        "households": 2,
        "source": "import:7",
    }
    assert events[f"subject:{org.pk}"].data == {
        "kind": "organisation",
        "code": "CQ-1",
        "unit": world.commune_a.code,
    }
    assert events[f"subject:{org.pk}"].scope == world.commune_a.path


def test_one_refused_subject_stops_the_whole_registration(world):
    rows = [
        NewHousehold("HK-1", world.village_a1, "Nguyễn Văn Một", members=MEMBERS),
        NewHousehold("HK-2", world.village_a1, "   "),  # no head of household
        NewHousehold("HK-3", world.commune_a, "Nguyễn Văn Ba"),  # not a village
        NewHousehold("HK-4", world.village_a1, "Lê Văn Bốn", members=[{**MEMBERS[0], "birth_year": 1850}]),
    ]
    before = (Subject.objects.count(), AuditEvent.objects.count())

    assert set(check_subjects(rows)) == {1, 2, 3}
    with pytest.raises(SubjectsRefused) as refused:
        create_subjects(rows, actor=None)

    assert set(refused.value.problems) == {1, 2, 3}
    assert "1900" in " ".join(refused.value.problems[3].messages)
    assert (Subject.objects.count(), AuditEvent.objects.count()) == before
    organisation = NewOrganisation("CQ-1", world.commune_a, "Trường", "bakery")  # not a type of organisation
    assert set(check_subjects([organisation])) == {0}


def test_subjects_of_two_kinds_are_registered_separately(world):
    with pytest.raises(ValueError):
        create_subjects(
            [
                NewHousehold("HK-1", world.village_a1, "Một"),
                NewOrganisation("CQ-1", world.commune_a, "X", "school"),
            ],
            actor=None,
        )


def test_registering_ten_times_as_many_households_costs_no_more_statements(world):
    def statements(n: int, prefix: str) -> int:
        rows = [NewHousehold(f"{prefix}-{i}", world.village_a1, f"Hộ {i}", members=MEMBERS) for i in range(n)]
        with CaptureQueriesContext(connection) as queries:
            create_subjects(rows, actor=None)
        return len(queries.captured_queries)

    # SQLite takes at most 999 parameters a statement: a few more INSERTs for 100 households there; none on PG
    extra = 0 if connection.vendor == "postgresql" else 4
    few, many = statements(10, "A"), statements(100, "B")
    assert few <= many <= few + extra, (few, many)
    assert created_events().count() == 110
