"""A walk-in that belongs to another department, in a real browser: the front desk registers it
and refers it to that department's queue; a handler there accepts it (签收) and replies; the
front desk, still responsible, tells the requester and closes it. Three sign-ins, two people,
each in a browser of their own."""

import re

from playwright.sync_api import expect

from inquiries.models import Inquiry, Referral, Status
from tests.browser.test_case_browser import sign_in
from tests.test_case_page import zh
from tests.test_referrals import build_referral_organisation


def new_page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    return context, context.new_page()


def test_a_walk_in_is_referred_to_another_department_accepted_answered_and_closed(
    live_server, page, browser
):
    org = build_referral_organisation()

    # The front desk registers the walk-in.
    sign_in(page, live_server, org.clerk.username)
    page.goto(f"{live_server.url}/cases/new/")
    page.locator("#id_requester_name").fill("李秀英")
    page.locator("#id_requester_phone").fill("13912345678")
    page.locator("#id_subject").fill("咨询小餐饮店办理食品经营许可")
    page.locator("#id_content").fill("来访人拟在小区开设小餐饮店，询问食品经营许可如何办理。")
    page.locator(".intake-form button[type='submit']").click()
    expect(page).to_have_url(re.compile(r"/cases/\d{4}-\d{6}/$"))
    inquiry = Inquiry.objects.get()
    case_url = f"{live_server.url}/cases/{inquiry.number}/"

    # Not hers: she refers it to the food department's queue, found by its pinyin initials.
    refer = page.locator("#action-refer")
    refer.locator("summary").click()
    refer.locator("input[name='target'][value='department']").check()
    refer.locator("input[name='department']").fill(org.food.name_initials)
    refer.locator("textarea[name='reason']").fill("食品经营许可属食品经营监管处职责")
    refer.locator("textarea[name='told']").fill("已转食品经营监管处办理，一个工作日内签收")
    refer.locator("button[type='submit']").click()

    expect(page.locator(".message-success")).to_be_visible()
    expect(page.locator(".case-status")).to_have_text(zh(Status.REFERRED.label))
    chain = page.locator(".referral-chain")
    expect(chain.locator(".referral-pending")).to_contain_text(org.food.name)
    expect(chain).to_contain_text("已转食品经营监管处办理，一个工作日内签收")
    expect(page.locator("#action-close")).to_have_count(0)

    # A handler of the food department, in a browser of his own, accepts and replies.
    handler_context, handler_page = new_page(browser)
    try:
        sign_in(handler_page, live_server, org.outsider.username)
        handler_page.goto(case_url)
        accept = handler_page.locator("#action-start_handling")
        expect(accept).to_have_attribute("open", "")
        accept.locator("button[type='submit']").click()
        expect(handler_page.locator(".case-status")).to_have_text(zh(Status.IN_PROGRESS.label))

        reply = handler_page.locator("#action-reply")
        expect(reply).to_have_attribute("open", "")
        reply.locator("textarea[name='reply']").fill(
            "小餐饮店应办理食品经营许可：携营业执照、健康证明和经营场所平面图到政务大厅食品窗口申请，"
            "材料齐全十个工作日内办结。"
        )
        reply.locator("button[type='submit']").click()
        expect(handler_page.locator(".case-status")).to_have_text(zh(Status.REPLIED.label))
    finally:
        handler_context.close()

    # The front desk signs in again, tells the requester and closes.
    desk_context, desk_page = new_page(browser)
    try:
        sign_in(desk_page, live_server, org.clerk.username)
        desk_page.goto(case_url)
        accepted = desk_page.locator(".referral-chain .referral-accepted")
        expect(accepted.locator(".referral-outcome")).to_contain_text(org.outsider.full_name)
        expect(accepted.locator(".referral-to")).to_contain_text(org.outsider.full_name)
        close = desk_page.locator("#action-close")
        expect(close).to_have_attribute("open", "")
        expect(close.locator("textarea[name='result']")).to_contain_text("政务大厅食品窗口")
        close.locator("input[name='outcome'][value='feedback']").check()
        close.locator("select[name='feedback_method']").select_option("phone")
        close.locator("textarea[name='feedback_note']").fill("已电话告知来访人办理材料和地点")
        close.locator("button[type='submit']").click()

        expect(desk_page.locator(".case-status")).to_have_text(zh(Status.CLOSED.label))
        expect(desk_page.locator(".case-result")).to_contain_text("已电话告知来访人办理材料和地点")
    finally:
        desk_context.close()

    inquiry.refresh_from_db()
    assert inquiry.status == Status.CLOSED
    assert inquiry.first_responder == org.clerk
    referral = Referral.objects.get()
    assert (referral.state, referral.decided_by) == (Referral.State.ACCEPTED, org.outsider)
