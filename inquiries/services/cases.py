"""Writes to cases. Every change to a case goes through a function here.

Each function is atomic, locks the case row, checks the move against the transition table,
saves, and appends to the case's timeline (django-simple-history keeps the field-level audit).
Illegal moves raise `InquiryError`, whose message is translated and shown to the user as a
form error — never a 500.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inquiries.models import (
    CaseFlag,
    CaseNumberCounter,
    CasePolicy,
    Channel,
    Department,
    FeedbackMethod,
    Inquiry,
    Notice,
    NoticeItem,
    Notification,
    Path,
    Referral,
    ServiceMatter,
    Status,
    TimelineEvent,
    User,
)
from inquiries.services.core import (
    InquiryError,
    check_expected_version,
    flag_taboo,
    inquiry_lock,
    inquiry_save,
    inquiry_transition,
    timeline_append,
)
from inquiries.services.notifications import notification_data, notify
from inquiries.services.referrals import (
    office_of,
    referral_accept,
    referral_open,
    referral_pending_for,
)
from inquiries.taboo import normalize_for_matching
from inquiries.text import normalize_text
from inquiries.validators import normalize_id_number, normalize_phone
from inquiries.workdays import work_calendar

# --- Case numbers --------------------------------------------------------------------------


def inquiry_number_next(*, year: int) -> str:
    """Take the next case number of `year`, e.g. "2026-000123".

    The counter row is locked (SELECT … FOR UPDATE) until the registering transaction
    commits, so two desks registering at the same moment never get the same number.
    """
    with transaction.atomic():
        counter, _created = CaseNumberCounter.objects.select_for_update().get_or_create(year=year)
        counter.last += 1
        counter.save(update_fields=["last"])
    return f"{year}-{counter.last:06d}"


def _disclosure_data(by: User) -> dict:
    profile = by.profile
    return {
        "name": by.get_full_name(),
        "title": profile.title,
        "phone": profile.office_phone or "—",
    }


def time_limit_days_for(*, kind: str, matter: ServiceMatter | None, policy: CasePolicy) -> int:
    """A catalog matter brings its promised limit; otherwise the policy's limit for the kind."""
    return matter.promised_days if matter else policy.days_for_kind(kind)


# --- Registration --------------------------------------------------------------------------


@dataclass(frozen=True)
class Requester:
    name: str
    unit: str = ""
    phone: str = ""
    address: str = ""
    id_number: str = ""


@transaction.atomic
def inquiry_register(
    *,
    by: User,
    channel: str,
    kind: str,
    requester: Requester,
    subject: str,
    content: str,
    disclosure_given: bool,
    received_at: datetime.datetime | None = None,
    letter_date: datetime.date | None = None,
    matter: ServiceMatter | None = None,
) -> Inquiry:
    """Register a case; `by` becomes its first responder for good."""
    profile = getattr(by, "profile", None)
    if profile is None:
        raise InquiryError(
            _("You have no staff profile yet; ask an administrator to add one before registering."),
            code="no_profile",
        )
    now = timezone.now()
    received_at = received_at or now
    if received_at > now + datetime.timedelta(minutes=5):
        raise InquiryError(_("The time received cannot be in the future."), code="future")
    policy = CasePolicy.current()
    calendar = work_calendar()
    received_on = timezone.localdate(received_at)
    days = time_limit_days_for(kind=kind, matter=matter, policy=policy)
    inquiry = Inquiry(
        number=inquiry_number_next(year=received_on.year),
        channel=channel,
        kind=kind,
        requester_name=normalize_text(requester.name),
        requester_unit=normalize_text(requester.unit),
        requester_phone=normalize_phone(requester.phone),
        requester_address=normalize_text(requester.address),
        requester_id_number=normalize_id_number(requester.id_number),
        subject=normalize_text(subject),
        content=content.strip(),
        received_at=received_at,
        letter_date=letter_date,
        first_responder=by,
        receiving_department=profile.department,
        current_holder=by,
        disclosure_given=disclosure_given,
        matter=matter,
        handling_department=matter.department if matter else None,
        time_limit_days=days,
        deadline=calendar.add_working_days(received_on, days),
        notice_due=(
            calendar.add_working_days(received_on, policy.notice_limit_days) if matter else None
        ),
    )
    if not (inquiry.requester_phone or inquiry.requester_address):
        raise InquiryError(
            _("Give the requester's phone or address, so that feedback can reach them."),
            code="no_contact",
        )
    try:
        inquiry.full_clean()
    except ValidationError as error:
        raise InquiryError(" ".join(error.messages), code="invalid_case") from error
    inquiry.save()
    timeline_append(
        inquiry,
        by=by,
        kind=TimelineEvent.Kind.REGISTERED,
        at=now,
        data={"department": profile.department.name, "channel": channel},
    )
    if disclosure_given:
        timeline_append(
            inquiry,
            by=by,
            kind=TimelineEvent.Kind.DISCLOSURE,
            at=now,
            data=_disclosure_data(by),
        )
    return inquiry


@transaction.atomic
def inquiry_record_disclosure(*, inquiry: Inquiry, by: User) -> Inquiry:
    """Record, after the fact, that the requester was told the responder's name, duty, phone."""
    inquiry = inquiry_lock(inquiry)
    if inquiry.disclosure_given:
        return inquiry
    if by.pk != inquiry.first_responder_id:
        raise InquiryError(_("Only the first responder can record this."), code="not_responder")
    inquiry.disclosure_given = True
    inquiry_save(inquiry)
    timeline_append(
        inquiry,
        by=by,
        kind=TimelineEvent.Kind.DISCLOSURE,
        data=_disclosure_data(by),
    )
    return inquiry


# --- The six paths -------------------------------------------------------------------------


def department_directions(department: Department) -> str:
    """What a requester is told about another department: name, location, phone, contact."""
    contact = department.contact_person
    parts = [department.name]
    if department.location:
        parts.append(_("location: %(location)s") % {"location": department.location})
    if department.phone:
        parts.append(_("phone: %(phone)s") % {"phone": department.phone})
    if contact:
        contact_phone = getattr(getattr(contact, "profile", None), "office_phone", "")
        parts.append(
            _("contact: %(name)s %(phone)s")
            % {"name": contact.get_full_name(), "phone": contact_phone}
        )
    return "；".join(part.strip() for part in parts)


def default_feedback_method(channel: str) -> str:
    return {
        Channel.VISIT: FeedbackMethod.ON_THE_SPOT,
        Channel.PHONE: FeedbackMethod.PHONE,
        Channel.LETTER: FeedbackMethod.LETTER,
        Channel.FAX: FeedbackMethod.LETTER,
        Channel.ONLINE: FeedbackMethod.EMAIL,
    }[channel]


def _apply(inquiry: Inquiry, changes: dict) -> None:
    for field, value in changes.items():
        setattr(inquiry, field, value)


@transaction.atomic
def inquiry_decide_path(
    *,
    inquiry: Inquiry,
    by: User,
    path: str,
    told: str = "",
    on_the_spot_result: str = "",
    colleague: User | None = None,
    department: Department | None = None,
    expected_version: int | None = None,
) -> Inquiry:
    """Record which of the six paths the matter takes and what the requester was told.

    Own duty handled on the spot, another department (the requester was pointed there), not
    allowed by law, and outside the unit's remit end the case at once: the explanation given
    is its result and the feedback was given then and there.
    """
    inquiry = inquiry_lock(inquiry)
    check_expected_version(inquiry, expected_version)
    if inquiry.status not in {Status.REGISTERED, Status.IN_PROGRESS, Status.REOPENED}:
        raise InquiryError(
            _("The path can only be decided while the case is registered or in progress."),
            code="path_status",
        )
    told = told.strip()
    on_the_spot_result = on_the_spot_result.strip()
    own_department = by.profile.department
    now = timezone.now()
    common = {"path": path, "path_told": told}

    def close_now(result: str) -> Inquiry:
        return inquiry_transition(
            inquiry=inquiry,
            by=by,
            to_status=Status.CLOSED,
            message=result,
            result=result,
            closed_at=now,
            feedback_method=default_feedback_method(inquiry.channel),
            feedback_at=now,
            feedback_note=told or result,
            **common,
        )

    if path == Path.OWN_DUTY:
        if on_the_spot_result:
            inquiry.handling_department = own_department
            inquiry = close_now(on_the_spot_result)
        else:
            if not told:
                raise InquiryError(
                    _("Explain to the requester, once, how the matter will be handled."),
                    code="told_required",
                )
            inquiry = inquiry_transition(
                inquiry=inquiry,
                by=by,
                to_status=Status.IN_PROGRESS,
                message=told,
                handling_department=own_department,
                current_holder=by,
                **common,
            )
    elif path == Path.SAME_DEPARTMENT:
        if colleague is None or colleague.pk == by.pk:
            raise InquiryError(_("Choose the colleague who handles this."), code="no_colleague")
        colleague_profile = getattr(colleague, "profile", None)
        if colleague_profile is None or colleague_profile.department_id != own_department.pk:
            raise InquiryError(
                _("%(name)s is not in your department; choose “another department”.")
                % {"name": colleague.get_full_name()},
                code="other_department_colleague",
            )
        inquiry.handling_department = own_department
        _apply(inquiry, common)
        referral_open(
            inquiry,
            by=by,
            target=Referral.Target.COLLEAGUE,
            to_user=colleague,
            to_department=own_department,
            reason="",
            told=told,
        )
    elif path == Path.OTHER_DEPARTMENT:
        if department is None or department.pk == own_department.pk:
            raise InquiryError(_("Choose the department that handles this."), code="no_department")
        told = told or department_directions(department)
        common["path_told"] = told
        inquiry.path_department = department
        inquiry = close_now(told)
    elif path == Path.OFFICE:
        office = office_of(own_department)
        if office is None:
            raise InquiryError(
                _("No office is configured to coordinate; ask an administrator."), code="no_office"
            )
        inquiry.path_department = office
        _apply(inquiry, common)
        referral_open(
            inquiry,
            by=by,
            target=Referral.Target.OFFICE,
            to_user=None,
            to_department=office,
            reason="",
            told=told,
        )
    elif path in {Path.NOT_ALLOWED, Path.OUTSIDE_REMIT}:
        if not told:
            raise InquiryError(
                _("Write down the explanation given to the requester."), code="told_required"
            )
        inquiry = close_now(told)
    else:
        raise InquiryError(_("Choose one of the six paths."), code="unknown_path")
    timeline_append(
        inquiry,
        by=by,
        kind=TimelineEvent.Kind.PATH,
        message=inquiry.path_told,
        data={"path": path}
        | (
            {"to": inquiry.current_holder.get_full_name()}
            if path == Path.SAME_DEPARTMENT
            else {"to": inquiry.path_department.name}
            if inquiry.path_department
            else {}
        ),
    )
    flag_taboo(inquiry, by=by, texts=[told, on_the_spot_result])
    return inquiry


@transaction.atomic
def inquiry_start_handling(*, inquiry: Inquiry, by: User) -> Inquiry:
    """签收: accept the case's pending referral addressed to `by` (or to their department)."""
    pending = referral_pending_for(inquiry)
    if pending is None or inquiry.status not in {Status.REFERRED}:
        raise InquiryError(_("This case is not waiting for you."), code="not_waiting")
    referral_accept(referral=pending, by=by)
    return Inquiry.objects.get(pk=inquiry.pk)


# --- One-time notice -----------------------------------------------------------------------


def _notice_key(material_id: int | None, name: str) -> str:
    return f"m{material_id}" if material_id else f"t{normalize_for_matching(name)}"


@transaction.atomic
def notice_issue(
    *,
    inquiry: Inquiry,
    by: User,
    received_material_ids: Iterable[int] = (),
    extra_items: Iterable[str] = (),
    note: str = "",
) -> Notice:
    """Issue the one-time notice: every material not received, in one complete list.

    A later notice that asks for anything the first did not list is a *second notice* and is
    flagged for supervisors (it is still issued: nothing the user entered is lost).
    """
    inquiry = inquiry_lock(inquiry)
    if inquiry.status not in {
        Status.REGISTERED,
        Status.IN_PROGRESS,
        Status.REOPENED,
        Status.AWAITING_MATERIALS,
    }:
        raise InquiryError(
            _("A notice can only be issued while the case is open and being handled."),
            code="notice_status",
        )
    received = set(received_material_ids)
    matter = inquiry.matter
    items: list[tuple[int | None, str, str]] = []
    if matter is not None:
        for material in matter.materials.filter(is_required=True):
            if material.pk not in received:
                items.append((material.pk, material.name, material.specification))
    for text in extra_items:
        text = normalize_text(text)
        if text:
            items.append((None, text, ""))
    if not items:
        raise InquiryError(
            _("Nothing is missing, so no notice is needed: handle the case instead."),
            code="nothing_missing",
        )
    earlier = list(inquiry.notices.prefetch_related("items"))
    now = timezone.now()
    notice = Notice.objects.create(
        inquiry=inquiry,
        sequence=len(earlier) + 1,
        issued_at=now,
        issued_by=by,
        matter_name=matter.name if matter else "",
        legal_basis=matter.legal_basis if matter else "",
        conditions=matter.conditions if matter else "",
        procedure=matter.procedure if matter else "",
        time_limit_days=inquiry.time_limit_days,
        note=note.strip(),
    )
    NoticeItem.objects.bulk_create(
        NoticeItem(notice=notice, material_id=pk, name=name, specification=spec)
        for pk, name, spec in items
    )
    if earlier:
        first_keys = {_notice_key(item.material_id, item.name) for item in earlier[0].items.all()}
        new = [name for pk, name, _spec in items if _notice_key(pk, name) not in first_keys]
        if new:
            notice.is_second_notice = True
            notice.save(update_fields=["is_second_notice"])
            detail = "、".join(new)
            CaseFlag.objects.create(
                inquiry=inquiry,
                kind=CaseFlag.Kind.SECOND_NOTICE,
                detail=detail,
                raised_at=now,
                raised_by=by,
            )
            timeline_append(
                inquiry,
                by=None,
                kind=TimelineEvent.Kind.FLAG,
                data={"flag": CaseFlag.Kind.SECOND_NOTICE, "detail": detail},
                is_public=False,
            )
    timeline_append(
        inquiry,
        by=by,
        kind=TimelineEvent.Kind.NOTICE,
        at=now,
        message=note.strip(),
        data={
            "sequence": notice.sequence,
            "items": "、".join(name for _pk, name, _s in items),
        },
    )
    if inquiry.status != Status.AWAITING_MATERIALS:
        if not inquiry.path:
            inquiry.path = Path.OWN_DUTY
            inquiry.handling_department = inquiry.handling_department or by.profile.department
        inquiry_transition(
            inquiry=inquiry,
            by=by,
            to_status=Status.AWAITING_MATERIALS,
        )
    flag_taboo(inquiry, by=by, texts=[note])
    return notice


@transaction.atomic
def inquiry_materials_complete(*, inquiry: Inquiry, by: User, note: str = "") -> Inquiry:
    """The requester came back with everything: the case is handled again, the clock runs."""
    inquiry = inquiry_lock(inquiry)
    if inquiry.status != Status.AWAITING_MATERIALS:
        raise InquiryError(_("This case is not waiting for materials."), code="not_waiting")
    timeline_append(inquiry, by=by, kind=TimelineEvent.Kind.MATERIALS, message=note.strip())
    inquiry = inquiry_transition(
        inquiry=inquiry,
        by=by,
        to_status=Status.IN_PROGRESS,
        current_holder=inquiry.current_holder or by,
    )
    flag_taboo(inquiry, by=by, texts=[note])
    return inquiry


# --- Reply, closure, reopening, notes ------------------------------------------------------


@transaction.atomic
def inquiry_reply(
    *, inquiry: Inquiry, by: User, reply: str, expected_version: int | None = None
) -> Inquiry:
    """The handler's answer; the first responder then gives feedback and closes."""
    inquiry = inquiry_lock(inquiry)
    check_expected_version(inquiry, expected_version)
    reply = reply.strip()
    if not reply:
        raise InquiryError(_("Write the reply."), code="reply_required")
    if inquiry.current_holder_id != by.pk:
        raise InquiryError(_("Only the current handler can reply."), code="not_holder")
    timeline_append(inquiry, by=by, kind=TimelineEvent.Kind.REPLY, message=reply)
    inquiry = inquiry_transition(
        inquiry=inquiry, by=by, to_status=Status.REPLIED, result=reply, message=""
    )
    notify(
        recipients=[inquiry.first_responder],
        kind=Notification.Kind.REPLIED,
        inquiry=inquiry,
        event_key=f"inquiry:{inquiry.pk}:v{inquiry.version}:replied",
        actor=by,
        data=notification_data(inquiry, by),
    )
    flag_taboo(inquiry, by=by, texts=[reply])
    return inquiry


@transaction.atomic
def inquiry_send_back(
    *, inquiry: Inquiry, by: User, reason: str, expected_version: int | None = None
) -> Inquiry:
    """The first responder finds the reply not enough: back to the handler for more work."""
    inquiry = inquiry_lock(inquiry)
    check_expected_version(inquiry, expected_version)
    reason = reason.strip()
    if not reason:
        raise InquiryError(_("Say what is still missing from the reply."), code="reason_required")
    if inquiry.first_responder_id != by.pk:
        raise InquiryError(
            _("Only the first responder can send a reply back."), code="not_responder"
        )
    if inquiry.status != Status.REPLIED:
        raise InquiryError(_("Only a replied case can be sent back."), code="not_replied")
    inquiry = inquiry_transition(
        inquiry=inquiry, by=by, to_status=Status.IN_PROGRESS, message=reason
    )
    notify(
        recipients=[inquiry.current_holder],
        kind=Notification.Kind.SENT_BACK,
        inquiry=inquiry,
        event_key=f"inquiry:{inquiry.pk}:v{inquiry.version}:sent_back",
        actor=by,
        data=notification_data(inquiry, by, reason=reason),
    )
    flag_taboo(inquiry, by=by, texts=[reason])
    return inquiry


@transaction.atomic
def inquiry_close(
    *,
    inquiry: Inquiry,
    by: User,
    result: str,
    feedback_method: str = "",
    feedback_at: datetime.datetime | None = None,
    feedback_note: str = "",
    unreachable_reason: str = "",
    expected_version: int | None = None,
) -> Inquiry:
    """Close with a result and the feedback given to the requester (or why it could not be)."""
    inquiry = inquiry_lock(inquiry)
    check_expected_version(inquiry, expected_version)
    # The responsibility stays with the first responder: they tell the requester and close,
    # unless the institution's policy lets the handler do it.
    handler_may = CasePolicy.current().feedback_by_handler and by.pk == inquiry.current_holder_id
    if by.pk != inquiry.first_responder_id and not handler_may:
        raise InquiryError(
            _("Only the first responder gives the requester the result and closes the case."),
            code="not_responder",
        )
    result = result.strip()
    feedback_note = feedback_note.strip()
    unreachable_reason = unreachable_reason.strip()
    if not result:
        raise InquiryError(_("Write the result of the case."), code="result_required")
    if unreachable_reason:
        feedback_method, feedback_at = "", None
    elif not feedback_method:
        raise InquiryError(
            _("Record how the requester was told the result, or why they could not be reached."),
            code="feedback_required",
        )
    else:
        feedback_at = feedback_at or timezone.now()
        if feedback_at > timezone.now() + datetime.timedelta(minutes=5):
            raise InquiryError(_("The feedback time cannot be in the future."), code="future")
    now = timezone.now()
    # A case closed while a referral still waits (e.g. the office had not coordinated yet):
    # nobody is to accept it any more, so it leaves the queues as withdrawn.
    for waiting in inquiry.referrals.filter(state=Referral.State.PENDING):
        waiting.state = Referral.State.WITHDRAWN
        waiting.decided_at = now
        waiting.decided_by = by
        waiting.save()
    inquiry = inquiry_transition(
        inquiry=inquiry,
        by=by,
        to_status=Status.CLOSED,
        message=result,
        result=result,
        closed_at=now,
        feedback_method=feedback_method,
        feedback_at=feedback_at,
        feedback_note=feedback_note,
        unreachable_reason=unreachable_reason,
    )
    timeline_append(
        inquiry,
        by=by,
        kind=TimelineEvent.Kind.FEEDBACK,
        message=unreachable_reason or feedback_note or result,
        data={"unreachable": True} if unreachable_reason else {"method": feedback_method},
        at=now,
    )
    notify(
        recipients=[inquiry.first_responder, inquiry.current_holder],
        kind=Notification.Kind.CLOSED,
        inquiry=inquiry,
        event_key=f"inquiry:{inquiry.pk}:v{inquiry.version}:closed",
        actor=by,
        data=notification_data(inquiry, by),
    )
    flag_taboo(inquiry, by=by, texts=[result, feedback_note, unreachable_reason])
    return inquiry


@transaction.atomic
def inquiry_reopen(*, inquiry: Inquiry, by: User, reason: str) -> Inquiry:
    """Reopen a closed case (e.g. the requester was not satisfied); the clock starts afresh."""
    inquiry = inquiry_lock(inquiry)
    reason = reason.strip()
    if not reason:
        raise InquiryError(_("Give the reason for reopening."), code="reason_required")
    calendar = work_calendar()
    inquiry = inquiry_transition(
        inquiry=inquiry,
        by=by,
        to_status=Status.REOPENED,
        message=reason,
        # The earlier result and feedback stay on the timeline and in the history; the case
        # needs new ones before it can close again.
        closed_at=None,
        result="",
        feedback_method="",
        feedback_at=None,
        feedback_note="",
        unreachable_reason="",
        deadline=calendar.add_working_days(timezone.localdate(), inquiry.time_limit_days),
        current_holder=inquiry.current_holder or inquiry.first_responder,
    )
    flag_taboo(inquiry, by=by, texts=[reason])
    return inquiry


@transaction.atomic
def inquiry_add_note(
    *, inquiry: Inquiry, by: User, text: str, is_public: bool = False
) -> TimelineEvent:
    text = text.strip()
    if not text:
        raise InquiryError(_("Write the note."), code="note_required")
    event = timeline_append(
        inquiry, by=by, kind=TimelineEvent.Kind.NOTE, message=text, is_public=is_public
    )
    flag_taboo(inquiry, by=by, texts=[text])
    return event
