"""Presets: faithful to their texts, and they round-trip through the database."""

import pytest

from penalties.engine import PolicySpec
from penalties.models import Consequence, EscalationRule, Policy, SanctionLevel, ViolationType
from penalties.presets import PRESETS
from penalties.selectors import policy_in_force
from penalties.services.policy import policy_copy, policy_create_from_preset

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_a_preset_round_trips_through_the_database(preset):
    policy = policy_create_from_preset(preset=preset)
    assert PolicySpec.from_policy(policy) == PolicySpec.from_preset(preset)


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_a_copy_equals_its_original_but_is_not_in_force(preset):
    original = policy_create_from_preset(preset=preset, activate=True)
    copy = policy_copy(policy=original, name="副本")
    assert copy.pk != original.pk
    assert not copy.is_active
    assert copy.name == "副本"
    assert PolicySpec.from_policy(copy) == PolicySpec.from_policy(original).__class__(
        **{**PolicySpec.from_policy(original).__dict__, "name": "副本"}
    )


def test_loading_a_policy_snapshot_takes_a_fixed_number_of_queries(django_assert_num_queries):
    policy = Policy.objects.get(pk=policy_create_from_preset(preset="subdistrict").pk)
    with django_assert_num_queries(4):
        PolicySpec.from_policy(policy)


def test_installing_a_preset_keeps_history_rows():
    policy = policy_create_from_preset(preset="government")
    assert policy.history.count() == 2  # created, then the unit refusal level set
    assert SanctionLevel.history.filter(policy_id=policy.pk).count() == 3
    assert ViolationType.history.filter(policy_id=policy.pk).count() == 7
    assert EscalationRule.history.filter(policy_id=policy.pk).count() == 1
    assert Consequence.history.filter(policy_id=policy.pk).count() == 0


def test_putting_a_policy_in_force_takes_the_other_out_of_force():
    first = policy_create_from_preset(preset="government", activate=True)
    second = policy_create_from_preset(preset="company", activate=True)
    first.refresh_from_db()
    assert second.is_active and not first.is_active
    assert policy_in_force() == second


def test_with_no_policy_in_force_the_government_preset_is_installed_once():
    assert not Policy.objects.exists()
    policy = policy_in_force()
    assert policy.preset == "government" and policy.is_active
    assert policy_in_force() == policy
    assert Policy.objects.count() == 1


def test_the_government_preset_follows_text_five():
    spec = PolicySpec.from_preset("government")
    assert [level.name for level in spec.levels] == ["诫勉教育", "效能告诫", "不称职"]
    assert spec.levels[-1].rating_floor == "incompetent"
    defaults = {item.code: item.default_level for item in spec.catalog}
    assert defaults == {
        "unit_not_running": "jiemian",
        "no_disclosure": "jiemian",
        "not_registered": "xiaoneng",
        "not_handled": "xiaoneng",
        "not_explained_once": "jiemian",
        "not_guided": "jiemian",
        "taboo_phrase": "jiemian",
    }
    assert [item.code for item in spec.catalog if item.unit_level] == ["unit_not_running"]
    assert spec.unit_refusal_level == "xiaoneng"
    [rule] = spec.rules
    assert (rule.counted_level, rule.threshold, rule.result_rating) == (
        "xiaoneng",
        2,
        "incompetent",
    )


def test_the_subdistrict_preset_runs_the_leadership_chain():
    spec = PolicySpec.from_preset("subdistrict")
    assert [level.name for level in spec.levels] == [
        "警示提醒",
        "诫勉督导",
        "责令纠错",
        "通报批评",
        "纪律处分",
    ]
    assert spec.leadership_chain
    assert spec.principal_leader_level == spec.important_leader_level == "jingshi"


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_every_catalog_entry_cites_its_text_and_each_detection_is_used_once(preset):
    spec = PolicySpec.from_preset(preset)
    assert all(item.basis for item in spec.catalog)
    detections = [item.detection for item in spec.catalog if item.detection]
    assert len(detections) == len(set(detections))
    codes = {level.code for level in spec.levels}
    assert {item.default_level for item in spec.catalog} <= codes


def test_no_preset_carries_the_optional_rules_of_practice():
    for key in PRESETS:
        spec = PolicySpec.from_preset(key)
        assert all(rule.result == "rating" for rule in spec.rules), key
        assert all(level.bonus_withheld_percent in (0, 100) for level in spec.levels), key
