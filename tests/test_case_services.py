"""The case services: numbers, the first responder, deadlines, the transition table."""

import datetime
import threading

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation

from inquiries import services
from inquiries.models import (
    TRANSITIONS,
    CaseFlag,
    FeedbackMethod,
    Inquiry,
    Kind,
    Path,
    Status,
    TimelineEvent,
)
from inquiries.services import InquiryError
from tests.case_helpers import at, make_bureau, make_matter, make_person, register


@pytest.fixture
def bureau(db):
    return make_bureau()


@pytest.fixture
def clerk(bureau):
    return make_person(bureau[2], title="窗口受理员", office_phone="0531-86012022")


def test_case_numbers_count_up_within_a_year_and_restart_with_the_next(clerk):
    with time_machine.travel(at(2027, 1, 4), tick=False):
        first = register(clerk, received_at=at(2026, 12, 31, 16))
        second = register(clerk, received_at=at(2026, 12, 31, 17))
        third = register(clerk)

    assert [first.number, second.number, third.number] == [
        "2026-000001",
        "2026-000002",
        "2027-000001",
    ]


@pytest.mark.django_db(transaction=True)
def test_two_desks_registering_at_the_same_moment_get_different_numbers():
    _unit, _office, licensing, _complaints = make_bureau()
    desks = [make_person(licensing) for _ in range(4)]
    start = threading.Barrier(len(desks))
    numbers, errors = [], []

    def register_at_desk(user):
        try:
            start.wait()
            numbers.append(register(user).number)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register_at_desk, args=(desk,)) for desk in desks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    year = timezone.localdate().year
    assert sorted(numbers) == [f"{year}-00000{n}" for n in range(1, 5)]


def test_the_registering_user_is_first_responder_and_that_can_never_change(bureau, clerk):
    case = register(clerk)
    other = make_person(bureau[3])

    assert case.first_responder == clerk
    assert case.receiving_department == clerk.profile.department
    assert case.current_holder == clerk
    case = Inquiry.objects.get(pk=case.pk)
    case.first_responder = other
    with pytest.raises(ValidationError):
        case.save()
    assert Inquiry.objects.get(pk=case.pk).first_responder == clerk


def test_registration_records_the_disclosure_on_the_timeline(clerk):
    case = register(clerk)

    kinds = list(case.events.values_list("kind", flat=True))
    disclosure = case.events.get(kind=TimelineEvent.Kind.DISCLOSURE)
    assert kinds == [TimelineEvent.Kind.REGISTERED, TimelineEvent.Kind.DISCLOSURE]
    assert disclosure.data == {
        "name": clerk.full_name,
        "title": "窗口受理员",
        "phone": "0531-86012022",
    }
    with translation.override("zh-hans"):
        assert "窗口受理员" in disclosure.summary
    with translation.override("en"):
        assert disclosure.summary.startswith("The requester was told")


@pytest.mark.parametrize(
    ("kind", "deadline"),
    [
        (Kind.CONSULTATION, datetime.date(2026, 10, 9)),  # 2 working days over National Day
        (Kind.HELP, datetime.date(2026, 10, 20)),
        (Kind.COMPLAINT, datetime.date(2026, 10, 27)),
    ],
)
def test_deadline_counts_working_days_on_the_official_calendar(clerk, kind, deadline):
    with time_machine.travel(at(2026, 9, 30), tick=False):
        case = register(clerk, kind=kind)

    assert case.deadline == deadline


def test_a_catalog_matter_brings_its_promise_department_and_notice_due_date(bureau, clerk):
    matter = make_matter(bureau[2], promised_days=5)
    with time_machine.travel(at(2026, 9, 30), tick=False):
        case = register(clerk, kind=Kind.SERVICE, matter=matter)

    assert case.handling_department == bureau[2]
    assert case.time_limit_days == 5
    assert case.deadline == datetime.date(2026, 10, 13)
    assert case.notice_due == datetime.date(2026, 10, 13)


def test_registration_without_any_way_to_reach_the_requester_is_refused(clerk):
    with pytest.raises(InquiryError) as error:
        services.inquiry_register(
            by=clerk,
            channel="visit",
            kind=Kind.CONSULTATION,
            requester=services.Requester(name="王五"),
            subject="咨询",
            content="咨询事项",
            disclosure_given=True,
        )

    assert error.value.code == "no_contact"
    assert not Inquiry.objects.exists()


def test_a_user_without_staff_profile_cannot_register(db):
    from tests.factories import UserFactory

    with pytest.raises(InquiryError) as error:
        register(UserFactory())

    assert error.value.code == "no_profile"


# --- The transition table, exhaustively ----------------------------------------------------

CLOSING_FIELDS = {
    "result": "已办结",
    "feedback_method": FeedbackMethod.PHONE,
    "feedback_note": "电话告知",
}


def put_in_status(case: Inquiry, status: str) -> Inquiry:
    """Test setup only: place a case in `status` directly (services are what is under test)."""
    fields = {"status": status}
    if status == Status.CLOSED:
        now = datetime.datetime.now(datetime.UTC)
        fields |= CLOSING_FIELDS | {"closed_at": now, "feedback_at": now}
    Inquiry.objects.filter(pk=case.pk).update(**fields)
    return Inquiry.objects.get(pk=case.pk)


ALL_MOVES = [(source, target) for source in Status.values for target in Status.values]


@pytest.mark.parametrize(("source", "target"), ALL_MOVES)
def test_every_move_in_the_table_is_allowed_and_every_other_is_refused(clerk, source, target):
    case = put_in_status(register(clerk), source)
    changes = {}
    if target == Status.CLOSED:
        changes = CLOSING_FIELDS | {
            "closed_at": datetime.datetime.now(datetime.UTC),
            "feedback_at": datetime.datetime.now(datetime.UTC),
        }

    if target in TRANSITIONS[source]:
        moved = services.inquiry_transition(inquiry=case, by=clerk, to_status=target, **changes)
        assert Inquiry.objects.get(pk=case.pk).status == target == moved.status
        event = case.events.get(kind=TimelineEvent.Kind.STATUS)
        assert (event.from_status, event.to_status) == (source, target)
    else:
        with pytest.raises(InquiryError) as error:
            services.inquiry_transition(inquiry=case, by=clerk, to_status=target, **changes)
        assert error.value.code == "illegal_transition"
        assert Inquiry.objects.get(pk=case.pk).status == source
        assert not case.events.filter(kind=TimelineEvent.Kind.STATUS).exists()


def test_every_status_has_a_row_in_the_table_and_closed_only_reopens():
    assert set(TRANSITIONS) == set(Status.values)
    assert TRANSITIONS[Status.CLOSED] == {Status.REOPENED}


def test_closing_without_feedback_or_reason_is_refused_and_nothing_changes(clerk):
    case = register(clerk)

    with pytest.raises(InquiryError) as error:
        services.inquiry_close(inquiry=case, by=clerk, result="已答复")

    assert error.value.code == "feedback_required"
    assert Inquiry.objects.get(pk=case.pk).status == Status.REGISTERED


def test_a_stale_form_is_refused_with_a_conflict_message(clerk):
    case = register(clerk)
    stale_version = case.version
    services.inquiry_add_note(inquiry=case, by=clerk, text="已电话联系")
    services.inquiry_decide_path(
        inquiry=case, by=clerk, path=Path.OWN_DUTY, told="三个工作日内答复"
    )

    with pytest.raises(InquiryError) as error:
        services.inquiry_close(
            inquiry=case,
            by=clerk,
            result="已答复",
            feedback_method=FeedbackMethod.PHONE,
            expected_version=stale_version,
        )

    assert error.value.code == "stale"
    assert Inquiry.objects.get(pk=case.pk).status == Status.IN_PROGRESS


# --- Notices and the clock -----------------------------------------------------------------


def test_the_notice_lists_what_is_missing_and_stops_the_clock_until_materials_arrive(bureau, clerk):
    matter = make_matter(bureau[2], promised_days=5)
    with time_machine.travel(at(2026, 9, 28), tick=False):
        case = register(clerk, kind=Kind.SERVICE, matter=matter)
        received = matter.materials.get(name="营业执照复印件")
        notice = services.notice_issue(
            inquiry=case, by=clerk, received_material_ids=[received.pk], extra_items=["授权委托书"]
        )

    case.refresh_from_db()
    assert [item.name for item in notice.items.all()] == [
        "法定代表人身份证明",
        "经营场所平面图",
        "授权委托书",
    ]
    assert case.status == Status.AWAITING_MATERIALS
    assert case.clock_stopped_on == datetime.date(2026, 9, 28)

    with time_machine.travel(at(2026, 10, 9), tick=False):
        services.inquiry_materials_complete(inquiry=case, by=clerk)

    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    assert case.clock_stopped_on is None
    # The full five working days count again from 2026-10-09 (10-10 is a 调休 Saturday).
    assert case.deadline == datetime.date(2026, 10, 15)


def test_a_second_notice_asking_for_something_new_is_flagged(bureau, clerk):
    matter = make_matter(bureau[2])
    case = register(clerk, kind=Kind.SERVICE, matter=matter)
    everything = list(matter.materials.values_list("pk", flat=True))
    services.notice_issue(inquiry=case, by=clerk, received_material_ids=everything[:2])

    repeat = services.notice_issue(inquiry=case, by=clerk, received_material_ids=everything[:2])
    assert not repeat.is_second_notice

    second = services.notice_issue(
        inquiry=case, by=clerk, received_material_ids=everything[:2], extra_items=["房屋租赁合同"]
    )
    assert second.is_second_notice
    flag = case.flags.get(kind=CaseFlag.Kind.SECOND_NOTICE)
    assert "房屋租赁合同" in flag.detail


def test_a_notice_with_nothing_missing_is_refused(bureau, clerk):
    matter = make_matter(bureau[2])
    case = register(clerk, kind=Kind.SERVICE, matter=matter)

    with pytest.raises(InquiryError) as error:
        services.notice_issue(
            inquiry=case,
            by=clerk,
            received_material_ids=matter.materials.values_list("pk", flat=True),
        )

    assert error.value.code == "nothing_missing"
    assert not case.notices.exists()


def test_a_taboo_phrase_in_staff_text_is_saved_and_flagged_not_blocked(clerk):
    case = register(clerk)

    event = services.inquiry_add_note(inquiry=case, by=clerk, text="这事不归我管，让他找领导去")

    assert event.message == "这事不归我管，让他找领导去"
    flag = case.flags.get(kind=CaseFlag.Kind.TABOO_PHRASE)
    assert "不归我管" in flag.detail
    assert "找领导去" in flag.detail
    assert flag.raised_by == clerk


def test_reopening_clears_the_old_result_but_keeps_it_on_the_timeline(clerk):
    case = register(clerk)
    services.inquiry_close(
        inquiry=case,
        by=clerk,
        result="已告知办理流程",
        feedback_method=FeedbackMethod.ON_THE_SPOT,
    )

    case = services.inquiry_reopen(inquiry=case, by=clerk, reason="来人反映流程有变化")

    assert case.status == Status.REOPENED
    assert (case.result, case.feedback_method, case.feedback_at) == ("", "", None)
    assert case.events.filter(message__contains="已告知办理流程").exists()
    assert case.history.filter(result="已告知办理流程").exists()
