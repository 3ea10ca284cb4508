"""Who may see a case and which actions they may take on it."""

import operator
from functools import reduce

from django.db.models import Q
from django.utils import timezone

from inquiries.models import (
    TRANSITIONS,
    CasePolicy,
    Channel,
    Department,
    Inquiry,
    Rating,
    Rectification,
    Referral,
    Status,
    User,
)

# The actions a case page can offer; views check `action in inquiry_actions(user, inquiry)`.
DECIDE_PATH = "decide_path"
RECORD_DISCLOSURE = "record_disclosure"
ISSUE_NOTICE = "issue_notice"
MATERIALS_COMPLETE = "materials_complete"
START_HANDLING = "start_handling"  # 签收: accept the pending referral
RETURN_REFERRAL = "return_referral"  # 退回
ASSIGN_REFERRAL = "assign_referral"  # the department head assigns its queue's referral
REFER = "refer"  # 转办
COORDINATE = "coordinate"  # the office names the handling department
REPLY = "reply"
CLOSE = "close"
REOPEN = "reopen"
SEND_BACK = "send_back"
ADD_NOTE = "add_note"
PICK_UP = "pick_up"  # an online letter: the first to pick it up becomes its first responder
RECORD_RATING = "record_rating"  # 好差评 given by phone or on paper, recorded by staff
RECORD_RECTIFICATION = "record_rectification"  # 整改: the head's call-back and report
# Supervision on the case page (督办 and 延期); see `supervision_actions`.
PRESS = "press"
ANSWER_PRESS = "answer_press"
REQUEST_EXTENSION = "request_extension"
DECIDE_EXTENSION = "decide_extension"
RECORD_EXTENSION_TOLD = "record_extension_told"

REFERABLE = frozenset({Status.REGISTERED, Status.IN_PROGRESS, Status.REOPENED})


def supervised_department_ids(user: User) -> set[int]:
    """Departments the user leads as head or supervising leader, with the sections below."""
    led = set(
        Department.objects.filter(Q(head=user) | Q(supervising_leader=user)).values_list(
            "pk", flat=True
        )
    )
    frontier = set(led)
    while frontier:
        frontier = (
            set(Department.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            - led
        )
        led |= frontier
    return led


def inquiry_visibility_q(user: User) -> Q | None:
    """A filter for the cases `user` may see; None means every case."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.has_perm("inquiries.view_all_inquiries"):
        return None
    return inquiry_duty_q(user)


def inquiry_duty_q(user: User) -> Q:
    """A filter for the cases that are `user`'s duty: every rule of `inquiry_visibility_q`
    except the `view_all_inquiries` shortcut (the case page masks the requester for those who
    see a case only through that). The branches of `inquiry_duty_branches` joined by OR."""
    return reduce(operator.or_, inquiry_duty_branches(user))


def inquiry_duty_branches(user: User) -> list[Q]:
    """The rules of `inquiry_duty_q` one by one (the keyword search reads them as a union,
    each from its own index)."""
    if not user.is_authenticated or not user.is_active:
        return [Q(pk__in=[])]
    # The referral branches are `pk IN (SELECT inquiry_id …)`, not EXISTS: PostgreSQL reads
    # the referral_dept_inquiry index once into a hash instead of probing the
    # referrals for every case of a list (the office receives over a hundred thousand).
    referrals = Referral.objects.values("inquiry_id")
    branches = [
        Q(first_responder=user),
        Q(current_holder=user),
        Q(pk__in=referrals.filter(Q(to_user=user) | Q(intended_user=user))),
    ]
    profile = getattr(user, "profile", None)
    if profile is not None and user.has_perm("inquiries.handle_inquiry"):
        branches += [
            Q(handling_department_id=profile.department_id),
            Q(pk__in=referrals.filter(to_department_id=profile.department_id)),
        ]
    if user.has_perm("inquiries.supervise_inquiry"):
        led = supervised_department_ids(user)
        if led:
            branches += [Q(handling_department_id__in=led), Q(receiving_department_id__in=led)]
    if user.has_perm("inquiries.coordinate_inquiry"):
        branches.append(Q(status=Status.COORDINATING))
        # Online letters nobody has picked up yet wait in the office's queue.
        branches.append(Q(channel=Channel.ONLINE, first_responder__isnull=True))
        if profile is not None:
            # The office follows up the cases it was asked to coordinate once it has named
            # the lead department (the case is no longer "coordinating" then).
            branches.append(
                Q(
                    pk__in=referrals.filter(
                        target=Referral.Target.OFFICE, to_department_id=profile.department_id
                    )
                )
            )
    return branches


def inquiry_on_duty(user: User, inquiry: Inquiry) -> bool:
    """Whether `user` sees `inquiry` through their duty and not only through
    `view_all_inquiries`; without that permission whoever sees a case sees it by duty."""
    if not user.has_perm("inquiries.view_all_inquiries"):
        return True
    return Inquiry.objects.filter(inquiry_duty_q(user), pk=inquiry.pk).exists()


def referral_may_decide(referral: Referral, user: User) -> bool:
    """Who may accept or return a pending referral: its person, or for a department's queue
    any of that department's handlers (and its head)."""
    if referral.to_user_id:
        return referral.to_user_id == user.pk
    profile = getattr(user, "profile", None)
    if profile is None or profile.department_id != referral.to_department_id:
        return False
    if referral.target == Referral.Target.OFFICE:
        return user.has_perm("inquiries.coordinate_inquiry")
    return user.has_perm("inquiries.handle_inquiry") or referral.to_department.head_id == user.pk


def may_pick_up(user: User, inquiry: Inquiry) -> bool:
    """An online letter nobody has picked up: the office's coordinators, and any handler of
    the department that holds it in its queue, may pick it up."""
    if inquiry.channel != Channel.ONLINE or inquiry.first_responder_id is not None:
        return False
    profile = getattr(user, "profile", None)
    if profile is None or not user.is_active:
        return False
    if user.has_perm("inquiries.coordinate_inquiry"):
        return True
    return user.has_perm("inquiries.handle_inquiry") and profile.department_id in {
        inquiry.receiving_department_id,
        inquiry.handling_department_id,
    }


def inquiry_actions(
    user: User, inquiry: Inquiry, *, pending: Referral | bool | None = False
) -> frozenset[str]:
    """The actions `user` may take on `inquiry` now (visibility is checked before this).

    `pending` is the case's pending lead referral if the caller already has it (None: there is
    none); by default it is looked up.
    """
    if pending is False:
        pending = (
            inquiry.referrals.filter(state=Referral.State.PENDING, is_lead=True)
            .select_related("to_department")
            .order_by("-created_at", "-pk")
            .first()
        )
    actions = {ADD_NOTE}
    if may_pick_up(user, inquiry):
        actions.add(PICK_UP)
    is_responder = inquiry.first_responder_id == user.pk
    is_holder = inquiry.current_holder_id == user.pk
    # At registration the responder holds the case; a department queue has no holder.
    holds = is_holder or (is_responder and inquiry.current_holder_id is None and not pending)
    status = inquiry.status
    allowed = TRANSITIONS.get(status, frozenset())
    if holds and status in REFERABLE:
        actions |= {DECIDE_PATH, REFER}
    if is_responder and not inquiry.disclosure_given:
        actions.add(RECORD_DISCLOSURE)
    if holds and status in REFERABLE | {Status.AWAITING_MATERIALS}:
        actions.add(ISSUE_NOTICE)
    if holds and status == Status.AWAITING_MATERIALS:
        actions.add(MATERIALS_COMPLETE)
    if pending is not None and status == Status.REFERRED:
        if referral_may_decide(pending, user):
            actions |= {START_HANDLING, RETURN_REFERRAL}
        if pending.to_user_id is None and pending.to_department.head_id == user.pk:
            actions |= {START_HANDLING, ASSIGN_REFERRAL}
        elif pending.waiting_for_absent and pending.to_department.head_id == user.pk:
            # Its person is away with no delegate: only the head can give it to someone.
            actions.add(ASSIGN_REFERRAL)
    if status == Status.COORDINATING and user.has_perm("inquiries.coordinate_inquiry"):
        actions.add(COORDINATE)
    if is_holder and Status.REPLIED in allowed:
        actions.add(REPLY)
    handler_closes = is_holder and CasePolicy.current().feedback_by_handler
    if (
        (is_responder or handler_closes)
        and Status.CLOSED in allowed
        and status
        in {
            Status.REGISTERED,
            Status.IN_PROGRESS,
            Status.AWAITING_MATERIALS,
            Status.REPLIED,
            Status.REOPENED,
            Status.COORDINATING,
        }
    ):
        actions.add(CLOSE)
    if is_responder and status == Status.REPLIED:
        actions.add(SEND_BACK)
    if Status.REOPENED in allowed and (
        is_responder or user.has_perm("inquiries.supervise_inquiry")
    ):
        actions.add(REOPEN)
    actions |= rating_actions(user, inquiry)
    return frozenset(actions)


def rating_actions(user: User, inquiry: Inquiry) -> set[str]:
    """好差评: staff holding register_inquiry record a rating of a closed, unrated case; the
    head a low rating was assigned to (or a supervisor of the department) records the
    rectification."""
    actions = set()
    if (
        inquiry.status == Status.CLOSED
        and user.has_perm("inquiries.register_inquiry")
        and not Rating.objects.filter(inquiry=inquiry).exists()
    ):
        actions.add(RECORD_RATING)
    open_ones = list(Rectification.objects.filter(inquiry=inquiry, closed=False))
    if any(rectification_may_record(user, item) for item in open_ones):
        actions.add(RECORD_RECTIFICATION)
    return actions


def rectification_may_record(user: User, rectification: Rectification) -> bool:
    """The head the rectification was assigned to, or whoever leads its department."""
    if not user.is_authenticated or not user.is_active:
        return False
    if rectification.assigned_to_id == user.pk:
        return True
    return rectification.department_id in supervised_department_ids(user)


# --- Supervision: pressing (督办) and extensions (延期) ---------------------------------------


def responsible_department_id(inquiry: Inquiry) -> int | None:
    """The department answerable for the case: the handling one, else (before a path is
    decided) the one that received it."""
    return inquiry.handling_department_id or inquiry.receiving_department_id


def may_supervise_case(user: User, inquiry: Inquiry, *, led: set[int] | None = None) -> bool:
    """Heads and supervising leaders of the case's department (and admins who see every case)
    may press it; `led` is `supervised_department_ids(user)` if the caller has it."""
    if not user.is_active:
        return False
    if user.has_perm("inquiries.view_all_inquiries"):
        return True
    led = supervised_department_ids(user) if led is None else led
    return responsible_department_id(inquiry) in led


def may_decide_extension(user: User, inquiry: Inquiry, *, led: set[int] | None = None) -> bool:
    """The head of the case's department, or a leader who supervises it."""
    led = supervised_department_ids(user) if led is None else led
    return user.is_active and responsible_department_id(inquiry) in led


def extension_asker_id(inquiry: Inquiry) -> int | None:
    """Who may ask for more time: the current handler, else the first responder."""
    return inquiry.current_holder_id or inquiry.first_responder_id


def supervision_actions(user: User, inquiry: Inquiry, *, presses, extensions) -> frozenset[str]:
    """The supervision actions `user` may take now, given the case's pressing notices and
    extension requests (already loaded by the caller)."""
    actions = set()
    led = supervised_department_ids(user)
    handlers = {inquiry.current_holder_id, inquiry.first_responder_id} - {None}
    if inquiry.is_open and may_supervise_case(user, inquiry, led=led):
        actions.add(PRESS)
    if user.pk in handlers and any(notice.answered_at is None for notice in presses):
        actions.add(ANSWER_PRESS)
    pending = [e for e in extensions if e.state == e.State.PENDING]
    if (
        inquiry.clock_running
        and extension_asker_id(inquiry) == user.pk
        and not pending
        and inquiry.deadline >= timezone.localdate()
    ):
        actions.add(REQUEST_EXTENSION)
    if any(e.requested_by_id != user.pk for e in pending) and may_decide_extension(
        user, inquiry, led=led
    ):
        actions.add(DECIDE_EXTENSION)
    untold = [e for e in extensions if e.state == e.State.APPROVED and not e.requester_told_at]
    if any(user.pk in handlers | {e.requested_by_id} for e in untold):
        actions.add(RECORD_EXTENSION_TOLD)
    return frozenset(actions)


REFERRAL_DECISIONS = frozenset({START_HANDLING, RETURN_REFERRAL, ASSIGN_REFERRAL})


def referral_to_decide(
    user: User, inquiry: Inquiry, *, pending: list[Referral], actions: frozenset[str]
) -> tuple[Referral | None, frozenset[str]]:
    """The pending referral `user` may decide on this case, and the actions with it.

    The lead referral when `actions` (from `inquiry_actions`) already let the user decide it;
    otherwise a contribution addressed to the user's department, which its staff accept or
    return on their own part of a cross-department case.
    """
    lead = next((r for r in reversed(pending) if r.is_lead), None)
    if lead is not None and actions & REFERRAL_DECISIONS:
        return lead, actions
    if inquiry.is_open:
        for referral in pending:
            if not referral.is_lead and referral_may_decide(referral, user):
                return referral, actions | {START_HANDLING, RETURN_REFERRAL}
    return None, actions
