from django.urls import reverse

from cases import pagination
from tests.builders import make_household, nominate


def test_large_lists_count_only_up_to_the_cap(world, client, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    for i in range(5):
        nominate(world, household=make_household(world.village_a1, f"Hộ Vũ Thị {i}"))
    client.force_login(world.user("supervisor_a"))
    response = client.get(reverse("cases:list"))
    paginator = response.context["paginator"]
    assert paginator.capped and paginator.shown_count == 3
    page = response.content.decode()
    assert "Hơn 3 hồ sơ: hãy lọc bớt" in page
    monkeypatch.setattr(pagination, "COUNT_CAP", 100)
    response = client.get(reverse("cases:list"))
    assert not response.context["paginator"].capped and response.context["paginator"].count == 5
