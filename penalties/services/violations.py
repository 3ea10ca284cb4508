"""Violations from report to decision (due process). Every function here is one atomic change."""

import datetime

from django.db import transaction
from django.utils import timezone

from inquiries.models import Department, Inquiry, User
from penalties.models import Violation, ViolationType
from penalties.selectors import policy_in_force
from penalties.services.core import violation_number_next


@transaction.atomic
def violation_report(
    *,
    department: Department,
    source: str,
    allegation: str,
    occurred_on: datetime.date,
    person: User | None = None,
    reported_by: User | None = None,
    violation_type: ViolationType | None = None,
    inquiry: Inquiry | None = None,
    complainant_name: str = "",
    complainant_phone: str = "",
    complaint_text: str = "",
    detection: str = "",
    detection_key: str | None = None,
) -> Violation:
    """Register a possible violation. Automatic detections (with a key) start as proposals.

    With a `detection_key` already used, nothing new is made and the existing one is returned.
    """
    if detection_key is not None:
        existing = Violation.objects.filter(detection_key=detection_key).first()
        if existing is not None:
            return existing
    violation = Violation(
        number=violation_number_next(),
        policy=policy_in_force(),
        violation_type=violation_type,
        person=person,
        department=department,
        source=source,
        state=Violation.State.PROPOSED if detection_key else Violation.State.REPORTED,
        allegation=allegation,
        complainant_name=complainant_name,
        complainant_phone=complainant_phone,
        complaint_text=complaint_text,
        inquiry=inquiry,
        detection=detection,
        detection_key=detection_key,
        occurred_on=occurred_on,
        reported_at=timezone.now(),
        reported_by=reported_by,
    )
    violation.full_clean()
    violation.save()
    return violation
