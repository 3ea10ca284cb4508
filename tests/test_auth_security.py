"""Signing in: lockout after wrong passwords, password rules, session timeouts, cookies."""

import datetime
import subprocess
import sys

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from inquiries import demo
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-firstask-2026"
START = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)


def sign_in(client, username, password, *, url="/login/", address="203.0.113.7"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# Lockout ----------------------------------------------------------------------------------


def test_the_fifth_wrong_password_locks_and_then_the_right_one_is_refused(english):
    UserFactory(username="zhangsan")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(english, "zhangsan", "wrong-password")
        assert response.status_code == 200  # the login form again, with its error
    response = sign_in(english, "zhangsan", "wrong-password")
    assert response.status_code == 429
    assert "Sign-in locked" in response.content.decode()

    response = sign_in(english, "zhangsan", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in english.session


def test_a_locked_out_user_does_not_lock_out_other_users(client):
    UserFactory(username="zhangsan")
    UserFactory(username="lisi")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "zhangsan", "wrong-password")
    response = sign_in(client, "lisi", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_the_same_username_from_another_address_is_not_locked_by_the_pair_limit(client):
    UserFactory(username="zhangsan")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "zhangsan", "wrong-password", address="203.0.113.7")
    response = sign_in(client, "zhangsan", PASSWORD, address="198.51.100.1")
    assert response.status_code == 302


def test_failures_spread_over_many_addresses_lock_the_username_everywhere(client, settings):
    UserFactory(username="zhangsan")
    limit = settings.AXES_USERNAME_FAILURE_LIMIT
    for n in range(limit):
        # Never more than the pair limit from one address.
        sign_in(client, "zhangsan", "wrong-password", address=f"198.51.100.{n % 10 + 1}")
    response = sign_in(client, "zhangsan", PASSWORD, address="192.0.2.200")
    assert response.status_code == 429


def test_the_lockout_ends_after_the_cool_off(client):
    UserFactory(username="zhangsan")
    with time_machine.travel(START, tick=False):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            sign_in(client, "zhangsan", "wrong-password")
    with time_machine.travel(START + settings.AXES_COOLOFF_TIME - datetime.timedelta(minutes=1)):
        assert sign_in(client, "zhangsan", PASSWORD).status_code == 429
    with time_machine.travel(START + settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1)):
        response = sign_in(client, "zhangsan", PASSWORD)
    assert response.status_code == 302
    # A successful sign-in clears the failures (AXES_RESET_ON_SUCCESS).
    assert not AccessAttempt.objects.filter(username="zhangsan").exists()


def test_attempts_during_the_lockout_do_not_extend_it(client):
    UserFactory(username="zhangsan")
    with time_machine.travel(START, tick=False):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            sign_in(client, "zhangsan", "wrong-password")
    with time_machine.travel(START + datetime.timedelta(minutes=20), tick=False):
        sign_in(client, "zhangsan", "wrong-password")
    with time_machine.travel(START + settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1)):
        assert sign_in(client, "zhangsan", PASSWORD).status_code == 302


def test_the_lockout_page_is_chinese_and_says_when_to_try_again(client):
    UserFactory(username="zhangsan")
    with time_machine.travel(START, tick=False):  # 17:00 in Shanghai
        for _ in range(settings.AXES_FAILURE_LIMIT):
            response = sign_in(client, "zhangsan", "wrong-password")
    page = response.content.decode()
    assert response.status_code == 429
    assert '<html lang="zh-hans">' in page
    assert "17:30" in page
    assert "系统管理员" in page  # contact the system administrator


def test_the_admin_login_is_throttled_too(client):
    UserFactory(username="guanliyuan", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(client, "guanliyuan", "wrong-password", url="/admin/login/")
    assert response.status_code == 429
    response = sign_in(client, "guanliyuan", PASSWORD, url="/admin/login/")
    assert response.status_code == 429


def test_the_lockout_counts_the_client_behind_a_trusted_proxy(client, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    UserFactory(username="zhangsan")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/login/",
            {"username": "zhangsan", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    # Another client behind the same proxy is not locked by the pair limit.
    response = client.post(
        "/login/",
        {"username": "zhangsan", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.1",
    )
    assert response.status_code == 302


def test_axes_reset_username_unlocks_an_account(client):
    UserFactory(username="zhangsan")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "zhangsan", "wrong-password")
    call_command("axes_reset_username", "zhangsan")
    assert sign_in(client, "zhangsan", PASSWORD).status_code == 302


def test_administrators_read_the_attempt_log_but_cannot_change_it(client):
    UserFactory(username="zhangsan")
    sign_in(client, "zhangsan", "wrong-password")
    attempt = AccessAttempt.objects.get()
    administrator = UserFactory(username="guanliyuan", roles=["administrator"], is_staff=True)
    client.force_login(administrator)
    listing = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200
    assert "zhangsan" in listing.content.decode()
    detail = client.get(reverse("admin:axes_accessattempt_change", args=[attempt.pk]))
    assert detail.status_code == 200
    delete = client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


def test_staff_without_the_administrator_role_do_not_see_the_attempt_log(client):
    clerk = UserFactory(username="qiantai", roles=["front_desk"], is_staff=True)
    client.force_login(clerk)
    response = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 403


# Passwords ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    [
        "short-Aa1",  # too short
        "alllowercaseletters",  # one kind
        "lowercase-and-symbols",  # two kinds
        "12345678901234",  # numeric
    ],
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password, UserFactory())


def test_three_kinds_of_characters_and_twelve_characters_pass():
    validate_password("Harbour-lights7", UserFactory(username="zhangsan"))
    validate_password(PASSWORD, UserFactory(username="zhangsan"))  # the factories' password


def test_the_character_kinds_message_is_translated(client):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        validate_password("lowercase-and-symbols")
    assert "小写字母" in " ".join(error.value.messages)


def test_the_demo_password_still_signs_in_although_it_would_not_pass_the_rules(client):
    # Demo accounts get their password set directly (seed_demo), not through the rules: it
    # is published, so it is not meant to be strong. The rules apply to passwords people set.
    user = UserFactory(username="demo-user", password=demo.DEMO_PASSWORD)
    with pytest.raises(ValidationError):
        validate_password(demo.DEMO_PASSWORD, user)
    assert sign_in(client, "demo-user", demo.DEMO_PASSWORD).status_code == 302


def test_changing_the_password_applies_the_rules(english):
    user = UserFactory(username="zhangsan")
    english.force_login(user)
    response = english.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "simplepassword",
            "new_password2": "simplepassword",
        },
    )
    assert response.status_code == 200
    assert "at least 3 of these" in response.content.decode()


# Sessions ----------------------------------------------------------------------------------


def test_thirty_minutes_without_a_request_signs_the_user_out(english):
    UserFactory(username="zhangsan")
    with time_machine.travel(START, tick=False):
        sign_in(english, "zhangsan", PASSWORD)
    with time_machine.travel(START + datetime.timedelta(minutes=29), tick=False):
        assert english.get(reverse("home")).status_code == 200
    # Each request keeps the session alive: 29 more minutes are still within the limit.
    with time_machine.travel(START + datetime.timedelta(minutes=58), tick=False):
        assert english.get(reverse("home")).status_code == 200
    with time_machine.travel(START + datetime.timedelta(minutes=89), tick=False):
        response = english.get(reverse("home"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "signed out after 30 minutes of inactivity" in response.content.decode()
    assert "_auth_user_id" not in english.session


def test_typing_into_a_form_keeps_the_session_so_a_long_entry_is_not_lost(english):
    UserFactory(username="zhangsan")
    with time_machine.travel(START, tick=False):
        sign_in(english, "zhangsan", PASSWORD)
        page = english.get(reverse("home")).content.decode()
    assert f'data-keepalive-url="{reverse("session_keepalive")}"' in page
    # The page's script pings while the clerk types; 25 and 50 minutes in, no page is loaded.
    for minutes in (25, 50):
        with time_machine.travel(START + datetime.timedelta(minutes=minutes), tick=False):
            assert english.post(reverse("session_keepalive")).status_code == 204
    with time_machine.travel(START + datetime.timedelta(minutes=75), tick=False):
        assert english.get(reverse("home")).status_code == 200


def test_the_keepalive_does_not_revive_a_session_already_idle_too_long(english):
    UserFactory(username="zhangsan")
    with time_machine.travel(START, tick=False):
        sign_in(english, "zhangsan", PASSWORD)
    with time_machine.travel(START + datetime.timedelta(minutes=31), tick=False):
        response = english.post(reverse("session_keepalive"))
    assert response.status_code == 302
    assert "_auth_user_id" not in english.session


def test_the_inactivity_message_is_chinese_by_default(client):
    UserFactory(username="zhangsan")
    with time_machine.travel(START, tick=False):
        sign_in(client, "zhangsan", PASSWORD)
    with time_machine.travel(START + datetime.timedelta(minutes=31), tick=False):
        response = client.get(reverse("home"), follow=True)
    assert "30 分钟" in response.content.decode()


def test_an_ordinary_request_within_a_minute_does_not_write_the_session(client):
    UserFactory(username="zhangsan")
    with time_machine.travel(START, tick=False):
        sign_in(client, "zhangsan", PASSWORD)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    with time_machine.travel(START + datetime.timedelta(seconds=30), tick=False):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies  # not saved, not re-sent
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == cookie


def test_a_session_ends_after_eight_hours_however_active(english):
    UserFactory(username="zhangsan")
    with time_machine.travel(START, tick=False):
        sign_in(english, "zhangsan", PASSWORD)
    for minutes in range(20, 8 * 60, 20):
        with time_machine.travel(START + datetime.timedelta(minutes=minutes), tick=False):
            assert english.get(reverse("home")).status_code == 200
    with time_machine.travel(START + datetime.timedelta(hours=8, minutes=5), tick=False):
        response = english.get(reverse("home"), follow=True)
    assert "a session lasts at most 8 hours" in response.content.decode()


def test_an_htmx_request_after_the_timeout_reloads_the_whole_page_at_the_login(client):
    UserFactory(username="zhangsan")
    with time_machine.travel(START, tick=False):
        sign_in(client, "zhangsan", PASSWORD)
    with time_machine.travel(START + datetime.timedelta(minutes=31), tick=False):
        response = client.get(reverse("home"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("login"))


def test_session_and_csrf_cookies_are_lax_httponly_and_end_with_the_browser(client):
    UserFactory(username="zhangsan")
    client.get(reverse("login"))
    csrf = client.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["httponly"]
    sign_in(client, "zhangsan", PASSWORD)
    session = client.cookies[settings.SESSION_COOKIE_NAME]
    assert session["samesite"] == "Lax"
    assert session["httponly"]
    assert not session["expires"]  # a browser-session cookie


def test_check_deploy_reports_no_cookie_or_hsts_warnings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={
            "DJANGO_SETTINGS_MODULE": "firstask.settings",
            "SECRET_KEY": "a-long-random-production-key-" + "x" * 40,
            "ALLOWED_HOSTS": "firstask.example.org",
            "ENV_FILE": "/dev/null",
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_timezone_is_aware_for_the_lockout_times():
    # The lockout page shows local time: the stored attempt times are aware.
    assert timezone.is_aware(timezone.now())
