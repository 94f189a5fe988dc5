"""Pages read what they show in a fixed number of queries, whatever the number of cases or grants."""

from django.urls import reverse

from registry.models import Role
from registry.services import assign_role
from tests.builders import advance, make_household, nominate


def _count_queries(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_case_list_queries_do_not_grow_with_cases_or_grants(world, client, django_assert_max_num_queries):
    supervisor = world.user("supervisor_a")
    client.force_login(supervisor)
    for _ in range(3):
        nominate(world)
    few = _count_queries(client, reverse("cases:list"), django_assert_max_num_queries, 15)
    for village in (world.village_a1, world.village_a2):
        for i in range(15):
            nominate(world, village, household=make_household(village, f"Hộ Vũ Văn {i}"))
    for village in (world.village_a1, world.village_a2, world.village_b1):
        assign_role(supervisor, role=Role.SUPERVISOR, unit=village, actor=None)
    many = _count_queries(client, reverse("cases:list"), django_assert_max_num_queries, 15)
    assert many == few


def test_case_file_queries_do_not_grow_with_evidence_or_events(world, client, django_assert_max_num_queries):
    client.force_login(world.user("supervisor_a"))
    small = nominate(world)
    few = _count_queries(client, reverse("cases:detail", args=[small.pk]), django_assert_max_num_queries, 15)
    big = advance(world, nominate(world), "district_audited")
    many = _count_queries(client, reverse("cases:detail", args=[big.pk]), django_assert_max_num_queries, 15)
    assert many == few


def test_the_case_file_logs_no_personal_data_view_the_members_page_does(world, client):
    from audit.models import AuditEvent

    case = nominate(world)
    client.force_login(world.user("officer_a1"))
    views = AuditEvent.objects.filter(stream=f"subject:{case.subject_id}", event_type="personal_data.viewed")
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("cases:members", args=[case.pk]) in page and not views.exists()
    members = client.get(reverse("cases:members", args=[case.pk])).content.decode()
    assert case.subject.household.members.first().full_name in members
    assert views.count() == 1
