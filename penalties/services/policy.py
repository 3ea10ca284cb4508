"""Policies: install a preset, copy a policy, put one in force. Each is one atomic change that
keeps simple-history rows (every row is saved one by one, never bulk-created)."""

from django.db import transaction

from penalties.engine import PolicySpec
from penalties.models import Consequence, EscalationRule, Policy, SanctionLevel, ViolationType
from penalties.presets import preset_get


def _policy_build(*, spec: PolicySpec, name: str, source: str, active: bool = False) -> Policy:
    """Create a policy with its levels, catalog, rules and consequences from a snapshot."""
    policy = Policy(
        name=name,
        preset=spec.preset,
        source=source,
        is_active=active,
        year_start_month=spec.year_start_month,
        leadership_chain=spec.leadership_chain,
        unit_correction_days=spec.unit_correction_days,
    )
    policy.full_clean()
    policy.save()
    levels = {}
    for item in spec.levels:
        level = SanctionLevel(
            policy=policy,
            code=item.code,
            name=item.name,
            rank=item.rank,
            rating_floor=item.rating_floor,
            bonus_withheld_percent=item.bonus_withheld_percent,
        )
        level.full_clean()
        level.save()
        levels[item.code] = level
    for item in spec.catalog:
        violation_type = ViolationType(
            policy=policy,
            code=item.code,
            description=item.description,
            default_level=levels[item.default_level],
            basis=item.basis,
            detection=item.detection,
            unit_level=item.unit_level,
            sort_order=item.sort_order,
        )
        violation_type.full_clean()
        violation_type.save()
    for item in spec.rules:
        rule = EscalationRule(
            policy=policy,
            counted_level=levels[item.counted_level],
            or_heavier=item.or_heavier,
            threshold=item.threshold,
            result=item.result,
            result_level=levels.get(item.result_level),
            result_rating=item.result_rating,
            basis=item.basis,
        )
        rule.full_clean()
        rule.save()
    for item in spec.consequences:
        consequence = Consequence(
            policy=policy,
            kind=item.kind,
            min_level=levels.get(item.min_level),
            min_count=item.min_count,
            on_rating=item.on_rating,
            basis=item.basis,
        )
        consequence.full_clean()
        consequence.save()
    policy.principal_leader_level = levels.get(spec.principal_leader_level)
    policy.important_leader_level = levels.get(spec.important_leader_level)
    policy.unit_refusal_level = levels.get(spec.unit_refusal_level)
    if policy.principal_leader_level or policy.important_leader_level or policy.unit_refusal_level:
        policy.save(
            update_fields=["principal_leader_level", "important_leader_level", "unit_refusal_level"]
        )
    return policy


@transaction.atomic
def policy_create_from_preset(
    *, preset: str, name: str | None = None, activate: bool = False
) -> Policy:
    """Install one of the five presets as a new policy (in force when `activate`)."""
    data = preset_get(preset)
    policy = _policy_build(
        spec=PolicySpec.from_preset(data),
        name=name or data.name,
        source=f"{data.source_title}\n{data.source}",
    )
    if activate:
        policy_activate(policy=policy)
    return policy


@transaction.atomic
def policy_copy(*, policy: Policy, name: str) -> Policy:
    """A copy of `policy` (not in force) to edit; the original stays as it is."""
    return _policy_build(spec=PolicySpec.from_policy(policy), name=name, source=policy.source)


@transaction.atomic
def policy_activate(*, policy: Policy) -> Policy:
    """Put `policy` in force; the one in force before stops being so (one at a time)."""
    for other in Policy.objects.select_for_update().filter(is_active=True).exclude(pk=policy.pk):
        other.is_active = False
        other.save(update_fields=["is_active"])
    if not policy.is_active:
        policy.is_active = True
        policy.save(update_fields=["is_active"])
    return policy
