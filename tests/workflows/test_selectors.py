import datetime

from django.utils import timezone

from tests.approvals.builders import session_for
from tests.builders import full_marks, gdht, make_household, make_user
from tests.workflows.walk import collect, open_case, walk
from workflows import services
from workflows.models import CaseTask
from workflows.selectors import TaskFilters, archive_for, inbox_for, queue_for


def refs(qs):
    return {t.case.reference for t in qs}


def test_queue_shows_each_step_to_its_role_in_its_unit_only(world):
    a1 = open_case(world, world.village_a1)
    b1 = services.open_case(
        make_household(world.village_b1), title_type=a1.title_type, year=2026, actor=world.user("officer_b1")
    )
    assert refs(queue_for(world.user("officer_a1"))) == {a1.reference}
    assert refs(queue_for(world.user("officer_b1"))) == {b1.reference}
    assert refs(queue_for(world.user("officer_a2"))) == set()
    assert refs(queue_for(world.user("assessor_a1"))) == set()  # not yet at scoring
    a1 = collect(world, a1)
    assert refs(queue_for(world.user("assessor_a1"))) == {a1.reference}
    assert refs(queue_for(world.user("officer_a1"))) == set()
    commune_assessor = make_user("assessor", world.commune_a)
    assert refs(queue_for(commune_assessor)) == {a1.reference}  # a commune grant covers its villages


def test_every_step_carries_its_cases_unit_whichever_path_created_it(world):
    """The lists filter on the step's copy of the case's unit: viewflow's activations (open, perform_step)
    and the collective steps' bulk path (a meeting's decide steps, a decision's audit steps) all set it."""
    elsewhere = services.open_case(
        make_household(world.village_a2), title_type=gdht(), year=2026, actor=world.user("officer_a2")
    )
    scored = walk(world, open_case(world), through="score")
    services.close_session(session_for(world, [scored]), actor=world.user("head_a1"))
    walk(world, scored, through="decide")
    steps = CaseTask.objects.select_related("case")
    assert {t.step for t in steps} - {""} == {
        "collect",
        "score",
        "review",
        "decide",
        "audit",
    }  # "": start, end
    assert all(t.unit_id == t.case.unit_id for t in steps)
    assert {t.unit_id for t in steps.filter(case=elsewhere)} == {world.village_a2.pk}


def test_claiming_moves_a_step_from_queue_to_inbox_and_finishing_to_archive(world):
    case = open_case(world)
    officer = world.user("officer_a1")
    services.claim_task(services.open_task(case), actor=officer)
    assert refs(queue_for(officer)) == set()
    assert refs(inbox_for(officer)) == {case.reference}
    collect(world, case)
    assert refs(inbox_for(officer)) == set()
    assert refs(archive_for(officer)) == {case.reference}


def test_filters_search_and_due(world):
    first = open_case(world)
    second = services.open_case(
        make_household(world.village_a1, "Hộ Đặng Thị Hoa"),
        title_type=first.title_type,
        year=2026,
        actor=world.user("officer_a1"),
    )
    officer = world.user("officer_a1")
    assert refs(queue_for(officer, TaskFilters(q="dang thi hoa"))) == {second.reference}
    assert refs(queue_for(officer, TaskFilters(q=first.reference))) == {first.reference}
    task = services.open_task(first)
    task.due_at = timezone.now() - datetime.timedelta(days=1)
    task.save(update_fields=["due_at"])
    assert refs(queue_for(officer, TaskFilters(due="overdue"))) == {first.reference}
    assert refs(queue_for(officer, TaskFilters(due="week"))) == set()  # the other is due in 14 days
    assert [t.case.reference for t in queue_for(officer)] == [first.reference, second.reference]
    assert refs(queue_for(officer, TaskFilters(step="score"))) == set()
    assert refs(queue_for(officer, TaskFilters(year=2025))) == set()


def test_commune_level_review_goes_to_the_commune_officer(world):
    from criteria.models import TitleType
    from registry.models import Clan

    officer = world.user("commune_officer_a")
    clan = Clan.objects.create(code="DH-9", name="Dòng họ Lê", unit=world.commune_a)
    case = services.open_case(clan, title_type=TitleType.objects.get(code="DHHT"), year=2026, actor=officer)
    assert refs(queue_for(officer)) == {case.reference}
    from cases import services as case_services
    from tests.builders import pdf_upload, required_evidence_items

    for item in required_evidence_items(case):
        case_services.add_evidence(case, item=item, upload=pdf_upload(), actor=officer)
    case = services.perform_step(case, step="collect", outcome="complete", actor=officer)
    assessor = make_user("assessor", world.commune_a)
    case = services.perform_step(case, step="score", outcome="score", actor=assessor, values=full_marks(case))
    assert refs(queue_for(officer)) == {case.reference}
    assert refs(queue_for(world.user("head_a1"))) == set()
