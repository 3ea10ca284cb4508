"""Referrals through the services: 转办 to each target, 签收, 退回, 指派 by the head, the office's
协调, away handlers and their delegates, the notifications every step sends, and the working
day by which a referral must be accepted.

`build_referral_organisation` (the bureau of the case tests plus a food department with a
head, two handlers and a front desk, and a consumer-protection department) is shared with the
referral view, concurrency and browser tests.
"""

import datetime
from dataclasses import dataclass

import pytest
import time_machine
from django.utils import timezone, translation

from inquiries import services
from inquiries.models import (
    CasePolicy,
    Department,
    FeedbackMethod,
    Inquiry,
    Notification,
    Path,
    Referral,
    StaffProfile,
    Status,
    TimelineEvent,
)
from inquiries.selectors import inquiries_visible_to
from inquiries.services import InquiryError
from inquiries.services.notifications import notify
from inquiries.services.referrals import (
    office_coordinate,
    referral_accept,
    referral_create,
    referral_return,
)
from tests.factories import DepartmentFactory, StaffProfileFactory, UserFactory
from tests.test_case_page import SHANGHAI, Org, build_organisation, register_case

Target = Referral.Target
Kinds = Notification.Kind


@dataclass
class ReferralOrg(Org):
    food_head: object = None  # head of the food department (handles too)
    food_handler: object = None  # a second handler there (赵磊, `outsider`, is the first)
    food_desk: object = None  # food department front desk: sees nothing of its queue
    consumer: Department | None = None  # contributes to cross-department cases
    consumer_handler: object = None
    deputy: object = None  # registration handler, the delegate of colleagues who are away


def build_referral_organisation() -> ReferralOrg:
    base = build_organisation()

    def staff(username, full_name, department, roles, **profile):
        user = UserFactory(
            username=username,
            full_name=full_name,
            roles=roles,
            email=f"{username}@scjgj.example.cn",
        )
        StaffProfileFactory(user=user, department=department, **profile)
        return user

    consumer = DepartmentFactory(
        parent=base.unit, name="消费者权益保护处", code="XBC", location="行政中心7楼703"
    )
    food_head = staff("qianjin", "钱进", base.food, ["department_head"], title="处长")
    food_handler = staff("liuyang", "刘洋", base.food, ["handler"], title="科员")
    food_desk = staff("chenjing", "陈静", base.food, ["front_desk"], title="窗口科员")
    consumer_handler = staff("hewei", "何伟", consumer, ["handler"], title="科员")
    deputy = staff("zhengkai", "郑凯", base.registration, ["handler"], title="主任科员")
    base.food.head = food_head
    base.food.save()
    # Everyone has an email address, so every notification is also emailed.
    for user in (
        base.clerk,
        base.colleague,
        base.away,
        base.outsider,
        base.head,
        base.leader,
        base.coordinator,
        base.admin,
    ):
        user.email = f"{user.username}@scjgj.example.cn"
        user.save()
    return ReferralOrg(
        **vars(base),
        food_head=food_head,
        food_handler=food_handler,
        food_desk=food_desk,
        consumer=consumer,
        consumer_handler=consumer_handler,
        deputy=deputy,
    )


def set_away(user, *, delegate=None, availability=StaffProfile.Availability.ABSENT):
    """Away from yesterday until tomorrow (on leave, say), with or without a delegate."""
    today = timezone.localdate()
    profile = user.profile
    profile.availability = availability
    profile.away_from = today - datetime.timedelta(days=1)
    profile.away_until = today + datetime.timedelta(days=1)
    profile.delegate = delegate
    profile.save()


def notified(inquiry: Inquiry, kind: str | None = None) -> set[tuple[str, str]]:
    """(username, kind) of every notification about the case (of one kind if given)."""
    rows = Notification.objects.filter(inquiry=inquiry)
    if kind is not None:
        rows = rows.filter(kind=kind)
    return {(row.recipient.username, row.kind) for row in rows.select_related("recipient")}


def fresh(inquiry: Inquiry) -> Inquiry:
    return Inquiry.objects.get(pk=inquiry.pk)


def refer(inquiry: Inquiry, by, target: str, **kwargs) -> Referral:
    return referral_create(inquiry=fresh(inquiry), by=by, target=target, **kwargs)


@pytest.fixture
def org(db):
    return build_referral_organisation()


@pytest.fixture
def inquiry(org):
    return register_case(org)


# --- 转办: the four targets ---------------------------------------------------------------------


def test_a_colleague_referral_puts_the_case_with_them_until_they_accept(org, inquiry):
    referral = refer(
        inquiry, org.clerk, Target.COLLEAGUE, to_user=org.colleague, told="已转李明，明天答复"
    )

    inquiry = fresh(inquiry)
    assert referral.state == Referral.State.PENDING
    assert (referral.to_user, referral.to_department) == (org.colleague, org.registration)
    assert referral.from_user == org.clerk
    assert inquiry.status == Status.REFERRED
    assert inquiry.current_holder == org.colleague
    assert inquiry.first_responder == org.clerk
    # What was handed over is kept with the referral, as it was then.
    assert referral.handover == {
        "name": "王建国",
        "unit": "某某商贸有限公司",
        "phone": "13812345678",
        "subject": inquiry.subject,
        "matter": "",
    }
    assert notified(inquiry) == {("liming", Kinds.REFERRAL_RECEIVED)}
    event = inquiry.events.get(kind=TimelineEvent.Kind.REFERRED)
    assert event.message == "已转李明，明天答复"
    assert "李明" in event.summary


def test_a_department_referral_waits_in_its_queue_and_tells_its_handlers_and_head(org, inquiry):
    referral = refer(
        inquiry, org.clerk, Target.DEPARTMENT, to_department=org.food, reason="涉及食品经营许可"
    )

    inquiry = fresh(inquiry)
    assert referral.to_user is None
    assert referral.to_department == org.food
    assert inquiry.status == Status.REFERRED
    assert inquiry.current_holder is None
    assert inquiry.handling_department == org.food
    # Handlers and the head; not the front desk (it cannot accept), not the referrer.
    assert notified(inquiry) == {
        ("zhaolei", Kinds.REFERRAL_TO_DEPARTMENT),
        ("liuyang", Kinds.REFERRAL_TO_DEPARTMENT),
        ("qianjin", Kinds.REFERRAL_TO_DEPARTMENT),
    }


def test_a_department_referral_to_ones_own_department_is_refused(org, inquiry):
    with pytest.raises(InquiryError) as refused:
        refer(inquiry, org.clerk, Target.DEPARTMENT, to_department=org.registration)

    assert refused.value.code == "own_department"
    assert fresh(inquiry).status == Status.REGISTERED
    assert not Referral.objects.exists()


def test_an_office_referral_makes_the_case_coordinating_and_tells_the_coordinators(org, inquiry):
    referral = refer(inquiry, org.clerk, Target.OFFICE, reason="涉及登记和食品两个处室")

    inquiry = fresh(inquiry)
    assert referral.to_department == org.office
    assert inquiry.status == Status.COORDINATING
    assert inquiry.handling_department == org.office
    assert notified(inquiry) == {("wuli", Kinds.COORDINATION)}


def test_asking_the_supervising_leader_needs_the_question(org, inquiry):
    with pytest.raises(InquiryError) as refused:
        refer(inquiry, org.clerk, Target.LEADER)
    assert refused.value.code == "reason_required"

    referral = refer(
        inquiry, org.clerk, Target.LEADER, reason="经办人长期出差，职责不清，请示处理意见"
    )

    inquiry = fresh(inquiry)
    assert referral.to_user == org.leader
    assert inquiry.current_holder == org.leader
    assert notified(inquiry) == {("zhouqiang", Kinds.REFERRAL_RECEIVED)}


def test_only_the_holder_may_refer_and_a_stale_version_is_refused(org, inquiry):
    with pytest.raises(InquiryError) as not_holder:
        refer(inquiry, org.colleague, Target.OFFICE)
    assert not_holder.value.code == "not_holder"

    old_version = inquiry.version
    services.inquiry_decide_path(inquiry=inquiry, by=org.clerk, path="own_duty", told="三日内答复")
    with pytest.raises(InquiryError) as stale:
        refer(inquiry, org.clerk, Target.OFFICE, expected_version=old_version)
    assert stale.value.code == "stale"
    assert not Referral.objects.exists()


# --- 签收 ---------------------------------------------------------------------------------------


def test_the_addressee_accepts_and_the_first_responder_is_told(org, inquiry):
    referral = refer(inquiry, org.clerk, Target.COLLEAGUE, to_user=org.colleague)

    accepted = referral_accept(referral=referral, by=org.colleague)

    inquiry = fresh(inquiry)
    assert accepted.state == Referral.State.ACCEPTED
    assert accepted.decided_by == org.colleague
    assert accepted.decided_at is not None
    assert inquiry.status == Status.IN_PROGRESS
    assert inquiry.current_holder == org.colleague
    assert notified(inquiry, Kinds.REFERRAL_ACCEPTED) == {("zhangxq", Kinds.REFERRAL_ACCEPTED)}


@pytest.mark.parametrize("who", ["outsider", "food_handler", "food_head"])
def test_any_handler_of_the_department_accepts_its_queue_referral(org, inquiry, who):
    referral = refer(inquiry, org.clerk, Target.DEPARTMENT, to_department=org.food)
    handler = getattr(org, who)

    referral_accept(referral=referral, by=handler)

    inquiry = fresh(inquiry)
    referral.refresh_from_db()
    assert referral.state == Referral.State.ACCEPTED
    assert referral.to_user == handler
    assert inquiry.status == Status.IN_PROGRESS
    assert inquiry.current_holder == handler
    assert inquiry.handling_department == org.food


@pytest.mark.parametrize(
    "who",
    ["colleague", "consumer_handler", "food_desk", "coordinator"],
    ids=["registration handler", "consumer handler", "food front desk", "office coordinator"],
)
def test_nobody_else_may_accept_a_department_referral(org, inquiry, who):
    referral = refer(inquiry, org.clerk, Target.DEPARTMENT, to_department=org.food)

    with pytest.raises(InquiryError) as refused:
        referral_accept(referral=referral, by=getattr(org, who))

    assert refused.value.code == "not_addressed"
    referral.refresh_from_db()
    assert referral.state == Referral.State.PENDING
    assert fresh(inquiry).status == Status.REFERRED


def test_a_referral_is_decided_once(org, inquiry):
    referral = refer(inquiry, org.clerk, Target.DEPARTMENT, to_department=org.food)
    referral_accept(referral=referral, by=org.outsider)
    before = Notification.objects.count()

    with pytest.raises(InquiryError) as again:
        referral_accept(referral=referral, by=org.food_handler)
    with pytest.raises(InquiryError) as returned:
        referral_return(referral=referral, by=org.food_handler, reason="不属于本处职责")

    assert again.value.code == returned.value.code == "already_decided"
    assert "赵磊" in again.value.message
    assert fresh(inquiry).current_holder == org.outsider
    assert Notification.objects.count() == before


# --- 指派 ---------------------------------------------------------------------------------------


def test_the_head_assigns_a_queue_referral_to_a_member_who_is_told(org, inquiry):
    referral = refer(inquiry, org.clerk, Target.DEPARTMENT, to_department=org.food)

    referral_accept(referral=referral, by=org.food_head, assignee=org.food_handler)

    inquiry = fresh(inquiry)
    referral.refresh_from_db()
    assert referral.state == Referral.State.ACCEPTED
    assert referral.assigned_by == org.food_head
    assert referral.to_user == org.food_handler
    assert inquiry.current_holder == org.food_handler
    assert inquiry.status == Status.IN_PROGRESS
    event_key = f"referral:{referral.pk}:assigned"
    assert Notification.objects.get(event_key=event_key).recipient == org.food_handler
    assert notified(inquiry, Kinds.REFERRAL_ACCEPTED) == {("zhangxq", Kinds.REFERRAL_ACCEPTED)}
    assert "刘洋" in inquiry.events.get(kind=TimelineEvent.Kind.ACCEPTED).summary


def test_the_head_of_another_department_cannot_assign(org, inquiry):
    referral = refer(inquiry, org.clerk, Target.DEPARTMENT, to_department=org.food)

    with pytest.raises(InquiryError) as refused:
        referral_accept(referral=referral, by=org.head, assignee=org.food_handler)

    assert refused.value.code == "not_head"
    referral.refresh_from_db()
    assert referral.state == Referral.State.PENDING


def test_assigning_to_someone_outside_the_department_is_refused(org, inquiry):
    referral = refer(inquiry, org.clerk, Target.DEPARTMENT, to_department=org.food)

    with pytest.raises(InquiryError) as refused:
        referral_accept(referral=referral, by=org.food_head, assignee=org.consumer_handler)

    assert refused.value.code == "assignee_elsewhere"
    assert fresh(inquiry).current_holder is None


# --- 退回 ---------------------------------------------------------------------------------------


def test_a_return_sends_the_case_back_to_whoever_referred_it_with_the_reason(org, inquiry):
    referral = refer(inquiry, org.clerk, Target.DEPARTMENT, to_department=org.food)
    reason = "营业执照办理属登记注册处职责，依据本局“三定”方案，不属本处"

    referral_return(referral=referral, by=org.outsider, reason=reason)

    inquiry = fresh(inquiry)
    referral.refresh_from_db()
    assert referral.state == Referral.State.RETURNED
    assert referral.return_reason == reason
    assert referral.decided_by == org.outsider
    assert inquiry.status == Status.IN_PROGRESS
    assert inquiry.current_holder == org.clerk
    assert inquiry.handling_department == org.registration
    assert notified(inquiry, Kinds.REFERRAL_RETURNED) == {("zhangxq", Kinds.REFERRAL_RETURNED)}
    assert inquiry.events.get(kind=TimelineEvent.Kind.RETURNED).message == reason


def test_a_return_without_a_reason_is_refused_and_changes_nothing(org, inquiry):
    referral = refer(inquiry, org.clerk, Target.DEPARTMENT, to_department=org.food)

    with pytest.raises(InquiryError) as refused:
        referral_return(referral=referral, by=org.outsider, reason="  ")

    assert refused.value.code == "reason_required"
    referral.refresh_from_db()
    assert referral.state == Referral.State.PENDING
    assert fresh(inquiry).status == Status.REFERRED
    assert not notified(inquiry, Kinds.REFERRAL_RETURNED)


def test_after_accepting_the_handler_refers_it_on_and_a_return_comes_back_to_them(org, inquiry):
    first = refer(inquiry, org.clerk, Target.COLLEAGUE, to_user=org.colleague)
    referral_accept(referral=first, by=org.colleague)

    second = refer(inquiry, org.colleague, Target.DEPARTMENT, to_department=org.food)
    assert second.from_user == org.colleague
    assert fresh(inquiry).status == Status.REFERRED
    referral_return(referral=second, by=org.food_handler, reason="不属本处职责")

    inquiry = fresh(inquiry)
    assert inquiry.current_holder == org.colleague
    assert inquiry.status == Status.IN_PROGRESS
    # The first responder and the colleague who referred it are both told.
    assert notified(inquiry, Kinds.REFERRAL_RETURNED) == {
        ("zhangxq", Kinds.REFERRAL_RETURNED),
        ("liming", Kinds.REFERRAL_RETURNED),
    }
    assert list(inquiry.referrals.values_list("state", flat=True)) == ["accepted", "returned"]


# --- 协调 ---------------------------------------------------------------------------------------


def test_the_office_names_a_lead_and_a_contributor(org, inquiry):
    refer(inquiry, org.clerk, Target.OFFICE, reason="涉及两个处室")

    lead = office_coordinate(
        inquiry=fresh(inquiry),
        by=org.coordinator,
        lead=org.food,
        contributors=[org.consumer, org.food],  # the lead ticked again is left out
        note="食品处牵头，消保处配合",
    )

    inquiry = fresh(inquiry)
    office_referral, lead_referral, contribution = inquiry.referrals.order_by("pk")
    assert office_referral.state == Referral.State.ACCEPTED
    assert office_referral.decided_by == org.coordinator
    assert lead_referral == lead
    assert (lead.to_department, lead.is_lead, lead.state) == (org.food, True, "pending")
    assert (contribution.to_department, contribution.is_lead) == (org.consumer, False)
    assert contribution.target == Target.CONTRIBUTION
    # The case moves to the lead department's queue, not to the contributor.
    assert inquiry.status == Status.REFERRED
    assert inquiry.handling_department == org.food
    assert inquiry.current_holder is None
    assert notified(inquiry, Kinds.REFERRAL_TO_DEPARTMENT) >= {
        ("zhaolei", Kinds.REFERRAL_TO_DEPARTMENT),
        ("hewei", Kinds.REFERRAL_TO_DEPARTMENT),
    }
    summary = inquiry.events.get(kind=TimelineEvent.Kind.COORDINATED).summary
    assert "食品经营监管处" in summary
    assert "消费者权益保护处" in summary


def test_a_contributor_sees_the_case_and_accepts_its_part_without_taking_the_case(org, inquiry):
    assert not inquiries_visible_to(org.consumer_handler).filter(pk=inquiry.pk).exists()
    refer(inquiry, org.clerk, Target.OFFICE)
    office_coordinate(
        inquiry=fresh(inquiry), by=org.coordinator, lead=org.food, contributors=[org.consumer]
    )
    contribution = Referral.objects.get(target=Target.CONTRIBUTION)

    assert inquiries_visible_to(org.consumer_handler).filter(pk=inquiry.pk).exists()
    referral_accept(referral=contribution, by=org.consumer_handler)

    contribution.refresh_from_db()
    inquiry = fresh(inquiry)
    assert contribution.state == Referral.State.ACCEPTED
    assert contribution.decided_by == org.consumer_handler
    assert inquiry.status == Status.REFERRED  # still waiting for the lead department
    assert inquiry.current_holder is None
    # The lead department then accepts the case itself.
    referral_accept(referral=Referral.objects.get(target=Target.DEPARTMENT), by=org.outsider)
    inquiry = fresh(inquiry)
    assert (inquiry.status, inquiry.current_holder) == (Status.IN_PROGRESS, org.outsider)


def test_a_lead_department_returning_sends_the_case_back_to_the_office(org, inquiry):
    refer(inquiry, org.clerk, Target.OFFICE)
    lead = office_coordinate(inquiry=fresh(inquiry), by=org.coordinator, lead=org.food)

    referral_return(referral=lead, by=org.outsider, reason="不属食品经营监管职责")

    inquiry = fresh(inquiry)
    assert inquiry.status == Status.COORDINATING
    assert inquiry.handling_department == org.office
    assert inquiry.current_holder is None


def test_only_the_office_coordinates_and_only_a_coordinating_case(org, inquiry):
    with pytest.raises(InquiryError) as not_coordinating:
        office_coordinate(inquiry=inquiry, by=org.coordinator, lead=org.food)
    refer(inquiry, org.clerk, Target.OFFICE)
    with pytest.raises(InquiryError) as not_office:
        office_coordinate(inquiry=fresh(inquiry), by=org.head, lead=org.food)

    assert not_coordinating.value.code == "not_coordinating"
    assert not_office.value.code == "not_coordinator"


# --- Away handlers --------------------------------------------------------------------------


def test_a_colleague_away_with_a_delegate_has_the_delegate_take_it(org, inquiry):
    set_away(org.colleague, delegate=org.deputy)

    referral = refer(inquiry, org.clerk, Target.COLLEAGUE, to_user=org.colleague)

    inquiry = fresh(inquiry)
    assert referral.intended_user == org.colleague
    assert referral.to_user == org.deputy
    assert not referral.waiting_for_absent
    assert inquiry.current_holder == org.deputy
    assert notified(inquiry) == {("zhengkai", Kinds.REFERRAL_RECEIVED)}
    # The one it was meant for can still follow it.
    assert inquiries_visible_to(org.colleague).filter(pk=inquiry.pk).exists()
    summary = inquiry.events.get(kind=TimelineEvent.Kind.REFERRED).summary
    assert "郑凯" in summary
    assert "李明" in summary
    referral_accept(referral=referral, by=org.deputy)
    assert fresh(inquiry).current_holder == org.deputy


def test_a_colleague_who_is_back_gets_it_directly(org, inquiry):
    set_away(org.colleague, delegate=org.deputy)
    profile = org.colleague.profile
    profile.away_until = timezone.localdate() - datetime.timedelta(days=1)
    profile.away_from = profile.away_until - datetime.timedelta(days=3)
    profile.save()

    referral = refer(inquiry, org.clerk, Target.COLLEAGUE, to_user=org.colleague)

    assert referral.to_user == org.colleague
    assert referral.intended_user is None


def test_away_without_a_delegate_it_waits_and_the_responder_and_head_are_told(org, inquiry):
    # The clerk passes the case to the colleague, who finds it belongs to 王芳, away on a
    # business trip with nobody standing in.
    first = refer(inquiry, org.clerk, Target.COLLEAGUE, to_user=org.colleague)
    referral_accept(referral=first, by=org.colleague)

    referral = refer(inquiry, org.colleague, Target.COLLEAGUE, to_user=org.away)

    inquiry = fresh(inquiry)
    assert referral.waiting_for_absent
    assert referral.to_user == org.away
    assert inquiry.status == Status.REFERRED
    assert notified(inquiry, Kinds.HANDLER_ABSENT) == {
        ("zhangxq", Kinds.HANDLER_ABSENT),
        ("sunhong", Kinds.HANDLER_ABSENT),
    }
    absent = Notification.objects.get(kind=Kinds.HANDLER_ABSENT, recipient=org.head)
    assert "王芳" in absent.summary
    with translation.override("en"):  # the summary is written in the reader's language
        assert "waiting" in inquiry.events.filter(kind=TimelineEvent.Kind.REFERRED).last().summary


def test_the_first_responder_who_refers_to_an_absent_colleague_is_not_told_of_her_own_act(
    org, inquiry
):
    refer(inquiry, org.clerk, Target.COLLEAGUE, to_user=org.away)

    assert notified(inquiry, Kinds.HANDLER_ABSENT) == {("sunhong", Kinds.HANDLER_ABSENT)}


# --- Notifications -------------------------------------------------------------------------


def test_every_step_tells_the_right_people_and_never_the_one_who_acted(org, inquiry):
    steps = []

    def step(actor, run):
        before = set(Notification.objects.values_list("pk", flat=True))
        run()
        new = Notification.objects.exclude(pk__in=before).select_related("recipient")
        steps.append((actor, {(row.recipient.username, row.kind) for row in new}))

    step(
        org.clerk,
        lambda: refer(inquiry, org.clerk, Target.DEPARTMENT, to_department=org.food),
    )
    step(
        org.outsider,
        lambda: referral_accept(referral=Referral.objects.get(), by=org.outsider),
    )
    step(
        org.outsider,
        lambda: services.inquiry_reply(inquiry=fresh(inquiry), by=org.outsider, reply="可以办理"),
    )
    step(
        org.clerk,
        lambda: services.inquiry_close(
            inquiry=fresh(inquiry),
            by=org.clerk,
            result="可以办理",
            feedback_method=FeedbackMethod.PHONE,
        ),
    )

    assert [told for _actor, told in steps] == [
        {
            ("zhaolei", Kinds.REFERRAL_TO_DEPARTMENT),
            ("liuyang", Kinds.REFERRAL_TO_DEPARTMENT),
            ("qianjin", Kinds.REFERRAL_TO_DEPARTMENT),
        },
        {("zhangxq", Kinds.REFERRAL_ACCEPTED)},
        {("zhangxq", Kinds.REPLIED)},
        {("zhaolei", Kinds.CLOSED)},
    ]
    for actor, told in steps:
        assert actor.username not in {username for username, _kind in told}


def test_notifications_are_emailed_only_after_the_commit(
    org, inquiry, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        refer(inquiry, org.clerk, Target.COLLEAGUE, to_user=org.colleague)
    assert mailoutbox == []  # nothing is sent while the transaction may still roll back
    assert len(callbacks) == 1

    with django_capture_on_commit_callbacks(execute=True):
        referral_accept(referral=Referral.objects.get(), by=org.colleague)

    assert [message.to for message in mailoutbox] == [["zhangxq@scjgj.example.cn"]]
    assert inquiry.number in mailoutbox[0].subject
    assert "李明" in mailoutbox[0].body
    assert Notification.objects.get(kind=Kinds.REFERRAL_ACCEPTED).emailed_at is not None


def test_a_failed_step_tells_nobody(org, inquiry, mailoutbox, django_capture_on_commit_callbacks):
    referral = refer(inquiry, org.clerk, Target.DEPARTMENT, to_department=org.food)
    before = Notification.objects.count()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InquiryError):
        referral_return(referral=referral, by=org.outsider, reason="")

    assert Notification.objects.count() == before
    assert mailoutbox == []


def test_the_same_event_never_reaches_a_person_twice(org, inquiry):
    key = f"inquiry:{inquiry.pk}:test-event"

    first = notify(
        recipients=[org.colleague, org.colleague, org.head],
        kind=Kinds.REFERRAL_RECEIVED,
        inquiry=inquiry,
        event_key=key,
        actor=org.clerk,
    )
    again = notify(
        recipients=[org.colleague, org.head, org.clerk],
        kind=Kinds.REFERRAL_RECEIVED,
        inquiry=inquiry,
        event_key=key,
        actor=org.clerk,
    )

    assert len(first) == 2
    assert again == []
    assert Notification.objects.filter(event_key=key).count() == 2


# --- Time ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("referred_at", "due"),
    [
        # Friday before the National Day make-up Saturday (调休): due that Saturday.
        (datetime.datetime(2026, 10, 9, 16, 30, tzinfo=SHANGHAI), datetime.date(2026, 10, 10)),
        # An ordinary Friday: due the Monday.
        (datetime.datetime(2026, 3, 13, 16, 30, tzinfo=SHANGHAI), datetime.date(2026, 3, 16)),
        # The day before the National Day holiday: due the first working day after it.
        (datetime.datetime(2026, 9, 30, 9, 0, tzinfo=SHANGHAI), datetime.date(2026, 10, 8)),
    ],
    ids=["tiaoxiu-saturday", "weekend", "national-day"],
)
def test_a_referral_is_to_be_accepted_within_one_working_day(org, referred_at, due):
    with time_machine.travel(referred_at, tick=False):
        inquiry = register_case(org)
        referral = refer(inquiry, org.clerk, Target.DEPARTMENT, to_department=org.food)

    assert referral.accept_due == due
    event = inquiry.events.get(kind=TimelineEvent.Kind.REFERRED)
    assert event.data["due"] == due.isoformat()


def test_the_acceptance_limit_is_the_policys(org):
    policy = CasePolicy.current()
    policy.referral_accept_days = 3
    policy.save()

    with time_machine.travel(datetime.datetime(2026, 3, 10, 9, 0, tzinfo=SHANGHAI), tick=False):
        referral = refer(register_case(org), org.clerk, Target.OFFICE)

    assert referral.accept_due == datetime.date(2026, 3, 13)


# --- Closing ---------------------------------------------------------------------------------


@pytest.mark.parametrize("handler_may_close", [False, True], ids=["policy off", "policy on"])
def test_the_handler_closes_only_when_the_policy_lets_handlers_give_feedback(
    org, inquiry, handler_may_close
):
    policy = CasePolicy.current()
    policy.feedback_by_handler = handler_may_close
    policy.save()
    referral = refer(inquiry, org.clerk, Target.COLLEAGUE, to_user=org.colleague)
    referral_accept(referral=referral, by=org.colleague)

    def close():
        return services.inquiry_close(
            inquiry=fresh(inquiry),
            by=org.colleague,
            result="已电话答复",
            feedback_method=FeedbackMethod.PHONE,
        )

    if handler_may_close:
        assert close().status == Status.CLOSED
        # The first responder is told the handler closed it.
        assert notified(inquiry, Kinds.CLOSED) == {("zhangxq", Kinds.CLOSED)}
    else:
        with pytest.raises(InquiryError) as refused:
            close()
        assert refused.value.code == "not_responder"
        assert fresh(inquiry).status == Status.IN_PROGRESS


def test_referring_a_case_without_a_path_records_the_path(org, inquiry):
    refer(inquiry, org.clerk, Target.DEPARTMENT, to_department=org.food, told="请等候食品科联系")

    inquiry = fresh(inquiry)
    assert inquiry.path == Path.OTHER_DEPARTMENT
    assert inquiry.path_department == org.food
    assert inquiry.path_told == "请等候食品科联系"


def test_closing_a_coordinating_case_withdraws_the_office_referral(org, inquiry):
    refer(inquiry, org.clerk, Target.OFFICE, reason="涉及多个科室")

    services.inquiry_close(
        inquiry=fresh(inquiry),
        by=org.clerk,
        result="办事人撤回诉求",
        feedback_method=FeedbackMethod.PHONE,
    )

    referral = Referral.objects.get(inquiry=inquiry)
    assert referral.state == Referral.State.WITHDRAWN
    assert referral.decided_by == org.clerk
    assert referral.history.filter(state=Referral.State.WITHDRAWN).exists()
    assert fresh(inquiry).status == Status.CLOSED
