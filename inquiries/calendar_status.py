"""Whether the working-day calendar knows the official schedule for the years that matter now.

Deadlines count working days on China's official calendar. For a year whose schedule neither
the holidays library nor an admin's `CalendarOverride` knows, Monday to Friday count and
intake goes on; these warnings tell the admins to enter the year. `calendar_warnings` is pure:
give it today and the calendar.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from inquiries.workdays import WorkCalendar, work_calendar

# The State Council publishes the next year's holiday schedule around November, and cases
# received in late November already have deadlines in the next year.
NEXT_YEAR_WARNING_FROM_MONTH = 11


def calendar_warnings(*, today: datetime.date, calendar: WorkCalendar) -> list[str]:
    """One translated warning per year (this year; from November also the next) not known."""
    years = [today.year]
    if today.month >= NEXT_YEAR_WARNING_FROM_MONTH:
        years.append(today.year + 1)
    return [
        _(
            "The official holiday schedule for %(year)s is not known yet: working days count "
            "Monday to Friday. Enter the holidays and 调休 working days under Calendar overrides."
        )
        % {"year": year}
        for year in calendar.unknown_years(*years)
    ]


# Who is warned: the people who can enter the missing year.
CALENDAR_PERMISSION = "inquiries.change_calendaroverride"


def calendar_warnings_for_user(user) -> list[str]:
    """The warnings for `user` now: none for someone who cannot enter calendar overrides."""
    if not user.is_authenticated or not user.has_perm(CALENDAR_PERMISSION):
        return []
    return calendar_warnings(today=timezone.localdate(), calendar=work_calendar())
