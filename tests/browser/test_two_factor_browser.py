"""An administrator turns on two-factor sign-in, then signs in with password and code."""

import re
import time
from base64 import b32decode

from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.factories import UserFactory

PASSWORD = "pass-firstask-2026"


def code_from_secret(secret: str, *, steps_ahead: int = 0) -> str:
    totp = TOTP(b32decode(secret.replace(" ", "")), step=30, t0=0, digits=6)
    totp.time = time.time() + steps_ahead * 30
    return f"{totp.token():06d}"


def log_in(page, base_url):
    page.goto(f"{base_url}/login/")
    page.get_by_label("用户名").fill("guanliyuan")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_label("密码").press("Enter")


def test_administrator_sets_up_two_factor_and_signs_in_with_a_code(live_server, page):
    UserFactory(username="guanliyuan", full_name="王管理", roles=["administrator"], is_staff=True)

    log_in(page, live_server.url)
    expect(page.locator(".account-name")).to_have_text("王管理")
    page.goto(f"{live_server.url}/account/two-factor/")
    expect(page.locator(".two-factor-qr svg")).to_be_visible()
    secret = page.locator(".two-factor-secret").inner_text()
    page.locator("input[name=code]").fill(code_from_secret(secret))
    page.locator("input[name=code]").press("Enter")
    expect(page.locator(".two-factor-status")).to_be_visible()

    page.locator(".account form button").click()  # log out
    expect(page).to_have_url(re.compile(r"/login/$"))

    log_in(page, live_server.url)
    expect(page).to_have_url(re.compile(r"/login/verify/"))
    # The code of the next 30-second step: the one just used to confirm cannot be reused.
    page.locator("input[name=code]").fill(code_from_secret(secret, steps_ahead=1))
    page.locator("input[name=code]").press("Enter")
    expect(page.locator(".account-name")).to_have_text("王管理")
    expect(page).not_to_have_url(re.compile(r"/login/"))
