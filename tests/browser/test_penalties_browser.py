"""A complaint about a staff member in a real browser: registered and investigated by the
discipline officer, answered with a statement by the staff member, verified as 效能告诫; the
staff member's assessment shows it, and after a second 效能告诫 the rating 不称职 with both
records as the reason. The complainant never shows on the staff member's pages."""

import re

from playwright.sync_api import expect

from penalties.models import Sanction, Violation
from tests.browser.test_case_browser import sign_in
from tests.penalties.violation_helpers import build_org, policy_in_force_as

COMPLAINANT = "孙投诉"
COMPLAINANT_PHONE = "13712345678"


def sign_out(page):
    page.context.clear_cookies()


def register_and_investigate(page, live_server, org, *, allegation: str) -> Violation:
    sign_in(page, live_server, org.officer.username)
    page.goto(f"{live_server.url}/accountability/violations/new/")
    form = page.locator(".violation-new-form")
    form.locator("#id_person").fill(f"{org.person.username} {org.person.get_full_name()}")
    form.locator("#id_source").select_option("letter")
    form.locator("#id_complainant_name").fill(COMPLAINANT)
    form.locator("#id_complainant_phone").fill(COMPLAINANT_PHONE)
    form.locator("#id_complaint_text").fill(f"{COMPLAINANT}来信反映：{allegation}")
    form.locator("#id_allegation").fill(allegation)
    form.locator("button[type='submit']").click()
    expect(page).to_have_url(re.compile(r"/accountability/violations/\d+/$"))
    violation = Violation.objects.order_by("-pk").first()
    assert violation.person == org.person
    expect(page.locator(".violation-complainant")).to_contain_text(COMPLAINANT)

    page.locator("#action-investigate button[type='submit']").click()
    expect(page.locator(".message-success")).to_be_visible()
    violation.refresh_from_db()
    assert violation.state == Violation.State.INVESTIGATING
    sign_out(page)
    return violation


def submit_statement(page, live_server, org, violation: Violation, text: str):
    sign_in(page, live_server, org.person.username)
    page.goto(f"{live_server.url}/notifications/")
    expect(page.locator("main")).not_to_contain_text(COMPLAINANT)
    page.goto(f"{live_server.url}/accountability/violations/mine/")
    page.get_by_role("link", name=violation.number).click()
    expect(page.locator("h1")).to_contain_text(violation.number)
    expect(page.locator("main")).not_to_contain_text(COMPLAINANT)
    expect(page.locator("main")).not_to_contain_text(COMPLAINANT_PHONE)
    statement = page.locator("#action-statement")
    statement.locator("textarea[name='text']").fill(text)
    statement.locator("button[type='submit']").click()
    expect(page.locator(".violation-statement")).to_contain_text(text)
    sign_out(page)


def verify_as_warning(page, live_server, org, violation: Violation, warning_type):
    sign_in(page, live_server, org.officer.username)
    page.goto(f"{live_server.url}/accountability/violations/{violation.pk}/")
    verify = page.locator("#action-verify")
    verify.locator("summary").click()
    verify.locator("select[name='violation_type']").select_option(str(warning_type.pk))
    verify.locator("textarea[name='findings']").fill("经调阅登记记录和监控，情况属实")
    verify.locator("button[type='submit']").click()
    expect(page.locator(".message-success")).to_be_visible()
    violation.refresh_from_db()
    assert violation.state == Violation.State.VERIFIED
    sign_out(page)


def test_two_verified_complaints_make_the_staff_member_incompetent(live_server, page, make_staff):
    policy = policy_in_force_as("government")
    warning_type = policy.violation_types.get(code="not_handled")
    assert warning_type.default_level.name == "效能告诫"
    org = build_org(make_staff)

    first = register_and_investigate(page, live_server, org, allegation="咨询事项未及时办理")
    submit_statement(page, live_server, org, first, "当天窗口排队人多，次日已回复")
    verify_as_warning(page, live_server, org, first, warning_type)

    sign_in(page, live_server, org.person.username)
    page.goto(f"{live_server.url}/accountability/my-record/")
    main = page.locator("main")
    expect(main).to_contain_text("效能告诫")
    expect(main).to_contain_text(first.number)
    expect(main).not_to_contain_text("不称职")
    expect(main).not_to_contain_text(COMPLAINANT)
    sign_out(page)

    second = register_and_investigate(page, live_server, org, allegation="办事材料未一次性告知")
    submit_statement(page, live_server, org, second, "已向群众道歉")
    verify_as_warning(page, live_server, org, second, warning_type)

    sign_in(page, live_server, org.person.username)
    page.goto(f"{live_server.url}/accountability/my-record/")
    floor = page.locator(".assessment-facts dd").first
    expect(floor).to_contain_text("不称职")
    expect(floor.locator(".why")).to_contain_text(first.number)
    expect(floor.locator(".why")).to_contain_text(second.number)
    expect(page.locator("main")).not_to_contain_text(COMPLAINANT)
    assert Sanction.objects.filter(person=org.person, state="in_force").count() == 2
