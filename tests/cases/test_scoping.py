"""Data is scoped by administrative unit: by list, detail, search, file download and action."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from audit.models import AuditEvent
from cases import selectors, services
from cases.models import CaseState
from tests.builders import advance, make_household, nominate, pdf_upload, required_evidence_items


@pytest.fixture
def cases(world):
    a1 = nominate(world, world.village_a1, household=make_household(world.village_a1, "Hộ Nguyễn Văn An"))
    a2 = nominate(world, world.village_a2, household=make_household(world.village_a2, "Hộ Trần Thị Bình"))
    b1 = nominate(world, world.village_b1, household=make_household(world.village_b1, "Hộ Lê Đức Cường"))
    return {"a1": a1, "a2": a2, "b1": b1}


def _visible(user):
    return set(selectors.cases_for(user).values_list("reference", flat=True))


def test_village_officer_sees_only_their_village(world, cases):
    assert _visible(world.user("officer_a1")) == {cases["a1"].reference}


def test_commune_supervisor_sees_all_villages_of_the_commune_and_nothing_next_door(world, cases):
    assert _visible(world.user("supervisor_a")) == {cases["a1"].reference, cases["a2"].reference}
    assert _visible(world.user("supervisor_b")) == {cases["b1"].reference}


def test_province_roles_see_the_whole_subtree(world, cases):
    assert _visible(world.user("inspector")) == {c.reference for c in cases.values()}


def test_user_without_roles_sees_nothing(world, cases, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", password="pw")
    assert _visible(nobody) == set()


def test_detail_of_another_village_is_404_by_selector_and_http(world, cases, client):
    officer = world.user("officer_a1")
    with pytest.raises(Http404):
        selectors.get_case_for(officer, cases["b1"].pk)
    client.force_login(officer)
    assert client.get(reverse("cases:detail", args=[cases["b1"].pk])).status_code == 404
    assert client.get(reverse("cases:detail", args=[cases["a1"].pk])).status_code == 200


def test_list_page_and_search_never_show_other_units(world, cases, client):
    client.force_login(world.user("officer_a1"))
    page = client.get(reverse("cases:list")).content.decode()
    assert cases["a1"].reference in page
    assert cases["a2"].reference not in page and cases["b1"].reference not in page
    # searching for the other village's household by name finds nothing
    page = client.get(reverse("cases:list"), {"q": "le duc cuong"}).content.decode()
    assert cases["b1"].reference not in page


def test_search_ignores_diacritics_and_d_stroke(world, cases):
    supervisor = world.user("supervisor_a")
    found = set(selectors.cases_for(supervisor, q="nguyen van an").values_list("reference", flat=True))
    assert found == {cases["a1"].reference}
    found = set(
        selectors.cases_for(world.user("supervisor_b"), q="LE DUC").values_list("reference", flat=True)
    )
    assert found == {cases["b1"].reference}


def test_officer_of_another_village_cannot_act(world, cases):
    case = cases["a1"]
    item = required_evidence_items(case).first()
    outsider = world.user("officer_a2")
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        services.add_evidence(case, item=item, upload=pdf_upload(), actor=outsider)
    with pytest.raises(PermissionDenied):
        services.withdraw_case(case, actor=outsider, reason="không phải của tôi")
    assert AuditEvent.objects.count() == before
    assert case.evidence.count() == 0


def test_wrong_role_in_the_right_unit_cannot_act(world, cases):
    case = advance(world, cases["a1"], CaseState.SCORED)
    with pytest.raises(PermissionDenied):
        services.review_in_village(case, proposed=True, actor=world.user("officer_a1"))
    with pytest.raises(PermissionDenied):  # a commune chair of another commune
        services.revoke_case(case, actor=world.user("supervisor_b"), reason="x")


def test_evidence_download_is_scoped_attached_and_logged(world, cases, client):
    case = cases["a1"]
    item = required_evidence_items(case).first()
    evidence = services.add_evidence(
        case, item=item, upload=pdf_upload("học bạ.pdf"), actor=world.user("officer_a1")
    )
    url = reverse("cases:evidence", args=[case.pk, evidence.pk])

    client.force_login(world.user("officer_b1"))
    assert client.get(url).status_code == 404
    # a case id the user can see combined with another case's file id is 404 too
    other = cases["b1"]
    assert client.get(reverse("cases:evidence", args=[other.pk, evidence.pk])).status_code == 404

    client.force_login(world.user("supervisor_a"))
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    access = AuditEvent.objects.filter(stream=f"subject:{case.subject_id}", event_type="personal_data.viewed")
    assert access.filter(actor=world.user("supervisor_a"), data__what="evidence").count() == 1


def test_anonymous_users_are_sent_to_login(client, cases):
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
