"""好差评: a closed case is rated once; a low rating opens a rectification (整改) for the head."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from inquiries import services
from inquiries.models import (
    CasePolicy,
    FeedbackMethod,
    Notification,
    Rating,
    Rectification,
    Status,
    TimelineEvent,
)
from inquiries.services import InquiryError
from inquiries.workdays import work_calendar
from tests.test_case_page import SHANGHAI, build_organisation, english_client, register_case

# A Monday just before the National Day holiday: the due date crosses it.
RATED_AT = datetime.datetime(2026, 9, 28, 10, 0, tzinfo=SHANGHAI)
TRACK = reverse("inquiries:track")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(RATED_AT, tick=False):
        yield


@pytest.fixture
def org(db):
    return build_organisation()


def closed_case(org):
    inquiry = register_case(org)
    services.inquiry_close(
        inquiry=inquiry, by=org.clerk, result="已解答", feedback_method=FeedbackMethod.ON_THE_SPOT
    )
    inquiry.refresh_from_db()
    return inquiry


def rate(inquiry, level, **kwargs):
    kwargs.setdefault("source", Rating.Source.TRACKING_PAGE)
    return services.rating_submit(inquiry=inquiry, level=level, **kwargs)


def test_a_case_is_rated_once_and_the_rating_never_changes(org):
    inquiry = closed_case(org)
    rate(inquiry, Rating.Level.VERY_SATISFIED, comment="态度很好")

    with pytest.raises(InquiryError) as error:
        rate(inquiry, Rating.Level.VERY_DISSATISFIED, comment="改主意了")
    with pytest.raises(InquiryError):
        rate(
            inquiry,
            Rating.Level.DISSATISFIED,
            source=Rating.Source.PHONE,
            recorded_by=org.clerk,
        )

    assert error.value.code == "already_rated"
    rating = Rating.objects.get(inquiry=inquiry)
    assert rating.level == Rating.Level.VERY_SATISFIED
    assert rating.comment == "态度很好"
    assert rating.recorded_by is None
    assert rating.history.count() == 1
    assert not Rectification.objects.exists()


def test_an_open_case_cannot_be_rated(org):
    inquiry = register_case(org)

    with pytest.raises(InquiryError) as error:
        rate(inquiry, Rating.Level.SATISFIED)

    assert error.value.code == "not_closed"
    assert not Rating.objects.exists()


def test_a_low_rating_opens_a_rectification_for_the_department_head(org):
    inquiry = closed_case(org)

    rating = rate(inquiry, Rating.Level.DISSATISFIED, comment="等了太久")

    rectification = Rectification.objects.get(rating=rating)
    department = inquiry.handling_department or inquiry.receiving_department
    assert rectification.department == department
    assert rectification.assigned_to == org.head
    assert CasePolicy.current().rectification_days == 15
    assert rectification.due == work_calendar().add_working_days(RATED_AT.date(), 15)
    assert rectification.due > RATED_AT.date() + datetime.timedelta(days=21)  # National Day
    notification = Notification.objects.get(event_key=f"rectification:{rectification.pk}")
    assert notification.recipient == org.head
    assert notification.kind == Notification.Kind.RECTIFICATION
    assert notification.inquiry == inquiry


def test_the_timeline_says_a_rating_arrived_without_naming_the_rater(org):
    inquiry = closed_case(org)

    rate(inquiry, Rating.Level.SATISFIED, source=Rating.Source.PAPER, recorded_by=org.clerk)

    event = inquiry.events.filter(kind=TimelineEvent.Kind.NOTE).get()
    assert event.is_public is False
    assert event.actor is None
    assert event.message == ""


@pytest.mark.parametrize(
    "level",
    [Rating.Level.FAIRLY_SATISFIED, Rating.Level.SATISFIED, Rating.Level.VERY_SATISFIED],
)
def test_a_fair_or_good_rating_opens_no_rectification(org, level):
    rate(closed_case(org), level)

    assert not Rectification.objects.exists()
    assert not Notification.objects.filter(event_key__startswith="rectification:").exists()


def test_staff_record_a_rating_given_by_phone_and_must_say_who_they_are(org):
    inquiry = closed_case(org)

    with pytest.raises(InquiryError) as error:
        rate(inquiry, Rating.Level.SATISFIED, source=Rating.Source.PHONE)
    rating = rate(
        inquiry, Rating.Level.VERY_DISSATISFIED, source=Rating.Source.PHONE, recorded_by=org.clerk
    )

    assert error.value.code == "recorder_required"
    assert rating.recorded_by == org.clerk
    assert rating.by_staff
    assert Rectification.objects.filter(rating=rating).exists()


def test_the_head_records_the_call_back_and_reopens_the_case(org):
    inquiry = closed_case(org)
    rating = rate(inquiry, Rating.Level.VERY_DISSATISFIED)
    rectification = rating.rectification

    with pytest.raises(InquiryError) as error:
        services.rectification_record(
            rectification=rectification,
            by=org.outsider,
            called_back_at=timezone.now(),
            action_taken="x",
            report_note="y",
        )
    assert error.value.code == "forbidden"

    services.rectification_record(
        rectification=rectification,
        by=org.head,
        called_back_at=timezone.now(),
        action_taken="回访后发现答复不完整，重新办理",
        report_note="已电话告知来访人将重新办理",
        reopen=True,
    )

    rectification.refresh_from_db()
    inquiry.refresh_from_db()
    assert rectification.closed
    assert rectification.reported_back_at is not None
    assert inquiry.status == Status.REOPENED
    assert inquiry.events.filter(
        to_status=Status.REOPENED, message="回访后发现答复不完整，重新办理"
    ).exists()
    # The rating itself stays as given.
    assert Rating.objects.get(pk=rating.pk).level == Rating.Level.VERY_DISSATISFIED


def track(client, inquiry, **extra):
    data = {"number": inquiry.number, "tracking_code": inquiry.tracking_code} | extra
    return client.post(TRACK, data)


def test_the_requester_rates_a_closed_case_once_on_the_tracking_page(client, org):
    english = english_client(client)
    inquiry = closed_case(org)

    first = track(english, inquiry)
    assert 'name="level"' in first.content.decode()

    rated = track(english, inquiry, level=Rating.Level.DISSATISFIED, comment="等了太久")
    body = rated.content.decode()
    assert "Thank you" in body
    assert "Dissatisfied" in body
    assert 'name="level"' not in body

    again = track(english, inquiry, level=Rating.Level.VERY_SATISFIED)
    assert "already been rated" in again.content.decode()
    rating = Rating.objects.get(inquiry=inquiry)
    assert rating.level == Rating.Level.DISSATISFIED
    assert rating.source == Rating.Source.TRACKING_PAGE
    assert rating.recorded_by is None
    assert Rectification.objects.filter(rating=rating).count() == 1


def test_a_rating_with_the_wrong_secret_is_refused_and_counted(client, org):
    inquiry = closed_case(org)

    response = client.post(
        TRACK,
        {"number": inquiry.number, "tracking_code": "WRONGWRONG", "level": 1},
    )

    assert response.status_code == 200
    assert not Rating.objects.exists()


def test_an_open_case_shows_no_rating_form(client, org):
    inquiry = register_case(org)

    response = track(english_client(client), inquiry, level=Rating.Level.SATISFIED)

    assert 'name="level"' not in response.content.decode()
    assert not Rating.objects.exists()


# --- Staff: a rating given by phone or on paper, and the rectification panel -----------------


def case_url(name, inquiry):
    return reverse(f"inquiries:{name}", args=[inquiry.number])


def test_staff_record_a_rating_given_by_phone_on_the_case_page(client, org):
    inquiry = closed_case(org)
    client.force_login(org.clerk)
    english = english_client(client)
    assert (
        "Record a rating given by phone or on paper"
        in english.get(case_url("case_detail", inquiry)).content.decode()
    )

    response = english.post(
        case_url("case_record_rating", inquiry),
        {"version": inquiry.version, "level": 2, "source": "paper", "comment": "太慢"},
    )

    assert response.status_code == 302
    rating = Rating.objects.get(inquiry=inquiry)
    assert rating.recorded_by == org.clerk
    assert rating.source == Rating.Source.PAPER
    page = english.get(case_url("case_detail", inquiry)).content.decode()
    assert "recorded by staff" in page
    assert "Record a rating given by phone or on paper" not in page

    again = english.post(
        case_url("case_record_rating", inquiry),
        {"version": inquiry.version, "level": 5, "source": "phone"},
    )
    assert again.status_code == 403
    assert Rating.objects.get(inquiry=inquiry).level == Rating.Level.DISSATISFIED


def test_the_head_reopens_the_case_from_the_rectification_panel(client, org):
    inquiry = closed_case(org)
    rate(inquiry, Rating.Level.VERY_DISSATISFIED)
    client.force_login(org.head)
    english = english_client(client)
    page = english.get(case_url("case_detail", inquiry)).content.decode()
    assert "Rectification of a low rating" in page
    assert 'name="reopen"' in page

    response = english.post(
        case_url("case_rectification", inquiry),
        {
            "version": inquiry.version,
            "called_back_at": "2026-09-28T11:00",
            "action_taken": "答复不完整，重新办理",
            "report_note": "已告知来访人",
            "reopen": "on",
        },
    )

    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.status == Status.REOPENED
    assert Rectification.objects.get(inquiry=inquiry).closed


def test_the_clerk_has_no_rectification_panel(client, org):
    inquiry = closed_case(org)
    rate(inquiry, Rating.Level.VERY_DISSATISFIED)
    client.force_login(org.clerk)

    response = english_client(client).post(
        case_url("case_rectification", inquiry),
        {
            "version": inquiry.version,
            "called_back_at": "2026-09-28T11:00",
            "action_taken": "x",
            "report_note": "y",
        },
    )

    assert response.status_code == 403
    assert not Rectification.objects.get(inquiry=inquiry).closed


# --- The head's notification: facts stored, words chosen when read ---------------------------


def test_the_rectification_notification_stores_facts_not_words(org):
    inquiry = closed_case(org)

    rating = rate(inquiry, Rating.Level.VERY_DISSATISFIED, comment="没人理我")

    notification = Notification.objects.get(recipient=org.head)
    assert notification.kind == Notification.Kind.RECTIFICATION
    assert notification.data == {
        "number": inquiry.number,
        "subject": inquiry.subject,
        "level": Rating.Level.VERY_DISSATISFIED,
        "due": rating.rectification.due.isoformat(),
    }
    # Neither the rater's words nor a sentence in the writer's language is kept.
    assert "没人理我" not in str(notification.data)


def test_the_rectification_notification_reads_in_the_readers_language(org):
    inquiry = closed_case(org)
    rating = rate(inquiry, Rating.Level.DISSATISFIED)
    notification = Notification.objects.get(recipient=org.head)

    with translation.override("en"):
        due = date_format(rating.rectification.due, "DATE_FORMAT")
        summary = notification.summary

    assert summary == (
        f"Case {inquiry.number} was rated “Dissatisfied”: call the requester back and "
        f"rectify by {due}."
    )
    assert "Low rating" not in summary


def test_the_head_sees_the_rectification_among_their_notifications(client, org):
    inquiry = closed_case(org)
    rating = rate(inquiry, Rating.Level.VERY_DISSATISFIED)
    client.force_login(org.head)

    page = english_client(client).get(reverse("inquiries:notifications")).content.decode()

    with translation.override("en"):
        due = date_format(rating.rectification.due, "DATE_FORMAT")
    assert f"Case {inquiry.number} was rated “Very dissatisfied”" in page
    assert due in page
