"""The warning that a year's official holiday schedule is missing, and entering it as overrides.

Deadlines in a year nobody entered count Monday to Friday; the people who can enter the year
(administrators) see that on the admin index and on their home page until they do.
"""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from inquiries.models import CalendarOverride
from inquiries.workdays import library_known_years
from tests.case_helpers import at
from tests.factories import StaffProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

# Mid-November 2030: neither 2030 nor 2031 is in the holidays library (checked below), so
# both are warned about until someone enters them.
NOVEMBER_2030 = at(2030, 11, 15)
WARNING_2030 = "The official holiday schedule for 2030 is not known yet"
WARNING_2031 = "The official holiday schedule for 2031 is not known yet"


@pytest.fixture(autouse=True)
def mid_november_2030():
    assert not {2030, 2031} & library_known_years()
    with time_machine.travel(NOVEMBER_2030, tick=False):
        yield


@pytest.fixture
def administrator():
    user = UserFactory(roles=["administrator"], is_staff=True)
    StaffProfileFactory(user=user)
    return user


def _english(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _enter_year(year: int) -> None:
    CalendarOverride.objects.create(date=datetime.date(year, 1, 1), is_working_day=False)


def test_the_admin_index_warns_of_each_missing_year_and_links_to_the_overrides(
    client, administrator
):
    html = _english(client, administrator).get(reverse("admin:index")).content.decode()

    assert WARNING_2030 in html
    assert WARNING_2031 in html
    assert reverse("admin:inquiries_calendaroverride_changelist") in html


def test_the_warning_for_a_year_goes_once_it_is_entered(client, administrator):
    _enter_year(2030)

    html = _english(client, administrator).get(reverse("admin:index")).content.decode()

    assert WARNING_2030 not in html
    assert WARNING_2031 in html


def test_no_warning_once_both_years_are_entered(client, administrator):
    _enter_year(2030)
    _enter_year(2031)

    html = _english(client, administrator).get(reverse("admin:index")).content.decode()

    assert "calendar-warnings" not in html


def test_in_october_only_the_current_year_is_warned_about(client, administrator):
    with time_machine.travel(at(2030, 10, 20), tick=False):
        html = _english(client, administrator).get(reverse("admin:index")).content.decode()

    assert WARNING_2030 in html
    assert WARNING_2031 not in html


def test_staff_who_cannot_enter_overrides_see_no_warning_on_the_admin_index(client):
    handler = UserFactory(roles=["handler"], is_staff=True)

    html = _english(client, handler).get(reverse("admin:index")).content.decode()

    assert "calendar-warnings" not in html


def test_the_home_page_warns_an_administrator(client, administrator):
    html = _english(client, administrator).get(reverse("home")).content.decode()

    assert WARNING_2031 in html
    assert reverse("admin:inquiries_calendaroverride_changelist") in html


def test_the_home_page_of_a_front_desk_user_has_no_calendar_warning(client):
    user = UserFactory(roles=["front_desk"])
    StaffProfileFactory(user=user)

    response = _english(client, user).get(reverse("home"))

    assert response.context["calendar_warnings"] == []
    assert WARNING_2031 not in response.content.decode()


def test_the_overrides_list_shows_the_warning_and_which_years_are_known(client, administrator):
    _enter_year(2031)

    response = _english(client, administrator).get(
        reverse("admin:inquiries_calendaroverride_changelist")
    )

    html = response.content.decode()
    assert WARNING_2030 in html
    assert WARNING_2031 not in html
    year_filter = next(
        spec for spec in response.context["cl"].filter_specs if spec.parameter_name == "year"
    )
    labels = dict(year_filter.lookup_choices)
    assert labels["2031"] == "2031 (official schedule not known)"
    assert labels["2030"] == "2030 (official schedule not known)"


def test_entering_a_holiday_in_the_admin_makes_the_year_known(client, administrator):
    _enter_year(2030)
    _english(client, administrator)

    response = client.post(
        reverse("admin:inquiries_calendaroverride_add"),
        {"date": "2031-01-01", "is_working_day": "", "name": "元旦"},
    )

    assert response.status_code == 302
    override = CalendarOverride.objects.get(date=datetime.date(2031, 1, 1))
    assert override.is_working_day is False
    assert override.history.latest().history_user == administrator
    assert WARNING_2031 not in client.get(reverse("admin:index")).content.decode()


def test_the_overrides_list_shows_the_weekday_of_a_tiaoxiu_saturday(client, administrator):
    CalendarOverride.objects.create(
        date=datetime.date(2031, 1, 4), is_working_day=True, name="元旦调休"
    )

    response = _english(client, administrator).get(
        reverse("admin:inquiries_calendaroverride_changelist")
    )

    assert "Saturday" in response.content.decode()
