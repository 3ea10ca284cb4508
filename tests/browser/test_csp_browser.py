"""The main pages run in Chromium under the Content Security Policy without one violation:
no inline script, handler or style is refused, and htmx adds no <style> of its own.

Chromium reports each refusal on the console ("Refused to …") and as a
`securitypolicyviolation` event; both are collected."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.access_world import build_world

PASSWORD = "pass-firstask-2026"
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def watched(page):
    """The page, and the list of CSP complaints it collects."""
    complaints = []

    def listen(message):
        text = message.text
        if "Content Security Policy" in text or "Refused to" in text or "CSP violation" in text:
            complaints.append(f"{page.url}: {text}")

    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", listen)
    return page, complaints


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}{reverse('login')}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page.locator(".account-name")).to_be_visible()


def sign_out(page):
    page.locator("form[action$='/logout/'] button").click()


def visit(page, live_server, path):
    response = page.goto(f"{live_server.url}{path}")
    assert response.status in {200, 302}, (path, response.status)
    page.wait_for_load_state("networkidle")


def test_the_main_pages_run_without_a_csp_violation(live_server, watched):
    page, complaints = watched
    world = build_world()
    number = world.case.number

    for path in (reverse("inquiries:track"), reverse("inquiries:letter_new")):
        visit(page, live_server, path)

    sign_in(page, live_server, world.users["head"].username)
    for path in (
        reverse("home"),
        reverse("inquiries:intake_visit"),
        reverse("inquiries:my_cases"),
        reverse("inquiries:case_detail", args=[number]),
        reverse("inquiries:case_receipt", args=[number]),
        reverse("inquiries:notice_print", args=[world.noticed.number, world.notice.sequence]),
        reverse("inquiries:supervision"),
        reverse("inquiries:statistics"),
        reverse("inquiries:phone_register"),
        reverse("inquiries:notifications"),
        reverse("penalties:assessment"),
    ):
        visit(page, live_server, path)

    # htmx at work: the directory's live search swaps the results in.
    visit(page, live_server, reverse("inquiries:directory"))
    with page.expect_response(lambda response: "q=" in response.url):
        page.locator("input[name='q']").fill("登记")
    page.wait_for_load_state("networkidle")
    sign_out(page)

    sign_in(page, live_server, world.users["discipline"].username)
    for path in (
        reverse("penalties:violation_list"),
        reverse("penalties:violation_detail", args=[world.violation.pk]),
        reverse("penalties:rating_followup"),
        reverse("penalties:commendation_list"),
        reverse("penalties:my_record"),
    ):
        visit(page, live_server, path)
    sign_out(page)

    sign_in(page, live_server, world.users["administrator"].username)
    visit(page, live_server, reverse("admin:index"))
    visit(page, live_server, reverse("admin:inquiries_department_changelist"))

    assert complaints == []


def test_an_inline_script_is_refused_and_reported(live_server, watched):
    page, complaints = watched

    visit(page, live_server, reverse("inquiries:track"))
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.ranInline = true";
          document.body.appendChild(script);
        }"""
    )
    page.wait_for_timeout(200)

    assert page.evaluate("() => window.ranInline === true") is False
    assert complaints


def test_the_print_button_still_prints_without_an_inline_handler(live_server, page):
    world = build_world()
    page.add_init_script("window.print = () => { window.printed = true; };")
    sign_in(page, live_server, world.users["front_desk"].username)

    page.goto(f"{live_server.url}{reverse('inquiries:case_receipt', args=[world.case.number])}")
    page.locator("button[data-action='print']").click()

    assert page.evaluate("() => window.printed === true") is True
