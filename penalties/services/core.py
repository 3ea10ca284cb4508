"""Primitives shared by the penalties services: the domain error and numbering."""

from django.utils import timezone

from penalties.models import ViolationCounter


class PenaltyError(Exception):
    """A refused change, with a translated message a view can show as a form error."""

    def __init__(self, message, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


def violation_number_next() -> str:
    """The next violation number of this year, e.g. "WJ2026-0007" (caller holds a transaction)."""
    year = timezone.localdate().year
    counter, _created = ViolationCounter.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"WJ{year}-{counter.last:04d}"
