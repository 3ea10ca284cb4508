"""好差评: a rating of a closed case, given once, and the rectification (整改) a low one opens."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inquiries.models import (
    CasePolicy,
    Inquiry,
    Notification,
    Rating,
    Rectification,
    Status,
    TimelineEvent,
    User,
)
from inquiries.permissions import rectification_may_record
from inquiries.services.cases import inquiry_reopen
from inquiries.services.core import InquiryError, inquiry_lock, timeline_append
from inquiries.services.notifications import notify
from inquiries.workdays import work_calendar


@transaction.atomic
def rating_submit(
    *,
    inquiry: Inquiry,
    level: int,
    comment: str = "",
    source: str,
    recorded_by: User | None = None,
) -> Rating:
    """Record the requester's rating of a closed case: once, never changed afterwards."""
    inquiry = inquiry_lock(inquiry)
    if inquiry.status != Status.CLOSED:
        raise InquiryError(_("Only a closed case can be rated."), code="not_closed")
    if Rating.objects.filter(inquiry=inquiry).exists():
        raise InquiryError(_("This case has already been rated."), code="already_rated")
    if level not in Rating.Level.values:
        raise InquiryError(_("Choose a rating."), code="invalid_level")
    if source not in Rating.Source.values:
        raise InquiryError(_("Choose where the rating came from."), code="invalid_source")
    by_staff = source != Rating.Source.TRACKING_PAGE
    if by_staff and recorded_by is None:
        raise InquiryError(
            _("A rating recorded by staff names who recorded it."), code="recorder_required"
        )
    if not by_staff:
        recorded_by = None
    comment = comment.strip()[: Rating.COMMENT_MAX_LENGTH]
    now = timezone.now()
    rating = Rating.objects.create(
        inquiry=inquiry,
        level=level,
        comment=comment,
        source=source,
        recorded_by=recorded_by,
        rated_at=now,
    )
    # Not public, and it does not name the rater: only that a rating arrived.
    timeline_append(
        inquiry,
        by=None,
        kind=TimelineEvent.Kind.NOTE,
        at=now,
        is_public=False,
        data={"rating": level, "source": source},
    )
    if rating.is_low:
        rectification_open(rating=rating, inquiry=inquiry, now=now)
    return rating


def rectification_open(
    *, rating: Rating, inquiry: Inquiry, now: datetime.datetime
) -> Rectification | None:
    department = inquiry.handling_department or inquiry.receiving_department
    if department is None:
        return None
    days = CasePolicy.current().rectification_days
    due = work_calendar().add_working_days(timezone.localdate(now), days)
    rectification = Rectification.objects.create(
        inquiry=inquiry,
        rating=rating,
        department=department,
        assigned_to=department.head,
        due=due,
    )
    # Facts only: `Notification.summary` words them in the reader's language. The rater is
    # not named (the head may be the person rated).
    notify(
        recipients=[department.head],
        kind=Notification.Kind.RECTIFICATION,
        inquiry=inquiry,
        event_key=f"rectification:{rectification.pk}",
        data={
            "number": inquiry.number,
            "subject": inquiry.subject,
            "level": rating.level,
            "due": due.isoformat(),
        },
    )
    return rectification


@transaction.atomic
def rectification_record(
    *,
    rectification: Rectification,
    by: User,
    called_back_at: datetime.datetime,
    action_taken: str,
    report_note: str,
    reopen: bool = False,
) -> Rectification:
    """The head records the call-back (回访), what was done and what the requester was told;
    with `reopen` the case is reopened, the call-back being the reason."""
    rectification = Rectification.objects.select_for_update().get(pk=rectification.pk)
    if rectification.closed:
        raise InquiryError(_("This rectification is already recorded."), code="already_closed")
    if not rectification_may_record(by, rectification):
        raise InquiryError(
            _("Only the department head or its supervisor records the rectification."),
            code="forbidden",
        )
    action_taken = action_taken.strip()
    report_note = report_note.strip()
    if not action_taken:
        raise InquiryError(_("Say what was done."), code="action_required")
    if not report_note:
        raise InquiryError(_("Say what the requester was told."), code="report_required")
    now = timezone.now()
    rectification.called_back_at = called_back_at
    rectification.action_taken = action_taken
    rectification.reported_back_at = now
    rectification.report_note = report_note
    rectification.closed = True
    rectification.save()
    if reopen:
        inquiry_reopen(inquiry=rectification.inquiry, by=by, reason=action_taken)
    return rectification
