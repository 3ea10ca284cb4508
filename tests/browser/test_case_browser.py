"""Two walk-ins through the case page in a real browser: one registered at the counter and
answered on the spot, one that needs a one-time notice, comes back complete and is closed
with feedback."""

import re

from playwright.sync_api import expect

from inquiries.models import Inquiry, Status
from tests.test_case_page import build_organisation, register_case, zh

PASSWORD = "pass-firstask-2026"


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page.locator(".account-name")).to_be_visible()


def test_a_walk_in_is_registered_and_answered_on_the_spot(live_server, page):
    org = build_organisation()
    sign_in(page, live_server, org.clerk.username)

    page.goto(f"{live_server.url}/cases/new/")
    page.locator("#id_requester_name").fill("王建国")
    page.locator("#id_requester_phone").fill("13812345678")
    page.locator("#id_subject").fill("咨询营业执照遗失补办流程")
    page.locator("#id_content").fill("来访人营业执照遗失，询问如何补办。")
    page.locator(".intake-form button[type='submit']").click()

    expect(page).to_have_url(re.compile(r"/cases/\d{4}-\d{6}/$"))
    inquiry = Inquiry.objects.get()
    assert inquiry.first_responder == org.clerk
    expect(page.locator("h1")).to_contain_text("咨询营业执照遗失补办流程")
    expect(page.locator(".case-status")).to_have_text(zh(Status.REGISTERED.label))
    # Just registered: the receipt is the first thing offered.
    receipt = page.locator(f"a.button-primary[href='/cases/{inquiry.number}/receipt/']")
    expect(receipt).to_be_visible()
    receipt.click()
    expect(page.locator(".receipt-sheet")).to_contain_text(inquiry.tracking_code)
    expect(page.locator(".receipt-sheet")).to_contain_text("0531-86661234")
    page.go_back()

    path_form = page.locator("#action-decide_path")
    path_form.locator("input[name='path'][value='own_duty']").check()
    # Choosing a path sets the other paths' fields aside.
    expect(path_form.locator("textarea[name='outside_told']")).to_be_hidden()
    path_form.locator("input[name='own_mode'][value='on_the_spot']").check()
    path_form.locator("textarea[name='own_result']").fill(
        "已当场告知：登报声明后携身份证到窗口申请补领。"
    )
    path_form.locator("button[type='submit']").click()

    expect(page.locator(".message-success")).to_be_visible()
    expect(page.locator(".case-status")).to_have_text(zh(Status.CLOSED.label))
    expect(page.locator(".case-result")).to_contain_text("登报声明后携身份证到窗口申请补领")
    expect(page.locator("#action-decide_path")).to_have_count(0)
    inquiry.refresh_from_db()
    assert inquiry.status == Status.CLOSED


def test_a_walk_in_missing_materials_gets_one_notice_comes_back_and_is_closed(live_server, page):
    org = build_organisation()
    application, charter, id_proof = org.materials
    inquiry = register_case(org, matter=org.matter, subject="申请设立登记")
    sign_in(page, live_server, org.clerk.username)
    page.goto(f"{live_server.url}/cases/{inquiry.number}/")

    notice_form = page.locator("#action-issue_notice")
    notice_form.get_by_label(application.name).check()
    notice_form.locator("textarea[name='extra_items']").fill("股东会决议")
    notice_form.locator("button[type='submit']").click()

    # The printable notice lists everything missing, at once, with the responder's details.
    expect(page).to_have_url(re.compile(rf"/cases/{inquiry.number}/notices/1/$"))
    sheet = page.locator(".notice-sheet")
    for text in (charter.name, id_proof.name, "股东会决议", "张小青", "0531-86661234"):
        expect(sheet).to_contain_text(text)
    expect(sheet.locator("tbody tr")).to_have_count(3)
    expect(sheet).not_to_contain_text(application.name)

    page.locator(".print-tools a.button").click()
    expect(page.locator(".case-status")).to_have_text(zh(Status.AWAITING_MATERIALS.label))
    expect(page.locator(".deadline-stopped")).to_be_visible()

    # The requester comes back with everything.
    page.locator("#action-materials_complete button[type='submit']").click()
    expect(page.locator(".case-status")).to_have_text(zh(Status.IN_PROGRESS.label))
    expect(page.locator(".deadline-running")).to_be_visible()

    close_form = page.locator("#action-close")
    close_form.locator("summary").click()  # folded: the next step here was the reply
    close_form.locator("textarea[name='result']").fill("材料齐全，已受理并当场发放营业执照。")
    close_form.locator("input[name='outcome'][value='feedback']").check()
    close_form.locator("textarea[name='feedback_note']").fill("当面告知并交付执照")
    close_form.locator("button[type='submit']").click()

    expect(page.locator(".case-status")).to_have_text(zh(Status.CLOSED.label))
    expect(page.locator(".case-result")).to_contain_text("当面告知并交付执照")
    closed = Inquiry.objects.get(pk=inquiry.pk)
    assert closed.status == Status.CLOSED
    assert closed.notices.count() == 1
