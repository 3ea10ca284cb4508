"""Records made directly with the ORM for P1's tests (the services that make them are P2's)."""

import datetime
import itertools

from django.utils import timezone

from penalties.models import Commendation, Sanction, Violation
from penalties.selectors import policy_in_force

_numbers = itertools.count(1)


def make_sanction(
    person,
    level_code: str,
    decided_on: datetime.date,
    *,
    state: str = "in_force",
    decided_by=None,
    type_code: str = "not_handled",
    responsibility: str = "direct",
    complainant_name: str = "",
    revocation_reason: str = "",
) -> Sanction:
    policy = policy_in_force()
    violation_type = policy.violation_types.filter(code=type_code).first()
    now = timezone.now()
    violation = Violation.objects.create(
        number=f"WJT-{next(_numbers):05d}",
        policy=policy,
        violation_type=violation_type,
        person=person,
        department=person.profile.department,
        source=Violation.Source.COMPLAINT_LETTER,
        state=Violation.State.VERIFIED,
        allegation="未按要求告知",
        complainant_name=complainant_name,
        complainant_phone="13800001111" if complainant_name else "",
        occurred_on=decided_on,
        reported_at=now,
        decided_at=now,
        decided_by=decided_by or person,
    )
    return Sanction.objects.create(
        violation=violation,
        person=person,
        level=policy.levels.get(code=level_code),
        responsibility=responsibility,
        state=state,
        proposed_at=now,
        decided_on=decided_on if state != "withdrawn" else None,
        decided_at=now if state != "withdrawn" else None,
        decided_by=(decided_by or person) if state != "withdrawn" else None,
        revocation_reason=revocation_reason or ("申诉成立" if state == "revoked" else ""),
    )


def make_commendation(person, received_on: datetime.date, *, withdrawn=False) -> Commendation:
    return Commendation.objects.create(
        person=person,
        source=Commendation.Source.LETTER,
        text="群众来信表扬其耐心细致",
        received_on=received_on,
        recorded_by=person,
        recorded_at=timezone.now(),
        withdrawn_at=timezone.now() if withdrawn else None,
        withdrawal_reason="重复登记" if withdrawn else "",
    )
