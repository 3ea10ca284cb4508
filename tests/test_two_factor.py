"""Two-factor sign-in (TOTP) for administrators and discipline staff."""

import datetime
import time
from base64 import b32decode

import pytest
import time_machine
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-firstask-2026"
START = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)


def code_for(device, *, steps_ahead=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def code_from_page(page):
    """The code an authenticator app shows for the secret printed on the set-up page."""
    totp = TOTP(b32decode(page.context["secret"].replace(" ", "")))
    totp.time = time.time()
    return f"{totp.token():06d}"


def sign_in(client, username="guanliyuan"):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def administrator():
    return UserFactory(username="guanliyuan", roles=["administrator"], is_staff=True)


@pytest.fixture
def device(administrator):
    return TOTPDevice.objects.create(user=administrator, name="phone", confirmed=True)


def test_an_administrator_turns_two_factor_on_with_a_code_from_the_shown_secret(
    english, administrator
):
    english.force_login(administrator)
    page = english.get(reverse("two_factor_setup"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html  # the QR code, drawn on the server
    assert not TOTPDevice.objects.filter(user=administrator).exists()  # nothing until confirmed
    secret = page.context["secret"].replace(" ", "")
    assert page.context["secret"] in html

    response = english.post(reverse("two_factor_setup"), {"code": code_from_page(page)})
    assert response.status_code == 302
    device = TOTPDevice.objects.get(user=administrator)
    assert device.confirmed
    assert device.bin_key == b32decode(secret)
    # The session that set it up counts as verified: no code asked for straight away.
    assert english.get(reverse("home")).status_code == 200
    entry = LogEntry.objects.get(object_id=str(administrator.pk))
    assert "turned on" in entry.change_message


def test_reloading_the_set_up_page_keeps_the_same_secret(client, administrator):
    client.force_login(administrator)
    first = client.get(reverse("two_factor_setup")).context["secret"]
    second = client.get(reverse("two_factor_setup")).context["secret"]
    assert first == second
    assert not TOTPDevice.objects.filter(user=administrator).exists()


def test_a_wrong_code_does_not_turn_two_factor_on(english, administrator):
    english.force_login(administrator)
    english.get(reverse("two_factor_setup"))
    response = english.post(reverse("two_factor_setup"), {"code": "000000"})
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=administrator, confirmed=True).exists()


def test_with_a_device_signing_in_needs_the_code_before_any_page(english, device):
    response = sign_in(english)
    assert response.status_code == 302
    home = english.get(reverse("home"))
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("two_factor_verify"))
    # The admin is held back too.
    admin = english.get("/admin/")
    assert admin["Location"].startswith(reverse("two_factor_verify"))

    response = english.post(
        reverse("two_factor_verify"), {"code": code_for(device), "next": "/admin/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert english.get("/admin/").status_code == 200
    assert english.get(reverse("home")).status_code == 200


def test_a_wrong_code_is_refused_with_a_message(english, device):
    sign_in(english)
    response = english.post(reverse("two_factor_verify"), {"code": "123456"})
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert english.get(reverse("home")).status_code == 302


def test_the_wrong_code_message_is_chinese_by_default(client, device):
    sign_in(client)
    response = client.post(reverse("two_factor_verify"), {"code": "123456"})
    assert "验证码" in response.content.decode()


def test_wrong_codes_in_a_row_lock_the_code_step_for_fifteen_minutes(english, device):
    sign_in(english)
    moment = START
    for n in range(5):
        # Wait out django-otp's own doubling delay (1, 2, 4, 8 s) between tries.
        moment += datetime.timedelta(seconds=2**n + 1)
        with time_machine.travel(moment, tick=False):
            english.post(reverse("two_factor_verify"), {"code": "000000"})
    device.refresh_from_db()
    assert device.throttling_failure_count == 5
    moment += datetime.timedelta(minutes=1)
    with time_machine.travel(moment, tick=False):
        response = english.post(reverse("two_factor_verify"), {"code": code_for(device)})
    assert response.status_code == 400
    assert "Too many wrong codes" in response.content.decode()
    moment += datetime.timedelta(minutes=15)
    with time_machine.travel(moment, tick=False):
        response = english.post(reverse("two_factor_verify"), {"code": code_for(device)})
    assert response.status_code == 302


def test_a_second_try_straight_after_a_wrong_code_must_wait(english, device):
    sign_in(english)
    with time_machine.travel(START, tick=False):
        english.post(reverse("two_factor_verify"), {"code": "000000"})
    with time_machine.travel(START + datetime.timedelta(milliseconds=500), tick=False):
        response = english.post(reverse("two_factor_verify"), {"code": code_for(device)})
    assert response.status_code == 400
    assert "Wait 1 second and try again" in response.content.decode()


def test_turning_two_factor_off_needs_the_password(english, device, administrator):
    sign_in(english)
    english.post(reverse("two_factor_verify"), {"code": code_for(device)})
    response = english.post(reverse("two_factor_setup"), {"password": "not-my-password"})
    assert response.status_code == 400
    assert TOTPDevice.objects.filter(pk=device.pk).exists()

    response = english.post(reverse("two_factor_setup"), {"password": PASSWORD})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=administrator).exists()
    assert "turned off" in LogEntry.objects.get(object_id=str(administrator.pk)).change_message

    english.post(reverse("logout"))
    sign_in(english)
    assert english.get(reverse("home")).status_code == 200  # no code any more


def test_users_without_the_role_have_no_two_factor_page(client):
    clerk = UserFactory(username="qiantai", roles=["front_desk", "handler"])
    client.force_login(clerk)
    assert client.get(reverse("two_factor_setup")).status_code == 404


def test_discipline_staff_and_superusers_may_use_it(client):
    for user in (
        UserFactory(username="jiancha", roles=["discipline"]),
        UserFactory(username="root", is_superuser=True, is_staff=True),
    ):
        client.force_login(user)
        assert client.get(reverse("two_factor_setup")).status_code == 200


def test_the_password_page_links_to_two_factor_only_for_those_who_may_use_it(client, administrator):
    client.force_login(administrator)
    assert reverse("two_factor_setup") in client.get(reverse("password_change")).content.decode()
    clerk = UserFactory(username="qiantai", roles=["front_desk"])
    client.force_login(clerk)
    assert (
        reverse("two_factor_setup") not in client.get(reverse("password_change")).content.decode()
    )


def test_when_required_administrators_are_sent_to_set_up_until_it_is_on(
    client, settings, administrator
):
    settings.REQUIRE_TWO_FACTOR_FOR_ADMIN = True
    sign_in(client)
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("two_factor_setup"))
    page = client.get(reverse("two_factor_setup"))
    client.post(reverse("two_factor_setup"), {"code": code_from_page(page)})
    assert client.get(reverse("home")).status_code == 200
    # Required: it cannot be turned off.
    client.post(reverse("two_factor_setup"), {"password": PASSWORD})
    assert TOTPDevice.objects.filter(user=administrator, confirmed=True).exists()


def test_when_required_other_roles_are_not_affected(client, settings):
    settings.REQUIRE_TWO_FACTOR_FOR_ADMIN = True
    UserFactory(username="qiantai", roles=["front_desk"])
    sign_in(client, "qiantai")
    assert client.get(reverse("home")).status_code == 200


def test_a_code_used_once_cannot_be_used_again(english, device):
    sign_in(english)
    code = code_for(device)
    assert english.post(reverse("two_factor_verify"), {"code": code}).status_code == 302
    english.post(reverse("logout"))
    sign_in(english)
    with time_machine.travel(time.time() + 3, tick=False):
        response = english.post(reverse("two_factor_verify"), {"code": code})
    assert response.status_code == 400


def test_the_verify_page_refuses_an_outside_next_address(client, device):
    sign_in(client)
    response = client.post(
        reverse("two_factor_verify"), {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")
