"""The public channel: letters written online by the public, and staff picking them up.

An online letter has no first responder when it arrives: it waits in the office's queue, and
whoever first picks it up becomes its first responder (and never changes).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inquiries.models import (
    CasePolicy,
    Channel,
    Department,
    Inquiry,
    Kind,
    Notification,
    Status,
    TimelineEvent,
    User,
)
from inquiries.services.cases import inquiry_number_next, time_limit_days_for
from inquiries.services.core import InquiryError, inquiry_lock, inquiry_save, timeline_append
from inquiries.services.notifications import notify, users_with_permission_in
from inquiries.text import normalize_text
from inquiries.validators import normalize_phone, validate_phone
from inquiries.workdays import work_calendar

# What the public may write to us about online.
ONLINE_KINDS = (Kind.CONSULTATION, Kind.COMPLAINT, Kind.TIP_OFF, Kind.SUGGESTION)


def public_office() -> Department:
    """The office (办公室) that receives online letters."""
    office = Department.objects.filter(is_office=True, is_active=True).order_by("pk").first()
    if office is None:
        raise InquiryError(
            _("Online letters cannot be received: no office is set up to receive them."),
            code="no_office",
        )
    return office


@transaction.atomic
def online_letter_submit(
    *,
    kind: str,
    name: str,
    phone: str,
    email: str = "",
    address: str = "",
    subject: str,
    content: str,
    remote_addr: str = "",
) -> Inquiry:
    """Register a letter from the public; it waits in the office's queue to be picked up.

    `remote_addr` is the sender's address as the view saw it (the view rate-limits by it); it
    is not stored with the case. There is no email field on a case: an email address given is
    appended to the content."""
    if kind not in ONLINE_KINDS:
        raise InquiryError(_("Choose what kind of letter this is."), code="invalid_kind")
    phone = normalize_phone(phone)
    if not phone:
        raise InquiryError(_("Give a phone number, so that we can reach you."), code="no_contact")
    try:
        validate_phone(phone)
    except ValidationError as error:
        raise InquiryError(" ".join(error.messages), code="invalid_phone") from error
    office = public_office()
    now = timezone.now()
    received_on = timezone.localdate(now)
    policy = CasePolicy.current()
    days = time_limit_days_for(kind=kind, matter=None, policy=policy)
    address = normalize_text(address)
    email = (email or "").strip()
    inquiry = Inquiry(
        number=inquiry_number_next(year=received_on.year),
        channel=Channel.ONLINE,
        kind=kind,
        status=Status.REGISTERED,
        requester_name=normalize_text(name),
        requester_phone=phone,
        requester_address=address,
        subject=normalize_text(subject),
        content=content.strip() + (f"\n\n{_('Email')}: {email}" if email else ""),
        received_at=now,
        first_responder=None,
        current_holder=None,
        receiving_department=office,
        handling_department=office,
        time_limit_days=days,
        deadline=work_calendar().add_working_days(received_on, days),
    )
    try:
        inquiry.full_clean()
    except ValidationError as error:
        raise InquiryError(" ".join(error.messages), code="invalid_case") from error
    inquiry.save()
    timeline_append(
        inquiry,
        by=None,
        kind=TimelineEvent.Kind.REGISTERED,
        at=now,
        data={"department": office.name, "channel": Channel.ONLINE},
    )
    notify(
        recipients=users_with_permission_in(department=office, perm="inquiries.coordinate_inquiry"),
        kind=Notification.Kind.COORDINATION,
        inquiry=inquiry,
        event_key=f"online:{inquiry.pk}",
        data={"number": inquiry.number, "subject": inquiry.subject, "by": inquiry.requester_name},
    )
    return inquiry


@transaction.atomic
def inquiry_pick_up(*, inquiry: Inquiry, by: User) -> Inquiry:
    """The first to pick up an online letter becomes its first responder and handles it."""
    profile = getattr(by, "profile", None)
    if profile is None:
        raise InquiryError(
            _("You have no staff profile yet; ask an administrator to add one."),
            code="no_profile",
        )
    inquiry = inquiry_lock(inquiry)
    if inquiry.channel != Channel.ONLINE or inquiry.first_responder_id is not None:
        who = inquiry.first_responder.get_full_name() if inquiry.first_responder_id else ""
        raise InquiryError(
            _("This letter was already picked up by %(name)s.") % {"name": who},
            code="already_picked",
        )
    inquiry.first_responder = by
    inquiry.current_holder = by
    inquiry.receiving_department = profile.department
    inquiry_save(inquiry)
    timeline_append(
        inquiry, by=by, kind=TimelineEvent.Kind.PICKED_UP, data={"by": by.get_full_name()}
    )
    return inquiry
