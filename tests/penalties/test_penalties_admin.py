"""The policy admin: presets, copy, put in force, limited level choices; records read-only."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from penalties.models import Policy, Sanction, Standing
from penalties.selectors import policy_in_force
from penalties.services.standing import standing_recompute
from tests.factories import StaffProfileFactory, UserFactory
from tests.penalties.helpers import make_sanction

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator_client(client):
    """The administrator role (not a superuser) configures the policy."""
    user = UserFactory(username="guanliyuan", roles=["administrator"], is_staff=True)
    StaffProfileFactory(user=user)
    client.force_login(user)
    return client


@pytest.fixture
def superuser_client(client):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_the_policy_pages_open_with_their_inlines(administrator_client):
    policy = policy_in_force()
    assert administrator_client.get(reverse("admin:penalties_policy_changelist")).status_code == 200
    response = administrator_client.get(reverse("admin:penalties_policy_change", args=[policy.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "效能告诫" in page and "累计两次被效能告诫" in page
    assert administrator_client.get(reverse("admin:penalties_policy_history", args=[policy.pk]))


def test_level_choices_are_the_levels_of_the_policy_being_edited(administrator_client):
    from penalties.services.policy import policy_create_from_preset

    government = policy_in_force()
    policy_create_from_preset(preset="company")
    response = administrator_client.get(
        reverse("admin:penalties_policy_change", args=[government.pk])
    )
    field = response.context["adminform"].form.fields["unit_refusal_level"]
    assert {level.code for level in field.queryset} == {"jiemian", "xiaoneng", "buchengzhi"}


def test_installing_a_preset_from_the_admin(administrator_client):
    url = reverse("admin:penalties_policy_install_preset")
    assert administrator_client.get(url).status_code == 200
    response = administrator_client.post(url, {"preset": "subdistrict", "name": "街道制度"})
    policy = Policy.objects.get(name="街道制度")
    assert response.status_code == 302
    assert policy.preset == "subdistrict" and not policy.is_active
    assert policy.levels.count() == 5


def test_copy_and_put_in_force_actions(administrator_client, make_staff):
    government = policy_in_force()
    url = reverse("admin:penalties_policy_changelist")
    administrator_client.post(url, {"action": "copy_policies", "_selected_action": [government.pk]})
    copy = Policy.objects.exclude(pk=government.pk).get()
    assert government.name in copy.name and copy.name != government.name
    assert copy.violation_types.count() == government.violation_types.count()
    person = make_staff()
    today = timezone.localdate()
    make_sanction(person, "xiaoneng", today)
    make_sanction(person, "xiaoneng", today)
    standing_recompute(person=person, year=today.year)
    copy.escalations.all().delete()  # an edit: the copy drops the two-warnings rule
    administrator_client.post(url, {"action": "put_in_force", "_selected_action": [copy.pk]})
    government.refresh_from_db()
    copy.refresh_from_db()
    assert copy.is_active and not government.is_active
    # The standings of the current year follow the rules now in force.
    assert Standing.objects.get(person=person).rating_floor == ""


def test_nothing_can_be_deleted_and_records_are_read_only(superuser_client, make_staff):
    policy = policy_in_force()
    person = make_staff()
    sanction = make_sanction(person, "jiemian", datetime.date(2026, 3, 1))
    standing_recompute(person=person, year=2026)
    assert (
        superuser_client.get(reverse("admin:penalties_policy_delete", args=[policy.pk])).status_code
        == 403
    )
    for name, pk in (
        ("sanction", sanction.pk),
        ("violation", sanction.violation_id),
        ("standing", Standing.objects.get().pk),
    ):
        change = superuser_client.get(reverse(f"admin:penalties_{name}_change", args=[pk]))
        assert change.status_code == 200
        assert change.context["has_change_permission"] is False
        delete = superuser_client.get(reverse(f"admin:penalties_{name}_delete", args=[pk]))
        assert delete.status_code == 403
        assert superuser_client.get(reverse(f"admin:penalties_{name}_add")).status_code == 403
    assert superuser_client.get(reverse("admin:penalties_sanction_changelist")).status_code == 200
    assert Sanction.objects.filter(pk=sanction.pk).exists()
