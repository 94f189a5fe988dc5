"""The case history: a diff per event and the case file rebuilt as it stood right after any event."""

from decimal import Decimal

import pytest
from django.urls import reverse

from cases import services
from cases.models import Case, CaseState
from criteria.authority import authority_for
from inspection.history import replay
from inspection.selectors import case_events
from tests.builders import advance, nominate, pdf_upload, required_evidence_items


def test_the_replayed_case_file_matches_the_case_row_after_every_walk(world, revoked):
    case = Case.objects.get(pk=revoked.pk)
    steps = replay(case_events(case))
    last = steps[-1].file
    assert last.state == case.state == CaseState.REVOKED
    assert Decimal(last.total) == case.total_score
    assert last.level == case.level and last.meets_criteria is case.meets_criteria
    assert last.decision_reference == case.decision_reference
    assert last.decision_date == case.decision_date.isoformat()
    assert last.outcome_reason == case.outcome_reason == "Hậu kiểm phát hiện sai lệch"
    active = {e.sha256 for e in case.evidence.filter(removed_at__isnull=True)}
    assert {e["sha256"] for e in last.active_evidence} == active
    assert last.scores == {k: v for k, v in last.scores.items()} and len(last.scores) == case.scores.count()


def test_as_of_the_event_before_the_revocation_is_the_recognised_case(world, revoked):
    steps = replay(case_events(revoked), authority_for(revoked.title_type_id, revoked.unit_path))
    assert [s.event.event_type for s in steps][-2:] == ["case.recognised", "case.revoked"]
    before = steps[-2].file
    assert before.state == CaseState.COMMUNE_DECIDED
    assert before.outcome_reason == ""
    assert before.decision_reference == "12/QĐ-UBND"
    assert before.next_role  # an auditor must act next
    revocation = steps[-1].changes
    labels = {c.label: (c.before, c.after) for c in revocation}
    assert labels["Trạng thái"] == ("Xã đã quyết định công nhận", "Bị thu hồi công nhận")
    assert labels["Lý do"] == ("", "Hậu kiểm phát hiện sai lệch")


def test_evidence_removal_shows_in_the_diff_and_in_the_list_as_of(world):
    case = nominate(world)
    item = required_evidence_items(case).first()
    evidence = services.add_evidence(
        case, item=item, upload=pdf_upload("giay-to.pdf"), actor=world.user("officer_a1")
    )
    services.remove_evidence(evidence, actor=world.user("officer_a1"), reason="Sai tệp")
    steps = replay(case_events(case))
    added, removed = steps[-2], steps[-1]
    assert [e["name"] for e in added.file.active_evidence] == ["giay-to.pdf"]
    assert removed.file.active_evidence == []
    assert removed.file.evidence[str(evidence.pk)]["removal_reason"] == "Sai tệp"
    assert [(c.before, c.after) for c in removed.changes] == [
        (f"{item.code} — giay-to.pdf", "đã gỡ: Sai tệp")
    ]


def test_history_page_shows_the_case_as_of_a_chosen_event(client, world, revoked):
    client.login(username="inspector", password="pw")
    url = reverse("inspection:case_history", args=[revoked.pk])
    seq_before = case_events(revoked).get(event_type="case.recognised").seq
    page = client.get(url, {"as_of": seq_before}).content.decode()
    as_of = page.split('id="as-of"')[1].split("</section>")[0]
    assert "Xã đã quyết định công nhận" in as_of and "Bị thu hồi" not in as_of
    assert "12/QĐ-UBND" in as_of
    codes = [c.split("</td>")[0] for c in as_of.split("<tr><td>")[1:]]
    assert codes[:3] == ["1.1", "1.2", "1.3"] and codes.index("1.3") < codes.index("2.1")  # reading order
    current = client.get(url).content.decode()
    assert "Bị thu hồi công nhận" in current.split('id="current"')[1].split("</section>")[0]


@pytest.mark.parametrize("as_of", ["999", "abc"])
def test_unknown_event_number_is_a_clear_message(client, world, revoked, as_of):
    client.login(username="inspector", password="pw")
    page = client.get(reverse("inspection:case_history", args=[revoked.pk]), {"as_of": as_of})
    assert page.status_code == 200
    assert "không có sự kiện" in page.content.decode()


def test_a_returned_case_shows_the_reason_then_the_rescoring(world):
    case = advance(world, nominate(world), CaseState.SCORED)
    services.return_for_rework(case, actor=world.user("assessor_a1"), reason="Thiếu ảnh")
    steps = replay(case_events(case))
    assert steps[-1].file.state == CaseState.NOMINATED
    assert steps[-1].file.outcome_reason == "Thiếu ảnh"
    # the scores of the earlier sheet stay in the file, as they do in the tables
    assert steps[-1].file.scores == steps[-2].file.scores != {}


def test_the_assignee_follows_claims_releases_and_completed_steps(world):
    from tests.workflows.walk import collect, open_case
    from workflows import services as flow

    case = open_case(world)
    task = flow.open_task(case)
    flow.claim_task(task, actor=world.user("officer_a1"))
    flow.release_task(task, actor=world.user("officer_a1"))
    flow.claim_task(task, actor=world.user("officer_a1"))
    collect(world, Case.objects.get(pk=case.pk))
    steps = replay(case_events(case))
    by_type = [(s.event.event_type, s.file.assignee) for s in steps]
    assert ("task.claimed", "officer_a1") in by_type and ("task.released", "") in by_type
    claimed_last = max(i for i, (t, _) in enumerate(by_type) if t == "task.claimed")
    assert all(a == "officer_a1" for _, a in by_type[claimed_last:-1])  # evidence added while holding it
    assert by_type[-1] == ("case.evidence_collected", "")
    assert steps[-1].file.next_role == "Người chấm điểm"


def test_the_case_file_page_links_inspectors_to_the_history(client, world, revoked):
    history = reverse("inspection:case_history", args=[revoked.pk])
    client.login(username="inspector", password="pw")
    assert history in client.get(reverse("cases:detail", args=[revoked.pk])).content.decode()
    client.login(username="supervisor_a", password="pw")
    assert history not in client.get(reverse("cases:detail", args=[revoked.pk])).content.decode()
