"""Statistics for supervisors: volume, on-the-spot and on-time rates, handling time, referral
returns, overdue cases and satisfaction (好差评) for a period, by department, channel, kind and
first responder.

The numbers are defined over `CaseFacts` rows, one per case, by the predicates below and
`Tally` (given the rows, a calendar and "today", return the numbers), so they are tested
table by table; `figures_of` and `figures_by_group` count a period's rows one by one and are
the reference. The page reads `statistics_tables`: whole months from the summary kept by
`inquiries.services.statistics` (tallies of the same rows), the rest from `statistics_facts`.
The drill-down lists the cases behind a number with the same predicates as filters
(`measure_q`, `group_q`), so a count and its list cannot disagree.
"""

import datetime
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.db.models.lookups import In
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inquiries.models import (
    Channel,
    Department,
    FeedbackMethod,
    Inquiry,
    Kind,
    Rating,
    Referral,
    Status,
    User,
)
from inquiries.models.cases import CLOCK_RUNNING
from inquiries.permissions import supervised_department_ids
from inquiries.selectors import inquiries_visible_to
from inquiries.workdays import WorkCalendar

# The nearest-rank percentile shown beside the average handling time.
HANDLING_PERCENTILE = 90
# The drill-down key of a group with no value (an online letter nobody has picked up yet).
NO_KEY = "none"
# The satisfaction rate is the share of ratings at this level or better: 基本满意 counts as
# satisfied, 不满意 and 非常不满意 are low ratings (the ones that open a rectification).
SATISFIED_MIN_LEVEL = Rating.Level.FAIRLY_SATISFIED


class Grouping:
    DEPARTMENT = "department"
    CHANNEL = "channel"
    KIND = "kind"
    STAFF = "staff"

    choices = (
        (DEPARTMENT, _("By department")),
        (CHANNEL, _("By channel")),
        (KIND, _("By kind")),
        (STAFF, _("By first responder")),
    )
    values = frozenset(value for value, _label in choices)
    headers = {
        DEPARTMENT: _("Department"),
        CHANNEL: _("Channel"),
        KIND: _("Kind"),
        STAFF: _("First responder"),
    }


# The summary's grouping of all the cases (the page's totals).
ALL = "all"


# --- Rows ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFacts:
    """What the statistics need to know about one case."""

    pk: int
    channel: str
    kind: str
    status: str
    received_on: datetime.date  # local day
    closed_on: datetime.date | None  # local day, for a closed case only
    deadline: datetime.date
    feedback_method: str
    department_id: int | None  # the handling department, else the receiving one
    department_name: str
    staff_id: int | None  # the first responder
    staff_name: str
    referrals_decided: int = 0  # accepted or returned
    referrals_returned: int = 0
    rating_level: int | None = None  # the requester's rating (好差评), if given

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED and self.closed_on is not None


# --- Predicates: one per countable number; the drill-down filters with the same ones ---------


def is_resolved_on_the_spot(row: CaseFacts) -> bool:
    """Closed with on-the-spot feedback on the day it was received."""
    return (
        row.is_closed
        and row.feedback_method == FeedbackMethod.ON_THE_SPOT
        and row.closed_on == row.received_on
    )


def is_closed(row: CaseFacts) -> bool:
    return row.is_closed


def is_closed_on_time(row: CaseFacts) -> bool:
    return row.is_closed and row.closed_on <= row.deadline


def is_overdue_on(today: datetime.date) -> Callable[[CaseFacts], bool]:
    def is_overdue(row: CaseFacts) -> bool:
        return row.status in CLOCK_RUNNING and row.deadline < today

    return is_overdue


def has_returned_referral(row: CaseFacts) -> bool:
    return row.referrals_returned > 0


def is_rated(row: CaseFacts) -> bool:
    return row.rating_level is not None


def is_rated_satisfied(row: CaseFacts) -> bool:
    return row.rating_level is not None and row.rating_level >= SATISFIED_MIN_LEVEL


def is_rated_low(row: CaseFacts) -> bool:
    return row.rating_level in Rating.LOW_LEVELS


class Measure:
    VOLUME = "volume"
    ON_THE_SPOT = "on_the_spot"
    CLOSED = "closed"
    ON_TIME = "on_time"
    OVERDUE = "overdue"
    RETURNED = "returned"
    RATED = "rated"
    RATED_LOW = "rated_low"

    labels = {
        VOLUME: _("Received"),
        ON_THE_SPOT: _("Resolved on the spot"),
        CLOSED: _("Closed"),
        ON_TIME: _("Closed on time"),
        OVERDUE: _("Overdue"),
        RETURNED: _("With a returned referral"),
        RATED: _("Rated by the requester"),
        RATED_LOW: _("Rated dissatisfied or very dissatisfied"),
    }


# --- The numbers -----------------------------------------------------------------------------


def nearest_rank_percentile(values: Sequence[int | float], percent: int) -> int | float | None:
    """The smallest value with at least `percent` % of the values at or below it; None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[rank - 1]


def _rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _percent(rate: float | None) -> float | None:
    return round(rate * 100, 1) if rate is not None else None


@dataclass(frozen=True)
class Figures:
    """The numbers of one group (or of all the cases)."""

    volume: int
    on_the_spot: int
    closed: int
    on_time: int
    handling_days_average: float | None
    handling_days_p90: int | None
    referrals_decided: int
    referrals_returned: int
    cases_with_returns: int
    overdue: int
    rated: int = 0
    rated_satisfied: int = 0  # at SATISFIED_MIN_LEVEL or better
    rated_low: int = 0

    @property
    def on_the_spot_rate(self) -> float | None:
        return _rate(self.on_the_spot, self.volume)

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.on_time, self.closed)

    @property
    def return_rate(self) -> float | None:
        return _rate(self.referrals_returned, self.referrals_decided)

    @property
    def satisfaction_rate(self) -> float | None:
        return _rate(self.rated_satisfied, self.rated)

    # Percentages rounded to one decimal, for tables and exports.
    @property
    def on_the_spot_percent(self) -> float | None:
        return _percent(self.on_the_spot_rate)

    @property
    def on_time_percent(self) -> float | None:
        return _percent(self.on_time_rate)

    @property
    def return_percent(self) -> float | None:
        return _percent(self.return_rate)

    @property
    def satisfaction_percent(self) -> float | None:
        return _percent(self.satisfaction_rate)


@dataclass
class Tally:
    """The additive counts behind `Figures`: tallies of two sets of cases add up to the tally
    of both, which is what lets the summary store them per month and department
    (`inquiries.models.statistics`). `handling_days` counts the closed cases by the working
    days they took."""

    volume: int = 0
    on_the_spot: int = 0
    closed: int = 0
    on_time: int = 0
    handling_days: Counter = field(default_factory=Counter)
    referrals_decided: int = 0
    referrals_returned: int = 0
    cases_with_returns: int = 0
    overdue: int = 0
    rated: int = 0
    rated_satisfied: int = 0
    rated_low: int = 0

    COUNTS = (
        "volume",
        "on_the_spot",
        "closed",
        "on_time",
        "referrals_decided",
        "referrals_returned",
        "cases_with_returns",
        "overdue",
        "rated",
        "rated_satisfied",
        "rated_low",
    )

    def add(self, other: "Tally") -> "Tally":
        for name in self.COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.handling_days.update(other.handling_days)
        return self

    def count(self, row: CaseFacts, *, handling_days: int | None, overdue: bool) -> None:
        """Add one case; `handling_days` is given for a closed case."""
        self.volume += 1
        self.on_the_spot += is_resolved_on_the_spot(row)
        if row.is_closed:
            self.closed += 1
            self.on_time += row.closed_on <= row.deadline
            self.handling_days[handling_days] += 1
        self.referrals_decided += row.referrals_decided
        self.referrals_returned += row.referrals_returned
        self.cases_with_returns += has_returned_referral(row)
        self.overdue += overdue
        self.rated += is_rated(row)
        self.rated_satisfied += is_rated_satisfied(row)
        self.rated_low += is_rated_low(row)


class HandlingDays:
    """Working days from the day received to the day closed, remembered per pair of days (a
    year of cases has a few thousand distinct pairs)."""

    def __init__(self, calendar: WorkCalendar):
        self.calendar = calendar
        self.known: dict[tuple[datetime.date, datetime.date], int] = {}

    def __call__(self, row: CaseFacts) -> int:
        pair = (row.received_on, row.closed_on)
        days = self.known.get(pair)
        if days is None:
            days = self.known[pair] = self.calendar.working_days_between(*pair)
        return days


def tally_of(
    rows: Iterable[CaseFacts], *, calendar: WorkCalendar | HandlingDays, today: datetime.date | None
) -> Tally:
    """The tally of `rows`; with `today` None nothing counts as overdue (the summary leaves
    that to the day the page is read)."""
    handling_days = calendar if isinstance(calendar, HandlingDays) else HandlingDays(calendar)
    overdue = is_overdue_on(today) if today is not None else None
    tally = Tally()
    for row in rows:
        tally.count(
            row,
            handling_days=handling_days(row) if row.is_closed else None,
            overdue=overdue(row) if overdue else False,
        )
    return tally


def handling_days_percentile(histogram: Counter, percent: int) -> int | None:
    """`nearest_rank_percentile` over a count of cases per number of days."""
    total = sum(histogram.values())
    if not total:
        return None
    rank = max(1, math.ceil(percent / 100 * total))
    seen = 0
    for days in sorted(histogram):
        seen += histogram[days]
        if seen >= rank:
            return days
    raise AssertionError("unreachable")


def figures_from_tally(tally: Tally) -> Figures:
    closed_days = sum(tally.handling_days.values())
    return Figures(
        volume=tally.volume,
        on_the_spot=tally.on_the_spot,
        closed=tally.closed,
        on_time=tally.on_time,
        handling_days_average=(
            sum(days * n for days, n in tally.handling_days.items()) / closed_days
            if closed_days
            else None
        ),
        handling_days_p90=handling_days_percentile(tally.handling_days, HANDLING_PERCENTILE),
        referrals_decided=tally.referrals_decided,
        referrals_returned=tally.referrals_returned,
        cases_with_returns=tally.cases_with_returns,
        overdue=tally.overdue,
        rated=tally.rated,
        rated_satisfied=tally.rated_satisfied,
        rated_low=tally.rated_low,
    )


def figures_of(
    rows: Iterable[CaseFacts], *, calendar: WorkCalendar, today: datetime.date
) -> Figures:
    """All the numbers for `rows`; handling time counts working days from the day received to
    the day closed (a case closed the day it came in took 0 days)."""
    return figures_from_tally(tally_of(rows, calendar=calendar, today=today))


def group_key(grouping: str, row: CaseFacts) -> str:
    """The drill-down key of the group `row` falls in ("" for the grouping of all cases)."""
    if grouping == Grouping.DEPARTMENT:
        return str(row.department_id) if row.department_id else NO_KEY
    if grouping == Grouping.CHANNEL:
        return row.channel
    if grouping == Grouping.KIND:
        return row.kind
    if grouping == Grouping.STAFF:
        return str(row.staff_id) if row.staff_id is not None else NO_KEY
    if grouping == ALL:
        return ""
    raise ValueError(grouping)


def group_key_and_label(grouping: str, row: CaseFacts) -> tuple[str, str]:
    """The drill-down key and the shown label of the group `row` falls in."""
    if grouping == Grouping.DEPARTMENT:
        return (str(row.department_id) if row.department_id else NO_KEY), row.department_name
    if grouping == Grouping.CHANNEL:
        return row.channel, str(Channel(row.channel).label)
    if grouping == Grouping.KIND:
        return row.kind, str(Kind(row.kind).label)
    if grouping == Grouping.STAFF:
        if row.staff_id is None:
            return NO_KEY, str(_("Not yet picked up"))
        return str(row.staff_id), row.staff_name
    raise ValueError(grouping)


@dataclass(frozen=True)
class GroupFigures:
    key: str
    label: str
    figures: Figures


def figures_by_group(
    rows: Iterable[CaseFacts], *, grouping: str, calendar: WorkCalendar, today: datetime.date
) -> list[GroupFigures]:
    """One entry per group that has cases, largest volume first (then by label)."""
    groups: dict[str, tuple[str, list[CaseFacts]]] = {}
    for row in rows:
        key, label = group_key_and_label(grouping, row)
        groups.setdefault(key, (label, []))[1].append(row)
    result = [
        GroupFigures(key, label, figures_of(members, calendar=calendar, today=today))
        for key, (label, members) in groups.items()
    ]
    result.sort(key=lambda group: (-group.figures.volume, group.label))
    return result


# --- Fetching --------------------------------------------------------------------------------


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def received_between(date_from: datetime.date, date_to: datetime.date) -> Q:
    """Cases received from the first local day to the last, both included."""
    return Q(
        received_at__gte=_start_of(date_from),
        received_at__lt=_start_of(date_to + datetime.timedelta(days=1)),
    )


def department_of_case() -> Coalesce:
    """A case's department for the statistics: the handling one, else the receiving one
    (indexed with the time received: `inquiry_department_received`)."""
    return Coalesce("handling_department_id", "receiving_department_id")


def department_q(department_ids: Iterable[int]) -> Q:
    """Cases whose department — the handling one, else the receiving one — is one of these."""
    return Q(In(department_of_case(), list(department_ids)))


def statistics_database() -> str:
    """Where the statistics read: the read replica when one is configured
    (`DATABASE_REPLICA_URL`), else the primary."""
    return "replica" if "replica" in settings.DATABASES else "default"


def supervised_departments(user: User) -> set[int] | None:
    """The departments whose cases `user`'s statistics count; None for every case."""
    if user.has_perm("inquiries.view_all_inquiries"):
        return None
    return supervised_department_ids(user)


def statistics_cases(
    *, user: User, date_from: datetime.date, date_to: datetime.date
) -> QuerySet[Inquiry]:
    """The cases the statistics count: received in the period (local days, both included),
    visible to `user`, and for a supervisor who may not see every case, only those of the
    departments they lead (their own cases elsewhere are not theirs to supervise).

    Supervisors see every case handled or received by a department they lead
    (`inquiry_duty_q`), so "visible and of a department they lead" is "of a department they
    lead" — which is also what the summary (`StatisticsRow.department`) is keyed by."""
    cases = Inquiry.objects.using(statistics_database()).filter(
        received_between(date_from, date_to)
    )
    led = supervised_departments(user)
    if led is not None:
        cases = cases.filter(department_q(led))
    return cases


def facts_of(cases: QuerySet[Inquiry]) -> list[CaseFacts]:
    """The rows of `cases`, in one query (a case has at most one rating, so joining it adds
    no rows)."""
    decided = (Referral.State.ACCEPTED, Referral.State.RETURNED)
    values = (
        cases.order_by()
        .annotate(
            n_decided=Count("referrals", filter=Q(referrals__state__in=decided)),
            n_returned=Count("referrals", filter=Q(referrals__state=Referral.State.RETURNED)),
        )
        .values(
            "pk",
            "channel",
            "kind",
            "status",
            "received_at",
            "closed_at",
            "deadline",
            "feedback_method",
            "handling_department_id",
            "handling_department__name",
            "receiving_department_id",
            "receiving_department__name",
            "first_responder_id",
            "first_responder__full_name",
            "first_responder__username",
            "n_decided",
            "n_returned",
            "rating__level",
        )
    )
    rows = []
    for value in values:
        closed_at = value["closed_at"]
        handling = value["handling_department_id"]
        rows.append(
            CaseFacts(
                pk=value["pk"],
                channel=value["channel"],
                kind=value["kind"],
                status=value["status"],
                received_on=timezone.localdate(value["received_at"]),
                closed_on=(
                    timezone.localdate(closed_at)
                    if closed_at is not None and value["status"] == Status.CLOSED
                    else None
                ),
                deadline=value["deadline"],
                feedback_method=value["feedback_method"],
                department_id=handling or value["receiving_department_id"],
                department_name=(
                    value["handling_department__name"]
                    if handling
                    else value["receiving_department__name"]
                )
                or "",
                staff_id=value["first_responder_id"],
                staff_name=(
                    value["first_responder__full_name"] or value["first_responder__username"] or ""
                ),
                referrals_decided=value["n_decided"],
                referrals_returned=value["n_returned"],
                rating_level=value["rating__level"],
            )
        )
    return rows


def statistics_facts(
    *, user: User, date_from: datetime.date, date_to: datetime.date
) -> list[CaseFacts]:
    """The rows for the period, case by case: what the summary is built from and checked
    against, and what a period's first and last part months are counted from."""
    return facts_of(statistics_cases(user=user, date_from=date_from, date_to=date_to))


# --- The page's tables, from the summary ------------------------------------------------------


GROUPINGS = (ALL, *(value for value, _label in Grouping.choices))


def tallies_by_group(
    rows: Iterable[CaseFacts], *, handling_days: HandlingDays, today: datetime.date | None
) -> dict[tuple[str, str], Tally]:
    """A tally per (grouping, key), for every grouping of the page and ALL."""
    overdue = is_overdue_on(today) if today is not None else None
    tallies: dict[tuple[str, str], Tally] = {}
    for row in rows:
        days = handling_days(row) if row.is_closed else None
        late = overdue(row) if overdue else False
        for grouping in GROUPINGS:
            key = (grouping, group_key(grouping, row))
            tally = tallies.get(key)
            if tally is None:
                tally = tallies[key] = Tally()
            tally.count(row, handling_days=days, overdue=late)
    return tallies


def whole_months(
    date_from: datetime.date, date_to: datetime.date
) -> tuple[list[datetime.date], list[tuple[datetime.date, datetime.date]]]:
    """The months lying wholly within the period (their first days), and the one or two part
    months left over at its ends as (first day, last day)."""
    first = date_from if date_from.day == 1 else _next_month(date_from)
    end = _next_month(date_to)  # the first month after the period
    if date_to + datetime.timedelta(days=1) != end:
        end = date_to.replace(day=1)  # the period ends inside that month
    if first >= end:
        return [], [(date_from, date_to)] if date_from <= date_to else []
    months = []
    month = first
    while month < end:
        months.append(month)
        month = _next_month(month)
    parts = []
    if date_from < first:
        parts.append((date_from, first - datetime.timedelta(days=1)))
    if end <= date_to:
        parts.append((end, date_to))
    return months, parts


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


@dataclass(frozen=True)
class _Summary:
    """Where and what to read of the summary for one page view."""

    database: str
    where: Q


def _summary(months: list[datetime.date], departments: set[int] | None) -> _Summary:
    from inquiries.services.statistics import ensure_months

    # A month built just now is read from the primary, which the replica may not have caught
    # up with yet.
    database = "default" if ensure_months(months) else statistics_database()
    where = Q(month__in=months)
    if departments is not None:
        where &= Q(department_id__in=departments)
    return _Summary(database, where)


def _summary_counts(summary: _Summary) -> dict[tuple[str, str], Tally]:
    """The summary's counts for whole months, added up per (grouping, key), in one query; the
    handling days come separately, for the groups shown (`_summary_handling_days`)."""
    from inquiries.models import StatisticsRow

    sums = {name: Sum(name) for name in Tally.COUNTS if name != "overdue"}
    tallies: dict[tuple[str, str], Tally] = {}
    for value in (
        StatisticsRow.objects.using(summary.database)
        .filter(summary.where)
        .order_by()
        .values("grouping", "key")
        .annotate(**sums)
        .values_list("grouping", "key", *sums)
    ):
        tally = Tally()
        for name, count in zip(sums, value[2:], strict=True):
            setattr(tally, name, count)
        tallies[value[0], value[1]] = tally
    return tallies


def _summary_handling_days(
    summary: _Summary, wanted: dict[str, list[str]]
) -> dict[tuple[str, str], Counter]:
    """The closed cases per number of working days, for the wanted keys of each grouping."""
    from inquiries.models import StatisticsHandlingTime

    which = Q(pk__in=[])
    for grouping, keys in wanted.items():
        if keys:
            which |= Q(grouping=grouping, key__in=keys)
    histograms: dict[tuple[str, str], Counter] = {}
    for grouping, key, days, cases in (
        StatisticsHandlingTime.objects.using(summary.database)
        .filter(summary.where, which)
        .order_by()
        .values("grouping", "key", "days")
        .annotate(n=Sum("cases"))
        .values_list("grouping", "key", "days", "n")
    ):
        histograms.setdefault((grouping, key), Counter())[days] = cases
    return histograms


def _overdue_counts(
    *, user: User, date_from: datetime.date, date_to: datetime.date, today: datetime.date
) -> dict[tuple[str, str], int]:
    """Overdue depends on the day the page is read: counted from the open cases of the period
    (few, and found through the index of running clocks), per (grouping, key)."""
    counts: dict[tuple[str, str], int] = {}
    open_late = (
        statistics_cases(user=user, date_from=date_from, date_to=date_to)
        .filter(status__in=sorted(CLOCK_RUNNING), deadline__lt=today)
        .order_by()
        .values(
            "channel",
            "kind",
            "handling_department_id",
            "receiving_department_id",
            "first_responder_id",
        )
        .annotate(n=Count("pk"))
    )
    for value in open_late:
        department = value["handling_department_id"] or value["receiving_department_id"]
        staff = value["first_responder_id"]
        for key in (
            (ALL, ""),
            (Grouping.DEPARTMENT, str(department) if department else NO_KEY),
            (Grouping.CHANNEL, value["channel"]),
            (Grouping.KIND, value["kind"]),
            (Grouping.STAFF, str(staff) if staff is not None else NO_KEY),
        ):
            counts[key] = counts.get(key, 0) + value["n"]
    return counts


def _labels(grouping: str, keys: Iterable[str]) -> dict[str, str]:
    """What each key of a grouping is shown as."""
    keys = set(keys)
    ids = [int(key) for key in keys if key != NO_KEY and key.isdigit()]
    if grouping == Grouping.DEPARTMENT:
        labels = {
            str(pk): name
            for pk, name in Department.objects.using(statistics_database())
            .filter(pk__in=ids)
            .values_list("pk", "name")
        }
        return {key: labels.get(key, "") for key in keys}
    if grouping == Grouping.STAFF:
        labels = {
            str(pk): full_name or username
            for pk, full_name, username in User.objects.using(statistics_database())
            .filter(pk__in=ids)
            .values_list("pk", "full_name", "username")
        }
        return {key: labels.get(key, str(_("Not yet picked up"))) for key in keys}
    choices = Channel if grouping == Grouping.CHANNEL else Kind
    return {key: str(choices(key).label) if key in choices.values else key for key in keys}


@dataclass(frozen=True)
class StatisticsTables:
    """Everything the statistics page shows: the totals, each grouping's groups (the largest
    ones when the page asked for a limit) and how many groups each grouping has in all."""

    total: Figures
    groups: dict[str, list[GroupFigures]]
    group_counts: dict[str, int]


def statistics_tables(
    *,
    user: User,
    date_from: datetime.date,
    date_to: datetime.date,
    today: datetime.date,
    calendar: WorkCalendar,
    groupings: Iterable[str] = Grouping.values,
    limit: int | None = None,
    unlimited: Iterable[str] = (),
) -> StatisticsTables:
    """The page's numbers: whole months from the summary (built from the cases the first time
    a month is read and kept exact since by `inquiries.services.statistics`), the part months
    at the ends of the period from their cases, and the overdue count, which changes every
    day, from the open cases. The same numbers as `figures_by_group` over
    `statistics_facts` (tests/test_statistics_summary.py holds them side by side).

    With `limit`, each grouping but those `unlimited` keeps its largest `limit` groups (by
    volume, then label), and only theirs handling times are read."""
    months, parts = whole_months(date_from, date_to)
    departments = supervised_departments(user)
    if departments is not None and not departments:
        months, parts = [], []
    summary = _summary(months, departments) if months else None
    tallies = _summary_counts(summary) if summary else {}
    handling_days = HandlingDays(calendar)
    for part_from, part_to in parts:
        rows = statistics_facts(user=user, date_from=part_from, date_to=part_to)
        for key, tally in tallies_by_group(rows, handling_days=handling_days, today=None).items():
            tallies.setdefault(key, Tally()).add(tally)
    if months or parts:
        for key, count in _overdue_counts(
            user=user, date_from=date_from, date_to=date_to, today=today
        ).items():
            tallies.setdefault(key, Tally()).overdue += count
    unlimited = set(unlimited)
    shown: dict[str, list[tuple[str, str]]] = {}
    group_counts = {}
    for grouping in groupings:
        keys = [key for (of, key), tally in tallies.items() if of == grouping and tally.volume]
        labels = _labels(grouping, keys)
        keys.sort(key=lambda key: (-tallies[grouping, key].volume, labels[key]))
        group_counts[grouping] = len(keys)
        if limit is not None and grouping not in unlimited:
            keys = keys[:limit]
        shown[grouping] = [(key, labels[key]) for key in keys]
    if summary:
        wanted = {grouping: [key for key, _label in pairs] for grouping, pairs in shown.items()}
        wanted[ALL] = [""]
        for key, histogram in _summary_handling_days(summary, wanted).items():
            tallies[key].handling_days.update(histogram)
    return StatisticsTables(
        total=figures_from_tally(tallies.get((ALL, ""), Tally())),
        groups={
            grouping: [
                GroupFigures(key, label, figures_from_tally(tallies[grouping, key]))
                for key, label in pairs
            ]
            for grouping, pairs in shown.items()
        },
        group_counts=group_counts,
    )


# --- The cases behind a number ------------------------------------------------------------------


def measure_q(measure: str, *, today: datetime.date) -> Q:
    """A measure's predicate (`is_resolved_on_the_spot`, `is_closed_on_time`, …) as a filter
    on cases annotated with their local `received_day` and `closed_day`."""
    closed = Q(status=Status.CLOSED, closed_at__isnull=False)
    return {
        Measure.VOLUME: Q(),
        Measure.ON_THE_SPOT: closed
        & Q(feedback_method=FeedbackMethod.ON_THE_SPOT, closed_day=F("received_day")),
        Measure.CLOSED: closed,
        Measure.ON_TIME: closed & Q(closed_day__lte=F("deadline")),
        Measure.OVERDUE: Q(status__in=sorted(CLOCK_RUNNING), deadline__lt=today),
        Measure.RETURNED: Q(
            Exists(
                Referral.objects.filter(inquiry_id=OuterRef("pk"), state=Referral.State.RETURNED)
            )
        ),
        Measure.RATED: Q(rating__isnull=False),
        Measure.RATED_LOW: Q(rating__level__in=sorted(Rating.LOW_LEVELS)),
    }[measure]


def group_q(grouping: str, key: str) -> Q:
    """The cases of one group (`group_key`); "" (or no grouping) is every case."""
    if not grouping or not key:
        return Q()
    if grouping == Grouping.DEPARTMENT:
        if key == NO_KEY:
            return Q(handling_department__isnull=True, receiving_department__isnull=True)
        return department_q([int(key)]) if key.isdigit() else Q(pk__in=[])
    if grouping == Grouping.CHANNEL:
        return Q(channel=key)
    if grouping == Grouping.KIND:
        return Q(kind=key)
    if grouping == Grouping.STAFF:
        if key == NO_KEY:
            return Q(first_responder__isnull=True)
        return Q(first_responder_id=int(key)) if key.isdigit() else Q(pk__in=[])
    raise ValueError(grouping)


@dataclass(frozen=True)
class Drilldown:
    """The cases behind one number, and the name of their group ("" for all the cases)."""

    cases: QuerySet[Inquiry]
    group_label: str


def statistics_drilldown(
    *,
    user: User,
    date_from: datetime.date,
    date_to: datetime.date,
    grouping: str,
    key: str,
    measure: str,
    today: datetime.date,
) -> Drilldown:
    """The cases behind one number of the statistics page, newest first: the same cases and
    the same predicate as the number itself, as one filtered query."""
    cases = (
        statistics_cases(user=user, date_from=date_from, date_to=date_to)
        .annotate(received_day=TruncDate("received_at"), closed_day=TruncDate("closed_at"))
        .filter(group_q(grouping, key), measure_q(measure, today=today))
        .select_related("first_responder", "handling_department", "receiving_department", "rating")
        .order_by("-received_at", "-pk")
    )
    label = _labels(grouping, [key])[key] if grouping and key else ""
    return Drilldown(cases=cases, group_label=label)


# --- Registers -------------------------------------------------------------------------------


def register_cases_for_channels(
    *,
    user: User,
    channels: Iterable[str],
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[Inquiry]:
    """Like `selectors_cases.register_cases`, for a register of several channels (the letter
    register holds letters and faxes)."""
    cases = inquiries_visible_to(user).filter(channel__in=list(channels))
    if date_from:
        cases = cases.filter(received_at__gte=_start_of(date_from))
    if date_to:
        cases = cases.filter(received_at__lt=_start_of(date_to + datetime.timedelta(days=1)))
    return cases.order_by("-received_at", "-pk")
