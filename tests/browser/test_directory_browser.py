"""A front-desk clerk signs in by keyboard and looks up the office by its pinyin initials."""

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

from inquiries.models import Department
from tests.factories import DepartmentFactory, StaffProfileFactory, UnitFactory, UserFactory

PASSWORD = "pass-firstask-2026"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


def test_clerk_signs_in_and_finds_the_office_by_pinyin_initials(live_server, page):
    unit = UnitFactory()
    DepartmentFactory(
        parent=unit,
        level=Department.Level.DEPARTMENT,
        name="办公室",
        code="BGS",
        is_office=True,
        location="行政中心3楼301",
        phone="0531-86660001",
    )
    DepartmentFactory(parent=unit, name="登记注册处", code="DJZC", phone="0531-86660002")
    clerk = UserFactory(username="qiantai", full_name="张小青", roles=["front_desk"])
    StaffProfileFactory(user=clerk, department=Department.objects.get(code="DJZC"))

    hosts = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).hostname))

    page.goto(f"{live_server.url}/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    # The username field has autofocus: the whole sign-in is done from the keyboard.
    expect(page.get_by_label("用户名")).to_be_focused()
    page.keyboard.type("qiantai")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator(".account-name")).to_have_text("张小青")

    page.locator(".site-nav a[href='/directory/']").click()
    expect(page).to_have_url(re.compile(r"/directory/$"))
    expect(page.locator("a[href='/directory/'][aria-current='page']")).to_be_visible()

    page.locator("#directory-q").press_sequentially("bgs", delay=50)
    results = page.locator("#directory-results")
    expect(results.get_by_role("row")).to_have_count(2)  # header row and the office
    office_row = results.get_by_role("row").filter(has_text="办公室")
    expect(office_row).to_contain_text("行政中心3楼301")
    expect(office_row).to_contain_text("0531-86660001")
    expect(results).not_to_contain_text("登记注册处")
    # htmx kept the query in the address bar, so the result can be bookmarked or reloaded.
    expect(page).to_have_url(re.compile(r"/directory/\?q=bgs$"))

    assert hosts, "the page made no requests at all"
    assert hosts <= LOCAL_HOSTS, f"resources fetched from outside: {hosts - LOCAL_HOSTS}"


def test_directory_search_works_without_javascript(live_server, browser):
    unit = UnitFactory()
    DepartmentFactory(parent=unit, name="办公室", code="BGS", is_office=True, phone="0531-1")
    DepartmentFactory(parent=unit, name="登记注册处", code="DJZC")
    UserFactory(username="nojs", roles=["front_desk"])
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("用户名").fill("nojs")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.goto(f"{live_server.url}/directory/")
        page.locator("#directory-q").fill("bgs")
        page.locator("#directory-q").press("Enter")

        expect(page).to_have_url(re.compile(r"/directory/\?q=bgs$"))
        expect(page.locator("#directory-results")).to_contain_text("办公室")
        expect(page.locator("#directory-results")).not_to_contain_text("登记注册处")
    finally:
        context.close()
