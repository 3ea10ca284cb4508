"""Keeping the statistics summary (`inquiries.models.statistics`) exact.

- A month is built from its cases the first time the statistics read it (`ensure_months`), so
  a new installation, a restored backup or a generated database needs no extra step.
- After that, whatever changes a case, a referral or a rating adds the difference it makes
  to the summary, in the same transaction (see "Following changes" below). The signal
  handlers do it, so every path that saves through the ORM — services, the admin, imports,
  the demo — keeps the summary right without knowing about it. (`QuerySet.update()` on those
  models sends no signal; nothing in firstask updates the statistics' fields that way. Bulk
  loaders call `rebuild_months`.)
- A change to the working-day calendar changes handling times: the months that may hold a
  case open across the changed day are dropped and built again on their next read.

Building or rebuilding a month replaces its rows under an exclusive lock on the month
(PostgreSQL advisory lock; on SQLite write transactions already run one at a time).
"""

import datetime
import logging
import threading
from collections import defaultdict
from collections.abc import Iterable

from django.db import DatabaseError, connection, transaction
from django.db.models import Min, Q
from django.utils import timezone

from inquiries.models import (
    Inquiry,
    StatisticsHandlingTime,
    StatisticsMonth,
    StatisticsRow,
)
from inquiries.selectors_statistics import (
    CaseFacts,
    HandlingDays,
    department_q,
    facts_of,
    received_between,
    tallies_by_group,
)
from inquiries.workdays import work_calendar

logger = logging.getLogger(__name__)

# pg_advisory_xact_lock(key1, key2) namespace: "FSTS" (statistics), then the month.
LOCK_NAMESPACE = 0x46535453

# (first day of the month received, department). Every case has one: the receiving
# department is required.
Bucket = tuple[datetime.date, int]


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _month_end(month: datetime.date) -> datetime.date:
    return (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)


def _lock_month(month: datetime.date, *, shared: bool = False) -> None:
    """Builders lock a month alone; changes share the lock (until their transaction ends)."""
    if connection.vendor == "postgresql":
        function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {function}(%s, %s)", [LOCK_NAMESPACE, month.toordinal()])


def _rows_for(month: datetime.date, departments: set[int] | None):
    """The summary rows of a month (all of it, or only these departments' buckets)."""
    cases = Inquiry.objects.filter(received_between(month, _month_end(month)))
    if departments is not None:
        cases = cases.filter(department_q(departments))
    by_department = defaultdict(list)
    for row in facts_of(cases):
        by_department[row.department_id].append(row)
    handling_days = HandlingDays(work_calendar())
    rows, days = [], []
    for department_id, facts in by_department.items():
        tallies = tallies_by_group(facts, handling_days=handling_days, today=None)
        for (grouping, key), tally in tallies.items():
            common = {
                "month": month,
                "department_id": department_id,
                "grouping": grouping,
                "key": key,
            }
            rows.append(
                StatisticsRow(
                    **common,
                    volume=tally.volume,
                    on_the_spot=tally.on_the_spot,
                    closed=tally.closed,
                    on_time=tally.on_time,
                    referrals_decided=tally.referrals_decided,
                    referrals_returned=tally.referrals_returned,
                    cases_with_returns=tally.cases_with_returns,
                    rated=tally.rated,
                    rated_satisfied=tally.rated_satisfied,
                    rated_low=tally.rated_low,
                )
            )
            days.extend(
                StatisticsHandlingTime(**common, days=n_days, cases=n)
                for n_days, n in tally.handling_days.items()
            )
    return rows, days


def _replace(month: datetime.date, departments: set[int] | None) -> None:
    rows, days = _rows_for(month, departments)
    where = Q(month=month)
    if departments is not None:
        where &= Q(department_id__in=departments)
    StatisticsRow.objects.filter(where).delete()
    StatisticsHandlingTime.objects.filter(where).delete()
    StatisticsRow.objects.bulk_create(rows, batch_size=2000)
    StatisticsHandlingTime.objects.bulk_create(days, batch_size=2000)


def build_month(month: datetime.date) -> bool:
    """Build a month's summary from its cases unless it is built; True if this call built it."""
    with transaction.atomic():
        _lock_month(month)
        if StatisticsMonth.objects.filter(month=month).exists():
            return False
        _replace(month, None)
        StatisticsMonth.objects.create(month=month)
    return True


def ensure_months(months: Iterable[datetime.date]) -> bool:
    """Build the months not built yet (the first read of a month after installation, after a
    rebuild, or after a calendar change); True if any was missing."""
    months = set(months)
    built = set(StatisticsMonth.objects.filter(month__in=months).values_list("month", flat=True))
    for month in sorted(months - built):
        build_month(month)
    return bool(months - built)


def rebuild_months(months: Iterable[datetime.date] | None = None) -> list[datetime.date]:
    """Build these months (every month with cases, by default) again from the cases."""
    if months is None:
        first = Inquiry.objects.aggregate(first=Min("received_at"))["first"]
        months, month = [], month_of(timezone.localdate(first)) if first else None
        last = month_of(timezone.localdate())
        while month is not None and month <= last:
            months.append(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
    months = sorted(set(months))
    for month in months:
        with transaction.atomic():
            _lock_month(month)
            _replace(month, None)
            StatisticsMonth.objects.update_or_create(month=month)
    return months


def forget_months(months: Iterable[datetime.date] | None = None) -> None:
    """Drop these months' summaries (all of them by default); the next read builds them."""
    months = None if months is None else sorted(set(months))
    for model in (StatisticsMonth, StatisticsRow, StatisticsHandlingTime):
        queryset = model.objects.all()
        if months is not None:
            queryset = queryset.filter(month__in=months)
        queryset.delete()


def refresh_buckets(buckets: Iterable[Bucket]) -> None:
    """Recompute these (month, department) buckets from the cases, for the months built."""
    by_month: dict[datetime.date, set[int]] = defaultdict(set)
    for month, department_id in buckets:
        by_month[month].add(department_id)
    for month, departments in sorted(by_month.items(), key=lambda item: item[0]):
        with transaction.atomic():
            _lock_month(month)
            if StatisticsMonth.objects.filter(month=month).exists():
                _replace(month, departments)


# --- Following changes -------------------------------------------------------------------------
#
# Before a case, a referral or a rating is saved or deleted, the case's row (`CaseFacts`) is
# read; after, it is read again, and the difference — minus the case's share in its old
# groups, plus its share in the new ones — is added to the summary in the same transaction.
# The cost is a few small queries whatever the size of the department's month. The summary
# rows change under a shared lock on their month, so a month being built (exclusive lock)
# waits for the transactions that change it, and they wait for the build.
#
# A save outside any transaction (autocommit) cannot hold that lock to its commit: its
# buckets are recomputed from their cases instead, right after it.

_state = threading.local()
_UNKNOWN = object()


def _latest() -> dict:
    """Per case, its row as the summary now counts it (during one save or delete)."""
    if not hasattr(_state, "latest"):
        _state.latest = {}
    return _state.latest


def _facts(inquiry_id: int) -> CaseFacts | None:
    rows = facts_of(Inquiry.objects.filter(pk=inquiry_id))
    return rows[0] if rows else None


def _bucket_of_facts(row: CaseFacts) -> Bucket:
    return month_of(row.received_on), row.department_id


def _shares(row: CaseFacts, sign: int, calendar_days) -> tuple[dict, dict]:
    """The case's share of the summary rows, times `sign`: counts per row key, and closed
    cases per handling-time key."""
    month, department_id = _bucket_of_facts(row)
    counts, days = {}, {}
    tallies = tallies_by_group([row], handling_days=calendar_days, today=None)
    for (grouping, key), tally in tallies.items():
        counts[month, department_id, grouping, key] = {
            name: sign * getattr(tally, name) for name in SUMMARY_COUNTS
        }
        for n_days, n in tally.handling_days.items():
            days[month, department_id, grouping, key, n_days] = sign * n
    return counts, days


SUMMARY_COUNTS = (
    "volume",
    "on_the_spot",
    "closed",
    "on_time",
    "referrals_decided",
    "referrals_returned",
    "cases_with_returns",
    "rated",
    "rated_satisfied",
    "rated_low",
)


class _LazyHandlingDays:
    """`HandlingDays` that reads the calendar only if a closed case needs it."""

    def __init__(self):
        self.days = None

    def __call__(self, row: CaseFacts) -> int:
        if self.days is None:
            self.days = HandlingDays(work_calendar())
        return self.days(row)


def _difference(before: CaseFacts | None, after: CaseFacts | None) -> tuple[dict, dict]:
    counts: dict = defaultdict(lambda: dict.fromkeys(SUMMARY_COUNTS, 0))
    days: dict = defaultdict(int)
    calendar_days = _LazyHandlingDays()
    for row, sign in ((before, -1), (after, 1)):
        if row is None:
            continue
        row_counts, row_days = _shares(row, sign, calendar_days)
        for key, values in row_counts.items():
            for name, value in values.items():
                counts[key][name] += value
        for key, value in row_days.items():
            days[key] += value
    counts = {key: values for key, values in counts.items() if any(values.values())}
    days = {key: value for key, value in days.items() if value}
    return counts, days


def _upsert(model, key_columns: list[str], rows: list[tuple], value_columns: list[str]) -> None:
    """Add `rows` (keys, then values) to the table: INSERT … ON CONFLICT DO UPDATE, which
    PostgreSQL and SQLite both speak."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [*key_columns, *value_columns]
    quoted = [connection.ops.quote_name(column) for column in columns]
    placeholders = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(rows))
    updates = ", ".join(
        f"{name} = {table}.{name} + excluded.{name}"
        for name in (connection.ops.quote_name(column) for column in value_columns)
    )
    conflict = ", ".join(connection.ops.quote_name(column) for column in key_columns)
    sql = (
        f"INSERT INTO {table} ({', '.join(quoted)}) VALUES {placeholders} "
        f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])


def _apply(before: CaseFacts | None, after: CaseFacts | None) -> None:
    counts, days = _difference(before, after)
    if not counts and not days:
        return
    months = sorted({key[0] for key in counts} | {key[0] for key in days})
    for month in months:
        _lock_month(month, shared=True)
    built = set(StatisticsMonth.objects.filter(month__in=months).values_list("month", flat=True))
    keys = ["month", "department_id", "grouping", "key"]
    _upsert(
        StatisticsRow,
        keys,
        [(*key, *values.values()) for key, values in counts.items() if key[0] in built],
        list(SUMMARY_COUNTS),
    )
    _upsert(
        StatisticsHandlingTime,
        [*keys, "days"],
        [(*key, value) for key, value in days.items() if key[0] in built],
        ["cases"],
    )
    # Groups the case left behind empty.
    touched = Q(month__in=built, department_id__in={key[1] for key in counts})
    StatisticsRow.objects.filter(touched, volume=0).delete()
    StatisticsHandlingTime.objects.filter(touched, cases=0).delete()


def before_change(inquiry_id: int | None) -> None:
    if inquiry_id is not None:
        _latest()[inquiry_id] = _facts(inquiry_id)


def after_change(inquiry_id: int | None) -> None:
    """Add the difference the change made. A failure here must not lose what the user did:
    the months concerned are dropped instead and built again from the cases when read."""
    if inquiry_id is None:
        return
    latest = _latest()
    before = latest.get(inquiry_id, _UNKNOWN)
    after = _facts(inquiry_id)
    latest[inquiry_id] = after
    if before is _UNKNOWN or before == after:
        if before is _UNKNOWN and after is not None:
            refresh_buckets([_bucket_of_facts(after)])
        return
    if not transaction.get_connection().in_atomic_block:
        refresh_buckets(_bucket_of_facts(row) for row in (before, after) if row is not None)
        return
    try:
        with transaction.atomic():
            _apply(before, after)
    except DatabaseError:
        logger.exception("Statistics summary: dropping the months of case %s", inquiry_id)
        forget_months(month_of(row.received_on) for row in (before, after) if row is not None)


# --- Signal handlers (connected in InquiriesConfig.ready) ----------------------------------------


def case_saving(sender, instance: Inquiry, **kwargs) -> None:
    """pre_save / pre_delete of a case."""
    before_change(instance.pk)


def case_saved(sender, instance: Inquiry, created: bool = False, **kwargs) -> None:
    """post_save / post_delete of a case; a new case counted nowhere before."""
    if created:
        _latest()[instance.pk] = None
    after_change(instance.pk)


def related_saving(sender, instance, **kwargs) -> None:
    """pre_save / pre_delete of a referral or a rating."""
    before_change(instance.inquiry_id)


def related_saved(sender, instance, **kwargs) -> None:
    """post_save / post_delete of a referral or a rating."""
    after_change(instance.inquiry_id)


def calendar_changed(sender, instance, **kwargs) -> None:
    """A working-day override changed handling times: forget the months that may hold a case
    received on or before that day and closed on or after it."""
    day = instance.date
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    first = Inquiry.objects.filter(received_at__lt=end, closed_at__gte=start).aggregate(
        first=Min("received_at")
    )["first"]
    if first is None:
        return
    months = StatisticsMonth.objects.filter(
        month__gte=month_of(timezone.localdate(first)), month__lte=month_of(day)
    ).values_list("month", flat=True)
    transaction.on_commit(lambda months=list(months): forget_months(months))
