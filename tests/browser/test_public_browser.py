"""The public channel on a phone: a complaint written online, tracked, handled by staff, rated
不满意 on the tracking page, and the rectification it opens seen by the department's head.

The requester's steps and the head's view go through the browser; between them the office
coordinator picks the letter up in the browser and the case goes through referral, reply and
closure by the services (their own browser tests cover those screens)."""

import re

from django.utils import translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from inquiries import services
from inquiries.models import (
    FeedbackMethod,
    Inquiry,
    Notification,
    Rating,
    Rectification,
    Referral,
    Status,
)
from tests.browser.test_case_browser import PASSWORD
from tests.test_case_page import build_organisation, zh

# An iPhone 12–15 sized screen, in CSS pixels.
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def new_page(browser, viewport):
    context = browser.new_context(locale="zh-CN", viewport=viewport)
    context.set_default_timeout(10_000)
    return context.new_page()


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page.locator(".account-name")).to_be_visible()


def assert_no_horizontal_scroll(page):
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, (page.url, scroll_width, inner_width)


def fresh(inquiry):
    return Inquiry.objects.get(pk=inquiry.pk)


def test_a_complaint_written_on_a_phone_is_tracked_rated_low_and_rectified(live_server, browser):
    org = build_organisation()
    phone = new_page(browser, PHONE)

    # 1. The visitor writes a complaint online.
    phone.goto(f"{live_server.url}/letters/new/")
    assert_no_horizontal_scroll(phone)
    phone.locator("input[name='kind'][value='complaint']").check()
    phone.locator("#id_name").fill("陈秀英")
    phone.locator("#id_phone").fill("13912345678")
    phone.locator("#id_subject").fill("窗口办理营业执照变更等候时间过长")
    phone.locator("#id_content").fill("上周三上午在登记窗口排队两个小时，无人解释原因。")
    # A "no-referrer" policy makes Chromium send "Origin: null" with the form, which Django's
    # CSRF check refuses: the public forms would fail in every real browser.
    policy = phone.evaluate("document.querySelector('meta[name=referrer]')?.content ?? ''")
    assert policy != "no-referrer", "public_base.html: no-referrer breaks the CSRF origin check"
    phone.locator("main form button.button-primary").click()

    expect(phone).to_have_url(re.compile(r"/letters/sent/$"))
    assert_no_horizontal_scroll(phone)
    inquiry = Inquiry.objects.get()
    shown = phone.locator("main dd strong")
    expect(shown.nth(0)).to_have_text(inquiry.number)
    expect(shown.nth(1)).to_have_text(inquiry.tracking_code)
    number, code = shown.nth(0).inner_text(), shown.nth(1).inner_text()

    # 2. They follow it on the tracking page with the number and the code they were shown.
    phone.goto(f"{live_server.url}/track/")
    assert_no_horizontal_scroll(phone)
    phone.locator("#id_number").fill(number)
    phone.locator("#id_tracking_code").fill(code)
    phone.locator(".track-form button[type='submit']").click()
    card = phone.locator(".track-case")
    expect(card).to_contain_text(number)
    expect(card.locator("dd").first).to_have_text(zh(Status.REGISTERED.label))
    assert_no_horizontal_scroll(phone)
    assert "/track/" in phone.url and code not in phone.url and number not in phone.url

    # 3. The office coordinator picks the letter up in the browser and becomes its first
    # responder; the registration department handles it and the coordinator closes it.
    desk = new_page(browser, DESKTOP)
    sign_in(desk, live_server, org.coordinator.username)
    desk.goto(f"{live_server.url}/cases/{number}/")
    desk.locator("#action-pick_up button[type='submit']").click()
    expect(desk.locator(".message-success")).to_be_visible()
    assert fresh(inquiry).first_responder == org.coordinator
    desk.context.close()

    referral = services.referral_create(
        inquiry=fresh(inquiry),
        by=org.coordinator,
        target=Referral.Target.DEPARTMENT,
        to_department=org.registration,
        reason="窗口服务投诉，由登记注册处办理",
    )
    services.referral_accept(referral=referral, by=org.clerk)
    services.inquiry_reply(
        inquiry=fresh(inquiry), by=org.clerk, reply="已核实，当天系统故障，已向来信人致歉。"
    )
    services.inquiry_close(
        inquiry=fresh(inquiry),
        by=org.coordinator,
        result="已核实并致歉",
        feedback_method=FeedbackMethod.PHONE,
        feedback_note="电话告知来信人处理结果",
    )
    assert fresh(inquiry).status == Status.CLOSED
    assert fresh(inquiry).handling_department == org.registration

    # 4. The visitor tracks it again, sees it closed and rates it 不满意 with a comment.
    phone.goto(f"{live_server.url}/track/")
    phone.locator("#id_number").fill(number)
    phone.locator("#id_tracking_code").fill(code)
    phone.locator(".track-form button[type='submit']").click()
    expect(phone.locator(".track-case dd").first).to_have_text(zh(Status.CLOSED.label))
    rating_form = phone.locator(".rating-form")
    expect(rating_form).to_be_visible()
    assert_no_horizontal_scroll(phone)
    rating_form.locator(f"input[name='level'][value='{Rating.Level.DISSATISFIED}']").check()
    rating_form.locator("textarea[name='comment']").fill("解释不清楚，问题没有解决。")
    rating_form.locator("button[type='submit']").click()

    expect(phone.locator(".track-rating .alert-success")).to_be_visible()
    expect(phone.locator(".track-rating")).to_contain_text(zh(Rating.Level.DISSATISFIED.label))
    expect(phone.locator(".rating-form")).to_have_count(0)
    assert_no_horizontal_scroll(phone)
    rating = Rating.objects.get(inquiry=inquiry)
    assert (rating.level, rating.source) == (Rating.Level.DISSATISFIED, Rating.Source.TRACKING_PAGE)
    rectification = Rectification.objects.get(rating=rating)
    assert rectification.assigned_to == org.head
    phone.context.close()

    # 5. The registration department's head signs in and finds the rectification task with its
    # due date: among their notifications, and as a panel on the case.
    head = new_page(browser, PHONE)
    sign_in(head, live_server, org.head.username)
    head.goto(f"{live_server.url}/notifications/")
    notification = Notification.objects.get(
        recipient=org.head, kind=Notification.Kind.RECTIFICATION
    )
    with translation.override("zh-hans"):
        summary = notification.summary
        due = date_format(rectification.due, "DATE_FORMAT")
    expect(head.locator("main")).to_contain_text(summary)
    assert due in summary

    head.goto(f"{live_server.url}/cases/{number}/")
    panel = head.locator("#action-record_rectification")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text(due)
