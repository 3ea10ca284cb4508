"""Automatic detection (`detect_violations`): one proposal per breach, once, and only ever a
proposal — nothing becomes a sanction until a person verifies it.

The clock is frozen on Tuesday 10 November 2026; the cases are registered a few days before.
"""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inquiries import services
from inquiries.models import CaseFlag, Channel, Department, Finding, Inquiry, Kind, Rating, Status
from inquiries.services.public import inquiry_pick_up, online_letter_submit
from penalties.models import Detection, Policy, Sanction, SanctionLevel, Violation, ViolationType
from penalties.services.detection import DETECTORS, detection_breaches, detection_run
from penalties.services.violations import violation_report
from tests.case_helpers import at, make_bureau, make_person

NOW = at(2026, 11, 10, 9)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def make_policy(*, detections=(Detection.OVERDUE, Detection.TABOO_PHRASE)) -> Policy:
    """A small policy in force whose catalog covers only `detections`."""
    Policy.objects.filter(is_active=True).update(is_active=False)
    policy = Policy.objects.create(name="测试制度", is_active=True)
    level = SanctionLevel.objects.create(policy=policy, code="jmjy", name="诫勉教育", rank=1)
    for order, detection in enumerate(detections):
        ViolationType.objects.create(
            policy=policy,
            code=f"t{order}",
            description=f"自动发现：{detection}",
            default_level=level,
            basis="第五篇 五",
            detection=detection,
            sort_order=order,
        )
    return policy


@pytest.fixture
def org(db):
    make_policy()
    _unit, _office, licensing, _complaints = make_bureau()
    clerk = make_person(licensing)
    colleague = make_person(licensing)
    return type("Org", (), {"licensing": licensing, "clerk": clerk, "colleague": colleague})


def register(by, *, channel=Channel.VISIT, disclosure=True, received_at=None, registered_at=None):
    registered_at = registered_at or at(2026, 11, 5)
    with time_machine.travel(registered_at, tick=False):
        return services.inquiry_register(
            by=by,
            channel=channel,
            kind=Kind.CONSULTATION,
            requester=services.Requester(name="李明", phone="13812345678"),
            subject="咨询营业执照办理",
            content="来人询问个体工商户营业执照如何办理。",
            disclosure_given=disclosure,
            received_at=received_at,
        )


def close(inquiry, by):
    with time_machine.travel(at(2026, 11, 6), tick=False):
        return services.inquiry_close(
            inquiry=inquiry,
            by=by,
            result="已答复。",
            feedback_method="on_the_spot",
            feedback_at=at(2026, 11, 6),
        )


def finding(
    inquiry, *, kind=Finding.Kind.CASE_OVERDUE, responsible, due=datetime.date(2026, 11, 6)
):
    return Finding.objects.create(
        kind=kind,
        inquiry=inquiry,
        department=inquiry.receiving_department,
        responsible=responsible,
        due=due,
        found_at=NOW,
        key=f"{kind}:{inquiry.pk}:{due.isoformat()}",
    )


def flag(inquiry, *, kind, by, detail="不知道"):
    return CaseFlag.objects.create(
        inquiry=inquiry, kind=kind, detail=detail, raised_at=at(2026, 11, 5), raised_by=by
    )


def rate(inquiry, level, comment=""):
    return Rating.objects.create(
        inquiry=inquiry,
        level=level,
        comment=comment,
        source=Rating.Source.TRACKING_PAGE,
        rated_at=at(2026, 11, 7),
    )


def proposals(detection):
    return list(Violation.objects.filter(detection=detection))


# --- One breach of each kind: exactly one proposal ------------------------------------------


def test_an_overdue_finding_is_proposed_once_for_the_responsible_person(org):
    inquiry = register(org.clerk)
    breach = finding(inquiry, responsible=org.colleague)

    result = detection_run()

    [violation] = proposals(Detection.OVERDUE)
    assert result.proposals == [violation]
    assert violation.state == Violation.State.PROPOSED
    assert violation.source == Violation.Source.AUTOMATIC
    assert violation.person == org.colleague
    assert violation.department == org.licensing
    assert violation.inquiry == inquiry
    assert violation.occurred_on == breach.due
    assert violation.detection_key == f"finding:{breach.key}"
    assert inquiry.number in violation.allegation
    # The policy's catalog has an entry for overdue cases: the proposal names it.
    assert violation.violation_type.detection == Detection.OVERDUE


def test_an_unaccepted_referral_is_proposed_once_without_a_catalog_entry(org):
    inquiry = register(org.clerk)
    finding(inquiry, kind=Finding.Kind.REFERRAL_UNACCEPTED, responsible=org.colleague)

    detection_run()

    [violation] = proposals(Detection.REFERRAL_UNACCEPTED)
    assert violation.person == org.colleague
    # Every breach is proposed; this policy has no type for it, so the investigator chooses.
    assert violation.violation_type is None


def test_other_finding_kinds_propose_nothing(org):
    inquiry = register(org.clerk)
    finding(inquiry, kind=Finding.Kind.AWAITING_FEEDBACK, responsible=org.clerk)
    finding(inquiry, kind=Finding.Kind.NOTICE_LATE, responsible=org.clerk)

    assert detection_run().proposals == []


def test_a_finding_with_nobody_responsible_proposes_nothing(org):
    inquiry = register(org.clerk)
    finding(inquiry, responsible=None)

    assert detection_run().proposals == []


def test_a_closed_visit_with_no_disclosure_is_proposed_for_the_first_responder(org):
    inquiry = close(register(org.clerk, disclosure=False), org.clerk)

    detection_run()

    [violation] = proposals(Detection.NO_DISCLOSURE)
    assert violation.person == org.clerk
    assert violation.detection_key == f"no_disclosure:{inquiry.pk}"
    assert violation.violation_type is None
    assert "李明" not in violation.allegation
    assert "13812345678" not in violation.allegation


def test_an_open_call_without_disclosure_is_a_breach_only_after_the_grace_period(org):
    recent = register(org.clerk, channel=Channel.PHONE, disclosure=False, registered_at=NOW)
    old = register(org.clerk, channel=Channel.PHONE, disclosure=False)

    detection_run()

    assert [v.inquiry_id for v in proposals(Detection.NO_DISCLOSURE)] == [old.pk]
    assert recent.status == Status.REGISTERED


def test_a_disclosure_recorded_afterwards_is_no_breach(org):
    inquiry = register(org.clerk, disclosure=False)
    with time_machine.travel(at(2026, 11, 5, 11), tick=False):
        services.inquiry_record_disclosure(inquiry=inquiry, by=org.clerk)

    assert detection_run().proposals == []


def test_a_letter_without_disclosure_is_no_breach(org):
    close(register(org.clerk, channel=Channel.LETTER, disclosure=False), org.clerk)

    assert detection_run().proposals == []


def test_a_visit_registered_two_days_after_it_was_received_is_proposed(org):
    inquiry = register(org.clerk, received_at=at(2026, 11, 3))

    detection_run()

    [violation] = proposals(Detection.NOT_REGISTERED)
    assert violation.person == org.clerk
    assert violation.inquiry == inquiry
    assert violation.occurred_on == datetime.date(2026, 11, 3)


def test_a_visit_registered_the_same_day_is_no_breach(org):
    register(org.clerk, received_at=at(2026, 11, 5, 8))

    assert detection_run().proposals == []


def test_an_online_letter_picked_up_late_is_proposed_for_whoever_picked_it_up(org):
    office = Department.objects.get(code="BGS")
    with time_machine.travel(at(2026, 11, 2), tick=False):
        letter = online_letter_submit(
            kind=Kind.CONSULTATION,
            name="李明",
            phone="13812345678",
            subject="咨询",
            content="请问营业执照如何办理？",
        )
    clerk = make_person(office)
    with time_machine.travel(at(2026, 11, 5), tick=False):
        inquiry_pick_up(inquiry=letter, by=clerk)

    detection_run()

    [violation] = proposals(Detection.NOT_REGISTERED)
    assert violation.person == clerk


def test_a_taboo_phrase_is_proposed_for_whoever_wrote_it(org):
    inquiry = register(org.clerk)
    hit = flag(inquiry, kind=CaseFlag.Kind.TABOO_PHRASE, by=org.colleague)

    detection_run()

    [violation] = proposals(Detection.TABOO_PHRASE)
    assert violation.person == org.colleague
    assert violation.detection_key == f"flag:{hit.pk}"
    assert "不知道" in violation.allegation
    assert violation.violation_type.detection == Detection.TABOO_PHRASE


def test_a_second_notice_is_proposed_for_whoever_issued_it(org):
    inquiry = register(org.clerk)
    flag(inquiry, kind=CaseFlag.Kind.SECOND_NOTICE, by=org.clerk, detail="房屋产权证明复印件")

    detection_run()

    [violation] = proposals(Detection.SECOND_NOTICE)
    assert violation.person == org.clerk


def test_a_low_rating_is_proposed_for_the_first_responder_without_the_raters_identity(org):
    inquiry = close(register(org.clerk), org.clerk)
    rating = rate(inquiry, Rating.Level.VERY_DISSATISFIED, comment="我是李明，态度很差")

    detection_run()

    [violation] = proposals(Detection.LOW_RATING)
    assert violation.person == org.clerk
    assert violation.detection_key == f"rating:{rating.pk}"
    for private in ("李明", "13812345678", "态度很差"):
        assert private not in violation.allegation
    assert violation.complainant_name == ""
    assert violation.complainant_phone == ""


@pytest.mark.parametrize("level", [Rating.Level.FAIRLY_SATISFIED, Rating.Level.VERY_SATISFIED])
def test_a_fair_or_good_rating_is_no_breach(org, level):
    rate(close(register(org.clerk), org.clerk), level)

    assert detection_run().proposals == []


def test_an_on_time_case_with_disclosure_proposes_nothing(org):
    close(register(org.clerk), org.clerk)
    register(org.clerk, channel=Channel.PHONE)

    assert detection_breaches(since=datetime.date(2026, 1, 1)) == []
    assert detection_run().proposals == []
    assert not Violation.objects.exists()


# --- Once, and only a proposal ----------------------------------------------------------------


def every_kind_of_breach(org, copies=1):
    """`copies` breaches of each of the seven kinds."""
    for _copy in range(copies):
        inquiry = register(org.clerk, received_at=at(2026, 11, 3), disclosure=False)
        finding(inquiry, responsible=org.clerk)
        finding(inquiry, kind=Finding.Kind.REFERRAL_UNACCEPTED, responsible=org.colleague)
        flag(inquiry, kind=CaseFlag.Kind.TABOO_PHRASE, by=org.clerk)
        flag(inquiry, kind=CaseFlag.Kind.SECOND_NOTICE, by=org.clerk)
        rate(close(register(org.clerk), org.clerk), Rating.Level.DISSATISFIED)


def test_each_kind_is_proposed_once_and_a_second_run_proposes_nothing(org):
    every_kind_of_breach(org)

    first = detection_run()
    second = detection_run()

    assert first.counts == {kind: 1 for kind, _detector in DETECTORS}
    assert second.proposals == []
    assert Violation.objects.count() == len(DETECTORS)
    assert set(Violation.objects.values_list("state", flat=True)) == {Violation.State.PROPOSED}


def test_detection_never_makes_a_sanction(org):
    every_kind_of_breach(org)

    detection_run()
    detection_run()

    assert not Sanction.objects.exists()


def test_a_manual_proposal_with_the_same_key_is_not_duplicated(org):
    inquiry = close(register(org.clerk), org.clerk)
    rating = rate(inquiry, Rating.Level.DISSATISFIED)
    manual = violation_report(
        department=org.licensing,
        source=Violation.Source.RATING,
        allegation="差评",
        occurred_on=TODAY,
        person=org.clerk,
        inquiry=inquiry,
        detection=Detection.LOW_RATING,
        detection_key=f"rating:{rating.pk}",
    )

    assert detection_run().proposals == []
    assert list(Violation.objects.all()) == [manual]


def test_since_leaves_out_older_breaches(org):
    inquiry = register(org.clerk)
    finding(inquiry, responsible=org.clerk, due=datetime.date(2026, 10, 30))

    assert detection_run(since=datetime.date(2026, 11, 1)).proposals == []
    assert len(detection_run(since=datetime.date(2026, 10, 1)).proposals) == 1


def test_last_years_breaches_are_left_out_by_default(org):
    inquiry = register(org.clerk)
    finding(inquiry, responsible=org.clerk, due=datetime.date(2025, 12, 30))

    assert detection_run().proposals == []


# --- Cost ---------------------------------------------------------------------------------


def test_a_run_with_nothing_new_costs_one_query_per_kind_however_many_records(org):
    """The command runs every morning over the whole year's records: scanning must not grow
    with them (no N+1), and the already-proposed breaches must be skipped in SQL."""
    every_kind_of_breach(org, copies=3)
    detection_run()

    with CaptureQueriesContext(connection) as queries:
        assert detection_run().proposals == []

    # One per kind, plus the policy in force.
    assert len(queries) == len(DETECTORS) + 1


def test_the_scan_does_not_grow_with_the_breaches_it_finds(org):
    every_kind_of_breach(org, copies=3)

    with CaptureQueriesContext(connection) as queries:
        breaches = detection_breaches(since=datetime.date(2026, 1, 1))

    assert len(breaches) == 3 * len(DETECTORS)
    assert len(queries) == len(DETECTORS)


def test_each_new_proposal_costs_a_bounded_number_of_queries(org):
    every_kind_of_breach(org)
    detection_run()  # the year's violation-number counter now exists
    every_kind_of_breach(org, copies=2)

    with CaptureQueriesContext(connection) as queries:
        result = detection_run()

    assert len(result.proposals) == 2 * len(DETECTORS)
    scan = len(DETECTORS) + 2  # the kinds, the policy in force and its catalog
    # violation_report's own work: the key check, a number, full_clean's foreign-key and
    # uniqueness checks, the insert and its history row (20 today).
    assert (len(queries) - scan) / len(result.proposals) <= 24


# --- The command ------------------------------------------------------------------------------


def test_the_command_proposes_and_reports_counts(org):
    every_kind_of_breach(org)
    out = io.StringIO()

    call_command("detect_violations", stdout=out)
    call_command("detect_violations", "--since", "2026-01-01", stdout=out)

    assert Violation.objects.count() == len(DETECTORS)
    assert "7" in out.getvalue()


def test_the_command_dry_run_writes_nothing(org):
    every_kind_of_breach(org)
    out = io.StringIO()

    call_command("detect_violations", "--dry-run", stdout=out)

    assert not Violation.objects.exists()
    assert "flag:" in out.getvalue()


def test_open_cases_stay_open(org):
    every_kind_of_breach(org)
    statuses = dict(Inquiry.objects.values_list("pk", "status"))

    detection_run()

    assert dict(Inquiry.objects.values_list("pk", "status")) == statuses
