"""Automatic detection: breaches the case records show, proposed as violations once each.

`detection_run()` reads the case records kind by kind and, for each breach not yet proposed,
calls `violation_report(source=AUTOMATIC, detection=<kind>, detection_key=<key>, …)`. A
detection only ever *proposes* (state PROPOSED): nothing becomes a sanction until a person
with the discipline role investigates and verifies it (`penalties.services.violations`).

What counts as a breach, and the key that makes it one proposal:

- `overdue`: a `Finding` of kind `case_overdue` (the sweep's record of a case past its
  deadline). Person: the finding's responsible person (whoever held the case, else its first
  responder). Key `finding:<Finding.key>`, so a new deadline lapsing again is a new breach.
- `referral_unaccepted`: a `Finding` of kind `referral_unaccepted`. Person: the addressee, or
  the head of the department the referral waited in. Key `finding:<Finding.key>`.
- `no_disclosure`: a visit or call, closed or registered more than `NO_DISCLOSURE_GRACE` ago,
  with no name, duty and phone recorded. Person: the first responder. Key
  `no_disclosure:<case id>`.
- `not_registered`: a visit or call registered more than `NOT_REGISTERED_GRACE` after it was
  received, or an online letter picked up more than `NOT_REGISTERED_GRACE` after it arrived.
  Person: the first responder. Key `not_registered:<case id>`.
- `taboo_phrase` / `second_notice`: a `CaseFlag` of that kind. Person: who wrote the phrase or
  issued the notice (`raised_by`). Key `flag:<flag id>`.
- `low_rating`: a `Rating` in `Rating.LOW_LEVELS`. Person: the case's first responder. Key
  `rating:<rating id>` — the same key as the "propose a violation" button of the rating
  follow-up page, so the two never duplicate.

Decisions, so they are not rediscovered:

- **Every breach is proposed**, also when the policy in force has no catalog entry for it;
  `violation_type` is then left empty for the investigator to choose (or to dismiss). A policy
  is a choice of sanctions, not of what the office wants to know about, and a later policy
  change must not make past breaches invisible. When the catalog has several entries with the
  same `detection`, the first in catalog order is used.
- **No disclosure** applies to visits and calls only: there the responder speaks to the
  requester and the intake form ticks the box by default. Letters, faxes and online letters
  are answered in writing, so a missing tick there is not a breach. A responder may record the
  disclosure after the fact (`inquiry_record_disclosure`), so an open case is only a breach
  once `NO_DISCLOSURE_GRACE` has passed since it was registered; a closed case is one at once.
- **Not registered** compares `Inquiry.received_at` (when the visit, call or letter came in)
  with `Inquiry.created_at` (when it was registered), or with the time an online letter was
  picked up. Letters and faxes are left out: they are registered when opened, and their
  `received_at` is the day they arrived, which the office may enter later without fault.
- A lapse with nobody to name (a finding with no responsible person, a flag with no author)
  is not proposed: the sweep already told the department's head, and a violation needs a
  person (a unit-level violation is reported by a person, not detected).
- `since` limits each kind to breaches that happened on or after a day (default: the start
  of the current assessment year of the policy in force), so a first run on an old database
  does not propose last year's lapses, which would count in no assessment.
- Allegations are stored in the installation's language (`settings.LANGUAGE_CODE`), say only
  what the records show (case number, dates, the phrase), and never name the requester or
  a rater.

Cost: one query per kind finds the breaches not yet proposed (the keys are computed in SQL and
matched against `Violation.detection_key`), plus one for the policy in force. A run that finds
nothing new is `len(DETECTORS) + 1` queries however many records there are (tested); each new
proposal then costs what `violation_report` does (about 20 queries: the key check, a number,
`full_clean`, the insert and its history row) plus one catalog query per run.
"""

import datetime
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError
from django.db.models import (
    Case,
    CharField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat
from django.utils import timezone, translation
from django.utils.translation import gettext

from inquiries.models import (
    CaseFlag,
    Channel,
    Department,
    Finding,
    Inquiry,
    Rating,
    Status,
    TimelineEvent,
    User,
)
from penalties.engine import assessment_year, year_bounds
from penalties.models import Detection, Policy, Violation, ViolationType
from penalties.selectors import policy_in_force
from penalties.services.core import PenaltyError
from penalties.services.violations import violation_report

logger = logging.getLogger(__name__)

# An open visit or call may get its disclosure recorded after the fact within this time.
NO_DISCLOSURE_GRACE = datetime.timedelta(hours=24)
# A visit or call must be registered, and an online letter picked up, within this time.
NOT_REGISTERED_GRACE = datetime.timedelta(hours=24)
# The channels where the responder speaks to the requester in person or on the phone.
SPOKEN_CHANNELS = (Channel.VISIT, Channel.PHONE)


@dataclass(frozen=True)
class Breach:
    """One breach seen in the records, ready to be proposed."""

    detection: str
    key: str
    person: User
    department: Department
    inquiry: Inquiry
    occurred_on: datetime.date
    allegation: str


@dataclass
class DetectionResult:
    since: datetime.date
    proposals: list[Violation] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """New proposals per detection, every detected kind present (0 when none)."""
        found = Counter(violation.detection for violation in self.proposals)
        return {str(kind.value): found.get(kind, 0) for kind, _detector in DETECTORS}


def assessment_year_start(policy: Policy, today: datetime.date) -> datetime.date:
    """The first day of the assessment year `today` falls in, under `policy`."""
    return year_bounds(assessment_year(today, policy), policy)[0]


def _local_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _department_of(person: User, fallback: Department) -> Department:
    """The person's own department (violations are filed where the person works)."""
    profile = getattr(person, "profile", None)
    return profile.department if profile is not None else fallback


def _not_yet_proposed(queryset: QuerySet, key: Concat) -> QuerySet:
    """Annotate each row's detection key and drop the rows already proposed."""
    return queryset.annotate(detection_key=key).filter(
        ~Exists(Violation.objects.filter(detection_key=OuterRef("detection_key")))
    )


def _id_key(prefix: str) -> Concat:
    return Concat(Value(prefix), Cast("pk", CharField()), output_field=CharField())


# --- One function per kind: one query each --------------------------------------------------


def _finding_breaches(kind: str, detection: str, since: datetime.date) -> Iterator[Breach]:
    findings = _not_yet_proposed(
        Finding.objects.filter(kind=kind, responsible__isnull=False, due__gte=since),
        Concat(Value("finding:"), "key", output_field=CharField()),
    ).select_related(
        "inquiry__receiving_department",
        "inquiry__handling_department",
        "department",
        "responsible__profile__department",
        "referral",
    )
    for finding in findings.order_by("pk"):
        inquiry = finding.inquiry
        fallback = finding.department or inquiry.handling_department or inquiry.receiving_department
        facts = {"number": inquiry.number, "date": finding.due.isoformat()}
        if detection == Detection.OVERDUE:
            allegation = gettext(
                "Case %(number)s, in the responsible person's hands, passed its deadline of "
                "%(date)s without being handled."
            )
        else:
            allegation = gettext(
                "A referral of case %(number)s was not accepted (签收) by %(date)s, the day "
                "it was due."
            )
        yield Breach(
            detection=detection,
            key=finding.detection_key,
            person=finding.responsible,
            department=_department_of(finding.responsible, fallback),
            inquiry=inquiry,
            occurred_on=finding.due,
            allegation=allegation % facts,
        )


def overdue_breaches(*, since: datetime.date, now: datetime.datetime) -> Iterator[Breach]:
    return _finding_breaches(Finding.Kind.CASE_OVERDUE, Detection.OVERDUE, since)


def referral_unaccepted_breaches(
    *, since: datetime.date, now: datetime.datetime
) -> Iterator[Breach]:
    return _finding_breaches(Finding.Kind.REFERRAL_UNACCEPTED, Detection.REFERRAL_UNACCEPTED, since)


def no_disclosure_breaches(*, since: datetime.date, now: datetime.datetime) -> Iterator[Breach]:
    cases = _not_yet_proposed(
        Inquiry.objects.filter(
            Q(status=Status.CLOSED) | Q(created_at__lt=now - NO_DISCLOSURE_GRACE),
            channel__in=SPOKEN_CHANNELS,
            disclosure_given=False,
            first_responder__isnull=False,
            received_at__gte=_local_start(since),
        ),
        _id_key("no_disclosure:"),
    ).select_related("first_responder__profile__department", "receiving_department")
    for inquiry in cases.order_by("pk"):
        occurred_on = timezone.localdate(inquiry.received_at)
        yield Breach(
            detection=Detection.NO_DISCLOSURE,
            key=inquiry.detection_key,
            person=inquiry.first_responder,
            department=_department_of(inquiry.first_responder, inquiry.receiving_department),
            inquiry=inquiry,
            occurred_on=occurred_on,
            allegation=gettext(
                "Case %(number)s (%(channel)s, %(date)s): no record that the requester was "
                "told the first responder's name, duty and phone."
            )
            % {
                "number": inquiry.number,
                "channel": inquiry.get_channel_display(),
                "date": occurred_on.isoformat(),
            },
        )


def not_registered_breaches(*, since: datetime.date, now: datetime.datetime) -> Iterator[Breach]:
    picked_up = (
        TimelineEvent.objects.filter(inquiry=OuterRef("pk"), kind=TimelineEvent.Kind.PICKED_UP)
        .order_by("at", "pk")
        .values("at")[:1]
    )
    # An online letter is registered by whoever sent it; its lapse is being picked up late.
    handled_at = Case(
        When(channel=Channel.ONLINE, then=Subquery(picked_up)),
        default=F("created_at"),
    )
    late = ExpressionWrapper(handled_at - F("received_at"), output_field=DurationField())
    cases = _not_yet_proposed(
        Inquiry.objects.filter(
            channel__in=(*SPOKEN_CHANNELS, Channel.ONLINE),
            first_responder__isnull=False,
            received_at__gte=_local_start(since),
        )
        .annotate(lateness=late)
        .filter(lateness__gt=NOT_REGISTERED_GRACE),
        _id_key("not_registered:"),
    ).select_related("first_responder__profile__department", "receiving_department")
    for inquiry in cases.order_by("pk"):
        occurred_on = timezone.localdate(inquiry.received_at)
        if inquiry.channel == Channel.ONLINE:
            allegation = gettext(
                "Online letter %(number)s, received on %(date)s, was picked up more than "
                "%(hours)s hours after it arrived."
            )
        else:
            allegation = gettext(
                "Case %(number)s (%(channel)s, received on %(date)s) was registered more than "
                "%(hours)s hours after it was received."
            )
        yield Breach(
            detection=Detection.NOT_REGISTERED,
            key=inquiry.detection_key,
            person=inquiry.first_responder,
            department=_department_of(inquiry.first_responder, inquiry.receiving_department),
            inquiry=inquiry,
            occurred_on=occurred_on,
            allegation=allegation
            % {
                "number": inquiry.number,
                "channel": inquiry.get_channel_display(),
                "date": occurred_on.isoformat(),
                "hours": int(NOT_REGISTERED_GRACE.total_seconds() // 3600),
            },
        )


def _flag_breaches(kind: str, detection: str, since: datetime.date) -> Iterator[Breach]:
    flags = _not_yet_proposed(
        CaseFlag.objects.filter(
            kind=kind, raised_by__isnull=False, raised_at__gte=_local_start(since)
        ),
        _id_key("flag:"),
    ).select_related("inquiry__receiving_department", "raised_by__profile__department")
    for flag in flags.order_by("pk"):
        occurred_on = timezone.localdate(flag.raised_at)
        facts = {
            "number": flag.inquiry.number,
            "date": occurred_on.isoformat(),
            "detail": flag.detail,
        }
        if detection == Detection.TABOO_PHRASE:
            allegation = gettext(
                "Case %(number)s: a service taboo phrase was written in the record on %(date)s "
                "(%(detail)s)."
            )
        else:
            allegation = gettext(
                "Case %(number)s: a second one-time notice asked on %(date)s for what the first "
                "did not list (%(detail)s)."
            )
        yield Breach(
            detection=detection,
            key=flag.detection_key,
            person=flag.raised_by,
            department=_department_of(flag.raised_by, flag.inquiry.receiving_department),
            inquiry=flag.inquiry,
            occurred_on=occurred_on,
            allegation=allegation % facts,
        )


def taboo_phrase_breaches(*, since: datetime.date, now: datetime.datetime) -> Iterator[Breach]:
    return _flag_breaches(CaseFlag.Kind.TABOO_PHRASE, Detection.TABOO_PHRASE, since)


def second_notice_breaches(*, since: datetime.date, now: datetime.datetime) -> Iterator[Breach]:
    return _flag_breaches(CaseFlag.Kind.SECOND_NOTICE, Detection.SECOND_NOTICE, since)


def rating_detection_key(rating: Rating) -> str:
    """The one key of a low rating's proposal: shared by detection and the follow-up page."""
    return f"rating:{rating.pk}"


def low_rating_allegation(rating: Rating) -> str:
    """What a low rating's proposal alleges: the case, the level and the day — never who rated
    (the rater's name, phone or comment stays with the case, for the discipline role)."""
    return gettext("Case %(number)s was rated %(level)s on %(date)s.") % {
        "number": rating.inquiry.number,
        "level": rating.get_level_display(),
        "date": timezone.localdate(rating.rated_at).isoformat(),
    }


def low_rating_breaches(*, since: datetime.date, now: datetime.datetime) -> Iterator[Breach]:
    ratings = _not_yet_proposed(
        Rating.objects.filter(
            level__in=Rating.LOW_LEVELS,
            inquiry__first_responder__isnull=False,
            rated_at__gte=_local_start(since),
        ),
        _id_key("rating:"),
    ).select_related(
        "inquiry__first_responder__profile__department", "inquiry__receiving_department"
    )
    for rating in ratings.order_by("pk"):
        inquiry = rating.inquiry
        yield Breach(
            detection=Detection.LOW_RATING,
            key=rating.detection_key,
            person=inquiry.first_responder,
            department=_department_of(inquiry.first_responder, inquiry.receiving_department),
            inquiry=inquiry,
            occurred_on=timezone.localdate(rating.rated_at),
            allegation=low_rating_allegation(rating),
        )


Detector = Callable[..., Iterator[Breach]]

DETECTORS: tuple[tuple[str, Detector], ...] = (
    (Detection.OVERDUE, overdue_breaches),
    (Detection.REFERRAL_UNACCEPTED, referral_unaccepted_breaches),
    (Detection.NO_DISCLOSURE, no_disclosure_breaches),
    (Detection.NOT_REGISTERED, not_registered_breaches),
    (Detection.TABOO_PHRASE, taboo_phrase_breaches),
    (Detection.SECOND_NOTICE, second_notice_breaches),
    (Detection.LOW_RATING, low_rating_breaches),
)


def catalog_by_detection(policy: Policy) -> dict[str, ViolationType]:
    """The policy's catalog entry for each detection (the first in catalog order)."""
    catalog: dict[str, ViolationType] = {}
    for violation_type in policy.violation_types.exclude(detection="").order_by(
        "sort_order", "code"
    ):
        catalog.setdefault(violation_type.detection, violation_type)
    return catalog


def detection_breaches(
    *, since: datetime.date, now: datetime.datetime | None = None
) -> list[Breach]:
    """Every breach not yet proposed (a read: writes nothing)."""
    now = now or timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        return [
            breach for _kind, detector in DETECTORS for breach in detector(since=since, now=now)
        ]


def breach_propose(breach: Breach, *, catalog: dict[str, ViolationType]) -> Violation | None:
    """Propose one breach; None when another run proposed it a moment ago."""
    try:
        return violation_report(
            source=Violation.Source.AUTOMATIC,
            detection=breach.detection,
            detection_key=breach.key,
            person=breach.person,
            department=breach.department,
            inquiry=breach.inquiry,
            occurred_on=breach.occurred_on,
            allegation=breach.allegation,
            violation_type=catalog.get(breach.detection),
        )
    except IntegrityError:
        # A concurrent run took the key between our read and our write: it is proposed.
        return None
    except PenaltyError as error:
        # One record the service refuses (say, a date in the future) must not stop the run.
        logger.warning("Breach %s not proposed: %s", breach.key, error.message)
        return None


def detection_run(
    *,
    since: datetime.date | None = None,
    now: datetime.datetime | None = None,
    dry_run: bool = False,
) -> DetectionResult:
    """Propose every breach not yet proposed; see the module docstring.

    Each proposal is its own transaction, so a failure part-way keeps what was proposed and
    the next run carries on. With `dry_run`, nothing is written and `proposals` stays empty;
    use `detection_breaches` to list what would be proposed.
    """
    now = now or timezone.now()
    policy = policy_in_force()
    since = since or assessment_year_start(policy, timezone.localdate(now))
    result = DetectionResult(since=since)
    breaches = detection_breaches(since=since, now=now)
    if dry_run or not breaches:
        return result
    catalog = catalog_by_detection(policy)
    started = timezone.now()
    for breach in breaches:
        violation = breach_propose(breach, catalog=catalog)
        # violation_report returns the existing proposal when a concurrent run made it.
        if violation is not None and violation.reported_at >= started:
            result.proposals.append(violation)
    logger.info(
        "Detection since %s: %s new proposals %s", since, len(result.proposals), result.counts
    )
    return result
