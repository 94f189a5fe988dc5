"""Inbox, queue and archive pages: scoped, filterable, claim and release, constant query counts."""

from django.urls import reverse

from registry.models import Role
from registry.services import assign_role
from tests.builders import make_household, make_user
from tests.workflows.walk import collect, open_case
from workflows import services
from workflows.models import CaseTask


def test_queue_page_lists_only_claimable_steps_in_scope(world, client):
    mine = open_case(world)
    other = services.open_case(
        make_household(world.village_b1),
        title_type=mine.title_type,
        year=2026,
        actor=world.user("officer_b1"),
    )
    client.force_login(world.user("officer_a1"))
    page = client.get(reverse("workflows:queue")).content.decode()
    assert mine.reference in page and other.reference not in page
    assert "Hàng chờ" in page


def test_claim_bulk_and_release(world, client):
    cases = [open_case(world) for _ in range(3)]
    foreign = services.open_case(
        make_household(world.village_b1),
        title_type=cases[0].title_type,
        year=2026,
        actor=world.user("officer_b1"),
    )
    officer = world.user("officer_a1")
    client.force_login(officer)
    ids = [services.open_task(c).pk for c in cases[:2]] + [services.open_task(foreign).pk]
    response = client.post(reverse("workflows:claim"), {"task": ids}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("workflows:inbox")
    assert cases[0].reference in page and cases[1].reference in page and cases[2].reference not in page
    assert CaseTask.objects.filter(owner=officer).count() == 2
    assert services.open_task(foreign).owner is None  # another village's step is never claimed
    task = services.open_task(cases[0])
    client.post(reverse("workflows:release", args=[task.pk]))
    task.refresh_from_db()
    assert task.owner is None and task.status == "NEW"


def test_claiming_twice_reports_it_and_changes_nothing(world, client):
    case = open_case(world)
    task = services.open_task(case)
    colleague = make_user(Role.VILLAGE_OFFICER, world.village_a1)
    services.claim_task(task, actor=colleague)
    client.force_login(world.user("officer_a1"))
    response = client.post(reverse("workflows:claim"), {"task": [task.pk]}, follow=True)
    assert "Không nhận được" in response.content.decode() or "Not claimed" in response.content.decode()
    task.refresh_from_db()
    assert task.owner == colleague


def test_archive_lists_done_steps(world, client):
    case = collect(world, open_case(world))
    client.force_login(world.user("officer_a1"))
    page = client.get(reverse("workflows:archive")).content.decode()
    assert case.reference in page


def test_filters_reach_the_page(world, client):
    first = open_case(world)
    second = services.open_case(
        make_household(world.village_a1, "Hộ Bùi Văn Tùng"),
        title_type=first.title_type,
        year=2026,
        actor=world.user("officer_a1"),
    )
    client.force_login(world.user("officer_a1"))
    page = client.get(reverse("workflows:queue"), {"q": "bui van tung"}).content.decode()
    assert second.reference in page and first.reference not in page
    response = client.get(reverse("workflows:queue"), {"year": "1800"})
    assert response.status_code == 200 and response.context["filter_form"].errors["year"]
    assert 'class="error"' in response.content.decode()


def _queries(client, url, django_assert_max_num_queries):
    with django_assert_max_num_queries(15) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_inbox_and_queue_queries_do_not_grow(world, client, django_assert_max_num_queries):
    officer = world.user("officer_a1")
    client.force_login(officer)
    first = open_case(world)
    services.claim_task(services.open_task(first), actor=officer)
    open_case(world)  # one row in each list, so both states render a page of rows
    few = {
        name: _queries(client, reverse(f"workflows:{name}"), django_assert_max_num_queries)
        for name in ("inbox", "queue")
    }
    for i in range(12):
        case = services.open_case(
            make_household(world.village_a1, f"Hộ Ngô Văn {i}"),
            title_type=first.title_type,
            year=2026,
            actor=officer,
        )
        if i % 2:
            services.claim_task(services.open_task(case), actor=officer)
    for village in (world.village_a2, world.village_b1):
        assign_role(officer, role=Role.VILLAGE_OFFICER, unit=village, actor=None)
    many = {
        name: _queries(client, reverse(f"workflows:{name}"), django_assert_max_num_queries)
        for name in ("inbox", "queue")
    }
    assert many == few
