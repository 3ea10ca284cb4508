"""My cases (as first responder and as handler) and the phone and visit registers."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from inquiries import services
from inquiries.masking import mask_name, mask_phone
from inquiries.models import Channel, Inquiry, Kind, Path, RequiredMaterial, ServiceMatter, Status
from inquiries.selectors_cases import DUE_SOON_WORKING_DAYS
from inquiries.views.cases_list import PAGE_SIZE
from tests.factories import DepartmentFactory, StaffProfileFactory, UnitFactory, UserFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MY_CASES = reverse("inquiries:my_cases")
PHONE_REGISTER = reverse("inquiries:phone_register")
VISIT_REGISTER = reverse("inquiries:visit_register")
# A Wednesday with no holiday near it: working days are plain weekdays around it.
TODAY = datetime.datetime(2026, 11, 18, 10, 0, tzinfo=SHANGHAI)


def at(year, month, day, hour=10, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def bureau(db):
    unit = UnitFactory()
    return {
        "office": DepartmentFactory(parent=unit, name="办公室", code="BGS", is_office=True),
        "licensing": DepartmentFactory(parent=unit, name="行政审批科", code="XZSP"),
    }


def person(department, username, full_name, roles=("front_desk",)):
    user = UserFactory(username=username, full_name=full_name, roles=list(roles))
    StaffProfileFactory(user=user, department=department)
    return user


@pytest.fixture
def clerk(bureau):
    return person(bureau["licensing"], "qiantai", "张小青", roles=("front_desk", "handler"))


@pytest.fixture
def colleague(bureau):
    return person(bureau["licensing"], "tongshi", "李同事", roles=("front_desk", "handler"))


@pytest.fixture
def desk(client, clerk):
    client.force_login(clerk)
    return client


def register(by, *, subject, kind=Kind.CONSULTATION, channel=Channel.VISIT, **extra):
    requester = services.Requester(
        name=extra.pop("name", "王大妈"), phone=extra.pop("phone", "13812345678")
    )
    return services.inquiry_register(
        by=by,
        channel=channel,
        kind=kind,
        requester=requester,
        subject=subject,
        content=extra.pop("content", f"{subject}的详细情况。"),
        disclosure_given=True,
        **extra,
    )


@pytest.fixture
def cases(clerk, colleague, bureau):
    """One case in each state the filters tell apart, all registered by the clerk."""
    matter = ServiceMatter.objects.create(
        department=bureau["licensing"], code="SPJY", name="食品经营许可证核发", promised_days=10
    )
    RequiredMaterial.objects.create(matter=matter, name="营业执照复印件")
    awaiting = register(clerk, subject="等材料", kind=Kind.SERVICE, matter=matter)
    services.notice_issue(inquiry=awaiting, by=clerk)
    closed = register(clerk, subject="已办结")
    services.inquiry_decide_path(
        inquiry=closed, by=clerk, path=Path.OWN_DUTY, on_the_spot_result="当场答复办理流程"
    )
    referred = register(clerk, subject="转同事办理", kind=Kind.COMPLAINT)
    services.inquiry_decide_path(
        inquiry=referred, by=clerk, path=Path.SAME_DEPARTMENT, colleague=colleague
    )
    return {
        # Received 16 days ago with a 2-day limit: overdue by 10 working days.
        "overdue": register(clerk, subject="已逾期", received_at=at(2026, 11, 2)),
        # Received today with a 2-day limit: due the day after tomorrow.
        "due_soon": register(clerk, subject="快到期"),
        "later": register(clerk, subject="时间充裕", kind=Kind.COMPLAINT),
        "awaiting": awaiting,
        "closed": closed,
        "referred": referred,
        "someone_elses": register(colleague, subject="别人的案件"),
    }


def listed(response):
    return {row.case.subject for row in response.context["rows"]}


# --- My cases -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("open", {"已逾期", "快到期", "时间充裕", "等材料", "转同事办理"}),
        ("due_soon", {"快到期"}),
        ("overdue", {"已逾期"}),
        ("awaiting", {"等材料"}),
        ("closed", {"已办结"}),
        ("all", {"已逾期", "快到期", "时间充裕", "等材料", "转同事办理", "已办结"}),
    ],
)
def test_each_filter_shows_the_right_cases_of_the_first_responder(desk, cases, state, expected):
    response = desk.get(MY_CASES, {"state": state})

    assert response.status_code == 200
    assert listed(response) == expected


def test_open_cases_are_the_default_most_urgent_first(desk, cases):
    response = desk.get(MY_CASES)

    assert response.context["state"] == "open"
    assert [row.case.subject for row in response.context["rows"]][:2] == ["已逾期", "快到期"]


def test_another_users_cases_do_not_appear(desk, cases):
    response = desk.get(MY_CASES, {"state": "all", "q": "别人"})

    assert listed(response) == set()
    assert "别人的案件" not in desk.get(MY_CASES, {"state": "all"}).content.decode()


def test_a_case_passed_on_is_in_the_handlers_list_and_stays_in_the_responders(
    client, cases, clerk, colleague
):
    client.force_login(colleague)
    colleague_handles = listed(client.get(MY_CASES, {"role": "handler"}))
    colleague_responded = listed(client.get(MY_CASES, {"role": "responder"}))
    client.force_login(clerk)
    clerk_handles = listed(client.get(MY_CASES, {"role": "handler"}))
    clerk_responded = listed(client.get(MY_CASES, {"role": "responder"}))

    assert colleague_handles == {"转同事办理", "别人的案件"}
    assert colleague_responded == {"别人的案件"}
    assert "转同事办理" in clerk_responded
    assert "转同事办理" not in clerk_handles


def test_the_tabs_count_the_cases_in_each_state(desk, cases):
    response = desk.get(MY_CASES)

    counts = {item["value"]: item["count"] for item in response.context["states"]}
    assert counts == {
        "open": 5,
        "due_soon": 1,
        "overdue": 1,
        "awaiting": 1,
        "closed": 1,
        "all": 6,
    }


def test_due_soon_means_within_the_named_number_of_working_days(desk, clerk):
    # From Wednesday 18 November, Friday 20 is two working days away and Monday 23 three.
    friday = register(clerk, subject="周五到期", kind=Kind.HELP)
    monday = register(clerk, subject="下周一到期", kind=Kind.HELP)
    Inquiry.objects.filter(pk=friday.pk).update(deadline=datetime.date(2026, 11, 20))
    Inquiry.objects.filter(pk=monday.pk).update(deadline=datetime.date(2026, 11, 23))

    response = desk.get(MY_CASES, {"state": "due_soon"})

    assert DUE_SOON_WORKING_DAYS == 2
    assert listed(response) == {"周五到期"}


@pytest.mark.parametrize(
    "query",
    ["快到期", "王大", "１３８１２３４５６７８", "5678"],
    ids=["subject", "requester", "full-width phone", "end of phone"],
)
def test_search_finds_by_subject_requester_or_phone(desk, cases, query):
    response = desk.get(MY_CASES, {"state": "all", "q": query})

    assert "快到期" in listed(response)


def test_search_finds_by_case_number(desk, cases):
    number = cases["later"].number

    response = desk.get(MY_CASES, {"state": "all", "q": number})

    assert listed(response) == {"时间充裕"}


def test_the_list_masks_the_requester_and_links_to_the_case(desk, cases):
    html = desk.get(MY_CASES, {"state": "all"}).content.decode()

    assert "王大妈" not in html
    assert "13812345678" not in html
    assert "王**" in html
    assert "138****5678" in html
    assert f'href="{reverse("inquiries:case_detail", args=[cases["later"].number])}"' in html


def test_deadlines_read_as_days_left_overdue_or_clock_stopped(desk, cases):
    rows = {row.case.subject: row for row in desk.get(MY_CASES, {"state": "all"}).context["rows"]}

    assert rows["已逾期"].deadline.overdue_by == 10
    assert rows["快到期"].deadline.working_days_left == 2
    assert rows["快到期"].is_due_soon
    assert rows["时间充裕"].deadline.working_days_left == 15
    assert not rows["时间充裕"].is_due_soon
    assert rows["等材料"].deadline is None
    assert rows["已办结"].deadline is None
    html = desk.get(MY_CASES, {"state": "awaiting"}).content.decode()
    assert 'class="deadline-stopped"' in html
    assert 'class="deadline-overdue"' in desk.get(MY_CASES, {"state": "overdue"}).content.decode()


def test_htmx_search_returns_only_the_results(desk, cases):
    response = desk.get(MY_CASES, {"q": "快到期"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert "<html" not in html
    assert "<form" not in html
    assert "快到期" in html
    assert "HX-Request" in response["Vary"]


def test_the_list_is_paginated_keeping_the_filters(desk, clerk):
    for n in range(PAGE_SIZE + 3):
        register(clerk, subject=f"批量{n}")

    first = desk.get(MY_CASES, {"state": "open", "q": "批量"})
    second = desk.get(MY_CASES, {"state": "open", "q": "批量", "page": 2})

    assert len(first.context["rows"]) == PAGE_SIZE
    assert len(second.context["rows"]) == 3
    assert "page=2" in first.content.decode()
    assert "q=%E6%89%B9%E9%87%8F" in first.content.decode()


def test_my_cases_needs_a_sign_in(client, db):
    response = client.get(MY_CASES)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# Every front-desk worker opens this list all day: it must cost the same few queries however
# many cases they hold.
# session, user, 2 × permissions, calendar overrides, tab counts, paginator count, the page
# of cases (no profile: the user's own cases need no visibility filter, see `inquiries_of`)
MY_CASES_QUERIES = 9


@pytest.mark.parametrize("count", [3, 20])
def test_my_cases_query_count_does_not_grow_with_the_cases(
    desk, clerk, django_assert_num_queries, count
):
    for n in range(count):
        register(clerk, subject=f"案件{n}", kind=Kind.COMPLAINT)

    with django_assert_num_queries(MY_CASES_QUERIES):
        response = desk.get(MY_CASES, {"state": "all"})

    assert len(response.context["rows"]) == count


# --- Registers ------------------------------------------------------------------------------


@pytest.fixture
def calls_and_visits(clerk):
    return {
        "call_early": register(
            clerk, subject="来电早", channel=Channel.PHONE, received_at=at(2026, 11, 10, 0, 10)
        ),
        "call_late": register(
            clerk, subject="来电晚", channel=Channel.PHONE, received_at=at(2026, 11, 12, 23, 50)
        ),
        "call_today": register(clerk, subject="来电今天", channel=Channel.PHONE),
        "visit": register(clerk, subject="来访", channel=Channel.VISIT),
        "letter": register(clerk, subject="来信", channel=Channel.LETTER),
    }


def test_the_phone_register_lists_only_calls_newest_first(desk, calls_and_visits):
    response = desk.get(PHONE_REGISTER)

    assert [row.case.subject for row in response.context["rows"]] == [
        "来电今天",
        "来电晚",
        "来电早",
    ]


def test_the_visit_register_lists_only_visits(desk, calls_and_visits):
    response = desk.get(VISIT_REGISTER)

    assert listed(response) == {"来访"}


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        ({"date_from": "2026-11-10", "date_to": "2026-11-12"}, {"来电早", "来电晚"}),
        ({"date_from": "2026-11-11"}, {"来电晚", "来电今天"}),
        ({"date_to": "2026-11-10"}, {"来电早"}),
        ({"date_from": "2026-11-13", "date_to": "2026-11-17"}, set()),
    ],
    ids=["both days included", "from only", "to only", "empty range"],
)
def test_the_register_keeps_to_the_dates_in_local_time(desk, calls_and_visits, dates, expected):
    response = desk.get(PHONE_REGISTER, dates)

    assert listed(response) == expected


def test_a_reversed_range_says_so_and_filters_nothing(desk, calls_and_visits):
    response = desk.get(PHONE_REGISTER, {"date_from": "2026-11-12", "date_to": "2026-11-10"})

    assert response.context["filters"].has_error("__all__", "range_reversed")
    assert len(response.context["rows"]) == 3
    assert 'role="alert"' in response.content.decode()


def test_the_register_masks_the_requester(desk, clerk):
    register(clerk, subject="咨询", channel=Channel.PHONE, name="张三", phone="0531-86012345")

    html = desk.get(PHONE_REGISTER).content.decode()

    assert "张三" not in html
    assert "张*" in html
    assert "0531-86012345" not in html
    assert "0531-****2345" in html
    assert "张小青" in html  # the first responder


def test_the_register_only_lists_cases_the_user_may_see(client, calls_and_visits, colleague):
    client.force_login(colleague)

    assert listed(client.get(PHONE_REGISTER)) == set()


def test_the_register_can_be_printed(desk, calls_and_visits):
    html = desk.get(PHONE_REGISTER).content.decode()

    assert 'data-action="print"' in html
    assert 'class="print-only small"' in html


def test_htmx_register_filter_returns_only_the_results(desk, calls_and_visits):
    response = desk.get(PHONE_REGISTER, {"date_to": "2026-11-10"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert "<html" not in html
    assert "来电早" in html
    assert "来电晚" not in html


# A register is printed or browsed every day: its cost must not grow with its length.
# session, user, 2 × permissions, the handler's profile (visibility), count, the page of cases
REGISTER_QUERIES = 8


@pytest.mark.parametrize("count", [3, 20])
def test_register_query_count_does_not_grow_with_the_cases(
    desk, clerk, django_assert_num_queries, count
):
    for n in range(count):
        register(clerk, subject=f"来电{n}", channel=Channel.PHONE)

    with django_assert_num_queries(REGISTER_QUERIES):
        response = desk.get(PHONE_REGISTER)

    assert len(response.context["rows"]) == count


# --- Masking --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张*"),
        ("欧阳修", "欧**"),
        ("张", "*"),
        ("济南某某餐饮有限公司", "济南******公司"),
        ("", ""),
    ],
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("0531-86012345", "0531-****2345"),
        ("86012345", "860*2345"),
        ("12345", "***45"),
        ("", ""),
    ],
)
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


def test_closed_cases_are_not_overdue_however_old(desk, cases):
    case = cases["closed"]
    Inquiry.objects.filter(pk=case.pk).update(deadline=datetime.date(2026, 1, 5))

    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert "已办结" not in listed(desk.get(MY_CASES, {"state": "overdue"}))
