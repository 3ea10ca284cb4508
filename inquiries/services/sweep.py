"""The overdue sweep (督查): find what has lapsed, record each lapse once, tell the people
concerned, and send each supervisor one digest.

`sweep_run()` does it all in one transaction, so notifications (and their emails, queued with
`transaction.on_commit`) go out only if the findings are saved. Two sweeps started at the same
moment on two app nodes are safe: on PostgreSQL the second cannot take the advisory lock and
stops; on SQLite write transactions begin IMMEDIATE, so the second waits for the first to
commit, then finds every lapse already recorded (`Finding.key` is unique).
"""

import datetime
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from inquiries.models import (
    Department,
    Finding,
    Inquiry,
    Notice,
    Notification,
    Referral,
    Status,
    TimelineEvent,
    User,
)
from inquiries.models.cases import CLOCK_RUNNING
from inquiries.permissions import supervised_department_ids
from inquiries.services.notifications import notify
from inquiries.workdays import WorkCalendar, work_calendar

logger = logging.getLogger(__name__)

# A reply should reach the requester (feedback, then closing) within this many working days.
AWAITING_FEEDBACK_WORKING_DAYS = 1
# pg_try_advisory_xact_lock key: any constant 64-bit integer no other code uses ("FSTSWEEP").
SWEEP_ADVISORY_LOCK = 0x4653_5453_5745_4550
# Statuses in which a one-time notice is still owed if none has been issued.
NOTICE_OWED = frozenset({Status.REGISTERED, Status.IN_PROGRESS})


@dataclass(frozen=True)
class Lapse:
    """Something the sweep would record as a `Finding` (not saved yet)."""

    kind: str
    inquiry: Inquiry
    due: datetime.date
    key: str
    department: Department | None
    responsible: User | None
    referral: Referral | None = None


@dataclass
class SweepResult:
    today: datetime.date
    # New findings (or, for a dry run, the lapses that would become new findings).
    findings: list = field(default_factory=list)
    digests: int = 0
    notifications: int = 0
    skipped: bool = False  # another sweep held the lock
    dry_run: bool = False

    @property
    def counts(self) -> dict[str, int]:
        """New findings per `Finding.Kind`, every kind present (0 when none)."""
        found = Counter(finding.kind for finding in self.findings)
        return {kind: found.get(kind, 0) for kind in Finding.Kind.values}


def _department_of(inquiry: Inquiry) -> Department | None:
    return inquiry.handling_department or inquiry.receiving_department


def _replied_on(inquiry: Inquiry) -> datetime.date:
    at = inquiry.replied_at or inquiry.updated_at
    return timezone.localdate(at)


def sweep_lapses(*, today: datetime.date, calendar: WorkCalendar) -> list[Lapse]:
    """Every lapse on `today`, recorded or not (a read: writes nothing)."""
    cases = Inquiry.objects.select_related(
        "handling_department__head",
        "receiving_department__head",
        "current_holder",
        "first_responder",
    )
    lapses: list[Lapse] = []

    # (a) Open, clock running, deadline passed. "Awaiting materials" stops the clock.
    for inquiry in cases.filter(status__in=CLOCK_RUNNING, deadline__lt=today):
        lapses.append(
            Lapse(
                kind=Finding.Kind.CASE_OVERDUE,
                inquiry=inquiry,
                due=inquiry.deadline,
                key=f"case_overdue:{inquiry.pk}:{inquiry.deadline.isoformat()}",
                department=_department_of(inquiry),
                responsible=inquiry.current_holder or inquiry.first_responder,
            )
        )

    # (b) Referrals still waiting to be accepted after their day.
    referrals = Referral.objects.filter(
        state=Referral.State.PENDING, accept_due__lt=today
    ).select_related(
        "inquiry__first_responder",
        "inquiry__current_holder",
        "to_user",
        "to_department__head",
    )
    for referral in referrals:
        lapses.append(
            Lapse(
                kind=Finding.Kind.REFERRAL_UNACCEPTED,
                inquiry=referral.inquiry,
                referral=referral,
                due=referral.accept_due,
                key=f"referral_unaccepted:{referral.pk}",
                department=referral.to_department,
                responsible=referral.to_user or referral.to_department.head,
            )
        )

    # (c) Replied, but the requester has not been told (the case is not closed) in time.
    last_reply = (
        TimelineEvent.objects.filter(
            inquiry=OuterRef("pk"),
            kind=TimelineEvent.Kind.STATUS,
            to_status=Status.REPLIED,
        )
        .order_by("-at", "-pk")
        .values("at")[:1]
    )
    replied = cases.filter(status=Status.REPLIED).annotate(replied_at=Subquery(last_reply))
    for inquiry in replied:
        due = calendar.add_working_days(_replied_on(inquiry), AWAITING_FEEDBACK_WORKING_DAYS)
        if due < today:
            lapses.append(
                Lapse(
                    kind=Finding.Kind.AWAITING_FEEDBACK,
                    inquiry=inquiry,
                    due=due,
                    key=f"awaiting_feedback:{inquiry.pk}:v{inquiry.version}",
                    department=_department_of(inquiry),
                    # Feedback is the first responder's to give.
                    responsible=inquiry.first_responder,
                )
            )

    # (d) A catalog matter, still being handled, and no one-time notice by its day.
    late_notice = cases.filter(
        status__in=NOTICE_OWED, matter__isnull=False, notice_due__lt=today
    ).filter(~Exists(Notice.objects.filter(inquiry=OuterRef("pk"))))
    for inquiry in late_notice:
        lapses.append(
            Lapse(
                kind=Finding.Kind.NOTICE_LATE,
                inquiry=inquiry,
                due=inquiry.notice_due,
                key=f"notice_late:{inquiry.pk}:{inquiry.notice_due.isoformat()}",
                department=_department_of(inquiry),
                responsible=inquiry.current_holder or inquiry.first_responder,
            )
        )
    return lapses


def _concerned(lapse: Lapse) -> list[User | None]:
    """Who is told of a new finding: whoever holds the work (for a department's queue, or a
    referral waiting for someone away, the department's head) and the first responder."""
    inquiry = lapse.inquiry
    people: list[User | None] = [inquiry.first_responder]
    referral = lapse.referral
    if referral is not None:
        if referral.to_user is not None:
            people.append(referral.to_user)
        if referral.to_user is None or referral.waiting_for_absent:
            people.append(referral.to_department.head)
    elif inquiry.current_holder is not None:
        people.append(inquiry.current_holder)
    elif lapse.department is not None:
        people.append(lapse.department.head)
    return people


def _supervisors() -> list[tuple[User, set[int]]]:
    """Each active department head and supervising leader with the departments they lead."""
    users = User.objects.filter(
        Q(pk__in=Department.objects.filter(head__isnull=False).values("head"))
        | Q(
            pk__in=Department.objects.filter(supervising_leader__isnull=False).values(
                "supervising_leader"
            )
        ),
        is_active=True,
    ).order_by("pk")
    return [(user, supervised_department_ids(user)) for user in users]


def _digest_data(today: datetime.date, findings: list[Finding]) -> dict:
    numbers: dict[str, list[str]] = defaultdict(list)
    for finding in findings:
        number = finding.inquiry.number
        if number not in numbers[finding.kind]:
            numbers[finding.kind].append(number)
    return {
        "date": today.isoformat(),
        "total": len(findings),
        "counts": dict(Counter(finding.kind for finding in findings)),
        "numbers": {kind: sorted(values) for kind, values in numbers.items()},
    }


def _lock_taken() -> bool:
    """On PostgreSQL, take the sweep's transaction-level advisory lock if it is free."""
    if connection.vendor != "postgresql":
        # SQLite: the transaction began IMMEDIATE and holds the database's write lock.
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SWEEP_ADVISORY_LOCK])
        return bool(cursor.fetchone()[0])


def sweep_run(*, now: datetime.datetime | None = None, dry_run: bool = False) -> SweepResult:
    """Record today's new lapses as findings and tell people; see the module docstring.

    With `dry_run`, nothing is written: `findings` holds the unsaved `Lapse`s that would be
    recorded.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    result = SweepResult(today=today, dry_run=dry_run)
    calendar = work_calendar()
    if dry_run:
        lapses = sweep_lapses(today=today, calendar=calendar)
        known = set(
            Finding.objects.filter(key__in=[lapse.key for lapse in lapses]).values_list(
                "key", flat=True
            )
        )
        result.findings = [lapse for lapse in lapses if lapse.key not in known]
        return result

    with transaction.atomic():
        if not _lock_taken():
            result.skipped = True
            logger.info("Another sweep is running; this one stops.")
            return result
        for lapse in sweep_lapses(today=today, calendar=calendar):
            # get_or_create retries the read after an IntegrityError, so a lapse another
            # sweep recorded a moment ago is simply not new here.
            finding, created = Finding.objects.get_or_create(
                key=lapse.key,
                defaults={
                    "kind": lapse.kind,
                    "inquiry": lapse.inquiry,
                    "referral": lapse.referral,
                    "department": lapse.department,
                    "responsible": lapse.responsible,
                    "due": lapse.due,
                    "found_at": now,
                },
            )
            if not created:
                continue
            result.findings.append(finding)
            result.notifications += len(
                notify(
                    recipients=_concerned(lapse),
                    kind=Notification.Kind.FINDING,
                    inquiry=lapse.inquiry,
                    event_key=f"finding:{finding.pk}",
                    data={
                        "number": lapse.inquiry.number,
                        "finding": lapse.kind,
                        "due": lapse.due.isoformat(),
                    },
                )
            )
        if result.findings:
            for user, led in _supervisors():
                theirs = [f for f in result.findings if f.department_id in led]
                if not theirs:
                    continue
                sent = notify(
                    recipients=[user],
                    kind=Notification.Kind.DIGEST,
                    inquiry=None,
                    event_key=f"digest:{today.isoformat()}:{user.pk}",
                    data=_digest_data(today, theirs),
                )
                result.digests += len(sent)
                result.notifications += len(sent)
    logger.info(
        "Sweep %s: %s new findings %s, %s digests",
        today,
        len(result.findings),
        result.counts,
        result.digests,
    )
    return result
