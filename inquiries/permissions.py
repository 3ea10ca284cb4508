"""Who may see a case and which actions they may take on it."""

from django.db.models import Q

from inquiries.models import TRANSITIONS, Department, Inquiry, Status, User

# The actions a case page can offer; views check `action in inquiry_actions(user, inquiry)`.
DECIDE_PATH = "decide_path"
RECORD_DISCLOSURE = "record_disclosure"
ISSUE_NOTICE = "issue_notice"
MATERIALS_COMPLETE = "materials_complete"
START_HANDLING = "start_handling"
REPLY = "reply"
CLOSE = "close"
REOPEN = "reopen"
SEND_BACK = "send_back"
ADD_NOTE = "add_note"


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
    q = Q(first_responder=user) | Q(current_holder=user)
    profile = getattr(user, "profile", None)
    if profile is not None and user.has_perm("inquiries.handle_inquiry"):
        q |= Q(handling_department_id=profile.department_id)
    if user.has_perm("inquiries.supervise_inquiry"):
        led = supervised_department_ids(user)
        if led:
            q |= Q(handling_department_id__in=led) | Q(receiving_department_id__in=led)
    if user.has_perm("inquiries.coordinate_inquiry"):
        q |= Q(status=Status.COORDINATING)
    return q


def inquiry_actions(user: User, inquiry: Inquiry) -> frozenset[str]:
    """The actions `user` may take on `inquiry` now (visibility is checked before this)."""
    actions = {ADD_NOTE}
    is_responder = inquiry.first_responder_id == user.pk
    is_holder = inquiry.current_holder_id == user.pk
    status = inquiry.status
    allowed = TRANSITIONS.get(status, frozenset())
    if (is_responder or is_holder) and status in {
        Status.REGISTERED,
        Status.IN_PROGRESS,
        Status.REOPENED,
    }:
        actions.add(DECIDE_PATH)
    if is_responder and not inquiry.disclosure_given:
        actions.add(RECORD_DISCLOSURE)
    if (is_responder or is_holder) and status in {
        Status.REGISTERED,
        Status.IN_PROGRESS,
        Status.REOPENED,
        Status.AWAITING_MATERIALS,
    }:
        actions.add(ISSUE_NOTICE)
    if (is_responder or is_holder) and status == Status.AWAITING_MATERIALS:
        actions.add(MATERIALS_COMPLETE)
    if is_holder and status == Status.REFERRED:
        actions.add(START_HANDLING)
    if is_holder and Status.REPLIED in allowed:
        actions.add(REPLY)
    if is_responder and Status.CLOSED in allowed and status != Status.REFERRED:
        actions.add(CLOSE)
    if is_responder and status == Status.REPLIED:
        actions.add(SEND_BACK)
    if Status.REOPENED in allowed and (
        is_responder or user.has_perm("inquiries.supervise_inquiry")
    ):
        actions.add(REOPEN)
    return frozenset(actions)
