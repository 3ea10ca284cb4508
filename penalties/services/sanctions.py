"""Sanctions after the verification: deciding the leadership proposals and revoking on appeal.

Like the violation services, each function is atomic, locks the row, checks the move against
`SANCTION_TRANSITIONS` and recomputes the standing of the person for the assessment year the
sanction counts in. Nothing is deleted: a proposal not adopted is withdrawn, a sanction
overturned on appeal is revoked with the reason.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from inquiries.models import User
from penalties.models import Sanction
from penalties.services.core import (
    PenaltyError,
    assessment_year,
    full_clean_or_refuse,
    require_permission,
    standings_recompute,
)
from penalties.services.violations import HANDLE, violation_notify

SState = Sanction.State

SANCTION_TRANSITIONS: dict[str, frozenset[str]] = {
    SState.PROPOSED: frozenset({SState.IN_FORCE, SState.WITHDRAWN}),
    SState.IN_FORCE: frozenset({SState.REVOKED}),
    SState.WITHDRAWN: frozenset(),
    SState.REVOKED: frozenset(),
}


def sanction_lock(sanction: Sanction) -> Sanction:
    return (
        Sanction.objects.select_for_update()
        .select_related("violation__policy", "person", "level")
        .get(pk=sanction.pk)
    )


def sanction_check_move(sanction: Sanction, to_state: str) -> None:
    if to_state not in SANCTION_TRANSITIONS.get(sanction.state, frozenset()):
        raise PenaltyError(
            _("A sanction that is “%(from)s” cannot become “%(to)s”.")
            % {"from": SState(sanction.state).label, "to": SState(to_state).label},
            code="illegal_transition",
        )


def _refuse_own(sanction: Sanction, by: User) -> None:
    if sanction.person_id == by.pk or sanction.violation.person_id == by.pk:
        raise PenaltyError(
            _("You are concerned by this sanction: another officer must decide it."),
            code="own_case",
        )


@transaction.atomic
def sanction_decide_proposal(
    *, sanction: Sanction, by: User, adopt: bool, note: str = ""
) -> Sanction:
    """Adopt a proposal (it comes into force today) or withdraw it (with the reasons)."""
    require_permission(by, HANDLE)
    sanction = sanction_lock(sanction)
    _refuse_own(sanction, by)
    to_state = SState.IN_FORCE if adopt else SState.WITHDRAWN
    sanction_check_move(sanction, to_state)
    note = (note or "").strip()
    if not adopt and not note:
        raise PenaltyError(_("Say why the proposal is not adopted."), code="no_note")
    now = timezone.now()
    sanction.state = to_state
    sanction.decided_at = now
    sanction.decided_by = by
    sanction.decision_note = note
    if adopt:
        sanction.decided_on = timezone.localdate(now)
    full_clean_or_refuse(sanction)
    sanction.save()
    if adopt:
        standings_recompute(
            [(sanction.person, assessment_year(sanction.violation.policy, sanction.decided_on))]
        )
        violation_notify(
            sanction.violation,
            recipients=[sanction.person],
            event=f"sanction:{sanction.pk}:in_force",
            text=gettext_noop(
                "A sanction for violation %(number)s came into force for you: %(level)s."
            ),
            params={"level": sanction.level.name},
            actor=by,
        )
    return sanction


@transaction.atomic
def sanction_revoke(*, sanction: Sanction, by: User, reason: str) -> Sanction:
    """Revoke a sanction in force on appeal; it stops counting and the year is recomputed."""
    require_permission(by, HANDLE)
    sanction = sanction_lock(sanction)
    _refuse_own(sanction, by)
    sanction_check_move(sanction, SState.REVOKED)
    reason = (reason or "").strip()
    if not reason:
        raise PenaltyError(_("Give the reason for revoking the sanction."), code="no_reason")
    sanction.state = SState.REVOKED
    sanction.revoked_at = timezone.now()
    sanction.revoked_by = by
    sanction.revocation_reason = reason
    full_clean_or_refuse(sanction)
    sanction.save()
    standings_recompute(
        [(sanction.person, assessment_year(sanction.violation.policy, sanction.decided_on))]
    )
    violation_notify(
        sanction.violation,
        recipients=[sanction.person],
        event=f"sanction:{sanction.pk}:revoked",
        text=gettext_noop("Your sanction for violation %(number)s was revoked: %(reason)s"),
        params={"reason": reason},
        actor=by,
    )
    return sanction
