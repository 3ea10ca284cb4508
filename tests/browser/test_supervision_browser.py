"""A supervisor's round in a real browser: the dashboard, an overdue case pressed (督办), and
the overdue list downloaded as Excel with the same cases as on the screen."""

import datetime
import re

import openpyxl
from django.utils import timezone
from playwright.sync_api import expect

from inquiries.models import ExportRecord, PressNotice
from tests.test_case_page import SHANGHAI, build_organisation, register_case

PASSWORD = "pass-firstask-2026"
LONG_AGO = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=SHANGHAI)


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page.locator(".account-name")).to_be_visible()


def test_a_head_presses_an_overdue_case_and_exports_the_overdue_list(live_server, page, tmp_path):
    org = build_organisation()
    late = [
        register_case(org, received_at=LONG_AGO, subject=f"逾期未办结的咨询{index}")
        for index in range(3)
    ]
    register_case(org, subject="刚登记的咨询")
    sign_in(page, live_server, org.head.username)

    page.goto(f"{live_server.url}/supervision/")
    overdue = page.locator("#list-overdue")
    expect(overdue.locator("h2 .count")).to_have_text("3")
    listed = overdue.locator("a.case-link").all_inner_texts()
    assert sorted(listed) == sorted(case.number for case in late)

    overdue.locator("a.case-link").first.click()
    expect(page).to_have_url(re.compile(rf"/cases/{listed[0]}/$"))
    press = page.locator("#action-press")
    press.locator("summary").click()
    press.locator("textarea[name='message']").fill("已逾期，请今天答复办事人并报告进展")
    respond_by = timezone.localdate() + datetime.timedelta(days=1)
    press.locator("input[name='respond_by']").fill(respond_by.isoformat())
    press.locator("button[type='submit']").click()

    notice = page.locator(".case-press")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("已逾期，请今天答复办事人并报告进展")
    assert PressNotice.objects.get().inquiry.number == listed[0]

    page.goto(f"{live_server.url}/supervision/")
    expect(page.locator("#list-pressed h2 .count")).to_have_text("1")
    with page.expect_download() as download_info:
        page.locator("#list-overdue a.export-link").click()
    path = tmp_path / "overdue.xlsx"
    download_info.value.save_as(path)

    sheet = openpyxl.load_workbook(path).active
    assert sheet.freeze_panes == "A2"
    exported = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert exported == listed
    assert ExportRecord.objects.get().what == "supervision:overdue"
