"""Keeping the statistics summary (`inquiries.models.statistics`) exact.

- A month is built from its cases the first time the statistics read it (`ensure_months`), so
  a new installation, a restored backup or a generated database needs no extra step.
- After that, whatever changes a case, a referral or a rating marks the case's month and
  department; when the transaction commits, those buckets are recomputed from the cases
  (`refresh_buckets`). The signal handlers below do the marking, so every path that saves
  through the ORM — services, the admin, imports, the demo — keeps the summary right without
  knowing about it. (`QuerySet.update()` on those models sends no signal; nothing in
  firstask updates the statistics' fields that way. Bulk loaders call `rebuild_months`.)
- A change to the working-day calendar changes handling times: the months that may hold a
  case open across the changed day are dropped and built again on their next read.

Recomputing replaces the bucket's rows under a lock on its month (PostgreSQL advisory lock; on
SQLite write transactions already run one at a time), taken after the case's transaction has
committed: whichever of two concurrent recomputes runs second reads both changes.
"""

import datetime
import threading
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Min, Q
from django.utils import timezone

from inquiries.models import (
    Inquiry,
    StatisticsHandlingTime,
    StatisticsMonth,
    StatisticsRow,
)
from inquiries.selectors_statistics import (
    HandlingDays,
    department_q,
    facts_of,
    received_between,
    tallies_by_group,
)
from inquiries.workdays import work_calendar

# pg_advisory_xact_lock(key1, key2) namespace: "FSTS" (statistics), then the month.
LOCK_NAMESPACE = 0x46535453

Bucket = tuple[datetime.date, int | None]  # (first day of the month received, department)


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _month_end(month: datetime.date) -> datetime.date:
    return (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)


def _lock_month(month: datetime.date) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, month.toordinal()]
            )


def _rows_for(month: datetime.date, departments: Iterable[int | None] | None):
    """The summary rows of a month (all of it, or only these departments' buckets)."""
    cases = Inquiry.objects.filter(received_between(month, _month_end(month)))
    if departments is not None:
        departments = set(departments)
        where = department_q(pk for pk in departments if pk is not None)
        if None in departments:
            where |= Q(handling_department__isnull=True, receiving_department__isnull=True)
        cases = cases.filter(where)
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


def _replace(month: datetime.date, departments: set[int | None] | None) -> None:
    rows, days = _rows_for(month, departments)
    where = Q(month=month)
    if departments is not None:
        where &= Q(department_id__in=[pk for pk in departments if pk is not None])
        if None in departments:
            where |= Q(month=month, department__isnull=True)
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
    by_month: dict[datetime.date, set[int | None]] = defaultdict(set)
    for month, department_id in buckets:
        by_month[month].add(department_id)
    for month, departments in sorted(by_month.items(), key=lambda item: item[0]):
        with transaction.atomic():
            _lock_month(month)
            if StatisticsMonth.objects.filter(month=month).exists():
                _replace(month, departments)


# --- Marking what changed -----------------------------------------------------------------------

_pending = threading.local()


def _pending_state() -> tuple[set[Bucket], set[int]]:
    if not hasattr(_pending, "buckets"):
        _pending.buckets, _pending.cases = set(), set()
    return _pending.buckets, _pending.cases


def bucket_of(received_at, handling_department_id, receiving_department_id) -> Bucket | None:
    if received_at is None:
        return None
    return (
        month_of(timezone.localdate(received_at)),
        handling_department_id or receiving_department_id,
    )


def mark_bucket(bucket: Bucket | None) -> None:
    if bucket is not None:
        _pending_state()[0].add(bucket)
        transaction.on_commit(flush_pending)


def mark_case(inquiry_id: int | None) -> None:
    """The case's bucket (as it stands when the transaction commits) needs recomputing."""
    if inquiry_id is not None:
        _pending_state()[1].add(inquiry_id)
        transaction.on_commit(flush_pending)


def flush_pending() -> None:
    """Recompute what was marked. Marks of a rolled-back transaction stay and are recomputed
    with the next commit, which is harmless: recomputing gives the same rows."""
    buckets, cases = _pending_state()
    if not buckets and not cases:
        return
    marked_buckets, marked_cases = set(buckets), set(cases)
    buckets.clear()
    cases.clear()
    for values in Inquiry.objects.filter(pk__in=marked_cases).values_list(
        "received_at", "handling_department_id", "receiving_department_id"
    ):
        marked_buckets.add(bucket_of(*values))
    marked_buckets.discard(None)
    refresh_buckets(marked_buckets)


# --- Signal handlers (connected in InquiriesConfig.ready) ----------------------------------------


def _loaded(inquiry: Inquiry) -> tuple | None:
    fields = inquiry.__dict__
    if "received_at" not in fields:
        return None  # deferred: the case's bucket is looked up when it is saved
    return (
        fields["received_at"],
        fields.get("handling_department_id"),
        fields.get("receiving_department_id"),
    )


def remember_bucket(sender, instance: Inquiry, **kwargs) -> None:
    """post_init: what places the case in its bucket as loaded, so that a case moved to
    another month or department has its old bucket recomputed too."""
    instance._statistics_loaded = _loaded(instance)


def case_saving(sender, instance: Inquiry, **kwargs) -> None:
    """pre_save of a case loaded without its received time: its bucket from the database."""
    if instance.pk is not None and getattr(instance, "_statistics_loaded", None) is None:
        instance._statistics_loaded = (
            Inquiry.objects.filter(pk=instance.pk)
            .values_list("received_at", "handling_department_id", "receiving_department_id")
            .first()
        )


def case_saved(sender, instance: Inquiry, **kwargs) -> None:
    loaded = getattr(instance, "_statistics_loaded", None)
    if loaded is not None:
        mark_bucket(bucket_of(*loaded))
    mark_case(instance.pk)
    instance._statistics_loaded = _loaded(instance)


def case_deleted(sender, instance: Inquiry, **kwargs) -> None:
    loaded = getattr(instance, "_statistics_loaded", None) or _loaded(instance)
    if loaded is not None:
        mark_bucket(bucket_of(*loaded))


def related_saved(sender, instance, **kwargs) -> None:
    """A referral or a rating changed: its case's numbers may have."""
    mark_case(instance.inquiry_id)


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
