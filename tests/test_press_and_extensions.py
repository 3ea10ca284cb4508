"""Pressing (督办) and extensions (延期): the services' rules, and the panels on the case page."""

import datetime

import pytest
import time_machine
from django.utils import timezone, translation

from inquiries import permissions
from inquiries.models import (
    ExtensionRequest,
    Notification,
    PressNotice,
    Status,
    TimelineEvent,
)
from inquiries.services import InquiryError
from inquiries.services import supervision as services
from inquiries.workdays import work_calendar
from tests.test_case_page import (
    TUESDAY_MORNING,
    build_organisation,
    case_url,
    english_client,
    register_case,
    text_of,
)

TODAY = TUESDAY_MORNING.date()


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TUESDAY_MORNING, tick=False):
        yield


@pytest.fixture
def org(db):
    return build_organisation()


@pytest.fixture
def case(org):
    """A catalog case of the registration department, held by the clerk who registered it."""
    return register_case(org, matter=org.matter, subject="申请设立登记")


def press(org, case, *, by=None, respond_by=None, message="请今天答复办事人"):
    return services.press_create(
        inquiry=case,
        by=by or org.head,
        message=message,
        respond_by=respond_by or TODAY + datetime.timedelta(days=2),
    )


def ask(org, case, *, by=None, days=5, reason="需要现场核查"):
    return services.extension_request(
        inquiry=case, by=by or org.clerk, reason=reason, extra_days=days
    )


# --- 督办: the service ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["head", "leader", "admin"])
def test_the_head_the_supervising_leader_and_an_admin_may_press(org, case, who):
    notice = press(org, case, by=getattr(org, who))

    assert notice.answered_at is None
    assert notice.pressed_by == getattr(org, who)


@pytest.mark.parametrize("who", ["clerk", "colleague", "outsider", "coordinator"])
def test_nobody_else_may_press(org, case, who):
    with pytest.raises(InquiryError) as error:
        press(org, case, by=getattr(org, who))

    assert error.value.code == "not_supervisor"
    assert not PressNotice.objects.exists()


def test_the_respond_by_date_cannot_be_in_the_past(org, case):
    with pytest.raises(InquiryError) as error:
        press(org, case, respond_by=TODAY - datetime.timedelta(days=1))

    assert error.value.code == "respond_by_past"


def test_respond_by_today_is_allowed(org, case):
    assert press(org, case, respond_by=TODAY).respond_by == TODAY


def test_pressing_writes_an_internal_timeline_note_and_notifies_holder_and_responder(org, case):
    case.current_holder = org.colleague
    case.save()

    notice = press(org, case)

    event = case.events.get(data__press=notice.pk)
    assert event.kind == TimelineEvent.Kind.NOTE
    assert event.message == "请今天答复办事人"
    assert not event.is_public
    assert event.data["respond_by"] == notice.respond_by.isoformat()
    told = Notification.objects.filter(event_key=f"press:{notice.pk}")
    assert {n.recipient for n in told} == {org.colleague, org.clerk}
    assert {n.kind for n in told} == {Notification.Kind.PRESSED}


def test_a_closed_case_cannot_be_pressed(org, case):
    case.status = Status.CLOSED
    case.closed_at = timezone.now()
    case.result = "已办结"
    case.feedback_at = timezone.now()
    case.save()

    with pytest.raises(InquiryError) as error:
        press(org, case)

    assert error.value.code == "closed"


def test_the_handler_answers_and_the_notice_is_closed(org, case):
    notice = press(org, case)

    services.press_answer(notice=notice, by=org.clerk, answer="已电话联系办事人，明天办结")

    notice.refresh_from_db()
    assert notice.answered_at is not None
    assert notice.answered_by == org.clerk
    assert case.events.filter(data__press_answer=notice.pk).exists()


def test_a_notice_is_answered_once_and_only_by_the_handler_or_responder(org, case):
    notice = press(org, case)
    with pytest.raises(InquiryError) as error:
        services.press_answer(notice=notice, by=org.outsider, answer="x")
    assert error.value.code == "not_handler"

    services.press_answer(notice=notice, by=org.clerk, answer="已处理")
    with pytest.raises(InquiryError) as error:
        services.press_answer(notice=notice, by=org.clerk, answer="再答一次")
    assert error.value.code == "already_answered"


def test_an_empty_answer_is_refused(org, case):
    notice = press(org, case)

    with pytest.raises(InquiryError) as error:
        services.press_answer(notice=notice, by=org.clerk, answer="  ")

    assert error.value.code == "answer_required"


# --- 延期: the services ---------------------------------------------------------------------------


def test_the_holder_asks_for_working_days_after_the_deadline(org, case):
    extension = ask(org, case, days=5)

    assert extension.state == ExtensionRequest.State.PENDING
    assert extension.old_deadline == case.deadline
    assert extension.new_deadline == work_calendar().add_working_days(case.deadline, 5)
    note = Notification.objects.get(event_key=f"extension:{extension.pk}:requested")
    assert note.recipient == org.head
    assert note.kind == Notification.Kind.EXTENSION_REQUESTED


def test_asking_on_the_deadline_day_is_still_in_time(org, case):
    with time_machine.travel(
        datetime.datetime.combine(case.deadline, datetime.time(16), tzinfo=TUESDAY_MORNING.tzinfo)
    ):
        assert ask(org, case).state == ExtensionRequest.State.PENDING


def test_asking_after_the_deadline_is_refused_with_a_clear_message(org, case):
    after = case.deadline + datetime.timedelta(days=1)
    with (
        time_machine.travel(
            datetime.datetime.combine(after, datetime.time(9), tzinfo=TUESDAY_MORNING.tzinfo)
        ),
        translation.override("en"),
        pytest.raises(InquiryError) as error,
    ):
        ask(org, case)

    assert error.value.code == "after_deadline"
    assert "before the deadline" in error.value.message
    assert not ExtensionRequest.objects.exists()


def test_only_the_current_holder_may_ask(org, case):
    with pytest.raises(InquiryError) as error:
        ask(org, case, by=org.colleague)

    assert error.value.code == "not_holder"


def test_the_first_responder_asks_when_nobody_holds_the_case(org, case):
    case.current_holder = None
    case.save()

    assert ask(org, case, by=org.clerk).requested_by == org.clerk


def test_one_pending_request_at_a_time(org, case):
    ask(org, case)

    with pytest.raises(InquiryError) as error:
        ask(org, case)

    assert error.value.code == "pending_exists"


def test_a_closed_case_gets_no_extension(org, case):
    case.status = Status.CLOSED
    case.closed_at = timezone.now()
    case.result = "已办结"
    case.feedback_at = timezone.now()
    case.save()

    with pytest.raises(InquiryError) as error:
        ask(org, case)

    assert error.value.code == "closed"


def test_approval_moves_the_deadline_and_tells_the_requester_of_the_request(org, case):
    extension = ask(org, case)
    version, status = case.version, case.status

    services.extension_decide(request=extension, by=org.head, approve=True, note="同意")

    case.refresh_from_db()
    extension.refresh_from_db()
    assert extension.state == ExtensionRequest.State.APPROVED
    assert case.deadline == extension.new_deadline
    assert case.version == version + 1
    assert case.status == status
    event = case.events.get(kind=TimelineEvent.Kind.DEADLINE)
    assert event.data["deadline"] == extension.new_deadline.isoformat()
    decided = Notification.objects.get(event_key=f"extension:{extension.pk}:decided")
    assert decided.recipient == org.clerk
    assert decided.kind == Notification.Kind.EXTENSION_DECIDED


def test_refusal_keeps_the_deadline(org, case):
    extension = ask(org, case)
    deadline = case.deadline

    services.extension_decide(request=extension, by=org.leader, approve=False, note="理由不足")

    case.refresh_from_db()
    extension.refresh_from_db()
    assert extension.state == ExtensionRequest.State.REFUSED
    assert case.deadline == deadline
    assert not case.events.filter(kind=TimelineEvent.Kind.DEADLINE).exists()


@pytest.mark.parametrize("who", ["colleague", "outsider", "coordinator"])
def test_only_the_head_or_a_supervising_leader_decides(org, case, who):
    extension = ask(org, case)

    with pytest.raises(InquiryError) as error:
        services.extension_decide(request=extension, by=getattr(org, who), approve=True)

    assert error.value.code == "not_head"


def test_nobody_decides_their_own_request(org, case):
    case.current_holder = org.head
    case.save()
    extension = ask(org, case, by=org.head)
    # The head asked: the supervising leader is the one told.
    assert Notification.objects.get(event_key=f"extension:{extension.pk}:requested").recipient == (
        org.leader
    )

    with pytest.raises(InquiryError) as error:
        services.extension_decide(request=extension, by=org.head, approve=True)

    assert error.value.code == "own_request"


def test_a_request_is_decided_once(org, case):
    extension = ask(org, case)
    services.extension_decide(request=extension, by=org.head, approve=False)

    with pytest.raises(InquiryError) as error:
        services.extension_decide(request=extension, by=org.head, approve=True)

    assert error.value.code == "already_decided"


def test_after_a_decision_a_new_request_may_be_made(org, case):
    services.extension_decide(request=ask(org, case), by=org.head, approve=False)

    assert ask(org, case).state == ExtensionRequest.State.PENDING


def test_an_approved_extension_is_recorded_as_told_once(org, case):
    extension = ask(org, case)
    services.extension_decide(request=extension, by=org.head, approve=True)

    services.extension_told(request=extension, by=org.clerk, note="电话告知新的办结时限")

    extension.refresh_from_db()
    assert extension.requester_told_at is not None
    assert extension.requester_told_note == "电话告知新的办结时限"
    with pytest.raises(InquiryError) as error:
        services.extension_told(request=extension, by=org.clerk, note="again")
    assert error.value.code == "already_told"


def test_a_pending_or_refused_extension_is_not_told(org, case):
    extension = ask(org, case)

    with pytest.raises(InquiryError) as error:
        services.extension_told(request=extension, by=org.clerk, note="x")

    assert error.value.code == "not_approved"


def test_only_the_handler_side_records_that_the_requester_was_told(org, case):
    extension = ask(org, case)
    services.extension_decide(request=extension, by=org.head, approve=True)

    with pytest.raises(InquiryError) as error:
        services.extension_told(request=extension, by=org.outsider, note="x")

    assert error.value.code == "not_handler"


# --- The case page ----------------------------------------------------------------------------


@pytest.fixture
def en(client):
    return english_client(client)


def test_the_head_sees_the_press_form_and_the_clerk_does_not(en, org, case):
    en.force_login(org.head)
    assert 'id="action-press"' in en.get(case_url("case_detail", case)).content.decode()

    en.force_login(org.clerk)
    assert 'id="action-press"' not in en.get(case_url("case_detail", case)).content.decode()


def test_pressing_through_the_page_shows_the_notice_until_answered(en, org, case):
    en.force_login(org.head)
    response = en.post(
        case_url("case_press", case),
        {"version": case.version, "message": "请尽快办结", "respond_by": "2026-03-12"},
    )
    assert response.status_code == 302
    notice = PressNotice.objects.get()

    en.force_login(org.clerk)
    page = en.get(case_url("case_detail", case))
    assert "Pressed by a supervisor" in text_of(page)
    assert "请尽快办结" in text_of(page)
    assert 'id="action-answer_press"' in page.content.decode()

    response = en.post(
        case_url("press_answer", case, notice.pk),
        {"version": case.version, "answer": "今天下午办结"},
    )
    assert response.status_code == 302
    page = en.get(case_url("case_detail", case))
    assert 'id="action-answer_press"' not in page.content.decode()
    assert "今天下午办结" in text_of(page)


def test_a_past_respond_by_date_is_shown_as_a_form_error(en, org, case):
    en.force_login(org.head)

    response = en.post(
        case_url("case_press", case),
        {"version": case.version, "message": "请尽快办结", "respond_by": "2026-03-01"},
    )

    assert response.status_code == 400
    assert "must be today or later" in text_of(response)
    assert not PressNotice.objects.exists()


def test_the_clerk_cannot_press_through_the_url(en, org, case):
    en.force_login(org.clerk)

    response = en.post(
        case_url("case_press", case),
        {"version": case.version, "message": "x", "respond_by": "2026-03-12"},
    )

    assert response.status_code == 403
    assert not PressNotice.objects.exists()


def test_the_extension_round_trip_through_the_page(en, org, case):
    en.force_login(org.clerk)
    response = en.post(
        case_url("extension_request", case),
        {"version": case.version, "extra_days": "5", "reason": "需要现场核查"},
    )
    assert response.status_code == 302
    extension = ExtensionRequest.objects.get()

    en.force_login(org.head)
    page = en.get(case_url("case_detail", case))
    assert 'id="action-decide_extension"' in page.content.decode()
    response = en.post(
        case_url("extension_decide", case, extension.pk),
        {"version": case.version, "decision": "approve", "note": "同意"},
    )
    assert response.status_code == 302

    en.force_login(org.clerk)
    page = en.get(case_url("case_detail", case))
    assert "The requester has not yet been told of the extension." in text_of(page)
    assert 'id="action-record_extension_told"' in page.content.decode()
    case.refresh_from_db()
    response = en.post(
        case_url("extension_told", case, extension.pk),
        {"version": case.version, "note": "电话告知"},
    )
    assert response.status_code == 302
    page = en.get(case_url("case_detail", case))
    assert "not yet been told" not in text_of(page)


def test_after_the_deadline_the_request_form_is_gone_and_a_post_is_refused(en, org, case):
    after = case.deadline + datetime.timedelta(days=1)
    with time_machine.travel(
        datetime.datetime.combine(after, datetime.time(9), tzinfo=TUESDAY_MORNING.tzinfo)
    ):
        en.force_login(org.clerk)
        page = en.get(case_url("case_detail", case))
        response = en.post(
            case_url("extension_request", case),
            {"version": case.version, "extra_days": "5", "reason": "x"},
        )

    assert 'id="action-request_extension"' not in page.content.decode()
    assert response.status_code == 403
    assert not ExtensionRequest.objects.exists()


def test_a_record_of_another_case_is_404(en, org, case):
    other = register_case(org, matter=org.matter, subject="另一件")
    notice = press(org, other)
    en.force_login(org.clerk)

    response = en.post(
        case_url("press_answer", case, notice.pk), {"version": case.version, "answer": "x"}
    )

    assert response.status_code == 404


def test_supervision_actions_follow_the_rules(org, case):
    notice = press(org, case)
    actions = permissions.supervision_actions(org.clerk, case, presses=[notice], extensions=[])
    assert actions == {permissions.ANSWER_PRESS, permissions.REQUEST_EXTENSION}
    assert permissions.supervision_actions(org.head, case, presses=[notice], extensions=[]) == {
        permissions.PRESS
    }
