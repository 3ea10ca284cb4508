"""The notifications page: my own notifications, newest first; opening one marks it read;
"mark all as read"; nobody reads or marks anyone else's."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from inquiries import services
from inquiries.models import Notification
from inquiries.views.inbox import PAGE_SIZE
from tests.factories import DepartmentFactory, StaffProfileFactory, UnitFactory, UserFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOTIFICATIONS = reverse("inquiries:notifications")
MARK_READ = reverse("inquiries:notifications_read")
TODAY = datetime.datetime(2026, 11, 18, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def english_pages(client, settings):
    """Wording is asserted by its English msgid; the Chinese lives in the catalogue."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def people(db):
    department = DepartmentFactory(parent=UnitFactory(), name="行政审批科", code="XZSP")

    def make(username, full_name):
        user = UserFactory(username=username, full_name=full_name, roles=["front_desk", "handler"])
        StaffProfileFactory(user=user, department=department)
        return user

    return {"me": make("wo", "张小青"), "other": make("taren", "李同事")}


@pytest.fixture
def case(people):
    return services.inquiry_register(
        by=people["other"],
        channel="visit",
        kind="consultation",
        requester=services.Requester(name="王大妈", phone="13812345678"),
        subject="咨询营业执照办理",
        content="来人询问个体工商户营业执照如何办理。",
        disclosure_given=True,
    )


def note(user, case, key, *, minutes_ago=0, read=False, kind=Notification.Kind.REFERRAL_ACCEPTED):
    return Notification.objects.create(
        recipient=user,
        kind=kind,
        inquiry=case,
        event_key=key,
        data={"number": case.number if case else "", "by": "李同事"},
        created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
        read_at=timezone.now() if read else None,
    )


def test_my_notifications_are_listed_newest_first_with_their_summary(client, people, case):
    older = note(people["me"], case, "a", minutes_ago=30)
    newer = note(people["me"], case, "b", minutes_ago=5, kind=Notification.Kind.CLOSED)
    client.force_login(people["me"])

    response = client.get(NOTIFICATIONS)

    assert response.status_code == 200
    assert list(response.context["page_obj"].object_list) == [newer, older]
    html = response.content.decode()
    assert f"李同事 closed case {case.number}." in html
    assert html.index(f"李同事 closed case {case.number}.") < html.index(
        f"李同事 accepted case {case.number}."
    )
    assert "2026-11-18 09:55" in html


def test_unread_notifications_are_marked_and_can_be_listed_alone(client, people, case):
    unread = note(people["me"], case, "a")
    note(people["me"], case, "b", read=True)
    client.force_login(people["me"])

    everything = client.get(NOTIFICATIONS)
    only_unread = client.get(NOTIFICATIONS, {"state": "unread"})

    assert {item["value"]: item["count"] for item in everything.context["states"]} == {
        "unread": 1,
        "all": 2,
    }
    assert everything.content.decode().count('<span class="badge">Unread</span>') == 1
    assert list(only_unread.context["page_obj"].object_list) == [unread]


def test_another_users_notifications_are_not_listed(client, people, case):
    note(people["other"], case, "theirs")
    client.force_login(people["me"])

    response = client.get(NOTIFICATIONS)

    assert list(response.context["page_obj"].object_list) == []
    assert "No notifications yet." in response.content.decode()


def test_opening_a_notification_marks_it_read_and_goes_to_the_case(client, people, case):
    mine = note(people["me"], case, "a")
    other = note(people["me"], case, "b")
    client.force_login(people["me"])
    html = client.get(NOTIFICATIONS).content.decode()
    assert f'action="{MARK_READ}"' in html
    assert f'value="{mine.pk}"' in html

    response = client.post(MARK_READ, {"open": mine.pk})

    assert response.status_code == 302
    assert response.url == reverse("inquiries:case_detail", args=[case.number])
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.read_at == timezone.now()
    assert other.read_at is None


def test_opening_another_users_notification_marks_nothing_and_reveals_nothing(client, people, case):
    theirs = note(people["other"], case, "theirs")
    client.force_login(people["me"])

    response = client.post(MARK_READ, {"open": theirs.pk})

    assert response.status_code == 302
    assert response.url == NOTIFICATIONS
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_nonsense_notification_id_goes_back_to_the_list(client, people):
    client.force_login(people["me"])

    response = client.post(MARK_READ, {"open": "abc"})

    assert response.status_code == 302
    assert response.url == NOTIFICATIONS


def test_mark_all_as_read_marks_only_my_notifications(client, people, case):
    mine = [note(people["me"], case, f"m{n}") for n in range(3)]
    theirs = note(people["other"], case, "theirs")
    client.force_login(people["me"])
    assert "Mark all as read" in client.get(NOTIFICATIONS).content.decode()

    response = client.post(MARK_READ)

    assert response.status_code == 302
    assert response.url == NOTIFICATIONS
    assert all(Notification.objects.get(pk=n.pk).read_at for n in mine)
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert "3 notifications marked as read." in client.get(NOTIFICATIONS).content.decode()


def test_marking_given_ids_ignores_another_users(client, people, case):
    mine = note(people["me"], case, "a")
    theirs = note(people["other"], case, "theirs")
    client.force_login(people["me"])

    client.post(MARK_READ, {"id": [mine.pk, theirs.pk]})

    assert Notification.objects.get(pk=mine.pk).read_at is not None
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_the_mark_all_button_is_hidden_when_nothing_is_unread(client, people, case):
    note(people["me"], case, "a", read=True)
    client.force_login(people["me"])

    assert "Mark all as read" not in client.get(NOTIFICATIONS).content.decode()


def test_marking_read_only_answers_post(client, people):
    client.force_login(people["me"])

    assert client.get(MARK_READ).status_code == 405


def test_the_list_is_paginated(client, people, case):
    for n in range(PAGE_SIZE + 1):
        note(people["me"], case, f"n{n}", minutes_ago=n)
    client.force_login(people["me"])

    first = client.get(NOTIFICATIONS)
    second = client.get(NOTIFICATIONS, {"page": 2})

    assert len(first.context["page_obj"].object_list) == PAGE_SIZE
    assert len(second.context["page_obj"].object_list) == 1
    assert "page=2" in first.content.decode()


def test_a_notification_without_a_case_is_shown_without_a_link(client, people):
    lone = note(people["me"], None, "lone")
    client.force_login(people["me"])

    html = client.get(NOTIFICATIONS).content.decode()

    assert f'value="{lone.pk}"' not in html
    assert "accepted case" in html


def test_a_get_with_the_old_read_parameter_marks_nothing(client, people, case):
    mine = note(people["me"], case, "a")
    client.force_login(people["me"])

    response = client.get(NOTIFICATIONS, {"read": mine.pk})

    assert response.status_code == 200
    mine.refresh_from_db()
    assert mine.read_at is None


@pytest.mark.parametrize("url", [NOTIFICATIONS, f"{NOTIFICATIONS}?read=1"])
def test_anonymous_visitors_are_sent_to_login(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_anonymous_mark_read_is_sent_to_login(client, db):
    response = client.post(MARK_READ)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# Everyone opens this from the header link: a fixed handful of queries however many there are.
# session, user, 2 × permissions (navigation), tab counts, paginator count, the page, the
# header counts
NOTIFICATION_QUERIES = 8


@pytest.mark.parametrize("count", [3, 20])
def test_the_list_query_count_does_not_grow(client, people, case, django_assert_num_queries, count):
    for n in range(count):
        note(people["me"], case, f"n{n}", minutes_ago=n)
    client.force_login(people["me"])

    with django_assert_num_queries(NOTIFICATION_QUERIES):
        response = client.get(NOTIFICATIONS)

    assert len(response.context["page_obj"].object_list) == count


def accountability_note(user, *, url, text="Violation %(number)s is under investigation."):
    return services.notify(
        recipients=[user],
        kind=Notification.Kind.ACCOUNTABILITY,
        inquiry=None,
        event_key=f"violation:1:{url}",
        data={"text": text, "params": {"number": "WJ2026-0001"}, "url": url},
    )[0]


def test_an_accountability_notification_reads_from_its_data_and_opens_its_page(client, people):
    notification = accountability_note(people["me"], url="/accountability/violations/1/")
    client.force_login(people["me"])

    page = client.get(NOTIFICATIONS)
    assert "Violation WJ2026-0001 is under investigation." in page.content.decode()

    opened = client.post(MARK_READ, {"open": notification.pk})
    assert opened.status_code == 302
    assert opened.url == "/accountability/violations/1/"
    notification.refresh_from_db()
    assert notification.read_at is not None


@pytest.mark.parametrize("url", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_an_accountability_notification_never_leads_off_the_site(client, people, url):
    notification = accountability_note(people["me"], url=url)
    client.force_login(people["me"])

    opened = client.post(MARK_READ, {"open": notification.pk})

    assert opened.url == NOTIFICATIONS


def test_an_accountability_sentence_missing_a_value_still_reads(people):
    notification = accountability_note(people["me"], url="/x/", text="%(missing)s happened")

    assert notification.summary == "%(missing)s happened"
