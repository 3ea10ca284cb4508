"""Working days on China's official calendar, with 调休 working weekends.

The `holidays` package knows the State Council's schedule for the years it has published
data for; admins add `CalendarOverride` rows for a year it does not know yet (the next year's
schedule is announced around November) or to correct a day. For a year that neither knows,
Monday to Friday count as working days and admins are warned — intake is never blocked.

`WorkCalendar` is a pure value: build it once (`work_calendar()`), then ask it questions.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

import holidays
from holidays.countries.china import ChinaStaticHolidays

# Safety bound for loops over days: no time limit in practice comes near ten years.
_MAX_DAYS_SCANNED = 3660


@cache
def library_known_years() -> frozenset[int]:
    """Years for which the library has the official holiday and 调休 schedule."""
    return frozenset(ChinaStaticHolidays.special_public_holidays)


@cache
def _library_year(year: int) -> tuple[frozenset[datetime.date], frozenset[datetime.date]]:
    """(days off, weekend working days) for one year, from the library."""
    calendar = holidays.China(years=year)
    days_off = frozenset(day for day in calendar if day.year == year)
    workdays = frozenset(day for day in calendar.weekend_workdays if day.year == year)
    return days_off, workdays


@dataclass(frozen=True)
class WorkCalendar:
    overrides: Mapping[datetime.date, bool]
    # Running totals of working days per (year, month), counted once per calendar: lists
    # show the days left (or overdue) of every row, and a case overdue for years spans
    # hundreds of days (counted one by one, 23 ms of a "my cases" page; issue 9).
    _month_counts: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def override_years(self) -> frozenset[int]:
        return frozenset(day.year for day in self.overrides)

    def is_known_year(self, year: int) -> bool:
        return year in library_known_years() or year in self.override_years

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.year in library_known_years():
            days_off, weekend_workdays = _library_year(day.year)
            if day in weekend_workdays:
                return True
            if day in days_off:
                return False
        return day.weekday() < 5

    def add_working_days(self, start: datetime.date, days: int) -> datetime.date:
        """The `days`-th working day after `start` (start itself not counted); 0 gives start."""
        if days < 0:
            raise ValueError("days must not be negative")
        day = start
        counted = 0
        for _step in range(_MAX_DAYS_SCANNED):
            if counted == days:
                return day
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        raise ValueError("time limit too long")

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after `start` up to and including `end`; negative when end < start."""
        if end < start:
            return -self.working_days_between(end, start)
        span = (end - start).days
        if span > _MAX_DAYS_SCANNED:
            raise ValueError("span too long")
        # Each month's working days are counted once and remembered, day by day as running
        # totals, so any stretch costs a lookup per month it spans.
        first = start + datetime.timedelta(days=1)
        if span == 0:
            return 0
        days = self._month_totals(first.year, first.month)
        if (first.year, first.month) == (end.year, end.month):
            return days[end.day] - days[first.day - 1]
        total = days[-1] - days[first.day - 1]
        month = _month_end(first) + datetime.timedelta(days=1)
        while (month.year, month.month) != (end.year, end.month):
            total += self._month_totals(month.year, month.month)[-1]
            month = _month_end(month) + datetime.timedelta(days=1)
        return total + self._month_totals(end.year, end.month)[end.day]

    def _month_totals(self, year: int, month: int) -> tuple[int, ...]:
        """Working days of the month up to and including each day (index 0: none yet)."""
        key = (year, month)
        if key not in self._month_counts:
            totals, count = [0], 0
            day = datetime.date(year, month, 1)
            while day.month == month:
                count += self.is_working_day(day)
                totals.append(count)
                day += datetime.timedelta(days=1)
            self._month_counts[key] = tuple(totals)
        return self._month_counts[key]

    def unknown_years(self, *years: int) -> list[int]:
        return [year for year in years if not self.is_known_year(year)]


def _month_end(day: datetime.date) -> datetime.date:
    """The last day of `day`'s month."""
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


@dataclass(frozen=True)
class DeadlineState:
    """How a deadline stands on a given day, for display: "3 working days left", "overdue by 2"."""

    deadline: datetime.date
    working_days_left: int  # 0 on the deadline day itself; negative once past it

    @property
    def is_overdue(self) -> bool:
        return self.working_days_left < 0

    @property
    def overdue_by(self) -> int:
        return max(0, -self.working_days_left)


def deadline_state(
    calendar: WorkCalendar, *, deadline: datetime.date, today: datetime.date
) -> DeadlineState:
    if today <= deadline:
        return DeadlineState(deadline, calendar.working_days_between(today, deadline))
    # Past the deadline: count the working days since it, so a holiday week does not add up.
    overdue = calendar.working_days_between(deadline, today)
    return DeadlineState(deadline, -max(overdue, 1))


def work_calendar() -> WorkCalendar:
    """The calendar with the admins' overrides, read from the database."""
    from inquiries.models import CalendarOverride

    return WorkCalendar(
        overrides=dict(CalendarOverride.objects.values_list("date", "is_working_day"))
    )
