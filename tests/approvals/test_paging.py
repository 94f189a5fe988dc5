"""Long lists page: a meeting's list and a decision's annex show one page of rows, at the same cost."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals import selectors
from approvals.models import SessionEntry
from cases.models import Case
from tests.approvals.builders import proposed_cases, scored_cases, session_for, signed_decision
from workflows import services as workflow


@pytest.fixture
def pages_of_two(monkeypatch):
    """Two rows a page (100 in production), so that a few cases make several pages."""
    import approvals.views.decisions as decisions
    import approvals.views.sessions as sessions

    monkeypatch.setattr(sessions, "ENTRIES_PAGE_SIZE", 2)
    monkeypatch.setattr(decisions, "ENTRIES_PAGE_SIZE", 2)


def _rows(response) -> list[tuple[str, str]]:
    """(row number, case reference) of every row of the list's table."""
    html = response.content.decode()
    return re.findall(r"<tr>\s*<td>(\d+)</td>.*?<small class=\"muted\">([^<]+)</small>", html, re.S)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_second_page_of_a_meeting_shows_the_next_rows_and_saves_only_them(world, client, pages_of_two):
    session = session_for(world, scored_cases(world, 5))
    order = [e.case.reference for e in selectors.session_entries(session)]
    client.force_login(world.user("head_a1"))
    url = reverse("approvals:session", args=[session.pk])

    first, second, last = (client.get(url, {"page": n}) for n in (1, 2, 3))

    assert _rows(first) == [("1", order[0]), ("2", order[1])]
    assert _rows(second) == [("3", order[2]), ("4", order[3])]
    assert _rows(last) == [("5", order[4])]
    assert second.context["is_paginated"] and second.context["paginator"].num_pages == 3
    assert second.context["counts"] == {"total": 5, "proposed": 5, "not_proposed": 0, "pending": 0}

    # the results form of page 2 carries that page's rows; saving returns to page 2
    entries = {
        e.case.reference: e for e in SessionEntry.objects.filter(session=session).select_related("case")
    }
    third = entries[order[2]]
    response = client.post(
        reverse("approvals:session_results", args=[session.pk]),
        {"page": "2", f"result-{third.pk}": "no", f"reason-{third.pk}": "Chưa đủ điều kiện"},
    )
    assert response.status_code == 302 and response["Location"] == f"{url}?page=2"
    results = dict(SessionEntry.objects.filter(session=session).values_list("case__reference", "proposed"))
    assert results.pop(order[2]) is False
    assert set(results.values()) == {True}  # the other pages' rows are untouched


def test_a_comment_can_be_recorded_from_any_page(world, client, pages_of_two):
    session = session_for(world, scored_cases(world, 3), posting_days=10)
    last = list(selectors.session_entries(session))[-1]
    client.force_login(world.user("head_a1"))
    page2 = client.get(reverse("approvals:session", args=[session.pk]), {"page": 2})
    assert [pk for pk, _label in page2.context["comment_form"].fields["entry"].choices] == [last.pk]

    response = client.post(
        reverse("approvals:session_comment", args=[session.pk]),
        {"page": "2", "entry": last.pk, "author": "Bà Nguyễn Thị Lan", "text": "Hộ này đủ điều kiện"},
    )
    assert response.status_code == 302
    assert last.comments.get().author == "Bà Nguyễn Thị Lan"

    other = session_for(world, scored_cases(world, 1), posting_days=10).entries.get()
    response = client.post(
        reverse("approvals:session_comment", args=[session.pk]),
        {"page": "2", "entry": other.pk, "author": "Ông An", "text": "Ý kiến"},
    )
    assert response.status_code == 200 and not other.comments.exists()  # not a case of this meeting


def test_the_annex_of_a_signed_decision_pages(
    world, client, pages_of_two, django_capture_on_commit_callbacks
):
    cases = proposed_cases(world, 5)
    with django_capture_on_commit_callbacks(execute=True):
        decision = signed_decision(world, cases, refused=[cases[0]])
    order = [e.case.reference for e in selectors.decision_entries(decision)]
    client.force_login(world.user("chair_a"))
    url = reverse("approvals:decision", args=[decision.pk])

    second = client.get(url, {"page": 2})

    assert _rows(second) == [("3", order[2]), ("4", order[3])]
    assert second.context["counts"] == {"total": 5, "recognised": 4, "refused": 1, "certificates": 4}
    html = second.content.decode()
    on_page = {e.pk for e in second.context["entries"]}
    for entry in decision.entries.all():
        linked = reverse("approvals:certificate", args=[decision.pk, entry.pk]) in html
        assert linked == (entry.pk in on_page and entry.recognised), entry
    assert client.get(url, {"page": 3}).context["entries"].object_list[0].case.reference == order[4]


def test_a_page_costs_the_same_queries_whatever_the_list_length(
    world, client, pages_of_two, django_capture_on_commit_callbacks
):
    short, long = scored_cases(world, 3), scored_cases(world, 9)
    sessions = [session_for(world, short), session_for(world, long)]
    client.force_login(world.user("head_a1"))
    counts = [_queries(client, reverse("approvals:session", args=[s.pk]) + "?page=2") for s in sessions]
    assert counts[0] == counts[1], counts

    with django_capture_on_commit_callbacks(execute=True):
        for s in sessions:
            workflow.close_session(s, actor=world.user("head_a1"))
        decisions = [
            signed_decision(world, list(Case.objects.filter(pk__in=[c.pk for c in group])))
            for group in (short, long)
        ]
    client.force_login(world.user("chair_a"))
    counts = [_queries(client, reverse("approvals:decision", args=[d.pk]) + "?page=2") for d in decisions]
    assert counts[0] == counts[1], counts


def test_the_lists_of_meetings_and_decisions_show_their_pager(world, client, monkeypatch):
    import approvals.views.decisions as decisions
    import approvals.views.sessions as sessions

    monkeypatch.setattr(sessions, "LIST_PAGE_SIZE", 1)
    monkeypatch.setattr(decisions, "LIST_PAGE_SIZE", 1)
    first, _second = (session_for(world, scored_cases(world, 1)) for _ in range(2))
    client.force_login(world.user("head_a1"))
    page = client.get(reverse("approvals:sessions"), {"page": 2})
    assert page.context["is_paginated"] and [s.pk for s in page.context["sessions"]] == [first.pk]
    assert 'class="pager"' in page.content.decode() and '&page=1"' in page.content.decode()

    older, _newer = (signed_decision(world, proposed_cases(world, 1)) for _ in range(2))
    client.force_login(world.user("chair_a"))
    page = client.get(reverse("approvals:decisions"), {"page": 2})
    assert page.context["is_paginated"] and [d.pk for d in page.context["decisions"]] == [older.pk]
    assert 'class="pager"' in page.content.decode()
