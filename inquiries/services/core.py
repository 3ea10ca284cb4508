"""The primitives every case service uses: the domain error, the timeline, locking, the
status table check (`inquiry_transition`) and taboo-phrase flagging."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from inquiries.models import (
    TRANSITIONS,
    CaseFlag,
    CasePolicy,
    Inquiry,
    Status,
    TabooPhrase,
    TimelineEvent,
    User,
)
from inquiries.taboo import taboo_hits
from inquiries.workdays import WorkCalendar, work_calendar


class InquiryError(Exception):
    """A move the rules do not allow; `message` is translated and safe to show."""

    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


# --- Helpers -------------------------------------------------------------------------------


def timeline_append(
    inquiry: Inquiry,
    *,
    by: User | None,
    kind: str,
    message: str = "",
    at: datetime.datetime | None = None,
    from_status: str = "",
    to_status: str = "",
    is_public: bool = True,
    data: dict | None = None,
) -> TimelineEvent:
    """Append to the timeline. `message` is what a person wrote; `data` holds the facts the
    system states (rendered in the reader's language by `TimelineEvent.summary`)."""
    return TimelineEvent.objects.create(
        inquiry=inquiry,
        actor=by,
        kind=kind,
        message=message,
        data=data or {},
        at=at or timezone.now(),
        from_status=from_status,
        to_status=to_status,
        is_public=is_public,
    )


def inquiry_lock(inquiry: Inquiry) -> Inquiry:
    return Inquiry.objects.select_for_update().get(pk=inquiry.pk)


def inquiry_save(inquiry: Inquiry) -> None:
    inquiry.version += 1
    try:
        inquiry.full_clean()
    except ValidationError as error:
        raise InquiryError(" ".join(error.messages), code="invalid_case") from error
    inquiry.save()


def check_expected_version(inquiry: Inquiry, expected_version: int | None) -> None:
    if expected_version is not None and inquiry.version != expected_version:
        raise InquiryError(
            _(
                "Someone else changed this case while you were working on it. "
                "Your input was kept below; please review the case and submit again."
            ),
            code="stale",
        )


def flag_taboo(inquiry: Inquiry, *, by: User, texts: Iterable[str]) -> list[str]:
    """Check staff-written text for taboo phrases; record hits, never block."""
    phrases = list(TabooPhrase.objects.filter(is_active=True).values_list("phrase", flat=True))
    hits: list[str] = []
    for text in texts:
        for phrase in taboo_hits(text, phrases):
            if phrase not in hits:
                hits.append(phrase)
    if hits:
        now = timezone.now()
        detail = "、".join(hits)
        CaseFlag.objects.create(
            inquiry=inquiry,
            kind=CaseFlag.Kind.TABOO_PHRASE,
            detail=detail,
            raised_at=now,
            raised_by=by,
        )
        timeline_append(
            inquiry,
            by=None,
            kind=TimelineEvent.Kind.FLAG,
            data={"flag": CaseFlag.Kind.TABOO_PHRASE, "detail": detail},
            is_public=False,
        )
    return hits


# --- Status: the one function that moves a case --------------------------------------------


def inquiry_transition(
    *,
    inquiry: Inquiry,
    by: User,
    to_status: str,
    message: str = "",
    calendar: WorkCalendar | None = None,
    policy: CasePolicy | None = None,
    **changes,
) -> Inquiry:
    """Move a locked case to `to_status` if the table allows it; returns the saved case.

    Keeps the clock: it stops when the case starts waiting for materials and restarts (or
    resumes, by policy) when they arrive.
    """
    if to_status not in TRANSITIONS.get(inquiry.status, frozenset()):
        raise InquiryError(
            _("A case that is “%(from)s” cannot become “%(to)s”.")
            % {"from": Status(inquiry.status).label, "to": Status(to_status).label},
            code="illegal_transition",
        )
    today = timezone.localdate()
    from_status = inquiry.status
    if to_status == Status.AWAITING_MATERIALS:
        calendar = calendar or work_calendar()
        inquiry.clock_stopped_on = today
        inquiry.days_left_when_stopped = calendar.working_days_between(today, inquiry.deadline)
    elif from_status == Status.AWAITING_MATERIALS and to_status != Status.CLOSED:
        calendar = calendar or work_calendar()
        policy = policy or CasePolicy.current()
        if policy.clock_on_materials == CasePolicy.ClockOnMaterials.RESTART:
            days = inquiry.time_limit_days
        else:
            days = max(inquiry.days_left_when_stopped or 0, 0)
        old_deadline = inquiry.deadline
        inquiry.deadline = calendar.add_working_days(today, days)
        inquiry.clock_stopped_on = None
        inquiry.days_left_when_stopped = None
        if inquiry.deadline != old_deadline:
            timeline_append(
                inquiry,
                by=by,
                kind=TimelineEvent.Kind.DEADLINE,
                data={"deadline": inquiry.deadline.isoformat()},
            )
    for field, value in changes.items():
        setattr(inquiry, field, value)
    inquiry.status = to_status
    inquiry_save(inquiry)
    timeline_append(
        inquiry,
        by=by,
        kind=TimelineEvent.Kind.STATUS,
        from_status=from_status,
        to_status=to_status,
        message=message,
    )
    return inquiry
