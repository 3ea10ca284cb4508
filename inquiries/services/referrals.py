"""Referrals (转办), acceptance (签收), return (退回), assignment and office coordination.

The work moves; the responsibility stays: the first responder is told at every step and the
case stays in their list. Each function locks the case (and the referral) rows, so two people
accepting the same department referral at the same moment cannot both win.
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inquiries.models import (
    CasePolicy,
    Department,
    Inquiry,
    Notification,
    Path,
    Referral,
    Status,
    TimelineEvent,
    User,
)
from inquiries.permissions import REFERABLE, referral_may_decide, supervised_department_ids
from inquiries.services.core import (
    InquiryError,
    check_expected_version,
    flag_taboo,
    inquiry_lock,
    inquiry_transition,
    timeline_append,
)
from inquiries.services.notifications import notification_data, notify, users_with_permission_in
from inquiries.workdays import work_calendar

# The path a referral records when the case had none yet: a leader is asked when the
# responsibility is unclear, as the office is.
_PATH_FOR_TARGET = {
    Referral.Target.COLLEAGUE: Path.SAME_DEPARTMENT,
    Referral.Target.DEPARTMENT: Path.OTHER_DEPARTMENT,
    Referral.Target.OFFICE: Path.OFFICE,
    Referral.Target.LEADER: Path.OFFICE,
}


def office_of(department: Department) -> Department | None:
    """The office (办公室) of the unit `department` belongs to."""
    unit = department
    while unit.parent_id:
        unit = unit.parent
    return Department.objects.filter(parent=unit, is_office=True, is_active=True).first()


def supervising_leader_of(department: Department) -> User | None:
    node = department
    while node is not None:
        if node.supervising_leader_id:
            return node.supervising_leader
        node = node.parent
    return None


def _handover(inquiry: Inquiry) -> dict:
    return {
        "name": inquiry.requester_name,
        "unit": inquiry.requester_unit,
        "phone": inquiry.requester_phone,
        "subject": inquiry.subject,
        "matter": inquiry.matter.name if inquiry.matter_id else "",
    }


def _label(referral: Referral) -> str:
    if referral.to_user_id:
        return referral.to_user.get_full_name()
    return referral.to_department.name


def referral_pending_for(inquiry: Inquiry) -> Referral | None:
    """The lead referral of the case still waiting to be accepted, if any."""
    return (
        inquiry.referrals.filter(state=Referral.State.PENDING, is_lead=True)
        .select_related("to_user", "to_department", "from_user")
        .order_by("-created_at", "-pk")
        .first()
    )


def referral_open(
    inquiry: Inquiry,
    *,
    by: User,
    target: str,
    to_user: User | None,
    to_department: Department,
    reason: str,
    told: str,
    is_lead: bool = True,
    **case_changes,
) -> Referral:
    """Create a referral on a locked case and move the case; notify who must act."""
    now = timezone.now()
    today = timezone.localdate()
    calendar = work_calendar()
    policy = CasePolicy.current()
    intended = None
    waiting = False
    if to_user is not None:
        profile = getattr(to_user, "profile", None)
        if profile is not None and profile.is_away_on(today):
            delegate = profile.delegate
            if delegate is not None and delegate.is_active:
                intended, to_user = to_user, delegate
            else:
                waiting = True
    referral = Referral.objects.create(
        inquiry=inquiry,
        target=target,
        from_user=by,
        from_department=by.profile.department,
        to_user=to_user,
        to_department=to_department,
        intended_user=intended,
        waiting_for_absent=waiting,
        is_lead=is_lead,
        reason=reason,
        told=told,
        handover=_handover(inquiry),
        created_at=now,
        accept_due=calendar.add_working_days(today, policy.referral_accept_days),
    )
    label = _label(referral)
    if is_lead:
        to_status = Status.COORDINATING if target == Referral.Target.OFFICE else Status.REFERRED
        inquiry_transition(
            inquiry=inquiry,
            by=by,
            to_status=to_status,
            message=reason,
            current_holder=to_user,
            handling_department=to_department,
            **case_changes,
        )
    timeline_append(
        inquiry,
        by=by,
        kind=TimelineEvent.Kind.REFERRED,
        message=told,
        data={
            "to": label,
            "due": referral.accept_due.isoformat(),
            "target": target,
            "meant_for": intended.get_full_name() if intended else "",
            "waiting_for_absent": waiting,
        },
    )
    data = notification_data(inquiry, by, to=label)
    key = f"referral:{referral.pk}:created"
    if to_user is not None:
        notify(
            recipients=[to_user],
            kind=Notification.Kind.REFERRAL_RECEIVED,
            inquiry=inquiry,
            event_key=key,
            actor=by,
            data=data,
        )
    elif target == Referral.Target.OFFICE:
        notify(
            recipients=users_with_permission_in(
                department=to_department, perm="inquiries.coordinate_inquiry"
            ),
            kind=Notification.Kind.COORDINATION,
            inquiry=inquiry,
            event_key=key,
            actor=by,
            data=data,
        )
    else:
        notify(
            recipients=[
                *users_with_permission_in(
                    department=to_department, perm="inquiries.handle_inquiry"
                ),
                to_department.head,
            ],
            kind=Notification.Kind.REFERRAL_TO_DEPARTMENT,
            inquiry=inquiry,
            event_key=key,
            actor=by,
            data=data,
        )
    if waiting:
        notify(
            recipients=[inquiry.first_responder, to_department.head],
            kind=Notification.Kind.HANDLER_ABSENT,
            inquiry=inquiry,
            event_key=f"referral:{referral.pk}:absent",
            actor=by,
            data=data,
        )
    flag_taboo(inquiry, by=by, texts=[reason, told])
    return referral


@transaction.atomic
def referral_create(
    *,
    inquiry: Inquiry,
    by: User,
    target: str,
    to_user: User | None = None,
    to_department: Department | None = None,
    reason: str = "",
    told: str = "",
    expected_version: int | None = None,
    **case_changes,
) -> Referral:
    """Hand the case to a colleague, another department's queue, the office or the leader."""
    inquiry = inquiry_lock(inquiry)
    check_expected_version(inquiry, expected_version)
    holder_id = inquiry.current_holder_id or inquiry.first_responder_id
    if by.pk != holder_id:
        raise InquiryError(_("Only the person handling the case can refer it."), code="not_holder")
    if inquiry.status not in REFERABLE:
        raise InquiryError(
            _("A case that is “%(status)s” cannot be referred.")
            % {"status": Status(inquiry.status).label},
            code="not_referable",
        )
    profile = getattr(by, "profile", None)
    if profile is None:
        raise InquiryError(_("You have no staff profile yet."), code="no_profile")
    own = profile.department
    reason, told = reason.strip(), told.strip()
    if target == Referral.Target.COLLEAGUE:
        colleague_profile = getattr(to_user, "profile", None)
        if to_user is None or to_user.pk == by.pk:
            raise InquiryError(_("Choose the colleague who handles this."), code="no_colleague")
        if colleague_profile is None or colleague_profile.department_id != own.pk:
            raise InquiryError(
                _("%(name)s is not in your department; refer to their department instead.")
                % {"name": to_user.get_full_name()},
                code="other_department_colleague",
            )
        to_department = own
    elif target == Referral.Target.LEADER:
        leader = supervising_leader_of(own)
        if leader is None:
            raise InquiryError(
                _("No supervising leader is set for your department; ask an administrator."),
                code="no_leader",
            )
        if leader.pk == by.pk:
            raise InquiryError(_("You are the supervising leader."), code="own_leader")
        to_user = leader
        to_department = getattr(getattr(leader, "profile", None), "department", None) or own
        if not reason:
            raise InquiryError(
                _("Say what you need the leader's instructions on."), code="reason_required"
            )
    elif target == Referral.Target.DEPARTMENT:
        if (
            to_department is None
            or not to_department.is_active
            or to_department.level == Department.Level.UNIT
        ):
            raise InquiryError(_("Choose the department that handles this."), code="no_department")
        if to_department.pk == own.pk:
            raise InquiryError(
                _("That is your own department: refer to a colleague instead."),
                code="own_department",
            )
        to_user = None
    elif target == Referral.Target.OFFICE:
        to_department = office_of(own)
        if to_department is None:
            raise InquiryError(
                _("No office is configured to coordinate; ask an administrator."), code="no_office"
            )
        to_user = None
    else:
        raise InquiryError(_("Choose where to refer the case."), code="unknown_target")
    if not inquiry.path:
        # Referring is itself the first responder's decision on the path.
        case_changes.setdefault("path", _PATH_FOR_TARGET[target])
        case_changes.setdefault("path_told", told)
        if target != Referral.Target.COLLEAGUE:
            case_changes.setdefault("path_department", to_department)
    return referral_open(
        inquiry,
        by=by,
        target=target,
        to_user=to_user,
        to_department=to_department,
        reason=reason,
        told=told,
        **case_changes,
    )


def _lock_referral(referral: Referral) -> tuple[Referral, Inquiry]:
    # Case first, then referral: every service locks in this order, so none deadlock.
    inquiry = inquiry_lock(referral.inquiry)
    # Lock the referral row only: PostgreSQL refuses FOR UPDATE on the nullable side of the
    # outer join that the optional `to_user` brings in.
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("to_user", "to_department", "from_user", "from_department")
        .get(pk=referral.pk)
    )
    if referral.state != Referral.State.PENDING:
        who = referral.decided_by.get_full_name() if referral.decided_by else "—"
        raise InquiryError(
            _("This referral was already %(state)s by %(name)s.")
            % {"state": referral.get_state_display(), "name": who},
            code="already_decided",
        )
    return referral, inquiry


def _first_responder_and_referrer(inquiry: Inquiry, referral: Referral) -> list[User | None]:
    return [inquiry.first_responder, referral.from_user]


@transaction.atomic
def referral_accept(*, referral: Referral, by: User, assignee: User | None = None) -> Referral:
    """签收: take up the referral (or, as its department's head, assign it to a member)."""
    referral, inquiry = _lock_referral(referral)
    holder = by
    if assignee is not None:
        department = referral.to_department
        # Its head, or whoever leads it from above (a supervising leader): not the head of
        # another department, although heads hold the supervise permission too.
        if department.head_id != by.pk and department.pk not in supervised_department_ids(by):
            raise InquiryError(
                _("Only the department's head can assign its referrals."), code="not_head"
            )
        assignee_profile = getattr(assignee, "profile", None)
        if assignee_profile is None or assignee_profile.department_id != department.pk:
            raise InquiryError(
                _("%(name)s is not in %(department)s.")
                % {"name": assignee.get_full_name(), "department": department.name},
                code="assignee_elsewhere",
            )
        holder = assignee
        referral.assigned_by = by
    elif not referral_may_decide(referral, by):
        raise InquiryError(_("This referral is not addressed to you."), code="not_addressed")
    now = timezone.now()
    referral.state = Referral.State.ACCEPTED
    referral.decided_at = now
    referral.decided_by = by
    referral.to_user = holder if referral.is_lead else referral.to_user
    referral.full_clean()
    referral.save()
    if referral.is_lead:
        inquiry_transition(
            inquiry=inquiry,
            by=by,
            to_status=Status.IN_PROGRESS,
            current_holder=holder,
            handling_department=referral.to_department,
        )
    data = {"by": by.get_full_name()}
    if assignee is not None:
        data["assigned_to"] = assignee.get_full_name()
    timeline_append(inquiry, by=by, kind=TimelineEvent.Kind.ACCEPTED, data=data)
    note = notification_data(inquiry, holder)
    notify(
        recipients=_first_responder_and_referrer(inquiry, referral),
        kind=Notification.Kind.REFERRAL_ACCEPTED,
        inquiry=inquiry,
        event_key=f"referral:{referral.pk}:accepted",
        actor=by,
        data=note,
    )
    if assignee is not None:
        notify(
            recipients=[assignee],
            kind=Notification.Kind.REFERRAL_RECEIVED,
            inquiry=inquiry,
            event_key=f"referral:{referral.pk}:assigned",
            actor=by,
            data=notification_data(inquiry, by, to=assignee.get_full_name()),
        )
    return referral


@transaction.atomic
def referral_return(*, referral: Referral, by: User, reason: str) -> Referral:
    """退回: not ours (say why, with the basis); the case goes back to whoever referred it."""
    referral, inquiry = _lock_referral(referral)
    if not referral_may_decide(referral, by):
        raise InquiryError(_("This referral is not addressed to you."), code="not_addressed")
    reason = reason.strip()
    if not reason:
        raise InquiryError(
            _("Say why it is returned, e.g. not your remit and on what basis."),
            code="reason_required",
        )
    referral.state = Referral.State.RETURNED
    referral.decided_at = timezone.now()
    referral.decided_by = by
    referral.return_reason = reason
    referral.full_clean()
    referral.save()
    if referral.is_lead and referral.from_department.is_office:
        # Named by the office's coordination: back to the office's queue, to coordinate again.
        inquiry_transition(
            inquiry=inquiry,
            by=by,
            to_status=Status.COORDINATING,
            message=reason,
            current_holder=None,
            handling_department=referral.from_department,
        )
    elif referral.is_lead:
        inquiry_transition(
            inquiry=inquiry,
            by=by,
            to_status=Status.IN_PROGRESS,
            message=reason,
            current_holder=referral.from_user,
            handling_department=referral.from_department,
        )
    timeline_append(
        inquiry,
        by=by,
        kind=TimelineEvent.Kind.RETURNED,
        message=reason,
        data={"by": by.get_full_name(), "to": referral.from_user.get_full_name()},
    )
    notify(
        recipients=_first_responder_and_referrer(inquiry, referral),
        kind=Notification.Kind.REFERRAL_RETURNED,
        inquiry=inquiry,
        event_key=f"referral:{referral.pk}:returned",
        actor=by,
        data=notification_data(inquiry, by, reason=reason),
    )
    flag_taboo(inquiry, by=by, texts=[reason])
    return referral


@transaction.atomic
def office_coordinate(
    *,
    inquiry: Inquiry,
    by: User,
    lead: Department,
    contributors: Iterable[Department] = (),
    note: str = "",
    expected_version: int | None = None,
) -> Referral:
    """The office names the lead handling department (and any contributing ones)."""
    inquiry = inquiry_lock(inquiry)
    check_expected_version(inquiry, expected_version)
    if not by.has_perm("inquiries.coordinate_inquiry"):
        raise InquiryError(_("Only the office coordinates cases."), code="not_coordinator")
    if inquiry.status != Status.COORDINATING:
        raise InquiryError(_("This case is not waiting for coordination."), code="not_coordinating")
    if not lead.is_active or lead.level == Department.Level.UNIT:
        raise InquiryError(_("Choose the lead department."), code="no_lead")
    others = [d for d in dict.fromkeys(contributors) if d.pk != lead.pk and d.is_active]
    now = timezone.now()
    # The office's own referral is done: it has coordinated.
    for office_referral in inquiry.referrals.filter(
        state=Referral.State.PENDING, target=Referral.Target.OFFICE
    ):
        office_referral.state = Referral.State.ACCEPTED
        office_referral.decided_at = now
        office_referral.decided_by = by
        office_referral.save()
    note = note.strip()
    timeline_append(
        inquiry,
        by=by,
        kind=TimelineEvent.Kind.COORDINATED,
        message=note,
        data={"lead": lead.name, "others": "、".join(d.name for d in others)},
    )
    lead_referral = referral_open(
        inquiry,
        by=by,
        target=Referral.Target.DEPARTMENT,
        to_user=None,
        to_department=lead,
        reason=note,
        told="",
    )
    for department in others:
        referral_open(
            inquiry,
            by=by,
            target=Referral.Target.CONTRIBUTION,
            to_user=None,
            to_department=department,
            reason=note,
            told="",
            is_lead=False,
        )
    return lead_referral
