"""The overdue sweep (`sweep_overdue`): what it finds, that it finds each lapse once, whom it
tells, and that two sweeps started at the same moment on two app nodes do the work once.

Every test runs on a frozen clock: registrations on one day, the sweep on a later one.
2026's National Day holiday runs 1–8 October, so a deadline of 30 September has lapsed when
the office reopens on 9 October (and already on the 8th, a day off: the sweep compares dates).
"""

import datetime
import io
import threading
import time

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from inquiries import services
from inquiries.models import (
    Finding,
    Inquiry,
    Notice,
    Notification,
    Path,
    Referral,
    Status,
)
from inquiries.services import sweep as sweep_services
from inquiries.services.referrals import referral_create
from inquiries.services.sweep import AWAITING_FEEDBACK_WORKING_DAYS, sweep_run
from inquiries.workdays import work_calendar
from tests.test_case_page import SHANGHAI, register_case
from tests.test_referrals import build_referral_organisation

Kinds = Finding.Kind
FAR_AWAY = datetime.date(2027, 6, 30)


def moment(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def registered(org, *, on: datetime.date, deadline: datetime.date | None = FAR_AWAY, **kwargs):
    """A case registered on `on`; its deadline then set as a test needs (far away by default,
    so only the lapse under test is found)."""
    with time_machine.travel(moment(on), tick=False):
        inquiry = register_case(org, **kwargs)
    if deadline is not None:
        Inquiry.objects.filter(pk=inquiry.pk).update(deadline=deadline)
    inquiry.refresh_from_db()
    return inquiry


def swept(day: datetime.date, **kwargs):
    """Run the sweep at 07:30 on `day`, as the timer does."""
    with time_machine.travel(moment(day, hour=7).replace(minute=30), tick=False):
        return sweep_run(**kwargs)


def notified(kind: str) -> dict[str, int]:
    """username → how many notifications of `kind` they have."""
    counts: dict[str, int] = {}
    for username in Notification.objects.filter(kind=kind).values_list(
        "recipient__username", flat=True
    ):
        counts[username] = counts.get(username, 0) + 1
    return counts


@pytest.fixture
def org(db):
    return build_referral_organisation()


# --- Overdue cases ------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_overdue_case_is_found_once_and_a_second_run_finds_nothing_new(org):
    inquiry = registered(org, on=datetime.date(2026, 9, 24), deadline=datetime.date(2026, 9, 30))

    first = swept(datetime.date(2026, 10, 9))
    second = swept(datetime.date(2026, 10, 9))

    finding = Finding.objects.get()
    assert first.counts[Kinds.CASE_OVERDUE] == 1
    assert (finding.kind, finding.inquiry, finding.due) == (
        Kinds.CASE_OVERDUE,
        inquiry,
        datetime.date(2026, 9, 30),
    )
    assert finding.key == f"case_overdue:{inquiry.pk}:2026-09-30"
    assert (finding.department, finding.responsible) == (org.registration, org.clerk)
    assert second.findings == []
    assert second.digests == 0
    assert Finding.objects.count() == 1


@pytest.mark.django_db
def test_a_new_deadline_that_lapses_again_is_a_new_finding(org):
    inquiry = registered(org, on=datetime.date(2026, 9, 24), deadline=datetime.date(2026, 9, 30))
    swept(datetime.date(2026, 10, 9))
    # As after an approved extension: a new deadline, not yet reached.
    Inquiry.objects.filter(pk=inquiry.pk).update(deadline=datetime.date(2026, 10, 13))

    before_it_lapses = swept(datetime.date(2026, 10, 13))
    after_it_lapses = swept(datetime.date(2026, 10, 14))

    assert before_it_lapses.findings == []
    assert [finding.key for finding in after_it_lapses.findings] == [
        f"case_overdue:{inquiry.pk}:2026-10-13"
    ]
    assert Finding.objects.filter(kind=Kinds.CASE_OVERDUE).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("deadline", "sweep_day", "overdue"),
    [
        # Due before National Day, swept on its last day off: lapsed.
        (datetime.date(2026, 9, 30), datetime.date(2026, 10, 8), True),
        # Due on the first working day after it: not yet.
        (datetime.date(2026, 10, 9), datetime.date(2026, 10, 8), False),
        # Due today: the day is not over.
        (datetime.date(2026, 10, 9), datetime.date(2026, 10, 9), False),
        (datetime.date(2026, 10, 9), datetime.date(2026, 10, 10), True),
    ],
)
def test_a_case_is_overdue_only_once_its_deadline_day_has_passed(org, deadline, sweep_day, overdue):
    registered(org, on=datetime.date(2026, 9, 24), deadline=deadline)

    result = swept(sweep_day)

    assert result.counts[Kinds.CASE_OVERDUE] == int(overdue)


@pytest.mark.django_db
def test_a_case_awaiting_materials_is_not_overdue_its_clock_is_stopped(org):
    inquiry = registered(org, on=datetime.date(2026, 9, 24), deadline=datetime.date(2026, 9, 30))
    Inquiry.objects.filter(pk=inquiry.pk).update(status=Status.AWAITING_MATERIALS)

    result = swept(datetime.date(2026, 10, 9))

    assert result.findings == []
    assert not Finding.objects.exists()


# --- Referrals, feedback, notices --------------------------------------------------------


@pytest.mark.django_db
def test_a_department_referral_not_accepted_by_its_day_is_found(org):
    inquiry = registered(org, on=datetime.date(2026, 9, 21))
    with time_machine.travel(moment(datetime.date(2026, 9, 21), hour=11), tick=False):
        referral = referral_create(
            inquiry=inquiry,
            by=org.clerk,
            target=Referral.Target.DEPARTMENT,
            to_department=org.food,
        )
    assert referral.accept_due == datetime.date(2026, 9, 22)

    on_the_day = swept(datetime.date(2026, 9, 22))
    the_day_after = swept(datetime.date(2026, 9, 23))

    assert on_the_day.findings == []
    finding = Finding.objects.get()
    assert the_day_after.findings == [finding]
    assert (finding.kind, finding.referral, finding.key) == (
        Kinds.REFERRAL_UNACCEPTED,
        referral,
        f"referral_unaccepted:{referral.pk}",
    )
    assert (finding.department, finding.responsible) == (org.food, org.food_head)
    # The queue has nobody yet: its head hears of it, and so does the first responder.
    assert notified(Notification.Kind.FINDING) == {"zhangxq": 1, "qianjin": 1}


@pytest.mark.django_db
def test_a_reply_not_passed_on_to_the_requester_in_time_is_found(org):
    inquiry = registered(org, on=datetime.date(2026, 9, 21))
    with time_machine.travel(moment(datetime.date(2026, 9, 21), hour=15), tick=False):
        services.inquiry_decide_path(
            inquiry=inquiry, by=org.clerk, path=Path.OWN_DUTY, told="本处办理，两日内答复"
        )
        inquiry = services.inquiry_reply(inquiry=inquiry, by=org.clerk, reply="可网上办理")
    due = work_calendar().add_working_days(
        datetime.date(2026, 9, 21), AWAITING_FEEDBACK_WORKING_DAYS
    )

    on_the_day = swept(due)
    the_day_after = swept(due + datetime.timedelta(days=1))

    assert on_the_day.findings == []
    finding = Finding.objects.get()
    assert the_day_after.findings == [finding]
    assert finding.kind == Kinds.AWAITING_FEEDBACK
    assert finding.key == f"awaiting_feedback:{inquiry.pk}:v{inquiry.version}"
    assert (finding.due, finding.responsible) == (due, org.clerk)


@pytest.mark.django_db
def test_a_catalog_case_with_no_one_time_notice_by_its_day_is_found(org):
    inquiry = registered(org, on=datetime.date(2026, 9, 21), matter=org.matter)
    # Five working days: Mid-Autumn Festival (Friday 25 September) is a day off.
    assert inquiry.notice_due == datetime.date(2026, 9, 29)

    on_the_day = swept(datetime.date(2026, 9, 29))
    the_day_after = swept(datetime.date(2026, 9, 30))

    assert on_the_day.findings == []
    finding = Finding.objects.get()
    assert the_day_after.findings == [finding]
    assert (finding.kind, finding.due, finding.department) == (
        Kinds.NOTICE_LATE,
        datetime.date(2026, 9, 29),
        org.registration,
    )


@pytest.mark.django_db
def test_a_catalog_case_whose_notice_was_issued_is_not_late(org):
    inquiry = registered(org, on=datetime.date(2026, 9, 21), matter=org.matter)
    Notice.objects.create(
        inquiry=inquiry,
        sequence=1,
        issued_at=moment(datetime.date(2026, 9, 21)),
        issued_by=org.clerk,
    )

    assert swept(datetime.date(2026, 9, 30)).findings == []


# --- Who is told ----------------------------------------------------------------------------


@pytest.fixture
def two_departments_lapsed(org):
    """An overdue case at the registration department and one at the food department, whose
    supervising leader is the registration department's too."""
    org.food.supervising_leader = org.leader
    org.food.save()
    registration_case = registered(
        org, on=datetime.date(2026, 9, 24), deadline=datetime.date(2026, 9, 30)
    )
    food_case = registered(
        org, on=datetime.date(2026, 9, 24), deadline=datetime.date(2026, 9, 30), by=org.food_desk
    )
    return registration_case, food_case


@pytest.mark.django_db
def test_the_people_concerned_are_told_and_each_supervisor_gets_one_digest(
    org, two_departments_lapsed
):
    registration_case, food_case = two_departments_lapsed

    result = swept(datetime.date(2026, 10, 9))

    assert result.counts[Kinds.CASE_OVERDUE] == 2
    # Each case's first responder, who also holds it.
    assert notified(Notification.Kind.FINDING) == {"zhangxq": 1, "chenjing": 1}
    # Heads of each department, and the leader of both: one digest each, nobody else.
    assert notified(Notification.Kind.DIGEST) == {"sunhong": 1, "qianjin": 1, "zhouqiang": 1}
    assert result.digests == 3
    digest = Notification.objects.get(kind=Notification.Kind.DIGEST, recipient=org.leader)
    assert digest.event_key == f"digest:2026-10-09:{org.leader.pk}"
    assert digest.data["counts"] == {Kinds.CASE_OVERDUE: 2}
    assert digest.data["numbers"] == {
        Kinds.CASE_OVERDUE: sorted([registration_case.number, food_case.number])
    }
    head_digest = Notification.objects.get(kind=Notification.Kind.DIGEST, recipient=org.head)
    assert head_digest.data["numbers"] == {Kinds.CASE_OVERDUE: [registration_case.number]}
    unrelated = [org.colleague, org.outsider, org.food_handler, org.coordinator, org.admin]
    assert not Notification.objects.filter(recipient__in=unrelated).exists()


@pytest.mark.django_db
def test_a_second_run_adds_no_notifications(org, two_departments_lapsed):
    swept(datetime.date(2026, 10, 9))
    count = Notification.objects.count()

    swept(datetime.date(2026, 10, 9))
    swept(datetime.date(2026, 10, 12))

    assert Notification.objects.count() == count


@pytest.mark.django_db
def test_the_notifications_read_as_sentences_and_are_emailed_after_the_commit(
    org, two_departments_lapsed, django_capture_on_commit_callbacks
):
    registration_case, _food_case = two_departments_lapsed

    with django_capture_on_commit_callbacks(execute=True):
        swept(datetime.date(2026, 10, 9))

    finding = Notification.objects.get(kind=Notification.Kind.FINDING, recipient=org.clerk)
    digest = Notification.objects.get(kind=Notification.Kind.DIGEST, recipient=org.head)
    with translation.override("en"):
        assert finding.summary == (
            f"Case {registration_case.number}: Case past its deadline (was due Sept. 30, 2026)."
        )
        assert digest.summary.startswith("Supervision digest for Oct. 9, 2026, 1 new findings:")
        assert registration_case.number in digest.summary
    # Everyone in this bureau has an email address: 2 findings + 3 digests.
    assert len(mail.outbox) == 5


# --- Dry run and the command ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_dry_run_lists_the_lapses_and_writes_nothing(org, two_departments_lapsed):
    result = swept(datetime.date(2026, 10, 9), dry_run=True)

    assert result.dry_run
    assert result.counts[Kinds.CASE_OVERDUE] == 2
    assert not Finding.objects.exists()
    assert not Notification.objects.filter(
        kind__in=[Notification.Kind.FINDING, Notification.Kind.DIGEST]
    ).exists()


def run_command(day: datetime.date, *args) -> str:
    out = io.StringIO()
    with (
        time_machine.travel(moment(day, hour=7).replace(minute=30), tick=False),
        translation.override("en"),
    ):
        call_command("sweep_overdue", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_command_prints_the_counts_per_kind_and_the_digests_sent(org, two_departments_lapsed):
    output = run_command(datetime.date(2026, 10, 9))

    assert "Sweep on 2026-10-09: 2 new findings, 3 digests sent." in output
    assert "case_overdue (Case past its deadline): 2" in output
    assert "referral_unaccepted (Referral not accepted in time): 0" in output
    assert Finding.objects.count() == 2


@pytest.mark.django_db
def test_the_command_with_dry_run_lists_each_lapse_and_writes_nothing(org, two_departments_lapsed):
    registration_case, _food_case = two_departments_lapsed

    output = run_command(datetime.date(2026, 10, 9), "--dry-run")

    assert f"case_overdue\t{registration_case.number}\t2026-09-30\t" in output
    assert "Dry run on 2026-10-09: 2 new findings; nothing was written." in output
    assert not Finding.objects.exists()


# --- Two app nodes sweeping at the same moment ---------------------------------------------

# Long enough for the other sweep to start while the first holds its lock.
SWEEP_SLOWDOWN_SECONDS = 0.3
SQLITE_BUSY_TIMEOUT_SECONDS = 30
THREAD_TIMEOUT_SECONDS = 60


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_moment_record_and_tell_once(monkeypatch):
    org = build_referral_organisation()
    org.food.supervising_leader = org.leader
    org.food.save()
    registered(org, on=datetime.date(2026, 9, 24), deadline=datetime.date(2026, 9, 30))
    registered(
        org, on=datetime.date(2026, 9, 24), deadline=datetime.date(2026, 9, 30), by=org.food_desk
    )
    if connection.vendor == "sqlite":
        # The second writer waits for the first to commit instead of "database is locked".
        monkeypatch.setitem(
            connection.settings_dict["OPTIONS"], "timeout", SQLITE_BUSY_TIMEOUT_SECONDS
        )
    # Slow each sweep down after it has its lock and before it writes, so that without the
    # lock both would find the same lapses new.
    lapses = sweep_services.sweep_lapses

    def slowed(**kwargs):
        found = lapses(**kwargs)
        time.sleep(SWEEP_SLOWDOWN_SECONDS)
        return found

    monkeypatch.setattr(sweep_services, "sweep_lapses", slowed)

    start = threading.Barrier(2)
    outcomes: list[object] = [None, None]

    def run(index):
        try:
            start.wait(timeout=THREAD_TIMEOUT_SECONDS)
            outcomes[index] = sweep_run()
        except Exception as error:  # surfaced by the assertions below
            outcomes[index] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,), daemon=True) for index in (0, 1)]
    # One frozen clock for both threads (time-machine patches the whole process).
    with time_machine.travel(moment(datetime.date(2026, 10, 9), hour=7), tick=False):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=THREAD_TIMEOUT_SECONDS)

    assert not any(thread.is_alive() for thread in threads), "a sweep never finished"
    assert all(isinstance(outcome, sweep_services.SweepResult) for outcome in outcomes), outcomes
    assert sorted(len(outcome.findings) for outcome in outcomes) == [0, 2]
    if connection.vendor == "postgresql":
        # The loser could not take the advisory lock and stopped at once.
        assert sorted(outcome.skipped for outcome in outcomes) == [False, True]
    assert Finding.objects.count() == 2
    assert notified(Notification.Kind.FINDING) == {"zhangxq": 1, "chenjing": 1}
    assert notified(Notification.Kind.DIGEST) == {"sunhong": 1, "qianjin": 1, "zhouqiang": 1}
