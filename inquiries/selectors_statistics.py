"""Statistics for supervisors: volume, on-the-spot and on-time rates, handling time, referral
returns, overdue cases and satisfaction (好差评) for a period, by department, channel, kind and
first responder.

The numbers are pure functions over `CaseFacts` rows (given the rows, a calendar and "today",
return the numbers), so they are tested table by table. `statistics_facts` fetches the rows in
one query over the cases (plus the fixed lookups of who may see what), however many there are.
The drill-down lists the cases behind a number with the same rows and the same predicates, so
a count and its list cannot disagree.
"""

import datetime
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inquiries.models import (
    Channel,
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


def measure_predicate(measure: str, *, today: datetime.date) -> Callable[[CaseFacts], bool]:
    return {
        Measure.VOLUME: lambda row: True,
        Measure.ON_THE_SPOT: is_resolved_on_the_spot,
        Measure.CLOSED: is_closed,
        Measure.ON_TIME: is_closed_on_time,
        Measure.OVERDUE: is_overdue_on(today),
        Measure.RETURNED: has_returned_referral,
        Measure.RATED: is_rated,
        Measure.RATED_LOW: is_rated_low,
    }[measure]


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


def figures_of(
    rows: Iterable[CaseFacts], *, calendar: WorkCalendar, today: datetime.date
) -> Figures:
    """All the numbers for `rows`; handling time counts working days from the day received to
    the day closed (a case closed the day it came in took 0 days)."""
    rows = list(rows)
    closed = [row for row in rows if row.is_closed]
    days = [calendar.working_days_between(row.received_on, row.closed_on) for row in closed]
    overdue = is_overdue_on(today)
    return Figures(
        volume=len(rows),
        on_the_spot=sum(map(is_resolved_on_the_spot, rows)),
        closed=len(closed),
        on_time=sum(map(is_closed_on_time, closed)),
        handling_days_average=sum(days) / len(days) if days else None,
        handling_days_p90=nearest_rank_percentile(days, HANDLING_PERCENTILE),
        referrals_decided=sum(row.referrals_decided for row in rows),
        referrals_returned=sum(row.referrals_returned for row in rows),
        cases_with_returns=sum(map(has_returned_referral, rows)),
        overdue=sum(map(overdue, rows)),
        rated=sum(map(is_rated, rows)),
        rated_satisfied=sum(map(is_rated_satisfied, rows)),
        rated_low=sum(map(is_rated_low, rows)),
    )


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


def rows_in_group(rows: Iterable[CaseFacts], *, grouping: str, key: str) -> list[CaseFacts]:
    """The rows of one group; the key "" (or a missing grouping) stands for all of them."""
    if not grouping or not key:
        return list(rows)
    return [row for row in rows if group_key_and_label(grouping, row)[0] == key]


# --- Fetching --------------------------------------------------------------------------------


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def statistics_cases(
    *, user: User, date_from: datetime.date, date_to: datetime.date
) -> QuerySet[Inquiry]:
    """The cases the statistics count: received in the period (local days, both included),
    visible to `user`, and for a supervisor who may not see every case, only those of the
    departments they lead (their own cases elsewhere are not theirs to supervise)."""
    cases = inquiries_visible_to(user).filter(
        received_at__gte=_start_of(date_from),
        received_at__lt=_start_of(date_to + datetime.timedelta(days=1)),
    )
    if not user.has_perm("inquiries.view_all_inquiries"):
        led = supervised_department_ids(user)
        cases = cases.filter(
            Q(handling_department_id__in=led)
            | Q(handling_department__isnull=True, receiving_department_id__in=led)
        )
    return cases


def statistics_facts(
    *, user: User, date_from: datetime.date, date_to: datetime.date
) -> list[CaseFacts]:
    """The rows for the period, in one query over the cases (a case has at most one rating,
    so joining it adds no rows)."""
    decided = (Referral.State.ACCEPTED, Referral.State.RETURNED)
    values = (
        statistics_cases(user=user, date_from=date_from, date_to=date_to)
        .order_by()
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
                ),
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
    """The cases behind one number of the statistics page, newest first: the same rows and
    the same predicate as the number itself."""
    predicate = measure_predicate(measure, today=today)
    rows = rows_in_group(
        statistics_facts(user=user, date_from=date_from, date_to=date_to),
        grouping=grouping,
        key=key,
    )
    label = group_key_and_label(grouping, rows[0])[1] if grouping and key and rows else ""
    pks = [row.pk for row in rows if predicate(row)]
    cases = (
        Inquiry.objects.filter(pk__in=pks)
        .select_related("first_responder", "handling_department", "receiving_department", "rating")
        .order_by("-received_at", "-pk")
    )
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
