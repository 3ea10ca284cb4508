"""Online letters (网上来信): the public form, the office's queue and picking a letter up."""

import threading

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from inquiries import permissions
from inquiries.forms_letters import CONTENT_MAX_LENGTH
from inquiries.models import Channel, Inquiry, Kind, Notification, Status, TimelineEvent, User
from inquiries.services import InquiryError, public
from inquiries.services.public import inquiry_pick_up, online_letter_submit
from inquiries.views.online_letters import LETTERS_PER_HOUR
from tests.test_case_page import build_organisation

NEW = "/letters/new/"
SENT = "/letters/sent/"


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def org(db):
    return build_organisation()


@pytest.fixture
def en(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def letter(**overrides):
    data = {
        "kind": Kind.COMPLAINT,
        "name": "王建国",
        "phone": "138 1234 5678",
        "email": "wjg@example.cn",
        "address": "某市某区某路1号",
        "subject": "超市销售过期食品",
        "content": "我在某超市买到过期的牛奶，请予查处。",
        "website": "",
    }
    data.update(overrides)
    return data


def submit(**overrides) -> Inquiry:
    data = letter(**overrides)
    data.pop("website")
    return online_letter_submit(remote_addr="203.0.113.5", **data)


def test_urls_are_the_public_ones():
    assert reverse("inquiries:letter_new") == NEW
    assert reverse("inquiries:letter_sent") == SENT


# --- The service -----------------------------------------------------------------------------


def test_submit_puts_an_online_case_in_the_office_queue_and_tells_the_coordinators(org):
    inquiry = submit()
    assert inquiry.channel == Channel.ONLINE
    assert inquiry.status == Status.REGISTERED
    assert inquiry.first_responder is None and inquiry.current_holder is None
    assert inquiry.receiving_department == org.office
    assert inquiry.handling_department == org.office
    assert inquiry.requester_phone == "13812345678"
    assert inquiry.deadline > inquiry.received_at.date()
    event = inquiry.events.get()
    assert event.kind == TimelineEvent.Kind.REGISTERED and event.is_public
    assert event.data == {"department": "办公室", "channel": "online"}
    notification = Notification.objects.get(recipient=org.coordinator)
    assert notification.kind == Notification.Kind.COORDINATION
    assert notification.event_key == f"online:{inquiry.pk}"
    assert not Notification.objects.exclude(recipient=org.coordinator).exists()


def test_submit_refuses_other_kinds_and_bad_phones(org):
    with pytest.raises(InquiryError):
        submit(kind=Kind.SERVICE)
    with pytest.raises(InquiryError) as caught:
        submit(phone="12345678901")
    assert caught.value.code == "invalid_phone"
    assert not Inquiry.objects.exists()


def test_submit_without_an_office_is_refused(org):
    org.office.is_active = False
    org.office.save()
    with pytest.raises(InquiryError) as caught:
        submit()
    assert caught.value.code == "no_office"


def test_pick_up_makes_the_first_to_touch_it_its_first_responder(org):
    inquiry = submit()
    picked = inquiry_pick_up(inquiry=inquiry, by=org.coordinator)
    assert picked.first_responder == org.coordinator
    assert picked.current_holder == org.coordinator
    assert picked.receiving_department == org.office
    assert picked.events.filter(kind=TimelineEvent.Kind.PICKED_UP).get().data == {
        "by": org.coordinator.get_full_name()
    }
    with pytest.raises(InquiryError) as caught:
        inquiry_pick_up(inquiry=inquiry, by=org.leader)
    assert caught.value.code == "already_picked"
    assert org.coordinator.get_full_name() in caught.value.message
    inquiry.refresh_from_db()
    assert inquiry.first_responder == org.coordinator


# --- Permissions and the case page -------------------------------------------------------------


def test_coordinators_see_and_may_pick_up_unpicked_letters_others_do_not(org, en):
    inquiry = submit()
    assert permissions.PICK_UP in permissions.inquiry_actions(org.coordinator, inquiry)
    assert permissions.PICK_UP not in permissions.inquiry_actions(org.outsider, inquiry)
    url = reverse("inquiries:case_detail", args=[inquiry.number])
    en.force_login(org.coordinator)
    response = en.get(url)
    assert response.status_code == 200
    assert "Pick up (become first responder)" in response.text
    en.force_login(org.outsider)
    assert en.get(url).status_code == 404
    assert en.post(reverse("inquiries:case_pick_up", args=[inquiry.number])).status_code == 404


def test_pick_up_view_and_a_second_pick_up(org, en):
    inquiry = submit()
    url = reverse("inquiries:case_pick_up", args=[inquiry.number])
    en.force_login(org.coordinator)
    response = en.post(url, {"version": inquiry.version}, follow=True)
    assert response.status_code == 200
    assert "You picked up the letter" in response.text
    inquiry.refresh_from_db()
    assert inquiry.first_responder == org.coordinator
    assert inquiry.current_holder == org.coordinator
    # The page no longer offers it; a stale second press is refused with a message.
    assert permissions.PICK_UP not in permissions.inquiry_actions(org.coordinator, inquiry)
    response = en.post(url, {"version": inquiry.version})
    assert response.status_code == 403
    assert inquiry.first_responder == org.coordinator


def test_pick_up_lost_to_someone_faster_shows_who_won(org, en, monkeypatch):
    inquiry = submit()
    second = User.objects.get(pk=org.leader.pk)
    en.force_login(org.coordinator)
    real = public.inquiry_pick_up

    def someone_was_faster(*, inquiry, by):
        real(inquiry=inquiry, by=second)
        return real(inquiry=inquiry, by=by)

    monkeypatch.setattr(public, "inquiry_pick_up", someone_was_faster)
    url = reverse("inquiries:case_pick_up", args=[inquiry.number])
    response = en.post(url, {"version": inquiry.version})
    assert response.status_code in {400, 403}
    assert "already picked up by" in response.text
    assert second.get_full_name() in response.text


# --- The public form -----------------------------------------------------------------------------


def test_form_renders_without_login(org, en):
    response = en.get(NEW)
    assert response.status_code == 200
    assert 'name="website"' in response.text
    assert "csrfmiddlewaretoken" in response.text


def test_good_letter_redirects_to_sent_page_with_number_and_code(org, en):
    response = en.post(NEW, letter())
    assert response.status_code == 302
    assert response["Location"] == SENT
    inquiry = Inquiry.objects.get()
    assert inquiry.channel == Channel.ONLINE and inquiry.first_responder is None
    assert "wjg@example.cn" in inquiry.content
    assert Notification.objects.filter(recipient=org.coordinator, inquiry=inquiry).exists()
    response = en.get(SENT)
    assert response.status_code == 200
    assert inquiry.number in response.text
    assert inquiry.tracking_code in response.text
    assert "/track/" in response.text
    assert response.request["PATH_INFO"] == SENT
    assert not response.request["QUERY_STRING"]


def test_sent_page_without_a_letter_goes_to_the_form(db, client):
    response = client.get(SENT)
    assert response.status_code == 302
    assert response["Location"] == NEW


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "This field is required."),
        ("phone", "", "This field is required."),
        ("subject", "", "This field is required."),
        ("content", "", "This field is required."),
        ("kind", "service", "Select a valid choice."),
        ("phone", "abc", "Enter a phone number of digits"),
        ("email", "not-an-email", "Enter a valid email address."),
        ("content", "长" * (CONTENT_MAX_LENGTH + 1), "Your letter is too long"),
    ],
)
def test_invalid_letters_create_nothing(org, en, field, value, message):
    response = en.post(NEW, letter(**{field: value}))
    assert response.status_code == 400
    assert message in response.text
    assert not Inquiry.objects.exists()


def test_an_oversized_request_is_refused(org, en):
    response = en.post(NEW, letter(content="x" * (CONTENT_MAX_LENGTH * 8)))
    assert response.status_code == 413
    assert "Your letter is too long" in response.text
    assert not Inquiry.objects.exists()


def test_honeypot_looks_received_but_creates_nothing(org, en):
    response = en.post(NEW, letter(website="http://spam.example"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == SENT
    assert not Inquiry.objects.exists()
    assert not Notification.objects.exists()


def test_rate_limit_per_address(org, en):
    for _ in range(LETTERS_PER_HOUR):
        assert en.post(NEW, letter(), REMOTE_ADDR="198.51.100.7").status_code == 302
    response = en.post(NEW, letter(), REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 429
    assert "Too many letters" in response.text
    assert Inquiry.objects.count() == LETTERS_PER_HOUR
    assert en.post(NEW, letter(), REMOTE_ADDR="198.51.100.8").status_code == 302
    assert Inquiry.objects.count() == LETTERS_PER_HOUR + 1


def test_chinese_form(org, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = client.get(NEW)
    assert response.status_code == 200


# --- Two at the same moment --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_pick_ups_at_the_same_moment_one_wins(monkeypatch):
    if connection.vendor == "sqlite":
        monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 30)
    org = build_organisation()
    inquiry = submit()
    start = threading.Barrier(2)
    outcomes = [None, None]

    def run(index, user_pk):
        try:
            start.wait(timeout=30)
            inquiry_pick_up(
                inquiry=Inquiry.objects.get(pk=inquiry.pk), by=User.objects.get(pk=user_pk)
            )
            outcomes[index] = "ok"
        except InquiryError as error:
            outcomes[index] = error.code
        except Exception as error:
            outcomes[index] = repr(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(0, org.coordinator.pk), daemon=True),
        threading.Thread(target=run, args=(1, org.leader.pk), daemon=True),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["already_picked", "ok"], outcomes
    inquiry.refresh_from_db()
    winner = org.coordinator if outcomes[0] == "ok" else org.leader
    assert inquiry.first_responder == winner
    assert inquiry.events.filter(kind=TimelineEvent.Kind.PICKED_UP).count() == 1
