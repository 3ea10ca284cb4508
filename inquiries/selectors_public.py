"""Reads for the public channel: only what a requester may see of their own case."""

import hmac
from dataclasses import dataclass

from django.utils import timezone

from inquiries.models import Inquiry, TimelineEvent
from inquiries.models.cases import Status


@dataclass(frozen=True)
class PublicCase:
    """What the tracking page shows: no requester data, no staff-only fields."""

    number: str
    status_label: str
    is_closed: bool
    responder_name: str
    responder_title: str
    responder_phone: str
    department_name: str
    promised_date: object
    events: list


@dataclass(frozen=True)
class PublicEvent:
    kind_label: str
    at: object
    summary: str
    message: str


_DUMMY_CODE = "-" * 10


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def _matches(inquiry: Inquiry, *, tracking_code: str, phone_last4: str) -> bool:
    ok = False
    if tracking_code:
        ok = hmac.compare_digest(
            tracking_code.upper().encode(), (inquiry.tracking_code or "").upper().encode()
        )
    if not ok and phone_last4:
        phone = _digits(inquiry.requester_phone or "")
        ok = len(phone) >= 4 and hmac.compare_digest(phone_last4.encode(), phone[-4:].encode())
    return ok


def public_case_lookup(*, number: str, tracking_code: str = "", phone_last4: str = ""):
    """The public view of a case, or None when the number and the secret do not match."""
    inquiry = (
        Inquiry.objects.select_related(
            "first_responder__profile", "handling_department", "receiving_department"
        )
        .filter(number__iexact=number)
        .first()
    )
    # An unknown number still goes through the comparison, so it takes about as long.
    candidate = inquiry or Inquiry(tracking_code=_DUMMY_CODE, requester_phone="")
    matched = _matches(candidate, tracking_code=tracking_code, phone_last4=phone_last4)
    if inquiry is None or not matched:
        return None
    responder = inquiry.first_responder
    profile = getattr(responder, "profile", None) if responder else None
    department = inquiry.handling_department or inquiry.receiving_department
    is_closed = inquiry.status == Status.CLOSED
    # For a closed case the date shown is the (local) closing day.
    closed_on = timezone.localdate(inquiry.closed_at) if inquiry.closed_at else None
    promised = closed_on if is_closed and closed_on else inquiry.deadline
    events = [
        PublicEvent(
            kind_label=event.get_kind_display(),
            at=event.at,
            summary=event.summary,
            # Only a public note is addressed to the requester; other messages stay inside.
            message=event.message if event.kind == TimelineEvent.Kind.NOTE else "",
        )
        for event in TimelineEvent.objects.filter(inquiry=inquiry, is_public=True)
        .exclude(kind=TimelineEvent.Kind.FLAG)
        .order_by("at", "pk")
    ]
    return PublicCase(
        number=inquiry.number,
        status_label=inquiry.get_status_display(),
        is_closed=is_closed,
        responder_name=responder.get_full_name() if responder else "",
        responder_title=profile.title if profile else "",
        responder_phone=profile.office_phone if profile else "",
        department_name=department.name if department else "",
        promised_date=promised,
        events=events,
    )
