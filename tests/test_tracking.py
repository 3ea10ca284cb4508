"""The public tracking page: lookups, identical "not found" answers, privacy and throttling."""

import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from inquiries import services, throttle
from inquiries.models import CaseFlag
from inquiries.models.cases import FeedbackMethod
from tests.case_helpers import make_bureau, make_person

URL = "/track/"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def case(db):
    _unit, _office, licensing, _complaints = make_bureau()
    clerk = make_person(licensing, title="科员", office_phone="021-55550000")
    inquiry = services.inquiry_register(
        by=clerk,
        channel="visit",
        kind="consultation",
        requester=services.Requester(
            name="王秘密",
            phone="13812345678",
            address="幸福路99号",
            id_number="310101199001011234",
        ),
        subject="咨询营业执照办理",
        content="来人询问个体工商户营业执照如何办理。",
        disclosure_given=True,
    )
    services.inquiry_add_note(inquiry=inquiry, by=clerk, text="内部备注绝密内容")
    services.inquiry_add_note(
        inquiry=inquiry, by=clerk, text="已电话联系，材料齐全。", is_public=True
    )
    CaseFlag.objects.create(
        inquiry=inquiry,
        kind=CaseFlag.Kind.choices[0][0],
        detail="督办标记细节",
        raised_at=inquiry.received_at,
    )
    inquiry.refresh_from_db()
    return inquiry


def main(response) -> str:
    html = response.content.decode()
    return re.search(r"<main.*?</main>", html, re.S).group(0)


def post(client, addr="10.0.0.1", **data):
    return client.post(URL, data, REMOTE_ADDR=addr)


def test_url_is_named():
    assert reverse("inquiries:track") == URL


def test_get_shows_form_only(english, case):
    response = english.get(URL)
    assert response.status_code == 200
    body = main(response)
    assert 'method="post"' in body
    assert "csrfmiddlewaretoken" in body
    assert case.number not in body
    assert "No case matches" not in body


@pytest.mark.parametrize(
    "transform",
    [
        str,
        str.lower,
        lambda c: " ".join(c),
        lambda c: c.lower().translate(
            {ord(ch): ord(ch) + 0xFEE0 for ch in "0123456789abcdefghijklmnopqrstuvwxyz"}
        ),
    ],
)
def test_track_with_code(english, case, transform):
    response = post(english, number=case.number, tracking_code=transform(case.tracking_code))
    assert response.status_code == 200
    body = main(response)
    assert case.number in body
    assert "Registered" in body
    assert "科员" in body
    assert "021-55550000" in body
    assert response.wsgi_request.path == URL
    assert case.number not in response.wsgi_request.get_full_path()


def test_track_with_phone_digits(english, case):
    response = post(english, number=case.number, phone_last4="5678")
    assert response.status_code == 200
    assert case.number in main(response)
    assert "已电话联系" in main(response)


def test_wrong_answers_are_identical(english, case):
    wrong_code = post(english, number=case.number, tracking_code="ABCDEFGHJK")
    wrong_phone = post(english, number=case.number, phone_last4="0000")
    missing = post(english, number="NOPE-0000", tracking_code=case.tracking_code)
    assert wrong_code.status_code == wrong_phone.status_code == missing.status_code == 200
    body = main(wrong_code)
    assert "No case matches" in body
    # The CSRF token differs per response; compare the rest.
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
    assert strip.sub("", body) == strip.sub("", main(wrong_phone)) == strip.sub("", main(missing))
    assert case.number not in body


def test_no_private_or_internal_data(english, case):
    body = main(post(english, number=case.number, tracking_code=case.tracking_code))
    for secret in (
        "王秘密",
        "13812345678",
        "幸福路99号",
        "310101199001011234",
        "内部备注绝密内容",
        "督办标记细节",
        "来人询问",
    ):
        assert secret not in body
    assert "已电话联系，材料齐全。" in body


def test_closed_case_shows_closing_date(english, case):
    services.inquiry_close(
        inquiry=case,
        by=case.first_responder,
        result="已答复",
        feedback_method=FeedbackMethod.choices[0][0],
        feedback_at=case.received_at,
    )
    body = main(post(english, number=case.number, tracking_code=case.tracking_code))
    assert "Closed on" in body


def test_missing_secret_is_a_form_error(english, case):
    response = post(english, number=case.number)
    assert response.status_code == 200
    assert "Enter the tracking code or the last four digits" in main(response)


def test_throttle_locks_address_only(english, case):
    for _ in range(throttle.FAILURES_BEFORE_LOCK):
        assert post(english, number=case.number, tracking_code="WRONGWRONG").status_code == 200
    refused = post(english, number=case.number, tracking_code=case.tracking_code)
    assert refused.status_code == 429
    assert "Too many attempts" in main(refused)
    assert case.number not in main(refused)
    other = post(english, addr="10.0.0.2", number=case.number, tracking_code=case.tracking_code)
    assert other.status_code == 200
    assert case.number in main(other)


def test_success_does_not_reset_failures(case):
    for _ in range(throttle.FAILURES_BEFORE_LOCK - 1):
        throttle.record_failure("10.0.0.9")
    throttle.record_failure("10.0.0.8")
    assert not throttle.is_locked("10.0.0.9")
    throttle.record_failure("10.0.0.9")
    assert throttle.is_locked("10.0.0.9")
    assert not throttle.is_locked("10.0.0.8")


def test_csrf_is_enforced(case):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(URL, {"number": case.number, "tracking_code": case.tracking_code})
    assert response.status_code == 403


def test_receipt_shows_tracking_address(english, case):
    english.force_login(case.first_responder)
    response = english.get(reverse("inquiries:case_receipt", args=[case.number]))
    assert response.status_code == 200
    assert "http://testserver/track/" in response.content.decode()
