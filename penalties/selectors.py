"""Reads for the penalties app."""

from penalties.models import Policy


def policy_in_force() -> Policy:
    """The policy in force. Migration 0002 installs the government preset (第五篇) as default."""
    return Policy.objects.get(is_active=True)
