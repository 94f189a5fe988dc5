"""The registry imports register their subjects through the registry's bulk registration: the rows one-by-one
registration makes, one `subject.created` event per subject, and the registry's own refusals on their rows."""

import pytest
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict

from audit.models import AuditEvent
from registry import bulk
from registry.households import create_household
from registry.models import Clan, Household, Organisation, Subject
from reports.models import ImportJob
from tests.builders import make_household

from .imports import commit, problems, run_import
from .sheets import CLAN_HEADER, HEADER, ORG_HEADER, household_rows, sheet_bytes

S = ImportJob.Status
OWN = {"id", "subject_ptr", "code", "created_at"}  # what two registrations of the same data do not share


@pytest.fixture
def officer(world):
    return world.user("commune_officer_a")


def imported(data: bytes, officer, capture, kind: str) -> ImportJob:
    job = commit(run_import(data, officer, capture, kind=kind), officer, capture)
    assert job.status == S.DONE, job.errors
    return job


def created_events(job: ImportJob) -> dict[str, AuditEvent]:
    """The `subject.created` events of an import, by the code of their subject."""
    events = AuditEvent.objects.filter(event_type="subject.created", data__source=f"import:{job.pk}")
    return {e.data["code"]: e for e in events}


def test_an_imported_household_is_the_row_create_household_makes(
    world, officer, django_capture_on_commit_callbacks
):
    rows = household_rows([world.village_a1.code], 1)
    one = create_household(
        world.village_a1,
        head_name=rows[0][2],
        address=rows[0][5],
        members=[
            {"full_name": "Nguyễn Văn 0-0", "birth_year": 1970, "relation": "head"},
            {"full_name": "Nguyễn Văn 0-1", "birth_year": 1972, "relation": "spouse"},
            {"full_name": "Nguyễn Văn 0-2", "birth_year": 2001, "relation": "child"},
            {"full_name": "Nguyễn Văn 0-3", "birth_year": 2005, "relation": "child"},
        ],
        actor=officer,
    )

    imported(sheet_bytes(HEADER, rows), officer, django_capture_on_commit_callbacks, "households")

    household = Household.objects.get(code="HK000000")
    one = Household.objects.get(pk=one.pk)
    assert {k: v for k, v in model_to_dict(household).items() if k not in OWN} == {
        k: v for k, v in model_to_dict(one).items() if k not in OWN
    }
    assert (
        (household.kind, household.name_folded)
        == (one.kind, one.name_folded)
        == ("household", "ho nguyen van 0-0")
    )
    assert list(household.members.order_by("pk").values_list("full_name", "birth_year", "relation")) == list(
        one.members.order_by("pk").values_list("full_name", "birth_year", "relation")
    )


def test_a_household_import_writes_one_created_event_per_household(
    world, officer, django_capture_on_commit_callbacks
):
    villages = [world.village_a1, world.village_a2]
    job = imported(
        sheet_bytes(HEADER, household_rows([v.code for v in villages], 6)),
        officer,
        django_capture_on_commit_callbacks,
        "households",
    )

    events = created_events(job)
    households = Household.objects.filter(code__startswith="HK").select_related("unit")
    assert sorted(events) == sorted(h.code for h in households) and len(events) == 6
    for household in households:
        event = events[household.code]
        assert (event.stream, event.scope, event.actor_id) == (
            f"subject:{household.pk}",
            household.unit.path,
            officer.pk,
        )
        assert event.data == {
            "kind": "household",
            "code": household.code,
            "unit": household.unit.code,
            "members": 4,
            "source": f"import:{job.pk}",
        }
    assert AuditEvent.objects.filter(stream=f"import:{job.pk}").count() == 1  # and the import's own

    again = imported(
        sheet_bytes(HEADER, household_rows([v.code for v in villages], 6)),
        officer,
        django_capture_on_commit_callbacks,
        "households",
    )
    assert created_events(again) == {}  # households already registered are left unchanged


def test_clan_and_organisation_imports_write_one_created_event_per_subject(
    world, officer, django_capture_on_commit_callbacks
):
    a = world.commune_a.code
    members = [make_household(world.village_a1), make_household(world.village_a2)]
    clans = imported(
        sheet_bytes(
            CLAN_HEADER,
            [
                ["DH-01", "Dòng họ Lê", a, "", "", ",".join(h.code for h in members)],
                ["DH-02", "Dòng họ Vũ", a, "", "", ""],
            ],
        ),
        officer,
        django_capture_on_commit_callbacks,
        "clans",
    )
    organisations = imported(
        sheet_bytes(ORG_HEADER, [["DV-01", "Trường Mầm non Đại Sơn", a, "Trường học", 12, ""]]),
        officer,
        django_capture_on_commit_callbacks,
        "organisations",
    )

    events = created_events(clans)
    assert set(events) == {"DH-01", "DH-02"}
    assert events["DH-01"].stream == f"subject:{Clan.objects.get(code='DH-01').pk}"
    assert events["DH-01"].scope == world.commune_a.path
    assert (events["DH-01"].data["households"], events["DH-02"].data["households"]) == (2, 0)
    (event,) = created_events(organisations).values()
    assert event.stream == f"subject:{Organisation.objects.get(code='DV-01').pk}"
    assert event.data == {
        "kind": "organisation",
        "code": "DV-01",
        "unit": a,
        "source": f"import:{organisations.pk}",
    }


def test_a_household_the_registry_refuses_is_reported_on_its_row_and_nothing_is_written(
    world, officer, monkeypatch, django_capture_on_commit_callbacks
):
    rows = household_rows([world.village_a1.code], 3)
    rule = bulk.household_data

    def refuse_the_second(village, *, head_name, **data):
        if head_name == "Nguyễn Văn 1-0":
            raise ValidationError({"head_name": "Không nhận tên này."})
        return rule(village, head_name=head_name, **data)

    monkeypatch.setattr(bulk, "household_data", refuse_the_second)
    before = (Subject.objects.count(), AuditEvent.objects.count())

    job = run_import(
        sheet_bytes(HEADER, rows), officer, django_capture_on_commit_callbacks, kind="households"
    )

    assert job.status == S.INVALID
    assert problems(job) == [(6, "registry_refused")]  # the second household's first row
    assert "Không nhận tên này." in job.error_rows()[0]["message"]
    assert (Subject.objects.count(), AuditEvent.objects.count()) == before
