"""Nominations from a spreadsheet: each row opens a case through the nomination service (criteria set,
reference, audit event, recognition process), all or nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from cases.models import Case, CaseState
from registry.models import Clan
from reports.models import ImportJob
from tests.builders import gdht, make_household, make_user, nominate
from workflows.models import CaseProcess, CaseTask

from .imports import commit, problems, run_import
from .sheets import sheet_bytes

S = ImportJob.Status
HEADER = ["Mã đối tượng", "Mã danh hiệu", "Năm đánh giá", "Tên đối tượng (để đối chiếu)"]


@pytest.fixture
def officer(world):
    return world.user("commune_officer_a")


@pytest.fixture
def subjects(world):
    return {
        "a1": [make_household(world.village_a1, f"Hộ Nguyễn Văn {i}") for i in range(3)],
        "a2": make_household(world.village_a2, "Hộ Trần Thị Hoa"),
        "b1": make_household(world.village_b1, "Hộ Lê Văn Nam"),
        "clan": Clan.objects.create(code="DH-01", name="Dòng họ Nguyễn Đình", unit=world.commune_a),
    }


def good_rows(subjects):
    a1 = subjects["a1"]
    return [
        [a1[0].code, "GDHT", 2026, "Hộ Nguyễn Văn 0"],
        [a1[1].code, "gdht", 2026, ""],
        [a1[2].code, "GDHT", "2026", "ho nguyen van 2"],  # the name is matched without diacritics
        [subjects["a2"].code, "GDHT", 2026, ""],
        [subjects["clan"].code, "DHHT", 2026, ""],
    ]


def snapshot():
    return (
        Case.objects.count(),
        CaseProcess.objects.count(),
        CaseTask.objects.count(),
        AuditEvent.objects.count(),
    )


def test_a_nomination_file_with_bad_rows_reports_exactly_those_rows_and_opens_no_case(
    world, officer, subjects, django_capture_on_commit_callbacks
):
    a1 = subjects["a1"]
    rows = [
        *good_rows(subjects),  # rows 2-6
        [a1[0].code, "GDHT", 2026, ""],  # 7: row 2 again
        [subjects["b1"].code, "GDHT", 2026, ""],  # 8: a household of commune B
        [a1[1].code, "XYZ", 2026, ""],  # 9: no such title
        [a1[1].code, "GDHT", "20x6", ""],  # 10: not a year
        [subjects["clan"].code, "GDHT", 2026, ""],  # 11: a clan cannot be a learning family
        [subjects["a2"].code, "GDHT", 2025, "Hộ Trần Văn Hòa"],  # 12: the code is someone else's
        [a1[2].code, "GDHT", 1999, ""],  # 13: too early
    ]
    before = snapshot()

    job = run_import(
        sheet_bytes(HEADER, rows), officer, django_capture_on_commit_callbacks, kind="nominations"
    )

    assert job.status == S.INVALID
    assert (job.total_rows, job.error_count) == (12, 7)
    assert problems(job) == [
        (7, "duplicate_nomination"),
        (8, "unknown_subject"),
        (9, "unknown_title"),
        (10, "case_year"),
        (11, "title_kind"),
        (12, "name_mismatch"),
        (13, "case_year"),
    ]
    messages = {e["row"]: e["message"] for e in job.error_rows()}
    assert "2" in messages[7]
    assert subjects["b1"].code in messages[8]
    assert "XYZ" in messages[9] and "GDHT" in messages[9]
    assert "20x6" in messages[10]
    assert "Dòng họ Nguyễn Đình" in messages[11]
    assert "Hộ Trần Thị Hoa" in messages[12] and "Hộ Trần Văn Hòa" in messages[12]
    with pytest.raises(ValidationError):
        commit(job, officer, django_capture_on_commit_callbacks)
    assert snapshot() == before


def test_each_nomination_opens_a_case_with_its_process_and_audit_event(
    world, officer, subjects, django_capture_on_commit_callbacks
):
    job = run_import(
        sheet_bytes(HEADER, good_rows(subjects), "csv"),
        officer,
        django_capture_on_commit_callbacks,
        kind="nominations",
        name="dang-ky.csv",
    )
    assert (job.status, job.new_count, job.existing_count) == (S.VALIDATED, 5, 0)
    assert not Case.objects.exists()

    job = commit(job, officer, django_capture_on_commit_callbacks)

    assert job.status == S.DONE
    cases = Case.objects.order_by("pk")
    assert [(c.subject.code, c.title_type.code, c.year, c.state) for c in cases] == [
        (row[0], row[1].upper(), 2026, CaseState.NOMINATED) for row in good_rows(subjects)
    ]
    for case in cases:
        assert case.nominated_by == officer
        assert case.unit == case.subject.unit and case.unit_path == case.subject.unit.path
        assert case.reference.startswith(f"{case.title_type.code}-2026-{case.unit.code}-")
        assert case.criteria_set.title_type == case.title_type
        (event,) = AuditEvent.objects.filter(stream=f"case:{case.pk}")
        assert (event.event_type, event.actor_id, event.scope) == (
            "case.nominated",
            officer.pk,
            case.unit_path,
        )
        assert CaseProcess.objects.filter(case=case).exists()
        task = CaseTask.objects.get(case=case, flow_task_type="HUMAN")
        assert (task.step, task.queued) == ("collect", True)
    imported = AuditEvent.objects.get(stream=f"import:{job.pk}")
    assert (imported.event_type, imported.data["created"]) == ("cases.nominations_imported", 5)


def test_reimporting_nominations_opens_no_second_case(
    world, officer, subjects, django_capture_on_commit_callbacks
):
    # one subject was nominated by hand already: the file's row for it is left as it is
    by_hand = nominate(world, household=subjects["a1"][0])
    data = sheet_bytes(HEADER, good_rows(subjects))
    job = run_import(data, officer, django_capture_on_commit_callbacks, kind="nominations")
    assert (job.new_count, job.existing_count) == (4, 1)
    assert commit(job, officer, django_capture_on_commit_callbacks).status == S.DONE
    before = snapshot()

    again = run_import(data, officer, django_capture_on_commit_callbacks, kind="nominations")
    assert (again.status, again.new_count, again.existing_count) == (S.VALIDATED, 0, 5)
    again = commit(again, officer, django_capture_on_commit_callbacks)

    assert again.status == S.DONE
    assert snapshot()[:3] == before[:3]
    assert Case.objects.filter(subject=subjects["a1"][0]).get() == by_hand


def test_a_refusal_during_the_commit_rolls_every_case_back(
    world, officer, subjects, django_capture_on_commit_callbacks, monkeypatch
):
    from workflows import services as flow

    job = run_import(
        sheet_bytes(HEADER, good_rows(subjects)),
        officer,
        django_capture_on_commit_callbacks,
        kind="nominations",
    )
    real = flow.open_case
    third = subjects["a1"][2]

    def refuse_the_third(subject, **kwargs):
        if subject.pk == third.pk:
            raise ValidationError("Hồ sơ bị khóa")
        return real(subject, **kwargs)

    monkeypatch.setattr(flow, "open_case", refuse_the_third)
    before = snapshot()

    job = commit(job, officer, django_capture_on_commit_callbacks)

    assert job.status == S.FAILED
    assert problems(job) == [(4, "nomination_refused")]
    assert "Hồ sơ bị khóa" in job.error_rows()[0]["message"]
    assert snapshot() == before


def test_only_those_who_may_nominate_import_nominations_and_only_in_their_units(
    world, subjects, django_capture_on_commit_callbacks
):
    data = sheet_bytes(HEADER, good_rows(subjects))
    admin = make_user("administrator", world.province, "quantri_tinh")
    for user in (admin, world.user("officer_a1"), world.user("supervisor_a"), world.user("inspector")):
        with pytest.raises(PermissionDenied):
            run_import(data, user, django_capture_on_commit_callbacks, kind="nominations")
    officer_b = make_user("commune_officer", world.commune_b, "canbo_xa_b")
    job = run_import(data, officer_b, django_capture_on_commit_callbacks, kind="nominations")
    assert problems(job) == [(n, "unknown_subject") for n in range(2, 7)]
    assert not Case.objects.exists()


def test_a_title_without_a_criteria_set_in_force_is_reported(
    world, officer, subjects, django_capture_on_commit_callbacks
):
    gdht().criteria_sets.update(valid_to="2025-12-31")
    job = run_import(
        sheet_bytes(HEADER, good_rows(subjects)[:1]),
        officer,
        django_capture_on_commit_callbacks,
        kind="nominations",
    )
    assert problems(job) == [(2, "no_criteria_set")]
