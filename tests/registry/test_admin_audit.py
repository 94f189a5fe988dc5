"""The admin without holes: registry changes audited with their unit's scope (so only that unit's inspectors
find them), household members audited with their household, personal data opened in the admin logged as an
access, and the audit records read-only."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from audit.models import AuditEvent, Checkpoint, VerificationRun
from inspection.selectors import search_events
from registry.models import HouseholdMember, Role
from tests.builders import make_household, make_user


@pytest.fixture
def superuser(world):
    return get_user_model().objects.create_superuser("root_admin", "root@example.vn", "pw")


@pytest.fixture
def household(world):
    return make_household(world.village_a1, name="Hộ Trần Văn Cường", members=2)


def change_form(household, **changes) -> dict:
    """The household's change form as the admin page posts it, members inline."""
    members = list(household.members.order_by("pk"))
    data = {
        "code": household.code,
        "name": household.name,
        "unit": household.unit_id,
        "area_class": household.area_class,
        "address": household.address,
        "head_name": household.head_name,
        "members-TOTAL_FORMS": str(len(members) + 1),
        "members-INITIAL_FORMS": str(len(members)),
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for i, member in enumerate(members):
        data |= {
            f"members-{i}-id": str(member.pk),
            f"members-{i}-household": str(household.pk),
            f"members-{i}-full_name": member.full_name,
            f"members-{i}-birth_year": str(member.birth_year),
            f"members-{i}-relation": member.relation,
        }
    data |= {f"members-{len(members)}-household": str(household.pk)}
    data.update(changes)
    return data


def test_a_household_edit_is_scoped_to_its_village(client, world, superuser, household):
    client.force_login(superuser)
    url = reverse("admin:registry_household_change", args=[household.pk])
    response = client.post(url, change_form(household, name="Hộ Trần Văn Cường (sửa)"))
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(
        stream=f"config:registry.household:{household.pk}", event_type="config.changed"
    )
    assert event.scope == world.village_a1.path
    assert event.data["changes"]["name"]["to"] == "Hộ Trần Văn Cường (sửa)"
    inspector_b = make_user(Role.INSPECTOR, world.commune_b, "inspector_b_admin")
    assert not search_events(inspector_b).filter(pk=event.pk).exists()  # another commune's inspector
    assert search_events(world.user("inspector")).filter(pk=event.pk).exists()  # positive control


def test_member_rows_added_changed_and_removed_are_audited(client, world, superuser, household):
    client.force_login(superuser)
    url = reverse("admin:registry_household_change", args=[household.pk])
    head, child = household.members.order_by("pk")
    n = 2
    changes = {
        f"members-{n}-full_name": "Trần Thị Mới",
        f"members-{n}-birth_year": "2015",
        f"members-{n}-relation": HouseholdMember.Relation.CHILD,
        "members-0-birth_year": "1976",
        "members-1-DELETE": "on",
    }
    assert client.post(url, change_form(household, **changes)).status_code == 302
    inline = [
        e.data["inline"]
        for e in AuditEvent.objects.filter(stream=f"config:registry.household:{household.pk}").order_by("seq")
        if "inline" in e.data
    ]
    assert {next(k for k in i if k in ("added", "changed", "removed")) for i in inline} == {
        "added",
        "changed",
        "removed",
    }
    added = next(i for i in inline if "added" in i)
    assert added["added"]["full_name"] == "Trần Thị Mới"
    assert next(i for i in inline if "changed" in i)["changed"] == {"birth_year": 1976}
    assert not HouseholdMember.objects.filter(pk=child.pk).exists()
    assert (
        AuditEvent.objects.filter(stream=f"config:registry.household:{household.pk}")
        .exclude(scope=world.village_a1.path)
        .count()
        == 0
    )


def test_opening_a_household_in_the_admin_is_a_personal_data_access(client, world, superuser, household):
    client.force_login(superuser)
    assert client.get(reverse("admin:registry_household_change", args=[household.pk])).status_code == 200
    event = AuditEvent.objects.get(stream=f"subject:{household.pk}", event_type="personal_data.viewed")
    assert (event.data["what"], event.scope, event.actor_id) == ("admin", world.village_a1.path, superuser.pk)
    # the list does not show members: no access recorded for it
    client.get(reverse("admin:registry_household_changelist"))
    assert AuditEvent.objects.filter(event_type="personal_data.viewed").count() == 1


def test_a_unit_edit_is_scoped_to_the_unit(client, world, superuser):
    client.force_login(superuser)
    unit = world.village_b1
    data = {
        "code": unit.code,
        "name": unit.name + " mới",
        "level": unit.level,
        "parent": unit.parent_id,
        "area_class": unit.area_class,
        "valid_from": unit.valid_from.strftime("%d/%m/%Y") if unit.valid_from else "",
        "valid_to": "",
        "_save": "Save",
    }
    response = client.post(reverse("admin:registry_administrativeunit_change", args=[unit.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    event = AuditEvent.objects.get(stream=f"config:registry.administrativeunit:{unit.pk}")
    assert event.scope == unit.path


@pytest.mark.parametrize("model", [AuditEvent, Checkpoint, VerificationRun])
def test_audit_records_cannot_be_added_changed_or_deleted_in_the_admin(client, world, superuser, model):
    client.force_login(superuser)
    name = f"admin:audit_{model._meta.model_name}"
    assert client.get(reverse(f"{name}_add")).status_code == 403
    if model is AuditEvent:
        world_event = AuditEvent.objects.first()
        change = reverse(f"{name}_change", args=[world_event.pk])
        page = client.get(change)
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
        assert client.post(change, {"reason": "sửa"}).status_code == 403
        assert (
            client.post(reverse(f"{name}_delete", args=[world_event.pk]), {"post": "yes"}).status_code == 403
        )
        assert AuditEvent.objects.filter(pk=world_event.pk).exists()
