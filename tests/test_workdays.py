"""Working days on China's official calendar: 调休 weekends, holidays, unknown years, warnings."""

import datetime

import pytest
from django.utils import translation

from inquiries.calendar_status import calendar_warnings
from inquiries.models import CalendarOverride
from inquiries.workdays import WorkCalendar, deadline_state, library_known_years, work_calendar

D = datetime.date
LIBRARY = WorkCalendar(overrides={})

# Years the tests take to be unknown to the holidays library: far enough ahead that it will
# not publish them for a long while. The test below says so loudly if that changes.
UNKNOWN_YEARS = (2030, 2031, 2032)


def test_the_years_these_tests_take_as_unknown_are_not_in_the_library():
    assert 2026 in library_known_years()
    assert not set(UNKNOWN_YEARS) & library_known_years()


@pytest.mark.parametrize(
    ("day", "working"),
    [
        # National Day 2026: 1–7 October off; Sunday 20 September and Saturday 10 October work.
        (D(2026, 9, 20), True),
        (D(2026, 9, 30), True),
        *[(D(2026, 10, day), False) for day in range(1, 8)],
        (D(2026, 10, 8), True),
        (D(2026, 10, 10), True),
        (D(2026, 10, 11), False),
        # Spring Festival 2026: 15–23 February off; Saturdays 14 and 28 February work.
        (D(2026, 2, 13), True),
        (D(2026, 2, 14), True),
        *[(D(2026, 2, day), False) for day in range(15, 24)],
        (D(2026, 2, 24), True),
        (D(2026, 2, 28), True),
        # New Year 2026: 1–3 January off; Sunday 4 January works.
        (D(2026, 1, 1), False),
        (D(2026, 1, 2), False),
        (D(2026, 1, 3), False),
        (D(2026, 1, 4), True),
        # An ordinary week.
        (D(2026, 11, 27), True),
        (D(2026, 11, 28), False),
        (D(2026, 11, 29), False),
    ],
)
def test_official_calendar_days(day, working):
    assert LIBRARY.is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # Across National Day, with the 调休 Saturday 10 October counted.
        (D(2026, 9, 30), 5, D(2026, 10, 13)),
        (D(2026, 9, 30), 1, D(2026, 10, 8)),
        (D(2026, 9, 30), 3, D(2026, 10, 10)),
        # Across the Spring Festival: Saturday 14 February works, then nothing until the 24th.
        (D(2026, 2, 13), 1, D(2026, 2, 14)),
        (D(2026, 2, 13), 2, D(2026, 2, 24)),
        (D(2026, 2, 13), 5, D(2026, 2, 27)),
        (D(2026, 2, 13), 6, D(2026, 2, 28)),
        # Across New Year: Sunday 4 January 2026 works.
        (D(2025, 12, 31), 1, D(2026, 1, 4)),
        (D(2025, 12, 31), 2, D(2026, 1, 5)),
        # Zero days is the day itself; an ordinary weekend is skipped.
        (D(2026, 11, 27), 0, D(2026, 11, 27)),
        (D(2026, 11, 27), 1, D(2026, 11, 30)),
        (D(2026, 11, 23), 15, D(2026, 12, 14)),
    ],
)
def test_add_working_days(start, days, expected):
    assert LIBRARY.add_working_days(start, days) == expected


def test_add_working_days_refuses_a_negative_count():
    with pytest.raises(ValueError):
        LIBRARY.add_working_days(D(2026, 11, 27), -1)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2026, 9, 30), D(2026, 10, 13), 5),
        (D(2026, 10, 1), D(2026, 10, 7), 0),
        (D(2026, 2, 13), D(2026, 2, 28), 6),
        (D(2026, 11, 27), D(2026, 11, 27), 0),
        (D(2026, 11, 27), D(2026, 11, 30), 1),
    ],
)
def test_working_days_between_counts_after_start_up_to_end_and_is_antisymmetric(
    start, end, expected
):
    assert LIBRARY.working_days_between(start, end) == expected
    assert LIBRARY.working_days_between(end, start) == -expected


@pytest.mark.parametrize(
    ("deadline", "today", "left", "overdue_by"),
    [
        # Three left: Saturday 10 October (调休) counts, Sunday 11 does not.
        (D(2026, 10, 13), D(2026, 10, 9), 3, 0),
        # During the holiday week nothing is used up.
        (D(2026, 10, 13), D(2026, 10, 2), 5, 0),
        (D(2026, 10, 13), D(2026, 10, 13), 0, 0),
        # Friday's deadline: overdue by one on Saturday, still one on Monday, two on Tuesday.
        (D(2026, 11, 20), D(2026, 11, 21), -1, 1),
        (D(2026, 11, 20), D(2026, 11, 23), -1, 1),
        (D(2026, 11, 20), D(2026, 11, 24), -2, 2),
        # Past a deadline just before National Day, the holiday week does not add up.
        (D(2026, 9, 30), D(2026, 10, 8), -1, 1),
    ],
)
def test_deadline_state(deadline, today, left, overdue_by):
    state = deadline_state(LIBRARY, deadline=deadline, today=today)

    assert state.working_days_left == left
    assert state.overdue_by == overdue_by
    assert state.is_overdue is (overdue_by > 0)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2031, 1, 1), True),  # New Year's Day is a Wednesday; unknown, so it counts
        (D(2031, 1, 4), False),
        (D(2031, 1, 5), False),
        (D(2031, 10, 1), True),
    ],
)
def test_a_year_the_library_does_not_know_counts_monday_to_friday(day, working):
    assert not LIBRARY.is_known_year(2031)
    assert LIBRARY.is_working_day(day) is working


def test_add_working_days_in_an_unknown_year_skips_weekends_only():
    assert LIBRARY.add_working_days(D(2031, 1, 3), 1) == D(2031, 1, 6)
    assert LIBRARY.add_working_days(D(2030, 12, 31), 1) == D(2031, 1, 1)


@pytest.mark.django_db
def test_calendar_overrides_make_an_unknown_year_known_and_count():
    CalendarOverride.objects.create(date=D(2031, 1, 1), is_working_day=False, name="元旦")
    CalendarOverride.objects.create(date=D(2031, 1, 4), is_working_day=True, name="元旦调休")

    calendar = work_calendar()

    assert calendar.is_known_year(2031)
    assert not calendar.is_known_year(2032)
    assert calendar.is_working_day(D(2031, 1, 1)) is False
    assert calendar.is_working_day(D(2031, 1, 4)) is True
    assert calendar.add_working_days(D(2030, 12, 31), 1) == D(2031, 1, 2)
    assert calendar.add_working_days(D(2031, 1, 3), 1) == D(2031, 1, 4)


@pytest.mark.django_db
def test_an_override_wins_over_the_library():
    CalendarOverride.objects.create(date=D(2026, 10, 10), is_working_day=False, name="更正")

    assert work_calendar().is_working_day(D(2026, 10, 10)) is False


def _known(*years: int) -> WorkCalendar:
    """A calendar that knows `years` through one override each."""
    return WorkCalendar(overrides={D(year, 1, 1): False for year in years})


@pytest.mark.parametrize(
    ("today", "calendar", "warned_years"),
    [
        # In October only this year matters; from 1 November the next one too.
        (D(2030, 10, 31), _known(2030), []),
        (D(2030, 11, 1), _known(2030), [2031]),
        (D(2030, 12, 31), _known(2030), [2031]),
        # Both years known: no warning.
        (D(2030, 11, 1), _known(2030, 2031), []),
        # Neither known: both, this year first.
        (D(2030, 11, 15), _known(), [2030, 2031]),
        # Early in an unknown year: that year, not the next.
        (D(2031, 3, 1), _known(), [2031]),
        # A year the library knows needs nothing.
        (D(2026, 6, 1), _known(), []),
    ],
)
def test_calendar_warnings_name_each_unknown_year_that_matters_now(today, calendar, warned_years):
    with translation.override("en"):
        warnings = calendar_warnings(today=today, calendar=calendar)

    assert len(warnings) == len(warned_years)
    for warning, year in zip(warnings, warned_years, strict=True):
        assert f"schedule for {year} is not known yet" in warning
        assert "Monday to Friday" in warning
