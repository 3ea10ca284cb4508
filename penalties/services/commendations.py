"""Commendations (表扬, 第四篇 (四)): praise from the public, recorded by the discipline role.

A commendation is never deleted: one recorded by mistake is withdrawn with a reason and stays
in the history. Each change recomputes the person's standing for the assessment year the
praise was received in, so the assessment shows it at once.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inquiries.models import Inquiry, Rating, User
from penalties.models import Commendation
from penalties.services.core import PenaltyError


def _standing_recompute(commendation: Commendation) -> None:
    # Imported here: the standing service belongs to the engine's part of the app and imports
    # the engine; a commendation must not need it at import time.
    from penalties.services.standing import standings_recompute_for_commendation

    standings_recompute_for_commendation(commendation)


def _required(value: str, message: str, code: str) -> str:
    value = (value or "").strip()
    if not value:
        raise PenaltyError(message, code=code)
    return value


@transaction.atomic
def commendation_record(
    *,
    person: User,
    source: str,
    text: str,
    by: User,
    received_on: datetime.date,
    inquiry: Inquiry | None = None,
    rating: Rating | None = None,
) -> Commendation:
    """Record praise for `person`. A rating becomes at most one commendation."""
    text = _required(text, _("Say what was praised."), "text_required")
    if by.pk == person.pk:
        raise PenaltyError(_("You cannot record a commendation for yourself."), code="self")
    if received_on > timezone.localdate():
        raise PenaltyError(_("The day received cannot be in the future."), code="future")
    if rating is not None:
        if rating.level != Rating.Level.VERY_SATISFIED:
            raise PenaltyError(
                _("Only a very satisfied rating can be recorded as a commendation."),
                code="rating_level",
            )
        if inquiry is not None and inquiry.pk != rating.inquiry_id:
            raise PenaltyError(_("The rating is not of this case."), code="rating_case")
        inquiry = rating.inquiry
        if Commendation.objects.filter(rating=rating).exists():
            raise PenaltyError(
                _("This rating is already recorded as a commendation."), code="rating_used"
            )
    commendation = Commendation(
        person=person,
        source=source,
        text=text,
        inquiry=inquiry,
        rating=rating,
        received_on=received_on,
        recorded_by=by,
        recorded_at=timezone.now(),
    )
    commendation.full_clean()
    try:
        with transaction.atomic():
            commendation.save()
    except IntegrityError as error:
        # Two clicks at once on the same rating: Commendation.rating is one-to-one.
        raise PenaltyError(
            _("This rating is already recorded as a commendation."), code="rating_used"
        ) from error
    _standing_recompute(commendation)
    return commendation


@transaction.atomic
def commendation_withdraw(*, commendation: Commendation, by: User, reason: str) -> Commendation:
    """Withdraw a commendation recorded by mistake; it stays, with the reason."""
    reason = _required(reason, _("Give a reason for withdrawing it."), "reason_required")
    commendation = Commendation.objects.select_for_update().get(pk=commendation.pk)
    if commendation.withdrawn_at is not None:
        raise PenaltyError(_("This commendation was already withdrawn."), code="withdrawn")
    commendation.withdrawn_at = timezone.now()
    commendation.withdrawal_reason = reason
    # The history's reason column holds 100 characters; the whole reason is in its field.
    commendation._change_reason = reason[:100]
    commendation.full_clean()
    commendation.save(update_fields=["withdrawn_at", "withdrawal_reason"])
    _standing_recompute(commendation)
    return commendation
