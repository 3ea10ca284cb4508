"""Satisfaction (好差评) in the statistics: rated cases, the satisfaction rate and low ratings,
hand-counted on a fixed set of rated cases, with their drill-down lists and Excel columns."""

import io
import re
from html import unescape

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext as _t
from openpyxl import load_workbook

from inquiries.models import Channel, FeedbackMethod, Kind, Rating, Status
from inquiries.selectors_statistics import (
    SATISFIED_MIN_LEVEL,
    Grouping,
    Measure,
    figures_by_group,
    figures_of,
)
from tests.factories import DepartmentFactory, StaffProfileFactory, UnitFactory, UserFactory
from tests.test_statistics import (
    CALENDAR,
    DRILLDOWN,
    EXPORT,
    PERIOD,
    STATISTICS,
    TODAY,
    D,
    at,
    case,
    chief_facts,
    facts,
)

L = Rating.Level


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def rated(inquiry, level):
    Rating.objects.create(
        inquiry=inquiry, level=level, source=Rating.Source.TRACKING_PAGE, rated_at=timezone.now()
    )
    return inquiry


def closed_case(*, received, **fields):
    return case(
        received_at=at(*received),
        deadline=D(2026, 10, 30),
        status=Status.CLOSED,
        closed_at=at(*received, 16),
        feedback_method=FeedbackMethod.PHONE,
        **fields,
    )


# --- Pure functions --------------------------------------------------------------------------


def test_fairly_satisfied_is_the_lowest_level_counted_as_satisfied():
    assert SATISFIED_MIN_LEVEL == L.FAIRLY_SATISFIED
    assert {level for level in L if level < SATISFIED_MIN_LEVEL} == Rating.LOW_LEVELS


def test_every_level_counts_once_and_unrated_cases_do_not_count():
    levels = [L.VERY_SATISFIED, L.SATISFIED, L.FAIRLY_SATISFIED, L.DISSATISFIED, None]
    rows = [
        facts(pk=pk, rating_level=level) for pk, level in enumerate([*levels, L.VERY_DISSATISFIED])
    ]

    figures = figures_of(rows, calendar=CALENDAR, today=D(2026, 10, 16))

    assert (figures.rated, figures.rated_satisfied, figures.rated_low) == (5, 3, 2)
    assert figures.satisfaction_rate == pytest.approx(0.6)
    assert figures.satisfaction_percent == 60.0


def test_no_ratings_give_no_satisfaction_rate_rather_than_zero():
    figures = figures_of([facts(pk=1)], calendar=CALENDAR, today=D(2026, 10, 16))

    assert (figures.rated, figures.rated_low) == (0, 0)
    assert figures.satisfaction_rate is None
    assert figures.satisfaction_percent is None


# --- A hand-counted set of rated cases -------------------------------------------------------


@pytest.fixture
def bureau(db):
    """Two departments of one unit and a third elsewhere, as in tests/test_statistics.py."""
    unit = UnitFactory()
    other_unit = UnitFactory(code="OTHER", name="另一个局")
    a = DepartmentFactory(parent=unit, name="行政审批科", code="XZSP")
    b = DepartmentFactory(parent=unit, name="消费者权益保护科", code="XBK")
    c = DepartmentFactory(parent=other_unit, name="外单位科", code="WDW")
    chief = UserFactory(username="juzhang", full_name="王局长", roles=["department_head"])
    StaffProfileFactory(user=chief, department=a)
    unit.head = chief
    unit.save()
    people = {"a": a, "b": b, "c": c, "chief": chief}
    for username, name, department in (("s1", "张一", a), ("s2", "李二", b), ("s3", "赵三", c)):
        people[username] = UserFactory(
            username=username, full_name=name, roles=["front_desk", "handler"]
        )
        StaffProfileFactory(user=people[username], department=department)
    return people


@pytest.fixture
def chief_client(client, bureau):
    client.force_login(bureau["chief"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


V, P, LT, ON = Channel.VISIT, Channel.PHONE, Channel.LETTER, Channel.ONLINE
CONSULTATION, COMPLAINT = Kind.CONSULTATION, Kind.COMPLAINT
# name: first responder, receiving and handling department, channel, kind, day received, rating.
# Department A handles k1–k5 (k4 received by B, its first responder s2); B handles k6, k7, k9.
RATED_CASES = {
    "k1": ("s1", "a", "a", V, CONSULTATION, (9, 28), L.VERY_SATISFIED),
    "k2": ("s1", "a", "a", P, CONSULTATION, (9, 29), L.FAIRLY_SATISFIED),
    "k3": ("s1", "a", "a", V, COMPLAINT, (9, 30), L.DISSATISFIED),
    "k4": ("s2", "b", "a", LT, COMPLAINT, (10, 8), L.VERY_DISSATISFIED),
    "k5": ("s1", "a", "a", V, CONSULTATION, (10, 9), None),  # closed, not rated
    "k6": ("s2", "b", "b", P, COMPLAINT, (10, 9), L.SATISFIED),
    "k7": ("s2", "b", "b", ON, COMPLAINT, (10, 12), L.VERY_DISSATISFIED),
    "k9": ("s2", "b", "b", V, Kind.SUGGESTION, (10, 14), L.VERY_SATISFIED),
    # Received the day before the period: its rating is not the period's.
    "before": ("s1", "a", "a", V, CONSULTATION, (9, 27), L.VERY_DISSATISFIED),
    # Another unit's case: not the chief's to supervise.
    "elsewhere": ("s3", "c", "c", V, CONSULTATION, (10, 12), L.VERY_DISSATISFIED),
}


@pytest.fixture
def ratings(bureau):
    """Seven ratings count: k1 k2 k3 k4 k6 k7 k9."""
    made = {}
    for name, (by, receiving, handling, channel, kind, day, level) in RATED_CASES.items():
        made[name] = closed_case(
            by=bureau[by],
            receiving=bureau[receiving],
            handling=bureau[handling],
            channel=channel,
            kind=kind,
            received=day,
        )
        if level is not None:
            rated(made[name], level)
    # Open, not rated: counts in B's volume only.
    made["k8"] = case(
        by=bureau["s2"], receiving=bureau["b"], handling=bureau["b"], channel=P, kind=COMPLAINT,
        received_at=at(10, 13), deadline=D(2026, 10, 20),
    )  # fmt: skip
    # A low rating reopened k3 for rectification: its rating still counts.
    made["k3"].status = Status.REOPENED
    made["k3"].save()
    return made


def satisfaction(figures):
    return (figures.rated, figures.rated_satisfied, figures.satisfaction_percent, figures.rated_low)


def test_the_period_total_is_as_hand_counted(bureau, ratings):
    figures = figures_of(chief_facts(bureau), calendar=CALENDAR, today=D(2026, 10, 16))

    # Rated k1 k2 k3 k4 k6 k7 k9; satisfied k1 k2 k6 k9; low k3 k4 k7.
    assert satisfaction(figures) == (7, 4, 57.1, 3)


def test_by_department_a_rating_counts_for_the_handling_department(bureau, ratings):
    groups = figures_by_group(
        chief_facts(bureau), grouping=Grouping.DEPARTMENT, calendar=CALENDAR, today=D(2026, 10, 16)
    )
    by_key = {group.key: group.figures for group in groups}

    # k4 was received by B but is handled by A: its 非常不满意 is A's.
    assert satisfaction(by_key[str(bureau["a"].pk)]) == (4, 2, 50.0, 2)
    assert satisfaction(by_key[str(bureau["b"].pk)]) == (3, 2, 66.7, 1)


def test_by_staff_a_rating_counts_for_the_first_responder(bureau, ratings):
    groups = figures_by_group(
        chief_facts(bureau), grouping=Grouping.STAFF, calendar=CALENDAR, today=D(2026, 10, 16)
    )
    by_key = {group.key: group.figures for group in groups}

    assert satisfaction(by_key[str(bureau["s1"].pk)]) == (3, 2, 66.7, 1)  # k1 k2 k3
    assert satisfaction(by_key[str(bureau["s2"].pk)]) == (4, 2, 50.0, 2)  # k4 k6 k7 k9


@pytest.mark.parametrize(
    ("grouping", "expected"),
    [
        (
            Grouping.CHANNEL,
            {
                Channel.VISIT: (3, 2, 66.7, 1),  # k1 k3 k9 (k5 unrated)
                Channel.PHONE: (2, 2, 100.0, 0),  # k2 k6 (k8 open)
                Channel.LETTER: (1, 0, 0.0, 1),  # k4
                Channel.ONLINE: (1, 0, 0.0, 1),  # k7
            },
        ),
        (
            Grouping.KIND,
            {
                Kind.CONSULTATION: (2, 2, 100.0, 0),  # k1 k2
                Kind.COMPLAINT: (4, 1, 25.0, 3),  # k3 k4 k6 k7
                Kind.SUGGESTION: (1, 1, 100.0, 0),  # k9
            },
        ),
    ],
)
def test_satisfaction_by_channel_and_kind(bureau, ratings, grouping, expected):
    groups = figures_by_group(
        chief_facts(bureau), grouping=grouping, calendar=CALENDAR, today=D(2026, 10, 16)
    )

    assert {group.key: satisfaction(group.figures) for group in groups} == expected


# --- The page and its drill-down -------------------------------------------------------------


def _cell(html, section, measure):
    """The drill-down links of one measure in one table, in row order (the total last)."""
    table = html.split(f'id="statistics-{section}"', 1)[1].split("</section>", 1)[0]
    return re.findall(rf'data-measure="{measure}">\s*<a href="([^"]+)">(\d+)</a>', table)


def test_the_page_states_the_periods_satisfaction_and_explains_it(chief_client, ratings):
    html = chief_client.get(STATISTICS, PERIOD).content.decode()

    assert "Satisfaction: 57.1% (4 of 7 rated cases)." in html
    assert "3 low ratings." in html
    assert "no case received in this period has been rated yet" not in html
    assert "Rated" in html and "Satisfaction rate" in html and "Low ratings" in html
    footnote = html.split('id="statistics-footnote"', 1)[1].split("</p>", 1)[0]
    assert "“Fairly satisfied” or better" in footnote
    assert "Dissatisfied" in footnote and "Very dissatisfied" in footnote
    assert "50.0%" in html and "66.7%" in html  # departments A and B


def test_each_table_shows_rated_and_low_counts_per_row(chief_client, bureau, ratings):
    html = chief_client.get(STATISTICS, PERIOD).content.decode()

    # Department rows: A (volume 5) then B (volume 4), then the total.
    assert [count for _url, count in _cell(html, "department", "rated")] == ["4", "3", "7"]
    assert [count for _url, count in _cell(html, "department", "rated_low")] == ["2", "1", "3"]
    staff = {
        url.split("key=")[1].split("&")[0]: count
        for url, count in _cell(html, "staff", "rated_low")
    }
    assert staff[str(bureau["s1"].pk)] == "1"
    assert staff[str(bureau["s2"].pk)] == "2"


def test_the_low_ratings_of_a_department_open_their_cases(chief_client, bureau, ratings):
    html = chief_client.get(STATISTICS, PERIOD).content.decode()
    url, count = _cell(html, "department", "rated_low")[0]

    response = chief_client.get(unescape(url))

    assert count == "2"
    assert {row["case"].number for row in response.context["rows"]} == {
        ratings["k3"].number,
        ratings["k4"].number,
    }
    page = response.content.decode()
    assert "Rated dissatisfied or very dissatisfied" in page
    assert "Department: 行政审批科" in page
    assert "Very dissatisfied" in page  # k4's rating, in its own column
    assert "张三丰" not in page  # the requester stays masked


def test_the_drilldown_lists_all_low_and_all_rated_cases(chief_client, ratings):
    low = chief_client.get(DRILLDOWN, {**PERIOD, "measure": Measure.RATED_LOW})
    every = chief_client.get(DRILLDOWN, {**PERIOD, "measure": Measure.RATED})

    assert {row["case"].number for row in low.context["rows"]} == {
        ratings[name].number for name in ("k3", "k4", "k7")
    }
    assert {row["case"].number for row in every.context["rows"]} == {
        ratings[name].number for name in ("k1", "k2", "k3", "k4", "k6", "k7", "k9")
    }


def test_every_satisfaction_count_links_to_exactly_its_cases(chief_client, ratings):
    html = chief_client.get(STATISTICS, PERIOD).content.decode()
    links = [
        (url, count)
        for section in ("department", "channel", "kind", "staff")
        for measure in ("rated", "rated_low")
        for url, count in _cell(html, section, measure)
    ]

    assert len(links) == 2 * ((2 + 1) + (4 + 1) + (3 + 1) + (2 + 1))
    for url, count in links:
        response = chief_client.get(unescape(url))
        assert response.context["page_obj"].paginator.count == int(count), url


def test_a_period_without_ratings_says_so(chief_client, ratings):
    html = chief_client.get(
        STATISTICS, {"date_from": "2026-10-15", "date_to": "2026-10-16"}
    ).content.decode()

    assert "Satisfaction: — (no case received in this period has been rated yet)." in html


# --- Export ----------------------------------------------------------------------------------


def test_the_export_adds_rated_satisfaction_and_low_columns(chief_client, bureau, ratings):
    response = chief_client.get(EXPORT, {**PERIOD, "group": "department"})

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    with translation.override("zh-hans"):
        headers = (_t("Rated cases"), _t("Satisfaction rate (%)"), _t("Low ratings"))
    assert rows[0][-3:] == headers
    assert rows[1][0] == "行政审批科"
    assert rows[1][-3:] == (4, 50.0, 2)
    assert rows[2][0] == "消费者权益保护科"
    assert rows[2][-3:] == (3, 66.7, 1)
    assert rows[-1][-3:] == (7, 57.1, 3)  # the total


def test_the_staff_export_counts_the_first_responders_ratings(chief_client, bureau, ratings):
    response = chief_client.get(EXPORT, {**PERIOD, "group": "staff"})

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    by_label = {row[0]: row[-3:] for row in rows[1:]}
    assert by_label["张一"] == (3, 66.7, 1)
    assert by_label["李二"] == (4, 50.0, 2)


# --- Cost ------------------------------------------------------------------------------------


def _add_rated_cases(bureau, count):
    levels = list(L)
    for index in range(count):
        a = bureau["a"]
        made = closed_case(by=bureau["s1"], receiving=a, handling=a, received=(10, 12))
        rated(made, levels[index % len(levels)])


def _queries(client, url, query):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, query).status_code == 200
    return len(queries)


def test_the_page_and_export_cost_the_same_queries_for_3_rated_cases_as_for_30(
    chief_client,
    bureau,
):
    # Satisfaction rides on the one query over the cases (a case has at most one rating, so
    # the join adds no rows): a month of a whole bureau must not add a query per rating.
    _add_rated_cases(bureau, 3)
    page_few = _queries(chief_client, STATISTICS, PERIOD)
    export_few = _queries(chief_client, EXPORT, {**PERIOD, "group": "staff"})
    _add_rated_cases(bureau, 27)

    assert _queries(chief_client, STATISTICS, PERIOD) == page_few
    assert _queries(chief_client, EXPORT, {**PERIOD, "group": "staff"}) == export_few
    figures = figures_of(chief_facts(bureau), calendar=CALENDAR, today=D(2026, 10, 16))
    assert (figures.volume, figures.rated, figures.rated_low) == (30, 30, 14)
