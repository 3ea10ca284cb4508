"""Supervision writes: pressing notices (督办) and extensions of the deadline (延期).

Each function is atomic and locks the case row first (then the record it changes), so two
people deciding the same request at once cannot both win. Refusals raise `InquiryError` with a
translated message and a `code`. Notifications are written in the same transaction.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from inquiries import permissions
from inquiries.models import (
    Department,
    ExtensionRequest,
    Inquiry,
    Notification,
    PressNotice,
    TimelineEvent,
    User,
)
from inquiries.services.core import InquiryError, inquiry_lock, inquiry_save, timeline_append
from inquiries.services.notifications import notification_data, notify
from inquiries.workdays import work_calendar

# A supervisor asks for more time in working days; beyond this a case needs a new decision,
# not an extension.
EXTENSION_MAX_DAYS = 60


def _full_clean(record) -> None:
    try:
        record.full_clean()
    except ValidationError as error:
        raise InquiryError(" ".join(error.messages), code="invalid") from error


# --- 督办: pressing notices ---------------------------------------------------------------------


@transaction.atomic
def press_create(
    *, inquiry: Inquiry, by: User, message: str, respond_by: datetime.date
) -> PressNotice:
    """A supervisor presses a case: the handler and the first responder must answer by a date."""
    inquiry = inquiry_lock(inquiry)
    if not permissions.may_supervise_case(by, inquiry):
        raise InquiryError(
            _("Only a head or supervising leader of the case's department can press it."),
            code="not_supervisor",
        )
    if not inquiry.is_open:
        raise InquiryError(_("A closed case cannot be pressed."), code="closed")
    message = (message or "").strip()
    if not message:
        raise InquiryError(_("Write what the handler must do."), code="message_required")
    if respond_by is None or respond_by < timezone.localdate():
        raise InquiryError(
            _("The date to respond by must be today or later."), code="respond_by_past"
        )
    notice = PressNotice(
        inquiry=inquiry,
        pressed_by=by,
        message=message,
        respond_by=respond_by,
        created_at=timezone.now(),
    )
    _full_clean(notice)
    notice.save()
    timeline_append(
        inquiry,
        by=by,
        kind=TimelineEvent.Kind.NOTE,
        message=message,
        is_public=False,
        data={"press": notice.pk, "respond_by": respond_by.isoformat()},
    )
    notify(
        recipients=[inquiry.current_holder, inquiry.first_responder],
        kind=Notification.Kind.PRESSED,
        inquiry=inquiry,
        event_key=f"press:{notice.pk}",
        actor=by,
        data=notification_data(inquiry, by, respond_by=respond_by.isoformat(), message=message),
    )
    return notice


@transaction.atomic
def press_answer(*, notice: PressNotice, by: User, answer: str) -> PressNotice:
    """The handler (or the first responder) answers a pressing notice; it then leaves the
    case page's alert and the dashboard."""
    inquiry = inquiry_lock(notice.inquiry)
    notice = PressNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.answered_at is not None:
        raise InquiryError(_("This pressing notice was already answered."), code="already_answered")
    if by.pk not in {inquiry.current_holder_id, inquiry.first_responder_id}:
        raise InquiryError(
            _("Only the current handler or the first responder can answer it."),
            code="not_handler",
        )
    answer = (answer or "").strip()
    if not answer:
        raise InquiryError(_("Write the answer."), code="answer_required")
    notice.answer = answer
    notice.answered_by = by
    notice.answered_at = timezone.now()
    _full_clean(notice)
    notice.save()
    timeline_append(
        inquiry,
        by=by,
        kind=TimelineEvent.Kind.NOTE,
        message=answer,
        is_public=False,
        data={"press_answer": notice.pk},
    )
    return notice


# --- 延期: extensions ---------------------------------------------------------------------------


def _extension_deciders(inquiry: Inquiry, requester: User) -> list[User]:
    """The department head; the supervising leader when there is no head or the head asked."""
    department_id = permissions.responsible_department_id(inquiry)
    department = Department.objects.select_related("head", "supervising_leader").get(
        pk=department_id
    )
    head = department.head
    if head is not None and head.pk != requester.pk:
        return [head]
    return [department.supervising_leader]


@transaction.atomic
def extension_request(
    *, inquiry: Inquiry, by: User, reason: str, extra_days: int
) -> ExtensionRequest:
    """The handler asks for `extra_days` more working days, before the deadline passes."""
    inquiry = inquiry_lock(inquiry)
    if not inquiry.is_open:
        raise InquiryError(_("A closed case needs no extension."), code="closed")
    if not inquiry.clock_running:
        raise InquiryError(
            _("The clock is stopped while materials are awaited; no extension is needed."),
            code="clock_stopped",
        )
    if by.pk != permissions.extension_asker_id(inquiry):
        raise InquiryError(
            _("Only the current handler can ask for an extension."), code="not_holder"
        )
    today = timezone.localdate()
    if today > inquiry.deadline:
        raise InquiryError(
            _(
                "The deadline (%(date)s) has passed: an extension must be asked for before "
                "the deadline. Explain the delay to your department head instead."
            )
            % {"date": date_format(inquiry.deadline, "DATE_FORMAT")},
            code="after_deadline",
        )
    if inquiry.extensions.filter(state=ExtensionRequest.State.PENDING).exists():
        raise InquiryError(
            _("An extension request for this case is already waiting for a decision."),
            code="pending_exists",
        )
    if not 1 <= int(extra_days) <= EXTENSION_MAX_DAYS:
        raise InquiryError(
            _("Ask for 1 to %(max)s working days.") % {"max": EXTENSION_MAX_DAYS},
            code="extra_days",
        )
    reason = (reason or "").strip()
    if not reason:
        raise InquiryError(_("Give the reason for the extension."), code="reason_required")
    request = ExtensionRequest(
        inquiry=inquiry,
        requested_by=by,
        requested_at=timezone.now(),
        reason=reason,
        extra_days=extra_days,
        old_deadline=inquiry.deadline,
        new_deadline=work_calendar().add_working_days(inquiry.deadline, extra_days),
    )
    _full_clean(request)
    request.save()
    timeline_append(
        inquiry,
        by=by,
        kind=TimelineEvent.Kind.NOTE,
        message=reason,
        is_public=False,
        data={
            "extension": request.pk,
            "extra_days": extra_days,
            "new_deadline": request.new_deadline.isoformat(),
        },
    )
    notify(
        recipients=_extension_deciders(inquiry, by),
        kind=Notification.Kind.EXTENSION_REQUESTED,
        inquiry=inquiry,
        event_key=f"extension:{request.pk}:requested",
        actor=by,
        data=notification_data(
            inquiry,
            by,
            extra_days=extra_days,
            new_deadline=request.new_deadline.isoformat(),
            reason=reason,
        ),
    )
    return request


@transaction.atomic
def extension_decide(
    *, request: ExtensionRequest, by: User, approve: bool, note: str = ""
) -> ExtensionRequest:
    """The department head approves (the deadline moves) or refuses (it stays)."""
    inquiry = inquiry_lock(request.inquiry)
    request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    if request.state != ExtensionRequest.State.PENDING:
        raise InquiryError(_("This extension request was already decided."), code="already_decided")
    if not permissions.may_decide_extension(by, inquiry):
        raise InquiryError(
            _("Only the head or supervising leader of the case's department can decide."),
            code="not_head",
        )
    if by.pk == request.requested_by_id:
        raise InquiryError(_("You cannot decide your own extension request."), code="own_request")
    if approve and not inquiry.is_open:
        raise InquiryError(_("The case is closed: there is nothing to extend."), code="closed")
    note = (note or "").strip()
    request.state = ExtensionRequest.State.APPROVED if approve else ExtensionRequest.State.REFUSED
    request.decided_by = by
    request.decided_at = timezone.now()
    request.decision_note = note
    _full_clean(request)
    request.save()
    if approve:
        inquiry.deadline = request.new_deadline
        inquiry_save(inquiry)
        timeline_append(
            inquiry,
            by=by,
            kind=TimelineEvent.Kind.DEADLINE,
            data={"deadline": request.new_deadline.isoformat(), "extension": request.pk},
        )
    else:
        timeline_append(
            inquiry,
            by=by,
            kind=TimelineEvent.Kind.NOTE,
            message=note,
            is_public=False,
            data={"extension": request.pk, "decision": request.state},
        )
    notify(
        recipients=[request.requested_by],
        kind=Notification.Kind.EXTENSION_DECIDED,
        inquiry=inquiry,
        event_key=f"extension:{request.pk}:decided",
        actor=by,
        data=notification_data(
            inquiry,
            by,
            approved=approve,
            new_deadline=request.new_deadline.isoformat(),
            note=note,
        ),
    )
    return request


@transaction.atomic
def extension_told(*, request: ExtensionRequest, by: User, note: str) -> ExtensionRequest:
    """Record that the requester (办事人) was told of the approved new deadline."""
    inquiry = inquiry_lock(request.inquiry)
    request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    if request.state != ExtensionRequest.State.APPROVED:
        raise InquiryError(
            _("Only an approved extension is told to the requester."), code="not_approved"
        )
    if request.requester_told_at is not None:
        raise InquiryError(
            _("It was already recorded that the requester was told."), code="already_told"
        )
    if by.pk not in {
        inquiry.current_holder_id,
        inquiry.first_responder_id,
        request.requested_by_id,
    }:
        raise InquiryError(
            _("Only the handler or the first responder can record this."), code="not_handler"
        )
    note = (note or "").strip()
    if not note:
        raise InquiryError(_("Write how and what the requester was told."), code="note_required")
    request.requester_told_at = timezone.now()
    request.requester_told_note = note
    _full_clean(request)
    request.save()
    timeline_append(
        inquiry,
        by=by,
        kind=TimelineEvent.Kind.NOTE,
        message=note,
        is_public=False,
        data={"extension_told": request.pk},
    )
    return request
