"""Reads for the penalties app."""

from django.db import IntegrityError, transaction

from penalties.models import Policy
from penalties.presets import DEFAULT_PRESET


def policy_in_force() -> Policy:
    """The policy in force. With none (a fresh install, a flushed test database), the
    government preset (第五篇) is installed and put in force — no data migration needed.

    Race-safe: two requests installing at once collide on the partial unique constraint
    `policy_one_in_force`; the loser's savepoint rolls back and it reads the winner's policy.
    """
    policy = Policy.objects.filter(is_active=True).first()
    if policy is not None:
        return policy
    from penalties.services.policy import policy_create_from_preset

    try:
        with transaction.atomic():
            return policy_create_from_preset(preset=DEFAULT_PRESET, activate=True)
    except IntegrityError:
        return Policy.objects.get(is_active=True)
