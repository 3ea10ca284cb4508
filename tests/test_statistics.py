"""Statistics for supervisors: every number hand-counted on a fixed set of cases, the page,
its drill-down lists and its Excel export."""

import datetime
import io
import re
import zoneinfo
from html import unescape

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from inquiries.models import (
    Channel,
    ExportRecord,
    FeedbackMethod,
    Inquiry,
    Kind,
    Referral,
    Status,
)
from inquiries.selectors_statistics import (
    NO_KEY,
    CaseFacts,
    Grouping,
    figures_by_group,
    figures_of,
    nearest_rank_percentile,
    statistics_facts,
)
from inquiries.workdays import WorkCalendar
from tests.factories import DepartmentFactory, StaffProfileFactory, UnitFactory, UserFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
D = datetime.date
# Friday 16 October 2026, the second week after the National Day holiday (1–7 October off,
# Saturday 10 October a working day).
TODAY = datetime.datetime(2026, 10, 16, 10, 0, tzinfo=SHANGHAI)
PERIOD = {"date_from": "2026-09-28", "date_to": "2026-10-16"}
CALENDAR = WorkCalendar(overrides={})
STATISTICS = reverse("inquiries:statistics")
DRILLDOWN = reverse("inquiries:statistics_cases")
EXPORT = reverse("inquiries:statistics_export")


def at(month, day, hour=10, minute=0):
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


# --- Pure functions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], None),
        ([7], 7),
        ([0, 1, 2, 6, 9], 9),  # rank ceil(4.5) = 5
        (list(range(1, 11)), 9),  # rank 9 of 10
        (list(range(1, 21)), 18),  # rank 18 of 20
        ([5, 1, 3], 5),  # unsorted input
    ],
)
def test_the_90th_percentile_is_the_nearest_rank(values, expected):
    assert nearest_rank_percentile(values, 90) == expected


def facts(**fields):
    base = {
        "pk": 1,
        "channel": Channel.VISIT,
        "kind": Kind.CONSULTATION,
        "status": Status.IN_PROGRESS,
        "received_on": D(2026, 10, 12),
        "closed_on": None,
        "deadline": D(2026, 10, 14),
        "feedback_method": "",
        "department_id": 1,
        "department_name": "甲科",
        "staff_id": 1,
        "staff_name": "张三",
    }
    return CaseFacts(**{**base, **fields})


def test_no_cases_give_no_rates_rather_than_zero():
    figures = figures_of([], calendar=CALENDAR, today=D(2026, 10, 16))

    assert figures.volume == 0
    assert figures.on_the_spot_rate is None
    assert figures.on_time_rate is None
    assert figures.return_rate is None
    assert figures.handling_days_average is None
    assert figures.handling_days_p90 is None


@pytest.mark.parametrize(
    ("status", "deadline", "overdue"),
    [
        (Status.IN_PROGRESS, D(2026, 10, 15), 1),
        (Status.IN_PROGRESS, D(2026, 10, 16), 0),  # due today: not yet overdue
        (Status.AWAITING_MATERIALS, D(2026, 10, 1), 0),  # the clock is stopped
        (Status.REPLIED, D(2026, 10, 1), 1),
    ],
)
def test_overdue_counts_open_cases_whose_clock_runs_past_the_deadline(status, deadline, overdue):
    row = facts(status=status, deadline=deadline)

    assert figures_of([row], calendar=CALENDAR, today=D(2026, 10, 16)).overdue == overdue


def test_on_the_spot_needs_the_same_day_and_on_the_spot_feedback():
    rows = [
        facts(
            pk=1,
            status=Status.CLOSED,
            closed_on=D(2026, 10, 12),
            feedback_method=FeedbackMethod.ON_THE_SPOT,
        ),
        facts(
            pk=2,
            status=Status.CLOSED,
            closed_on=D(2026, 10, 13),
            feedback_method=FeedbackMethod.ON_THE_SPOT,
        ),
        facts(
            pk=3,
            status=Status.CLOSED,
            closed_on=D(2026, 10, 12),
            feedback_method=FeedbackMethod.PHONE,
        ),
    ]

    figures = figures_of(rows, calendar=CALENDAR, today=D(2026, 10, 16))

    assert figures.on_the_spot == 1
    assert figures.on_the_spot_rate == pytest.approx(1 / 3)


# --- A hand-counted bureau -------------------------------------------------------------------


@pytest.fixture
def bureau(db):
    unit = UnitFactory()
    other_unit = UnitFactory(code="OTHER", name="另一个局")
    a = DepartmentFactory(parent=unit, name="行政审批科", code="XZSP")
    b = DepartmentFactory(parent=unit, name="消费者权益保护科", code="XBK")
    c = DepartmentFactory(parent=other_unit, name="外单位科", code="WDW")
    chief = UserFactory(username="juzhang", full_name="王局长", roles=["department_head"])
    StaffProfileFactory(user=chief, department=a)
    unit.head = chief
    unit.save()
    leader_b = UserFactory(username="fenguan", full_name="刘分管", roles=["supervising_leader"])
    StaffProfileFactory(user=leader_b, department=b)
    b.supervising_leader = leader_b
    b.save()
    s1 = UserFactory(username="s1", full_name="张一", roles=["front_desk", "handler"])
    StaffProfileFactory(user=s1, department=a)
    s2 = UserFactory(username="s2", full_name="李二", roles=["front_desk", "handler"])
    StaffProfileFactory(user=s2, department=b)
    s3 = UserFactory(username="s3", full_name="赵三", roles=["front_desk", "handler"])
    StaffProfileFactory(user=s3, department=c)
    return {
        "a": a,
        "b": b,
        "c": c,
        "chief": chief,
        "leader_b": leader_b,
        "s1": s1,
        "s2": s2,
        "s3": s3,
    }


_numbers = iter(range(1, 10_000))


def case(
    *,
    by,
    receiving,
    handling=None,
    channel=Channel.VISIT,
    kind=Kind.CONSULTATION,
    status=Status.IN_PROGRESS,
    received_at,
    deadline,
    closed_at=None,
    feedback_method="",
    subject="",
):
    closed = status == Status.CLOSED
    return Inquiry.objects.create(
        number=f"2026-{next(_numbers):06d}",
        channel=channel,
        kind=kind,
        status=status,
        requester_name="张三丰",
        requester_phone="13812345678",
        subject=subject or "咨询",
        content="详细情况。",
        received_at=received_at,
        first_responder=by,
        receiving_department=receiving,
        handling_department=handling,
        time_limit_days=5,
        deadline=deadline,
        closed_at=closed_at,
        result="已答复" if closed else "",
        feedback_method=feedback_method,
        feedback_at=closed_at if closed else None,
    )


def referral(inquiry, *, by, state, to_department, when=None):
    decided = state in {Referral.State.ACCEPTED, Referral.State.RETURNED}
    return Referral.objects.create(
        inquiry=inquiry,
        target=Referral.Target.DEPARTMENT,
        state=state,
        from_user=by,
        from_department=inquiry.receiving_department,
        to_department=to_department,
        created_at=when or inquiry.received_at,
        accept_due=D(2026, 10, 20),
        decided_at=(when or inquiry.received_at) if decided else None,
        return_reason="不属于本科职责" if state == Referral.State.RETURNED else "",
    )


@pytest.fixture
def cases(bureau):
    """Nine cases in the period and two that must not count. Department A handles c1–c4 and
    c8; department B receives c5–c7 and c9 (c9 an online letter nobody has picked up)."""
    a, b, c, s1, s2 = bureau["a"], bureau["b"], bureau["c"], bureau["s1"], bureau["s2"]
    closed = Status.CLOSED
    made = {
        # Closed the evening of the day received, on the spot: 0 working days, on time.
        "c1": case(
            by=s1, receiving=a, handling=a, received_at=at(9, 28), deadline=D(2026, 10, 12),
            status=closed, closed_at=at(9, 28, 22), feedback_method=FeedbackMethod.ON_THE_SPOT,
        ),
        # On-the-spot feedback, but the next day: not "resolved on the spot". 1 day, on time.
        "c2": case(
            by=s1, receiving=a, handling=a, channel=Channel.PHONE, received_at=at(9, 29),
            deadline=D(2026, 10, 13), status=closed, closed_at=at(9, 30),
            feedback_method=FeedbackMethod.ON_THE_SPOT,
        ),
        # Across the National Day holiday: 30 Sep → 9 Oct is 2 working days; a day late.
        "c3": case(
            by=s1, receiving=a, handling=a, kind=Kind.SERVICE, received_at=at(9, 30),
            deadline=D(2026, 10, 8), status=closed, closed_at=at(10, 9, 15),
            feedback_method=FeedbackMethod.PHONE,
        ),
        # Received by B, handled by A: 29 Sep → 16 Oct is 9 working days (Sat 10 Oct works).
        "c4": case(
            by=s2, receiving=b, handling=a, channel=Channel.LETTER, kind=Kind.COMPLAINT,
            received_at=at(9, 29), deadline=D(2026, 10, 20), status=closed,
            closed_at=at(10, 16, 9), feedback_method=FeedbackMethod.LETTER,
        ),
        # Open, deadline passed: overdue.
        "c5": case(
            by=s2, receiving=b, handling=b, channel=Channel.PHONE, kind=Kind.COMPLAINT,
            received_at=at(10, 9), deadline=D(2026, 10, 14),
        ),
        # Deadline passed but waiting for materials: the clock is stopped, not overdue.
        "c6": case(
            by=s2, receiving=b, handling=b, kind=Kind.COMPLAINT, received_at=at(10, 12),
            deadline=D(2026, 10, 13), status=Status.AWAITING_MATERIALS,
        ),
        # Due today: not overdue yet.
        "c7": case(
            by=s2, receiving=b, handling=b, channel=Channel.FAX, kind=Kind.TIP_OFF,
            received_at=at(10, 13), deadline=D(2026, 10, 16), status=Status.REGISTERED,
        ),
        # 8 Oct → 15 Oct is 6 working days; on time.
        "c8": case(
            by=s1, receiving=a, handling=a, channel=Channel.LETTER, kind=Kind.SUGGESTION,
            received_at=at(10, 8), deadline=D(2026, 10, 22), status=closed,
            closed_at=at(10, 15), feedback_method=FeedbackMethod.LETTER,
        ),
        # An online letter late in the evening, nobody's yet; counted for B, overdue.
        "c9": case(
            by=None, receiving=b, channel=Channel.ONLINE, kind=Kind.HELP,
            received_at=at(10, 14, 23, 30), deadline=D(2026, 10, 15), status=Status.REGISTERED,
        ),
        # The minute before the period starts: not counted.
        "before": case(
            by=s1, receiving=a, handling=a, received_at=at(9, 27, 23, 59),
            deadline=D(2026, 10, 12),
        ),
        # Another unit's case: not the chief's to supervise.
        "elsewhere": case(
            by=bureau["s3"], receiving=c, handling=c, received_at=at(10, 12),
            deadline=D(2026, 10, 13),
        ),
    }  # fmt: skip
    accepted, returned, pending = (
        Referral.State.ACCEPTED,
        Referral.State.RETURNED,
        Referral.State.PENDING,
    )
    referral(made["c2"], by=s1, state=returned, to_department=b)
    referral(made["c2"], by=s1, state=accepted, to_department=b)
    referral(made["c4"], by=s2, state=returned, to_department=a)
    referral(made["c5"], by=s2, state=pending, to_department=a)
    referral(made["c8"], by=s1, state=accepted, to_department=b)
    return made


def chief_facts(bureau):
    return statistics_facts(user=bureau["chief"], date_from=D(2026, 9, 28), date_to=D(2026, 10, 16))


def test_the_period_counts_the_supervised_cases_received_in_it(bureau, cases):
    pks = {row.pk for row in chief_facts(bureau)}

    assert pks == {
        cases[name].pk for name in ("c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9")
    }


def test_every_total_is_as_hand_counted(bureau, cases):
    figures = figures_of(chief_facts(bureau), calendar=CALENDAR, today=D(2026, 10, 16))

    assert figures.volume == 9
    assert figures.on_the_spot == 1  # c1 only: c2's on-the-spot feedback came the next day
    assert figures.on_the_spot_rate == pytest.approx(1 / 9)
    assert figures.closed == 5  # c1 c2 c3 c4 c8
    assert figures.on_time == 4  # c3 closed a day late
    assert figures.on_time_rate == pytest.approx(0.8)
    # Working days 0, 1, 2 (across the holiday), 9 (with the working Saturday), 6.
    assert figures.handling_days_average == pytest.approx(18 / 5)
    assert figures.handling_days_p90 == 9
    assert figures.referrals_decided == 4  # the pending one is not decided yet
    assert figures.referrals_returned == 2
    assert figures.return_rate == pytest.approx(0.5)
    assert figures.cases_with_returns == 2  # c2 and c4
    assert figures.overdue == 2  # c5 and c9; c6 is stopped, c7 is due today


def test_by_department_the_handling_department_counts_else_the_receiving_one(bureau, cases):
    groups = figures_by_group(
        chief_facts(bureau), grouping=Grouping.DEPARTMENT, calendar=CALENDAR, today=D(2026, 10, 16)
    )
    by_label = {group.label: group for group in groups}

    assert [group.label for group in groups] == ["行政审批科", "消费者权益保护科"]
    a, b = by_label["行政审批科"].figures, by_label["消费者权益保护科"].figures
    assert by_label["行政审批科"].key == str(bureau["a"].pk)
    assert (a.volume, a.on_the_spot, a.closed, a.on_time, a.overdue) == (5, 1, 5, 4, 0)
    assert a.handling_days_average == pytest.approx(3.6)
    assert a.handling_days_p90 == 9
    assert (a.referrals_returned, a.referrals_decided) == (2, 4)
    assert (b.volume, b.on_the_spot, b.closed, b.on_time, b.overdue) == (4, 0, 0, 0, 2)
    assert b.on_time_rate is None
    assert b.handling_days_average is None
    assert b.return_rate is None  # c5's referral is still pending


@pytest.mark.parametrize(
    ("grouping", "expected"),
    [
        (
            Grouping.CHANNEL,
            {
                Channel.VISIT: 3,
                Channel.PHONE: 2,
                Channel.LETTER: 2,
                Channel.FAX: 1,
                Channel.ONLINE: 1,
            },
        ),
        (
            Grouping.KIND,
            {
                Kind.CONSULTATION: 2,
                Kind.SERVICE: 1,
                Kind.COMPLAINT: 3,
                Kind.TIP_OFF: 1,
                Kind.SUGGESTION: 1,
                Kind.HELP: 1,
            },
        ),
    ],
)
def test_volumes_by_channel_and_kind(bureau, cases, grouping, expected):
    groups = figures_by_group(
        chief_facts(bureau), grouping=grouping, calendar=CALENDAR, today=D(2026, 10, 16)
    )

    assert {group.key: group.figures.volume for group in groups} == expected


def test_by_staff_the_first_responder_counts_and_unclaimed_letters_stand_apart(bureau, cases):
    groups = figures_by_group(
        chief_facts(bureau), grouping=Grouping.STAFF, calendar=CALENDAR, today=D(2026, 10, 16)
    )
    by_key = {group.key: group for group in groups}

    assert set(by_key) == {str(bureau["s1"].pk), str(bureau["s2"].pk), NO_KEY}
    s1 = by_key[str(bureau["s1"].pk)].figures
    assert (s1.volume, s1.on_the_spot, s1.closed, s1.on_time) == (4, 1, 4, 3)
    assert s1.handling_days_average == pytest.approx((0 + 1 + 2 + 6) / 4)
    s2 = by_key[str(bureau["s2"].pk)].figures
    assert (s2.volume, s2.closed, s2.on_time, s2.overdue) == (4, 1, 1, 1)
    assert s2.handling_days_p90 == 9
    assert by_key[NO_KEY].figures.volume == 1
    assert by_key[NO_KEY].figures.overdue == 1


def test_a_supervising_leader_counts_only_the_departments_they_lead(bureau, cases):
    rows = statistics_facts(
        user=bureau["leader_b"], date_from=D(2026, 9, 28), date_to=D(2026, 10, 16)
    )

    # c4 was received by B but is handled by A: it is A's now.
    assert {row.pk for row in rows} == {cases[name].pk for name in ("c5", "c6", "c7", "c9")}


def _add_cases(bureau, count):
    for _index in range(count):
        made = case(
            by=bureau["s1"], receiving=bureau["a"], handling=bureau["a"], received_at=at(10, 12),
            deadline=D(2026, 10, 14), status=Status.CLOSED, closed_at=at(10, 13),
            feedback_method=FeedbackMethod.PHONE,
        )  # fmt: skip
        referral(made, by=bureau["s1"], state=Referral.State.RETURNED, to_department=bureau["b"])


def _queries_for_facts(bureau):
    with CaptureQueriesContext(connection) as queries:
        chief_facts(bureau)
    return len(queries)


def test_the_rows_cost_the_same_queries_for_3_cases_as_for_20(bureau):
    # Supervisors run the statistics over a month of a whole bureau: the rows must come in
    # one query over the cases, not one per case or per referral.
    _add_cases(bureau, 3)
    chief_facts(bureau)  # the user's permissions are cached after the first look
    few = _queries_for_facts(bureau)
    _add_cases(bureau, 17)
    many = _queries_for_facts(bureau)

    assert len(chief_facts(bureau)) == 20
    assert few == many


# --- The page --------------------------------------------------------------------------------


@pytest.fixture
def chief_client(client, bureau):
    client.force_login(bureau["chief"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_page_needs_the_supervise_permission(client, bureau):
    client.force_login(bureau["s1"])

    assert client.get(STATISTICS).status_code == 403
    assert client.get(DRILLDOWN).status_code == 403


def test_the_page_defaults_to_this_month(chief_client, cases):
    response = chief_client.get(STATISTICS)

    assert response.context["date_from"] == D(2026, 10, 1)
    assert response.context["date_to"] == D(2026, 10, 31)
    assert response.context["total"].volume == 5  # received in October: c5 to c9


def test_a_reversed_period_says_so_and_counts_this_month(chief_client, cases):
    response = chief_client.get(STATISTICS, {"date_from": "2026-10-16", "date_to": "2026-09-28"})

    assert response.context["form"].has_error("__all__", "range_reversed")
    assert response.context["date_from"] == D(2026, 10, 1)
    assert 'role="alert"' in response.content.decode()


def test_the_page_shows_every_grouping_with_a_table_and_a_chart(chief_client, cases):
    response = chief_client.get(STATISTICS, PERIOD)
    html = response.content.decode()

    assert response.status_code == 200
    for grouping in ("department", "channel", "kind", "staff"):
        assert f'id="statistics-{grouping}"' in html
    assert html.count("<svg") == 4
    assert "<script" not in html.split("<main", 1)[-1].split("</main>", 1)[0]
    assert "On-the-spot resolution rate" in html
    assert "On-time closure rate" in html
    assert "90th percentile" in html
    assert "Referral return rate" in html
    assert "Satisfaction" in html
    assert "Overdue count" in html
    assert "<tfoot>" in html and "Total" in html
    assert "no case received in this period has been rated yet" in html
    assert "3.6 working days" in html  # department A's average
    assert "80.0%" in html  # department A's on-time rate


_LINK = re.compile(r'data-measure="(\w+)">\s*<a href="([^"]+)">(\d+)</a>')


def test_every_count_links_to_exactly_the_cases_behind_it(chief_client, cases):
    html = chief_client.get(STATISTICS, PERIOD).content.decode()
    links = _LINK.findall(html)

    measures = {measure for measure, _url, _count in links}
    assert {"volume", "on_the_spot", "closed", "on_time", "overdue"} <= measures
    assert len(links) >= 5 * (2 + 5 + 6 + 3)
    for measure, url, count in links:
        response = chief_client.get(unescape(url))
        assert response.status_code == 200
        assert response.context["page_obj"].paginator.count == int(count), (measure, url)


def test_the_drilldown_lists_the_overdue_cases_of_a_department(chief_client, bureau, cases):
    query = {**PERIOD, "group": "department", "key": bureau["b"].pk, "measure": "overdue"}

    response = chief_client.get(DRILLDOWN, query)

    numbers = {row["case"].number for row in response.context["rows"]}
    assert numbers == {cases["c5"].number, cases["c9"].number}
    html = response.content.decode()
    assert "Department: 消费者权益保护科" in html
    assert "张三丰" not in html
    assert "张**" in html
    assert "138****5678" in html


def test_the_drilldown_lists_the_cases_closed_on_time_by_channel(chief_client, cases):
    query = {**PERIOD, "group": "channel", "key": "letter", "measure": "on_time"}

    response = chief_client.get(DRILLDOWN, query)

    assert {row["case"].number for row in response.context["rows"]} == {
        cases["c4"].number,
        cases["c8"].number,
    }


def test_the_drilldown_is_paginated(chief_client, bureau):
    _add_cases(bureau, 30)

    response = chief_client.get(DRILLDOWN, {**PERIOD, "measure": "volume"})

    assert response.context["page_obj"].paginator.count == 30
    assert len(response.context["rows"]) == 25


def test_an_unknown_measure_or_grouping_is_not_found(chief_client, cases):
    assert chief_client.get(DRILLDOWN, {"measure": "bogus"}).status_code == 404
    assert chief_client.get(DRILLDOWN, {"group": "bogus"}).status_code == 404


# --- Export ----------------------------------------------------------------------------------


def test_each_table_exports_to_excel_with_the_same_rows(chief_client, bureau, cases):
    page = chief_client.get(STATISTICS, PERIOD)
    department = next(s for s in page.context["sections"] if s["grouping"] == "department")

    response = chief_client.get(EXPORT, {**PERIOD, "group": "department"})

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "部门"
    assert len(rows[0]) == 16  # the last three: satisfaction (tests/test_statistics_satisfaction)
    assert [row[0] for row in rows[1:-1]] == [group["label"] for group in department["groups"]]
    assert rows[1][:7] == ("行政审批科", 5, 1, 20.0, 5, 4, 80.0)
    assert rows[1][7:13] == (3.6, 9, 2, 4, 50.0, 0)
    assert rows[-1][1] == 9  # the total
    record = ExportRecord.objects.get()
    assert record.user == bureau["chief"]
    assert record.what == "statistics:department"
    assert record.filters == {**PERIOD, "group": "department"}
    assert record.rows == 3


@pytest.mark.parametrize("group", ["channel", "kind", "staff"])
def test_the_other_tables_export_too(chief_client, cases, group):
    response = chief_client.get(EXPORT, {**PERIOD, "group": group})

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row >= 3


def test_exporting_statistics_needs_the_export_permission(client, bureau, cases):
    leader = UserFactory(username="nodaochu", roles=["front_desk"])
    leader.user_permissions.add(Permission.objects.get(codename="supervise_inquiry"))
    client.force_login(leader)

    assert client.get(STATISTICS, PERIOD).status_code == 200
    assert client.get(EXPORT, PERIOD).status_code == 403
    assert not ExportRecord.objects.exists()


def _page_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(STATISTICS, PERIOD).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_for_3_cases_as_for_20(chief_client, bureau):
    # The page draws four tables from one set of rows: growing the period must not add queries.
    _add_cases(bureau, 3)
    few = _page_queries(chief_client)
    _add_cases(bureau, 17)

    assert _page_queries(chief_client) == few


def test_the_navigation_offers_statistics_to_supervisors_only(client, bureau):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(bureau["chief"])
    assert f'href="{STATISTICS}"' in client.get(reverse("home")).content.decode()

    client.force_login(bureau["s1"])
    assert f'href="{STATISTICS}"' not in client.get(reverse("home")).content.decode()
