"""Two people acting on the same case at the same moment, in two real transactions on two
database connections: exactly one wins, the other gets a clear refusal, and nothing is
silently overwritten.

On PostgreSQL (CI) the services' row locks (SELECT … FOR UPDATE on the case, then the
referral) make the second transaction wait and then see the first one's result. On SQLite a
write transaction starts with BEGIN IMMEDIATE, so the two simply take turns; the tests hold
there too. Each service is slowed down after its checks, so that without the locks both
transactions would pass the checks before either commits, and both would "win".
"""

import functools
import threading
import time

import pytest
from django.db import connection

from inquiries import services
from inquiries.models import Inquiry, Notification, Referral, Status, TimelineEvent, User
from inquiries.services import InquiryError
from inquiries.services import cases as case_services
from inquiries.services import referrals as referral_services
from tests.test_case_page import register_case
from tests.test_referrals import build_referral_organisation

pytestmark = pytest.mark.django_db(transaction=True)

# Long enough for the other transaction to reach its checks while the first one still holds
# its locks; short enough to keep the tests quick.
CHECKS_TO_COMMIT_SECONDS = 0.3
# Generous bounds, so that a slow CI machine waits instead of flaking.
SQLITE_BUSY_TIMEOUT_SECONDS = 30
THREAD_TIMEOUT_SECONDS = 60


@pytest.fixture(autouse=True)
def slow_after_the_checks(monkeypatch):
    """Every service below moves the case through `inquiry_transition` after checking the
    rules: pause there, inside the transaction."""

    def slowed(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            time.sleep(CHECKS_TO_COMMIT_SECONDS)
            return function(*args, **kwargs)

        return wrapper

    for module in (case_services, referral_services):
        monkeypatch.setattr(module, "inquiry_transition", slowed(module.inquiry_transition))


@pytest.fixture(autouse=True)
def sqlite_writers_wait(monkeypatch):
    # SQLite's second writer waits for the first to commit rather than fail with "database is
    # locked". The threads' connections are built from this same settings dict.
    if connection.vendor == "sqlite":
        monkeypatch.setitem(
            connection.settings_dict["OPTIONS"], "timeout", SQLITE_BUSY_TIMEOUT_SECONDS
        )


@pytest.fixture
def org():
    return build_referral_organisation()


def at_the_same_moment(*calls):
    """Run each call in its own thread (its own database connection), all released together;
    returns ("ok", result) or ("refused", code) per call, in order."""
    start = threading.Barrier(len(calls))
    outcomes: list[tuple[str, object] | None] = [None] * len(calls)

    def run(index, call):
        try:
            start.wait(timeout=THREAD_TIMEOUT_SECONDS)
            outcomes[index] = ("ok", call())
        except InquiryError as error:
            outcomes[index] = ("refused", error.code)
        except Exception as error:  # surfaced by the assertions below, not lost in a thread
            outcomes[index] = ("error", repr(error))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, call), daemon=True)
        for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=THREAD_TIMEOUT_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a transaction never finished"
    return outcomes


def one_won(outcomes, *, refused_code: str) -> int:
    """Assert exactly one call succeeded and the other was refused with `refused_code`;
    returns the winner's index."""
    assert sorted(kind for kind, _value in outcomes) == ["ok", "refused"], outcomes
    loser = next(value for kind, value in outcomes if kind == "refused")
    assert loser == refused_code, outcomes
    return next(index for index, (kind, _value) in enumerate(outcomes) if kind == "ok")


def _department_referral(org) -> Referral:
    inquiry = register_case(org)
    return referral_services.referral_create(
        inquiry=inquiry, by=org.clerk, target=Referral.Target.DEPARTMENT, to_department=org.food
    )


def _decide(decision: str, referral_pk: int, user_pk: int, assignee_pk: int | None = None):
    """Accept, return or assign, with everything loaded fresh on this thread's connection."""

    def call():
        referral = Referral.objects.get(pk=referral_pk)
        user = User.objects.get(pk=user_pk)
        if decision == "accept":
            return referral_services.referral_accept(referral=referral, by=user)
        if decision == "assign":
            assignee = User.objects.get(pk=assignee_pk)
            return referral_services.referral_accept(referral=referral, by=user, assignee=assignee)
        return referral_services.referral_return(referral=referral, by=user, reason="不属本处职责")

    return call


def test_two_handlers_accepting_the_same_department_referral_one_wins(org):
    referral = _department_referral(org)
    handlers = [org.outsider, org.food_handler]

    outcomes = at_the_same_moment(
        *(_decide("accept", referral.pk, handler.pk) for handler in handlers)
    )

    winner = handlers[one_won(outcomes, refused_code="already_decided")]
    referral.refresh_from_db()
    inquiry = Inquiry.objects.get(pk=referral.inquiry_id)
    assert referral.state == Referral.State.ACCEPTED
    assert referral.decided_by == winner
    assert (inquiry.status, inquiry.current_holder) == (Status.IN_PROGRESS, winner)
    assert inquiry.events.filter(kind=TimelineEvent.Kind.ACCEPTED).count() == 1
    # The first responder hears of the acceptance once.
    assert Notification.objects.filter(kind=Notification.Kind.REFERRAL_ACCEPTED).count() == 1


@pytest.mark.parametrize(
    "decisions",
    [("accept", "return"), ("assign", "accept")],
    ids=["accept-vs-return", "assign-vs-accept"],
)
def test_two_different_decisions_on_one_referral_at_once_one_wins(org, decisions):
    referral = _department_referral(org)
    people = {"accept": org.outsider, "return": org.food_handler, "assign": org.food_head}
    calls = [
        _decide(decision, referral.pk, people[decision].pk, assignee_pk=org.food_handler.pk)
        for decision in decisions
    ]

    outcomes = at_the_same_moment(*calls)

    winning = decisions[one_won(outcomes, refused_code="already_decided")]
    referral.refresh_from_db()
    inquiry = Inquiry.objects.get(pk=referral.inquiry_id)
    expected = {
        "accept": (Referral.State.ACCEPTED, org.outsider),
        "assign": (Referral.State.ACCEPTED, org.food_handler),
        "return": (Referral.State.RETURNED, org.clerk),
    }[winning]
    assert (referral.state, inquiry.current_holder) == expected
    assert (
        inquiry.events.filter(
            kind__in=[TimelineEvent.Kind.ACCEPTED, TimelineEvent.Kind.RETURNED]
        ).count()
        == 1
    )


def test_two_replies_sent_from_the_same_version_never_overwrite_each_other(org):
    inquiry = register_case(org)
    referral = referral_services.referral_create(
        inquiry=inquiry, by=org.clerk, target=Referral.Target.COLLEAGUE, to_user=org.colleague
    )
    referral_services.referral_accept(referral=referral, by=org.colleague)
    version = Inquiry.objects.get(pk=inquiry.pk).version
    replies = ["需提交申请书和章程，三个工作日办结", "请来访人补充股东会决议"]

    def reply(text):
        def call():
            return services.inquiry_reply(
                inquiry=Inquiry.objects.get(pk=inquiry.pk),
                by=User.objects.get(pk=org.colleague.pk),
                reply=text,
                expected_version=version,
            )

        return call

    outcomes = at_the_same_moment(*(reply(text) for text in replies))

    winner = replies[one_won(outcomes, refused_code="stale")]
    inquiry.refresh_from_db()
    assert inquiry.status == Status.REPLIED
    assert inquiry.result == winner
    assert inquiry.version == version + 1
    assert list(
        inquiry.events.filter(kind=TimelineEvent.Kind.REPLY).values_list("message", flat=True)
    ) == [winner]


def test_two_referrals_sent_from_the_same_version_make_exactly_one(org):
    inquiry = register_case(org)
    version = inquiry.version
    targets = [
        {"target": Referral.Target.COLLEAGUE, "to_user": org.colleague},
        {"target": Referral.Target.DEPARTMENT, "to_department": org.food},
    ]

    def refer(kwargs):
        def call():
            return referral_services.referral_create(
                inquiry=Inquiry.objects.get(pk=inquiry.pk),
                by=User.objects.get(pk=org.clerk.pk),
                expected_version=version,
                **kwargs,
            )

        return call

    outcomes = at_the_same_moment(*(refer(kwargs) for kwargs in targets))

    winner = targets[one_won(outcomes, refused_code="stale")]
    referral = Referral.objects.get()
    assert referral.target == winner["target"]
    inquiry.refresh_from_db()
    assert inquiry.status == Status.REFERRED
    assert inquiry.version == version + 1
