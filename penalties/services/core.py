"""Primitives shared by the penalties services: the domain error, numbering, permission and
validation checks, the assessment year and the standing recomputation."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

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


def require_permission(user, perm: str) -> None:
    """Services check the role themselves too: a view that forgot cannot let a change through."""
    if user is None or not user.is_active or not user.has_perm(perm):
        raise PenaltyError(_("You are not allowed to do this."), code="forbidden")


def full_clean_or_refuse(obj) -> None:
    """`full_clean()`, turning a ValidationError into a PenaltyError the view can show."""
    try:
        obj.full_clean()
    except ValidationError as error:
        raise PenaltyError(" ".join(error.messages), code="invalid") from error


def assessment_year(policy, day: datetime.date) -> int:
    """The assessment year `day` falls in: the year in which that assessment year starts."""
    from penalties.engine import assessment_year as engine_assessment_year

    return engine_assessment_year(day, policy)


def standings_recompute(pairs: Iterable[tuple]) -> None:
    """Recompute the standing of each (person, year) once, through `standing_recompute`."""
    # Imported here: the standing service builds on the engine and the records, not on us.
    from penalties.services.standing import standing_recompute

    seen = set()
    for person, year in pairs:
        if person is None or (person.pk, year) in seen:
            continue
        seen.add((person.pk, year))
        standing_recompute(person=person, year=year)
