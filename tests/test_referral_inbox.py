"""The referral inbox: what was passed to me, to my department, to the office, and by me;
accepting (签收) and returning (退回) from the list; the count in the navigation."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser, Permission
from django.test import RequestFactory
from django.urls import reverse

from inquiries import permissions, services
from inquiries.context_processors import case_counts
from inquiries.models import Inquiry, Referral, Status
from inquiries.services import notifications as notification_services
from inquiries.services import referrals as referral_services
from inquiries.views.inbox import PAGE_SIZE
from tests.factories import DepartmentFactory, StaffProfileFactory, UnitFactory, UserFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
INBOX = reverse("inquiries:referral_inbox")
# A Wednesday with no holiday near it: a referral made today is due tomorrow (one working day).
TODAY = datetime.datetime(2026, 11, 18, 10, 0, tzinfo=SHANGHAI)
LAST_MONDAY = datetime.datetime(2026, 11, 16, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def english_pages(client, settings):
    """Wording is asserted by its English msgid; the Chinese lives in the catalogue."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def person(department, username, full_name, roles=("front_desk", "handler")):
    user = UserFactory(username=username, full_name=full_name, roles=list(roles))
    StaffProfileFactory(user=user, department=department)
    return user


@pytest.fixture
def bureau(db):
    unit = UnitFactory()
    departments = {
        "office": DepartmentFactory(parent=unit, name="办公室", code="BGS", is_office=True),
        "licensing": DepartmentFactory(parent=unit, name="行政审批科", code="XZSP"),
        "complaints": DepartmentFactory(parent=unit, name="消费者权益保护科", code="XBK"),
        "market": DepartmentFactory(parent=unit, name="市场规范科", code="SCGF"),
    }
    people = {
        "clerk": person(departments["licensing"], "qiantai", "张小青"),
        "colleague": person(departments["licensing"], "tongshi", "李同事"),
        "handler": person(departments["complaints"], "xbk1", "王经办"),
        "handler2": person(departments["complaints"], "xbk2", "赵经办"),
        "head": person(departments["complaints"], "xbkhead", "钱科长", roles=("department_head",)),
        "desk_only": person(departments["complaints"], "xbkdesk", "孙前台", roles=("front_desk",)),
        "outsider": person(departments["market"], "scgf1", "周经办"),
        "coordinator": person(
            departments["office"], "bgs1", "吴协调", roles=("front_desk", "office_coordinator")
        ),
    }
    departments["complaints"].head = people["head"]
    departments["complaints"].save()
    return departments | people


def register(by, subject):
    return services.inquiry_register(
        by=by,
        channel="visit",
        kind="complaint",
        requester=services.Requester(name="王大妈", phone="13812345678"),
        subject=subject,
        content=f"{subject}的详细情况。",
        disclosure_given=True,
    )


def refer(by, subject, target, **where):
    return referral_services.referral_create(
        inquiry=register(by, subject), by=by, target=target, **where
    )


@pytest.fixture
def referrals(bureau):
    """From the clerk: one to a colleague, one to the complaints queue, one to the office;
    and one to the complaints queue that is overdue for acceptance."""
    clerk = bureau["clerk"]
    with time_machine.travel(LAST_MONDAY, tick=False):
        overdue = refer(
            clerk, "逾期未签收", Referral.Target.DEPARTMENT, to_department=bureau["complaints"]
        )
    return {
        "colleague": refer(clerk, "转同事", Referral.Target.COLLEAGUE, to_user=bureau["colleague"]),
        "department": refer(
            clerk, "转消保科", Referral.Target.DEPARTMENT, to_department=bureau["complaints"]
        ),
        "office": refer(clerk, "请办公室协调", Referral.Target.OFFICE),
        "overdue": overdue,
    }


def listed(response):
    return {row.referral.inquiry.subject for row in response.context["rows"]}


def inbox(client, user, **params):
    client.force_login(user)
    return client.get(INBOX, params)


# --- Tabs and filters ------------------------------------------------------------------------


def test_the_colleague_sees_the_referral_to_them_under_to_me(client, bureau, referrals):
    response = inbox(client, bureau["colleague"])

    assert response.status_code == 200
    assert response.context["tab"] == "mine"
    assert response.context["state"] == "pending"
    assert listed(response) == {"转同事"}


def test_a_handler_sees_the_department_queue_under_my_department(client, bureau, referrals):
    response = inbox(client, bureau["handler"], tab="department")

    assert listed(response) == {"转消保科", "逾期未签收"}
    assert listed(inbox(client, bureau["handler"], tab="mine")) == set()


def test_a_handler_of_another_department_sees_nothing_of_the_queue(client, bureau, referrals):
    for tab in ("mine", "department", "office", "sent"):
        response = inbox(client, bureau["outsider"], tab=tab, state="all")
        assert listed(response) == set()
        assert "转消保科" not in response.content.decode()


def test_a_handler_permission_given_directly_counts_like_the_role(client, bureau, referrals):
    desk = bureau["desk_only"]
    desk.user_permissions.add(
        Permission.objects.get(content_type__app_label="inquiries", codename="handle_inquiry")
    )

    response = inbox(client, desk, tab="department")

    assert listed(response) == {"转消保科", "逾期未签收"}
    assert counts_for(desk)[0] == 2


def test_staff_without_the_handler_role_have_no_department_tab(client, bureau, referrals):
    response = inbox(client, bureau["desk_only"], tab="department")

    assert [item["value"] for item in response.context["tabs"]] == ["mine", "sent"]
    assert response.context["tab"] == "mine"
    assert listed(response) == set()


def test_the_coordinator_sees_the_office_queue(client, bureau, referrals):
    response = inbox(client, bureau["coordinator"], tab="office")

    assert [item["value"] for item in response.context["tabs"]] == ["mine", "office", "sent"]
    assert listed(response) == {"请办公室协调"}
    html = response.content.decode()
    # The office coordinates on the case page rather than accepting.
    assert reverse("inquiries:referral_accept", args=[referrals["office"].pk]) not in html
    assert "Coordinate on the case page" in html


def test_the_office_tab_keeps_a_case_that_came_back_for_coordination(client, bureau, referrals):
    coordinator = bureau["coordinator"]
    inquiry = referrals["office"].inquiry
    lead = referral_services.office_coordinate(
        inquiry=inquiry, by=coordinator, lead=bureau["complaints"]
    )
    referral_services.referral_return(referral=lead, by=bureau["handler"], reason="不属本科职责")

    response = inbox(client, coordinator, tab="office", state="returned")

    assert [row.referral.pk for row in response.context["rows"]] == [lead.pk]
    assert response.context["rows"][0].may_coordinate


def test_sent_by_me_follows_what_i_passed_on(client, bureau, referrals):
    response = inbox(client, bureau["clerk"], tab="sent")

    assert listed(response) == {"转同事", "转消保科", "请办公室协调", "逾期未签收"}
    assert not any(row.may_decide for row in response.context["rows"])


def test_the_department_head_sees_the_queue_and_referrals_waiting_for_an_absent_member(
    client, bureau, referrals
):
    away = bureau["handler2"]
    away.profile.availability = "business_trip"
    away.profile.away_from = datetime.date(2026, 11, 17)
    away.profile.away_until = datetime.date(2026, 11, 30)
    away.profile.save()
    # The handler passes a case to their colleague, who is away with no delegate.
    case = register(bureau["handler"], "同事出差")
    waiting = referral_services.referral_create(
        inquiry=case, by=bureau["handler"], target=Referral.Target.COLLEAGUE, to_user=away
    )
    assert waiting.waiting_for_absent

    head_sees = inbox(client, bureau["head"], tab="department")
    handler_sees = inbox(client, bureau["handler"], tab="department")

    assert listed(head_sees) == {"转消保科", "逾期未签收", "同事出差"}
    assert listed(handler_sees) == {"转消保科", "逾期未签收"}
    row = next(r for r in head_sees.context["rows"] if r.referral.pk == waiting.pk)
    assert row.may_assign
    assert not row.may_decide
    # The case page offers the head the assignment, and it works.
    actions = permissions.inquiry_actions(bureau["head"], Inquiry.objects.get(pk=case.pk))
    assert permissions.ASSIGN_REFERRAL in actions
    referral_services.referral_accept(referral=waiting, by=bureau["head"], assignee=bureau["head"])
    assert Inquiry.objects.get(pk=case.pk).current_holder == bureau["head"]


def test_a_referral_taken_by_a_delegate_shows_to_both_but_only_the_delegate_accepts(client, bureau):
    colleague = bureau["colleague"]
    deputy = person(bureau["licensing"], "daiban", "郑代办")
    colleague.profile.availability = "absent"
    colleague.profile.away_from = datetime.date(2026, 11, 18)
    colleague.profile.delegate = deputy
    colleague.profile.save()
    referral = refer(bureau["clerk"], "代办", Referral.Target.COLLEAGUE, to_user=colleague)

    meant_for = inbox(client, colleague)
    delegate = inbox(client, deputy)

    assert referral.to_user == deputy
    assert listed(meant_for) == listed(delegate) == {"代办"}
    assert not meant_for.context["rows"][0].may_decide
    assert delegate.context["rows"][0].may_decide
    assert "Meant for 李同事, who is away" in delegate.content.decode()
    assert counts_for(deputy)[0] == 1
    assert counts_for(colleague)[0] == 0


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("pending", {"转消保科", "逾期未签收"}),
        ("overdue", {"逾期未签收"}),
        ("accepted", {"已签收"}),
        ("returned", {"已退回"}),
        ("all", {"转消保科", "逾期未签收", "已签收", "已退回"}),
    ],
)
def test_each_filter_shows_the_referrals_in_that_state(client, bureau, referrals, state, expected):
    complaints = bureau["complaints"]
    accepted = refer(
        bureau["clerk"], "已签收", Referral.Target.DEPARTMENT, to_department=complaints
    )
    returned = refer(
        bureau["clerk"], "已退回", Referral.Target.DEPARTMENT, to_department=complaints
    )
    referral_services.referral_accept(referral=accepted, by=bureau["handler2"])
    referral_services.referral_return(referral=returned, by=bureau["handler2"], reason="非本科职责")

    response = inbox(client, bureau["handler"], tab="department", state=state)

    assert listed(response) == expected


def test_the_filters_and_tabs_show_their_counts(client, bureau, referrals):
    referral_services.referral_accept(referral=referrals["department"], by=bureau["handler2"])

    response = inbox(client, bureau["handler"], tab="department")

    counts = {item["value"]: item["count"] for item in response.context["states"]}
    assert counts == {"pending": 1, "overdue": 1, "accepted": 1, "returned": 0, "all": 2}
    assert {item["value"]: item["pending"] for item in response.context["tabs"]} == {
        "mine": 0,
        "department": 1,
        "sent": 0,
    }


def test_overdue_for_acceptance_counts_working_days_with_frozen_time(client, bureau):
    complaints = bureau["complaints"]
    refer(bureau["clerk"], "今天转", Referral.Target.DEPARTMENT, to_department=complaints)

    # Made on Wednesday, due Thursday: not overdue on Thursday, overdue on Friday.
    with time_machine.travel(datetime.datetime(2026, 11, 19, 17, 0, tzinfo=SHANGHAI)):
        on_thursday = listed(inbox(client, bureau["handler"], tab="department", state="overdue"))
    with time_machine.travel(datetime.datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)):
        on_friday = inbox(client, bureau["handler"], tab="department", state="overdue")

    assert on_thursday == set()
    assert listed(on_friday) == {"今天转"}
    assert "Overdue for acceptance" in on_friday.content.decode()


def test_the_inbox_masks_the_requester_and_links_to_the_case(client, bureau, referrals):
    html = inbox(client, bureau["handler"], tab="department").content.decode()

    assert "王大妈" not in html
    assert "王**" in html
    assert "13812345678" not in html
    number = referrals["department"].inquiry.number
    assert f'href="{reverse("inquiries:case_detail", args=[number])}"' in html
    assert "张小青" in html  # who referred it
    assert "行政审批科" in html  # from which department


def test_pending_queue_rows_offer_accept_and_return(client, bureau, referrals):
    html = inbox(client, bureau["handler"], tab="department").content.decode()

    pk = referrals["department"].pk
    assert f'action="{reverse("inquiries:referral_accept", args=[pk])}"' in html
    assert f'action="{reverse("inquiries:referral_return", args=[pk])}"' in html
    assert 'name="reason"' in html


def test_an_unknown_tab_or_filter_falls_back_to_the_default(client, bureau, referrals):
    response = inbox(client, bureau["colleague"], tab="nonsense", state="nonsense")

    assert response.context["tab"] == "mine"
    assert response.context["state"] == "pending"


def test_the_inbox_is_paginated(client, bureau):
    for n in range(PAGE_SIZE + 2):
        refer(
            bureau["clerk"], f"批量{n}", Referral.Target.DEPARTMENT, to_department=bureau["market"]
        )

    first = inbox(client, bureau["outsider"], tab="department")
    second = inbox(client, bureau["outsider"], tab="department", page=2)

    assert len(first.context["rows"]) == PAGE_SIZE
    assert len(second.context["rows"]) == 2
    assert "page=2" in first.content.decode()


def test_htmx_page_links_get_only_the_results(client, bureau, referrals):
    client.force_login(bureau["handler"])

    response = client.get(INBOX, {"tab": "department"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert "<html" not in html
    assert "转消保科" in html
    assert "HX-Request" in response["Vary"]


def test_the_inbox_needs_a_sign_in(client, db):
    response = client.get(INBOX)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- Accept and return -----------------------------------------------------------------------


def accept(client, referral, user, **data):
    client.force_login(user)
    return client.post(reverse("inquiries:referral_accept", args=[referral.pk]), data)


def give_back(client, referral, user, reason):
    client.force_login(user)
    return client.post(reverse("inquiries:referral_return", args=[referral.pk]), {"reason": reason})


def test_accepting_from_the_inbox_makes_the_handler_hold_the_case(client, bureau, referrals):
    referral = referrals["department"]
    back = f"{INBOX}?tab=department"

    response = accept(client, referral, bureau["handler"], next=back)

    assert response.status_code == 302
    assert response.url == back
    referral.refresh_from_db()
    inquiry = Inquiry.objects.get(pk=referral.inquiry_id)
    assert referral.state == Referral.State.ACCEPTED
    assert referral.decided_by == bureau["handler"]
    assert inquiry.status == Status.IN_PROGRESS
    assert inquiry.current_holder == bureau["handler"]
    page = client.get(back)
    assert f"You accepted case {inquiry.number}" in page.content.decode()


def test_the_second_accept_gets_a_clear_message_not_an_error(client, bureau, referrals):
    referral = referrals["department"]
    accept(client, referral, bureau["handler"])

    response = accept(client, referral, bureau["handler2"])

    assert response.status_code == 302
    assert response.url == INBOX
    html = client.get(INBOX).content.decode()
    assert "This referral was already Accepted by 王经办." in html
    assert Inquiry.objects.get(pk=referral.inquiry_id).current_holder == bureau["handler"]


def test_a_contribution_is_accepted_from_the_inbox_without_moving_the_case(
    client, bureau, referrals
):
    inquiry = referrals["office"].inquiry
    referral_services.office_coordinate(
        inquiry=inquiry,
        by=bureau["coordinator"],
        lead=bureau["licensing"],
        contributors=[bureau["complaints"]],
    )
    contribution = Referral.objects.get(inquiry=inquiry, target=Referral.Target.CONTRIBUTION)

    response = accept(client, contribution, bureau["handler"])

    assert response.status_code == 302
    contribution.refresh_from_db()
    assert contribution.state == Referral.State.ACCEPTED
    assert Inquiry.objects.get(pk=inquiry.pk).status == Status.REFERRED
    html = client.get(INBOX).content.decode()
    assert f"You accepted your department&#x27;s part in case {inquiry.number}." in html


def test_a_stranger_cannot_accept_another_departments_referral(client, bureau, referrals):
    response = accept(client, referrals["department"], bureau["outsider"])

    assert response.status_code == 404
    assert Referral.objects.get(pk=referrals["department"].pk).state == Referral.State.PENDING


def test_the_referrer_cannot_accept_their_own_referral(client, bureau, referrals):
    response = accept(client, referrals["colleague"], bureau["clerk"])

    assert response.status_code == 302
    assert "This referral is not addressed to you." in client.get(INBOX).content.decode()
    assert Referral.objects.get(pk=referrals["colleague"].pk).state == Referral.State.PENDING


def test_accept_only_answers_post(client, bureau, referrals):
    client.force_login(bureau["handler"])

    response = client.get(reverse("inquiries:referral_accept", args=[referrals["department"].pk]))

    assert response.status_code == 405


def test_returning_needs_a_reason(client, bureau, referrals):
    referral = referrals["department"]

    response = give_back(client, referral, bureau["handler"], "   ")

    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.state == Referral.State.PENDING
    html = client.get(INBOX).content.decode()
    assert "Say why it is returned" in html


def test_returning_with_a_reason_sends_the_case_back_to_the_referrer(client, bureau, referrals):
    referral = referrals["department"]

    response = give_back(client, referral, bureau["handler"], "属市场规范科职责，依据三定方案")

    assert response.status_code == 302
    referral.refresh_from_db()
    inquiry = Inquiry.objects.get(pk=referral.inquiry_id)
    assert referral.state == Referral.State.RETURNED
    assert referral.return_reason == "属市场规范科职责，依据三定方案"
    assert inquiry.current_holder == bureau["clerk"]
    assert inquiry.status == Status.IN_PROGRESS
    html = client.get(INBOX).content.decode()
    assert f"You returned case {inquiry.number} to 张小青." in html


def test_returning_what_someone_else_accepted_gets_a_clear_message(client, bureau, referrals):
    referral = referrals["department"]
    accept(client, referral, bureau["handler2"])

    response = give_back(client, referral, bureau["handler"], "不属本科")

    assert response.status_code == 302
    assert "This referral was already Accepted by 赵经办." in client.get(INBOX).content.decode()


def test_a_next_address_off_the_site_is_ignored(client, bureau, referrals):
    response = accept(client, referrals["department"], bureau["handler"], next="https://evil.test/")

    assert response.url == INBOX


# --- Counts ----------------------------------------------------------------------------------


def counts_for(user):
    request = RequestFactory().get("/")
    request.user = user
    counts = case_counts(request)["case_counts"]
    return counts.referrals_waiting, counts.notifications_unread


@pytest.mark.parametrize(
    ("who", "waiting"),
    [
        ("colleague", 1),  # to them
        ("handler", 2),  # the department queue, one of them overdue
        ("head", 2),  # the head of that department
        ("coordinator", 1),  # the office's queue
        ("outsider", 0),
        ("desk_only", 0),  # in the department but may not accept its queue
        ("clerk", 0),  # what they sent waits for others
    ],
)
def test_the_navigation_counts_what_waits_for_each_person(bureau, referrals, who, waiting):
    assert counts_for(bureau[who])[0] == waiting


def test_the_waiting_count_drops_when_a_referral_is_accepted(bureau, referrals):
    referral_services.referral_accept(referral=referrals["department"], by=bureau["handler2"])

    assert counts_for(bureau["handler"])[0] == 1
    assert counts_for(bureau["handler2"])[0] == 1


def test_the_unread_count_counts_only_my_unread_notifications(bureau, referrals):
    # Referring to the complaints queue told its handlers and head; the colleague was told too.
    handler = bureau["handler"]
    before = counts_for(handler)[1]
    notification_services.notification_mark_read(user=handler)

    assert before == 2
    assert counts_for(handler)[1] == 0
    assert counts_for(bureau["handler2"])[1] == 2


# The header shows both counts on every page every signed-in user opens: one query for both,
# whatever the numbers.
@pytest.mark.parametrize("count", [1, 15])
def test_the_header_counts_cost_one_query(bureau, django_assert_num_queries, count):
    for n in range(count):
        refer(
            bureau["clerk"],
            f"转办{n}",
            Referral.Target.DEPARTMENT,
            to_department=bureau["complaints"],
        )
    handler = type(bureau["handler"]).objects.get(pk=bureau["handler"].pk)

    with django_assert_num_queries(1):
        assert counts_for(handler) == (count, count)


def test_anonymous_visitors_get_no_counts_and_no_query(db, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    with django_assert_num_queries(0):
        assert case_counts(request) == {"case_counts": None}


def test_the_navigation_shows_the_waiting_count_and_the_header_the_unread_count(
    client, bureau, referrals
):
    client.force_login(bureau["handler"])

    html = client.get(reverse("home")).content.decode()

    assert f'href="{INBOX}"' in html
    assert '<span class="badge">2<span class="visually-hidden">waiting</span></span>' in html
    assert f'href="{reverse("inquiries:notifications")}"' in html
    assert '<span class="badge">2<span class="visually-hidden">unread</span></span>' in html


# Handlers keep the inbox open all day: its cost must not grow with what it holds.
# session, user, 2 × permissions, tab counts, paginator count, the page of referrals,
# the reader's profile (may they accept?), the header counts, and the departments the reader
# heads (with whether theirs is the office): read once so that the tab filters reach
# PostgreSQL as constants it can estimate — the department queue's counts went from 489 ms
# to 2.5 ms at a million cases for this one small query (issue 9); and the people the rows
# name, read in one query rather than four joins (PostgreSQL spent 10 ms planning the page
# query with them).
INBOX_QUERIES = 11


@pytest.mark.parametrize("count", [3, 20])
def test_the_inbox_query_count_does_not_grow_with_the_referrals(
    client, bureau, django_assert_num_queries, count
):
    for n in range(count):
        refer(
            bureau["clerk"],
            f"转办{n}",
            Referral.Target.DEPARTMENT,
            to_department=bureau["complaints"],
        )
    client.force_login(bureau["handler"])

    with django_assert_num_queries(INBOX_QUERIES):
        response = client.get(INBOX, {"tab": "department"})

    assert len(response.context["rows"]) == count
    assert all(row.may_decide for row in response.context["rows"])
