"""The work panel on the case file: the six steps, the open step, and only the buttons the user may use."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.status import STATUS

from cases.models import CaseState
from tests.builders import full_marks, nominate
from tests.workflows.walk import collect, open_case, walk
from workflows import services
from workflows.models import CaseTask


def page(client, world, key, case):
    client.force_login(world.user(key))
    return client.get(reverse("cases:detail", args=[case.pk]))


def panel_html(response) -> str:
    html = response.content.decode()
    match = re.search(r'<section class="card work-panel".*?</section>', html, re.S)
    return match.group(0) if match else ""


def buttons(response) -> dict:
    """Which actions the panel offers: claim form, step link, release form."""
    html = panel_html(response)
    task = re.search(r'name="task" value="(\d+)"', html)
    return {
        "claim": f'action="{reverse("workflows:claim")}"' in html,
        "step": bool(re.search(r'href="/cong-viec/viec/\d+/"', html)),
        "release": bool(re.search(r'action="/cong-viec/tra-viec/\d+/"', html)),
        "task": int(task.group(1)) if task else None,
    }


def statuses(response) -> list[str]:
    return re.findall(r'class="step step-(\w+)"', panel_html(response))


def panel_ctx(response) -> dict:
    return next(p for p in response.context["panels"] if p["template"] == "workflows/panel_work.html")


def test_a_new_case_offers_claim_and_the_step_to_the_village_officer(client, world):
    case = open_case(world)
    task = services.open_task(case)
    response = page(client, world, "officer_a1", case)

    assert response.status_code == 200
    assert statuses(response) == ["done", "current", "todo", "todo", "todo", "todo"]
    assert 'aria-current="step"' in panel_html(response)
    assert buttons(response) == {"claim": True, "step": True, "release": False, "task": task.pk}
    html = panel_html(response)
    assert f'href="{reverse("workflows:step", args=[task.pk])}"' in html
    assert task.due_at.astimezone(timezone.get_current_timezone()).strftime("%d/%m/%Y") in html
    assert panel_ctx(response)["holder"] is None


def test_claiming_from_the_panel_turns_claim_into_release(client, world):
    case = open_case(world)
    task = services.open_task(case)
    client.force_login(world.user("officer_a1"))
    detail = reverse("cases:detail", args=[case.pk])

    response = client.post(reverse("workflows:claim"), {"task": task.pk, "next": detail})

    assert response.status_code == 302 and response["Location"] == detail
    task.refresh_from_db()
    assert task.status == STATUS.ASSIGNED and task.owner == world.user("officer_a1")
    after = client.get(detail)
    assert buttons(after) == {"claim": False, "step": True, "release": True, "task": None}
    assert panel_ctx(after)["holder"] == world.user("officer_a1")

    # the release button puts it back: the panel offers Claim again
    released = client.post(reverse("workflows:release", args=[task.pk]), {"next": detail})
    assert released["Location"] == detail
    assert buttons(client.get(detail))["claim"] is True


def test_a_step_held_by_a_colleague_shows_who_holds_it_and_no_buttons(client, world):
    case = open_case(world)
    services.claim_task(services.open_task(case), actor=world.user("officer_a1"))
    response = page(client, world, "commune_officer_a", case)
    assert buttons(response) == {"claim": False, "step": False, "release": False, "task": None}
    assert "officer_a1" in panel_html(response)


def test_an_assessor_sees_the_status_but_no_buttons(client, world):
    case = open_case(world)
    response = page(client, world, "assessor_a1", case)
    assert response.status_code == 200
    assert statuses(response) == ["done", "current", "todo", "todo", "todo", "todo"]
    assert buttons(response) == {"claim": False, "step": False, "release": False, "task": None}


def test_the_scoring_step_is_offered_to_the_assessor_not_the_officer(client, world):
    case = collect(world, open_case(world))
    assessor = page(client, world, "assessor_a1", case)
    assert statuses(assessor) == ["done", "done", "current", "todo", "todo", "todo"]
    assert buttons(assessor)["claim"] and buttons(assessor)["step"]
    officer = page(client, world, "officer_a1", case)
    assert not any(v for k, v in buttons(officer).items() if k != "task")


def test_outsiders_cannot_open_the_case_file(client, world):
    case = open_case(world)
    assert page(client, world, "officer_b1", case).status_code == 404


def test_an_audited_case_shows_six_done_steps_and_no_actions(client, world):
    case = walk(world, open_case(world))
    assert case.state == CaseState.DISTRICT_AUDITED
    for key in ("officer_a1", "auditor"):
        response = page(client, world, key, case)
        assert statuses(response) == ["done"] * 6
        assert buttons(response) == {"claim": False, "step": False, "release": False, "task": None}
        assert panel_ctx(response)["task"] is None


def test_a_refusal_in_the_village_is_shown_as_an_end_marker(client, world):
    case = collect(world, open_case(world))
    case = services.perform_step(
        case, step="score", outcome="score", actor=world.user("assessor_a1"), values=full_marks(case)
    )
    case = services.perform_step(
        case, step="review", outcome="review", actor=world.user("head_a1"), proposed=False, reason="Chưa đạt"
    )
    assert case.state == CaseState.NOT_RECOGNIZED
    response = page(client, world, "head_a1", case)
    assert statuses(response) == ["done", "done", "done", "stopped", "todo", "todo", "end"]
    assert panel_ctx(response)["outcome"] == case.get_state_display()
    assert str(case.get_state_display()) in panel_html(response)
    assert not any(v for k, v in buttons(response).items() if k != "task")


def test_an_overdue_step_is_highlighted(client, world):
    case = open_case(world)
    CaseTask.objects.filter(case=case).update(due_at=timezone.now() - datetime.timedelta(days=2))
    html = panel_html(page(client, world, "officer_a1", case))
    assert 'class="deadline breached"' in html and "Quá hạn" in html


def test_a_case_without_a_process_has_no_panel(client, world):
    case = nominate(world)  # cases services only: old data, no recognition process
    response = page(client, world, "officer_a1", case)
    assert response.status_code == 200
    assert panel_html(response) == ""


def test_the_case_file_with_the_panel_stays_within_15_queries(client, world, django_assert_max_num_queries):
    case = open_case(world)
    client.force_login(world.user("officer_a1"))
    url = reverse("cases:detail", args=[case.pk])
    with django_assert_max_num_queries(15):
        response = client.get(url)
    assert buttons(response)["claim"]


def test_the_village_officer_can_withdraw_at_a_later_step_from_the_case_file(world, client):
    from cases.models import Case

    case = collect(world, open_case(world))  # now at the assessor's scoring step
    url = reverse("cases:detail", args=[case.pk])
    client.force_login(world.user("assessor_a1"))
    assert "withdraw-reason" not in client.get(url).content.decode()
    client.force_login(world.user("officer_a1"))
    page = client.get(url).content.decode()
    assert "withdraw-reason" in page
    task = services.open_task(case)
    withdraw_url = reverse("workflows:withdraw", args=[case.pk])
    client.post(withdraw_url, {"open_task": task.pk, "reason": ""})
    assert Case.objects.get(pk=case.pk).state == CaseState.EVIDENCE_COLLECTED  # a reason is required
    client.post(withdraw_url, {"open_task": task.pk, "reason": "Hộ chuyển đi nơi khác"})
    assert Case.objects.get(pk=case.pk).state == CaseState.WITHDRAWN
    response = client.post(withdraw_url, {"open_task": task.pk, "reason": "lần nữa"}, follow=True)
    assert response.status_code == 200 and Case.objects.get(pk=case.pk).state == CaseState.WITHDRAWN
