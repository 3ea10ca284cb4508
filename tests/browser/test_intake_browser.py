"""A front-desk clerk registers a walk-in by keyboard alone and finds it in "my cases"."""

import re

from playwright.sync_api import expect

from inquiries.models import Channel, Department, Inquiry, Kind, ServiceMatter
from tests.factories import DepartmentFactory, StaffProfileFactory, UnitFactory, UserFactory

PASSWORD = "pass-firstask-2026"


def make_clerk():
    unit = UnitFactory()
    office = DepartmentFactory(parent=unit, name="办公室", code="BGS", is_office=True)
    licensing = DepartmentFactory(parent=unit, name="行政审批科", code="XZSP")
    clerk = UserFactory(username="qiantai", full_name="张小青", roles=["front_desk"])
    StaffProfileFactory(
        user=clerk, department=office, title="窗口受理员", office_phone="0531-86012022"
    )
    ServiceMatter.objects.create(
        department=licensing, code="SPJY", name="食品经营许可证核发", promised_days=10
    )
    return clerk


def sign_in(page, base_url):
    page.goto(f"{base_url}/login/")
    page.get_by_label("用户名").fill("qiantai")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_label("密码").press("Enter")
    expect(page.locator(".account-name")).to_have_text("张小青")


def test_clerk_registers_a_walk_in_by_keyboard_alone(live_server, page):
    clerk = make_clerk()
    sign_in(page, live_server.url)

    page.locator(".site-nav a[href='/cases/new/']").click()
    expect(page).to_have_url(re.compile(r"/cases/new/$"))
    # The cursor waits on the kind; arrows choose it, Tab moves on, Enter registers.
    expect(page.locator("#id_kind_0")).to_be_focused()
    expect(page.locator(".responder-card")).to_contain_text("0531-86012022")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # consultation → service → complaint
    # The server proposes the complaint's time limit at once.
    expect(page.locator("#intake-proposal")).to_contain_text("15")
    page.keyboard.press("Tab")
    page.keyboard.type("王大妈")
    page.keyboard.press("Tab")  # unit: none
    page.keyboard.press("Tab")
    page.keyboard.type("１３８１２３４５６７８")
    page.keyboard.press("Tab")  # address: none
    page.keyboard.press("Tab")  # "more": stays folded
    page.keyboard.press("Tab")
    page.keyboard.type("投诉小区门口烧烤摊油烟扰民")
    page.keyboard.press("Tab")
    page.keyboard.type("每晚十点后仍在营业，油烟和噪声很大。")
    expect(page.locator("#id_content")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#id_matter")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/cases/\d{4}-\d{6}/$"))
    case = Inquiry.objects.get()
    assert page.url.endswith(f"/cases/{case.number}/")
    assert case.channel == Channel.VISIT
    assert case.kind == Kind.COMPLAINT
    assert case.first_responder == clerk
    assert case.requester_phone == "13812345678"
    assert case.disclosure_given is True

    page.goto(f"{live_server.url}/cases/")
    expect(page.locator("#case-results")).to_contain_text(case.number)
    expect(page.locator("#case-results")).to_contain_text("王**")
    expect(page.locator("#case-results")).not_to_contain_text("13812345678")


def test_picking_a_matter_shows_its_department_and_time_limit_at_once(live_server, page):
    make_clerk()
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/cases/new/")

    page.locator("#id_matter").press_sequentially("spjy", delay=50)

    proposal = page.locator("#intake-proposal")
    expect(proposal).to_contain_text("行政审批科")
    expect(proposal).to_contain_text("食品经营许可证核发")
    expect(proposal).to_contain_text("10")


def test_registering_works_without_javascript(live_server, browser):
    make_clerk()
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    try:
        sign_in(page, live_server.url)
        page.goto(f"{live_server.url}/cases/new/phone/")
        page.locator("#id_requester_name").fill("李先生")
        page.locator("#id_requester_phone").fill("0531-86012345")
        page.locator("#id_content").fill("咨询食品经营许可证办理需要的材料。")
        page.locator("#id_matter").fill("spjy")
        page.locator("#id_matter").press("Enter")

        expect(page).to_have_url(re.compile(r"/cases/\d{4}-\d{6}/$"))
        case = Inquiry.objects.get()
        assert case.channel == Channel.PHONE
        assert case.matter.code == "SPJY"
        assert case.handling_department == Department.objects.get(code="XZSP")
        assert case.subject == "咨询食品经营许可证办理需要的材料。"
    finally:
        context.close()
