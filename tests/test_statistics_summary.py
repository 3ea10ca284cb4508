"""The statistics summary (issue 9): the page reads whole months from per-month, per-department
rows instead of every case, and must show exactly what counting the cases one by one shows —
for whole months, part months and both, for a chief and for a supervisor of one department,
after the cases change, and at the same query cost for 10 cases as for 60."""

import datetime
import random

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inquiries.models import (
    CalendarOverride,
    Channel,
    FeedbackMethod,
    Inquiry,
    Kind,
    Rating,
    Referral,
    StatisticsMonth,
    StatisticsRow,
    Status,
)
from inquiries.selectors_statistics import (
    Grouping,
    Measure,
    figures_by_group,
    figures_of,
    statistics_drilldown,
    statistics_facts,
    statistics_tables,
    whole_months,
)
from inquiries.services.statistics import rebuild_months
from inquiries.workdays import WorkCalendar, work_calendar

# The hand-counted bureau's fixture and helpers; pytest finds an imported fixture by name.
from tests.test_statistics import SHANGHAI, STATISTICS, case, referral
from tests.test_statistics import bureau as bureau

D = datetime.date
TODAY = datetime.datetime(2026, 10, 16, 10, 0, tzinfo=SHANGHAI)
CALENDAR = WorkCalendar(overrides={})
STATUSES = [
    Status.CLOSED,
    Status.CLOSED,
    Status.CLOSED,
    Status.IN_PROGRESS,
    Status.AWAITING_MATERIALS,
    Status.REPLIED,
    Status.COORDINATING,
]


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def random_cases(bureau, count, *, seed=7):
    """Cases from June to mid-October 2026 in every status, channel and kind, some with
    referrals (decided or not) and ratings, some not picked up yet."""
    rng = random.Random(seed)
    made = []
    for _index in range(count):
        received = datetime.datetime(2026, 6, 1, 9, tzinfo=SHANGHAI) + datetime.timedelta(
            days=rng.randint(0, 136), hours=rng.randint(0, 8)
        )
        status = rng.choice(STATUSES)
        closed = status == Status.CLOSED
        closed_at = received + datetime.timedelta(days=rng.choice([0, 0, 1, 3, 9, 20]))
        by = rng.choice([bureau["s1"], bureau["s2"], None])
        receiving = rng.choice([bureau["a"], bureau["b"]])
        made.append(
            case(
                by=by,
                receiving=receiving,
                handling=rng.choice([None, bureau["a"], bureau["b"]]),
                channel=Channel.ONLINE if by is None else rng.choice(Channel.values),
                kind=rng.choice(Kind.values),
                status=status,
                received_at=received,
                deadline=timezone.localdate(received) + datetime.timedelta(days=rng.randint(1, 12)),
                closed_at=closed_at if closed else None,
                feedback_method=(
                    rng.choice([FeedbackMethod.ON_THE_SPOT, FeedbackMethod.PHONE]) if closed else ""
                ),
            )
        )
        inquiry = made[-1]
        for state in rng.sample(list(Referral.State.values), rng.randint(0, 2)):
            referral(inquiry, by=bureau["s1"], state=state, to_department=bureau["b"])
        if closed and rng.random() < 0.4:
            Rating.objects.create(
                inquiry=inquiry,
                level=rng.choice(Rating.Level.values),
                source=Rating.Source.TRACKING_PAGE,
                rated_at=timezone.now(),
            )
    return made


def close(inquiry, feedback_method):
    inquiry.status = Status.CLOSED
    inquiry.closed_at = inquiry.feedback_at = inquiry.received_at
    inquiry.feedback_method, inquiry.result = feedback_method, "已答复"
    inquiry.save()


def counted_one_by_one(user, date_from, date_to):
    """The reference: every case of the period fetched and counted in Python."""
    rows = statistics_facts(user=user, date_from=date_from, date_to=date_to)
    today = timezone.localdate()
    return (
        figures_of(rows, calendar=CALENDAR, today=today),
        {
            grouping: figures_by_group(rows, grouping=grouping, calendar=CALENDAR, today=today)
            for grouping in Grouping.values
        },
    )


def from_the_summary(user, date_from, date_to):
    tables = statistics_tables(
        user=user,
        date_from=date_from,
        date_to=date_to,
        today=timezone.localdate(),
        calendar=CALENDAR,
    )
    return tables.total, tables.groups


PERIODS = [
    (D(2026, 7, 1), D(2026, 9, 30)),  # whole months only
    (D(2026, 6, 15), D(2026, 10, 16)),  # part months at both ends
    (D(2026, 8, 1), D(2026, 10, 16)),  # whole months, then this month so far
    (D(2026, 9, 10), D(2026, 9, 20)),  # within one month
    (D(2026, 1, 1), D(2026, 12, 31)),  # the year, months without cases included
]


@pytest.mark.parametrize(("date_from", "date_to"), PERIODS)
@pytest.mark.parametrize("who", ["chief", "leader_b"])
def test_the_summary_shows_what_counting_every_case_shows(bureau, date_from, date_to, who):
    random_cases(bureau, 60)

    assert from_the_summary(bureau[who], date_from, date_to) == counted_one_by_one(
        bureau[who], date_from, date_to
    )


def test_a_supervisor_without_departments_sees_nothing(bureau):
    random_cases(bureau, 10)
    nobody = bureau["leader_b"]
    bureau["b"].supervising_leader = None
    bureau["b"].save()

    total, groups = from_the_summary(nobody, D(2026, 7, 1), D(2026, 9, 30))

    assert total.volume == 0
    assert all(not rows for rows in groups.values())


@pytest.mark.parametrize(
    ("date_from", "date_to", "months", "parts"),
    [
        (D(2026, 7, 1), D(2026, 9, 30), [D(2026, 7, 1), D(2026, 8, 1), D(2026, 9, 1)], []),
        (D(2026, 6, 15), D(2026, 7, 31), [D(2026, 7, 1)], [(D(2026, 6, 15), D(2026, 6, 30))]),
        (D(2026, 7, 1), D(2026, 8, 3), [D(2026, 7, 1)], [(D(2026, 8, 1), D(2026, 8, 3))]),
        (D(2026, 9, 28), D(2026, 10, 16), [], [(D(2026, 9, 28), D(2026, 10, 16))]),
        (D(2026, 12, 1), D(2027, 1, 31), [D(2026, 12, 1), D(2027, 1, 1)], []),
        (D(2026, 2, 1), D(2026, 2, 28), [D(2026, 2, 1)], []),
        (D(2026, 3, 5), D(2026, 3, 1), [], []),
    ],
)
def test_a_period_splits_into_whole_months_and_part_months(date_from, date_to, months, parts):
    assert whole_months(date_from, date_to) == (months, parts)


def test_months_are_built_on_first_reading_and_not_again(bureau):
    random_cases(bureau, 20)

    from_the_summary(bureau["chief"], D(2026, 7, 1), D(2026, 8, 31))
    built = StatisticsMonth.objects.values_list("month", flat=True)
    rows = StatisticsRow.objects.count()
    from_the_summary(bureau["chief"], D(2026, 7, 1), D(2026, 8, 31))

    assert sorted(built) == [D(2026, 7, 1), D(2026, 8, 1)]
    assert rows > 0
    assert StatisticsRow.objects.count() == rows


def test_every_change_to_a_case_reaches_the_summary(bureau):
    made = random_cases(bureau, 40)
    period = (D(2026, 6, 1), D(2026, 9, 30))
    from_the_summary(bureau["chief"], *period)  # build the months
    rng = random.Random(3)
    july = [inquiry for inquiry in made if inquiry.received_at.month == 7]
    doomed = july[5]
    referral(doomed, by=bureau["s1"], state=Referral.State.RETURNED, to_department=bureau["a"])
    referral(doomed, by=bureau["s1"], state=Referral.State.ACCEPTED, to_department=bureau["a"])

    # Closed, moved to another department, moved to another month, a referral returned,
    # a rating given, a case deleted with its referrals.
    first = july[0]
    close(first, FeedbackMethod.ON_THE_SPOT)
    second = Inquiry.objects.get(pk=july[1].pk)
    second.handling_department = (
        bureau["a"] if second.handling_department_id != bureau["a"].pk else bureau["b"]
    )
    second.save()
    third = Inquiry.objects.only("pk", "subject").get(pk=july[2].pk)  # loaded without month
    third.received_at = third.received_at + datetime.timedelta(days=31)
    third.save()
    referral(july[3], by=bureau["s1"], state=Referral.State.RETURNED, to_department=bureau["a"])
    Rating.objects.filter(inquiry=july[4]).delete()
    Rating.objects.create(
        inquiry=july[4],
        level=rng.choice(sorted(Rating.LOW_LEVELS)),
        source=Rating.Source.TRACKING_PAGE,
        rated_at=timezone.now(),
    )
    doomed.delete()

    for who in ("chief", "leader_b"):
        assert from_the_summary(bureau[who], *period) == counted_one_by_one(bureau[who], *period)


def test_a_change_that_is_rolled_back_leaves_the_summary_right(bureau):
    from django.db import transaction

    made = random_cases(bureau, 10)
    period = (D(2026, 6, 1), D(2026, 9, 30))
    from_the_summary(bureau["chief"], *period)

    with pytest.raises(RuntimeError), transaction.atomic():
        close(made[0], FeedbackMethod.PHONE)
        raise RuntimeError
    made[1].subject = "另一件事"
    made[1].save()

    assert from_the_summary(bureau["chief"], *period) == counted_one_by_one(
        bureau["chief"], *period
    )


def test_a_working_day_added_to_the_calendar_changes_handling_times(
    bureau, django_capture_on_commit_callbacks
):
    received = datetime.datetime(2026, 7, 3, 10, tzinfo=SHANGHAI)  # a Friday
    case(
        by=bureau["s1"],
        receiving=bureau["a"],
        handling=bureau["a"],
        status=Status.CLOSED,
        received_at=received,
        closed_at=received + datetime.timedelta(days=3),  # the Monday after
        deadline=D(2026, 7, 10),
        feedback_method=FeedbackMethod.PHONE,
    )
    july = (D(2026, 7, 1), D(2026, 7, 31))

    def days():
        tables = statistics_tables(
            user=bureau["chief"],
            date_from=july[0],
            date_to=july[1],
            today=timezone.localdate(),
            calendar=work_calendar(),
        )
        return tables.total.handling_days_average

    assert days() == 1
    with django_capture_on_commit_callbacks(execute=True):
        CalendarOverride.objects.create(date=D(2026, 7, 4), is_working_day=True, name="调休")

    assert days() == 2


def test_a_rebuild_gives_the_same_rows(bureau):
    random_cases(bureau, 30)
    from_the_summary(bureau["chief"], D(2026, 6, 1), D(2026, 9, 30))

    def rows():
        return sorted(
            StatisticsRow.objects.filter(month__lte=D(2026, 9, 1)).values_list(
                "month", "department_id", "grouping", "key", "volume", "closed", "rated"
            )
        )

    before = rows()

    rebuild_months()

    after = rows()
    assert after == before
    assert StatisticsMonth.objects.filter(month=D(2026, 10, 1)).exists()


def _page_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(STATISTICS, {"date_from": "2026-06-01", "date_to": "2026-09-30"})
    assert response.status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_for_10_cases_as_for_60(bureau, client):
    client.force_login(bureau["chief"])
    random_cases(bureau, 10, seed=1)
    _page_queries(client)  # builds the months, caches the permissions
    rebuild_months()
    few = _page_queries(client)
    random_cases(bureau, 50, seed=2)
    rebuild_months()

    assert _page_queries(client) == few


@pytest.mark.parametrize("measure", list(Measure.labels))
@pytest.mark.parametrize("grouping", ["", *Grouping.values])
def test_each_number_of_whole_months_lists_as_many_cases(bureau, measure, grouping):
    random_cases(bureau, 60)
    period = {"date_from": D(2026, 6, 1), "date_to": D(2026, 9, 30)}
    _total, groups = from_the_summary(bureau["chief"], **period)
    today = timezone.localdate()
    targets = groups[grouping] if grouping else [None]

    for group in targets:
        figures = group.figures if group else _total
        drill = statistics_drilldown(
            user=bureau["chief"],
            grouping=grouping,
            key=group.key if group else "",
            measure=measure,
            today=today,
            **period,
        )
        number = {
            Measure.VOLUME: figures.volume,
            Measure.ON_THE_SPOT: figures.on_the_spot,
            Measure.CLOSED: figures.closed,
            Measure.ON_TIME: figures.on_time,
            Measure.OVERDUE: figures.overdue,
            Measure.RETURNED: figures.cases_with_returns,
            Measure.RATED: figures.rated,
            Measure.RATED_LOW: figures.rated_low,
        }[measure]
        assert drill.cases.count() == number
        if group:
            assert drill.group_label == group.label


def test_a_table_shows_its_20_largest_rows_and_every_row_on_request(bureau, client):
    from tests.factories import StaffProfileFactory, UserFactory

    for number in range(22):
        person = UserFactory(username=f"clerk{number}", full_name=f"办事员{number:02d}")
        StaffProfileFactory(user=person, department=bureau["a"])
        for _copy in range(1 + (number == 7)):  # 办事员07 has two cases: the largest row
            case(
                by=person,
                receiving=bureau["a"],
                received_at=datetime.datetime(2026, 8, 3, 10, tzinfo=SHANGHAI),
                deadline=D(2026, 8, 10),
            )
    client.force_login(bureau["chief"])
    period = {"date_from": "2026-08-01", "date_to": "2026-08-31"}

    page = client.get(STATISTICS, period)
    staff = next(s for s in page.context["sections"] if s["grouping"] == "staff")
    everything = client.get(STATISTICS, {**period, "all": "staff"})
    every_staff = next(s for s in everything.context["sections"] if s["grouping"] == "staff")

    assert len(staff["groups"]) == 20
    assert staff["groups"][0]["label"] == "办事员07"
    assert "22" in page.content.decode() and "?date_from=2026-08-01" in page.content.decode()
    assert len(every_staff["groups"]) == 22
    assert every_staff["hidden"] == 0
    # The other tables are not expanded by it, and the totals count every case.
    assert page.context["total"].volume == everything.context["total"].volume == 23


def test_refresh_statistics_rebuilds_the_months_asked_for(bureau):
    from io import StringIO

    from django.core.management import CommandError, call_command

    random_cases(bureau, 10)
    out = StringIO()
    call_command("refresh_statistics", "2026-07", "2026-08", stdout=out)

    assert sorted(StatisticsMonth.objects.values_list("month", flat=True)) == [
        D(2026, 7, 1),
        D(2026, 8, 1),
    ]
    assert "Rebuilt 2 month(s)" in out.getvalue()
    with pytest.raises(CommandError, match="Not a month"):
        call_command("refresh_statistics", "2026-13")


def test_the_statistics_read_the_replica_when_one_is_configured(monkeypatch):
    from django.conf import settings

    from inquiries.selectors_statistics import statistics_database

    assert statistics_database() == "default"
    monkeypatch.setitem(settings.DATABASES, "replica", dict(settings.DATABASES["default"]))
    assert statistics_database() == "replica"


def test_database_replica_url_adds_the_replica_alias():
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "ENV_FILE": "/dev/null",
        "DATABASE_URL": "postgres://app@db1:5432/firstask",
        "DATABASE_REPLICA_URL": "postgres://reader@db2:5432/firstask",
    }
    code = (
        "import firstask.settings as s; r = s.DATABASES['replica']; "
        "print(r['HOST'], r['USER'], r['OPTIONS']['options'], r['TEST'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout

    assert out.strip() == "db2 reader -c jit=off {'MIRROR': 'default'}"


@pytest.mark.django_db(transaction=True)
def test_a_save_outside_any_transaction_is_counted_too(bureau):
    made = random_cases(bureau, 12)
    period = (D(2026, 6, 1), D(2026, 9, 30))
    from_the_summary(bureau["chief"], *period)
    summer = [inquiry for inquiry in made if inquiry.received_at.month in (7, 8)]

    close(summer[0], FeedbackMethod.PHONE)  # autocommit: its buckets are recomputed
    referral(summer[1], by=bureau["s1"], state=Referral.State.RETURNED, to_department=bureau["a"])

    chief = bureau["chief"]
    assert from_the_summary(chief, *period) == counted_one_by_one(chief, *period)
