"""Read functions for the referral inbox (转办件) and the notifications page.

The inbox has four tabs: referrals addressed to me, my department's queue, the office's
queue (for coordinators) and the referrals I sent. Who belongs to which is decided in SQL
(the user's department and permissions are subqueries), so the header can count what waits
for someone in one query without loading their profile or permissions first.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.db import models
from django.db.models import BooleanField, Count, Exists, Func, IntegerField, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from inquiries.masking import mask_name
from inquiries.models import Department, Inquiry, Notification, Referral, StaffProfile, Status, User
from inquiries.permissions import referral_may_decide


class ReferralTab(models.TextChoices):
    MINE = "mine", _("To me")
    DEPARTMENT = "department", _("My department")
    OFFICE = "office", _("Office coordination")
    SENT = "sent", _("Sent by me")


class ReferralFilter(models.TextChoices):
    PENDING = "pending", _("Waiting to be accepted")
    OVERDUE = "overdue", _("Overdue for acceptance")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")
    ALL = "all", _("All")


class NotificationFilter(models.TextChoices):
    UNREAD = "unread", _("Unread")
    ALL = "all", _("All")


# Referrals addressed to a department as a whole; once a member accepts a lead referral it
# names them (to_user), but it stays in the department's list as history.
QUEUE_TARGETS = (Referral.Target.DEPARTMENT, Referral.Target.CONTRIBUTION)


# Counts on tabs, filters and in the header stop at this many: "99+" says as much as 4,127
# would, and counting stops after 100 index entries instead of walking a whole queue (the
# office receives over 100,000 referrals at a million cases).
COUNT_CAP = 100


class CappedCount:
    """A count that reached COUNT_CAP: shown as "99+", compared and summed as COUNT_CAP."""

    def __init__(self, cap: int = COUNT_CAP):
        self.cap = cap

    def __str__(self) -> str:
        return f"{self.cap - 1}+"

    def __int__(self) -> int:
        return self.cap

    def __bool__(self) -> bool:
        return True

    def __eq__(self, other) -> bool:
        return int(other) == self.cap if isinstance(other, int | CappedCount) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.cap)

    def __lt__(self, other) -> bool:
        return self.cap < int(other)

    def __gt__(self, other) -> bool:
        return self.cap > int(other)

    def __le__(self, other) -> bool:
        return self.cap <= int(other)

    def __ge__(self, other) -> bool:
        return self.cap >= int(other)


def capped(number: int | None, cap: int = COUNT_CAP) -> int | CappedCount:
    """`number` from a count bounded by `cap`: itself below the cap, else a CappedCount."""
    number = number or 0
    return CappedCount(cap) if number >= cap else number


class BoundedCount(Subquery):
    """COUNT(*) of at most `cap` rows of `queryset`, as a scalar subquery: it reads at most
    `cap` index entries whatever the size of the set."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) bounded_count)"
    output_field = IntegerField()

    def __init__(self, queryset: QuerySet, cap: int = COUNT_CAP):
        super().__init__(queryset.order_by().values("pk")[:cap])


class InSubquery(Func):
    """`column IN (subquery)`, written on PostgreSQL as `column = ANY(ARRAY(subquery))`: the
    subquery runs once and, unlike IN inside an OR, the condition can use an index on
    `column`, so the planner can combine the arms of an OR with a BitmapOr."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, column: str, queryset: QuerySet):
        super().__init__(column, Subquery(queryset.order_by()))

    def as_sql(self, compiler, connection, **extra):
        column, column_params = compiler.compile(self.source_expressions[0])
        subquery, subquery_params = compiler.compile(self.source_expressions[1])
        return f"{column} IN {subquery}", (*column_params, *subquery_params)

    def as_postgresql(self, compiler, connection, **extra):
        column, column_params = compiler.compile(self.source_expressions[0])
        subquery, subquery_params = compiler.compile(self.source_expressions[1])
        return f"{column} = ANY(ARRAY{subquery})", (*column_params, *subquery_params)


# --- Who sees what -----------------------------------------------------------------------------


def _department_of(user: User, *, resolved: bool = False, **conditions):
    """The user's department: from the profile already loaded when `resolved` (a literal
    the planner can estimate: a department queue is 0.5% of the referrals, the office's 18%),
    else a subquery (for the header's count, which must not load the profile)."""
    if resolved and not conditions:
        profile = getattr(user, "profile", None)
        return profile.department_id if profile is not None else None
    # No ordering: the profile is unique per user, and the default ordering would join.
    return Subquery(
        StaffProfile.objects.filter(user_id=user.pk, **conditions)
        .order_by()
        .values("department_id")[:1]
    )


_DEPARTMENTS_READ = "_firstask_inbox_departments"


def _departments_read(user: User) -> tuple[list[int], bool]:
    """(the departments `user` heads, whether their own department is the office), read
    once per request in one query."""
    cached = getattr(user, _DEPARTMENTS_READ, None)
    if cached is None:
        own = _department_of(user, resolved=True)
        rows = Department.objects.filter(Q(head_id=user.pk) | Q(pk=own, is_office=True))
        headed, own_is_office = [], False
        for pk, head_id, is_office in rows.values_list("pk", "head_id", "is_office"):
            if head_id == user.pk:
                headed.append(pk)
            if pk == own and is_office:
                own_is_office = True
        cached = (headed, own_is_office)
        setattr(user, _DEPARTMENTS_READ, cached)
    return cached


def _headed_by(user: User, *, resolved: bool = False) -> Q:
    """The referral went to a department `user` heads (`to_department__head=user`, without
    the join that keeps PostgreSQL from using an index on the referrals)."""
    if resolved:
        return Q(to_department_id__in=_departments_read(user)[0])
    return Q(
        InSubquery("to_department_id", Department.objects.filter(head_id=user.pk).values("pk"))
    )


def _office_of(user: User, *, resolved: bool = False):
    """The user's department if it is the office, else None."""
    if resolved:
        return _department_of(user, resolved=True) if _departments_read(user)[1] else None
    return _department_of(user, department__is_office=True)


_NOTHING = Q(pk__in=[])


def _holds(user: User, perm: str, *, resolved: bool = False) -> Q:
    """`user.has_perm(perm)` as a condition: without loading the user's permissions, or,
    when `resolved` (the page has loaded them already), as a constant."""
    if not user.is_active:
        return _NOTHING
    if user.is_superuser:
        return Q()
    if resolved:
        return Q() if user.has_perm(perm) else _NOTHING
    app_label, codename = perm.split(".")
    granted = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).filter(Q(group__user=user.pk) | Q(user=user.pk))
    return Q(Exists(granted))


def _office_queue_q(user: User, *, resolved: bool = False) -> Q:
    """Cases handed to the office the coordinator works in."""
    return _holds(user, "inquiries.coordinate_inquiry", resolved=resolved) & Q(
        target=Referral.Target.OFFICE, to_department_id=_department_of(user, resolved=resolved)
    )


def referral_tab_q(user: User, tab: str, *, resolved: bool = False) -> Q:
    """The referrals that belong in `tab` of `user`'s inbox, in any state.

    With `resolved`, the user's department and permissions are read in Python (the inbox
    has loaded them) and enter the SQL as constants, which lets PostgreSQL pick the right
    index for each branch; otherwise they are subqueries (same rows either way).
    """
    department = _department_of(user, resolved=resolved)
    if tab == ReferralTab.MINE:
        return Q(to_user_id=user.pk) | Q(intended_user_id=user.pk)
    if tab == ReferralTab.DEPARTMENT:
        # The queue is for the department's handlers and its head; the head also sees what
        # waits for a member who is away with no delegate (only the head can assign it).
        queue = Q(target__in=QUEUE_TARGETS, to_department_id=department) & _holds(
            user, "inquiries.handle_inquiry", resolved=resolved
        )
        headed = _headed_by(user, resolved=resolved) & (
            Q(target__in=QUEUE_TARGETS) | Q(waiting_for_absent=True)
        )
        return queue | headed
    if tab == ReferralTab.OFFICE:
        # Cases handed to the office, and cases it named a department for that came back:
        # sent from the user's department when that is the office, the case back in
        # coordination (subqueries rather than joins, so the branch can start from an index
        # on the referrals).
        office = _office_of(user, resolved=resolved)
        came_back = (
            _NOTHING
            if office is None
            else Q(from_department_id=office)
            & Q(
                InSubquery(
                    "inquiry_id", Inquiry.objects.filter(status=Status.COORDINATING).values("pk")
                )
            )
        )
        coordinates = _holds(user, "inquiries.coordinate_inquiry", resolved=resolved)
        return _office_queue_q(user, resolved=resolved) | (coordinates & came_back)
    if tab == ReferralTab.SENT:
        return Q(from_user_id=user.pk)
    raise ValueError(tab)


def referral_waiting_q(user: User) -> Q:
    """Pending referrals that wait for `user`: to them, their department's queue (for its
    handlers and head) and, for a coordinator, the office's queue. What a delegate took on
    their behalf waits for the delegate, not for them."""
    return Q(state=Referral.State.PENDING) & (
        Q(to_user_id=user.pk) | referral_tab_q(user, ReferralTab.DEPARTMENT) | _office_queue_q(user)
    )


def referral_filter_q(name: str, *, today: datetime.date) -> Q:
    return {
        ReferralFilter.PENDING: Q(state=Referral.State.PENDING),
        ReferralFilter.OVERDUE: Q(state=Referral.State.PENDING, accept_due__lt=today),
        ReferralFilter.ACCEPTED: Q(state=Referral.State.ACCEPTED),
        ReferralFilter.RETURNED: Q(state=Referral.State.RETURNED),
        ReferralFilter.ALL: Q(),
    }[name]


# --- The inbox ---------------------------------------------------------------------------------

_RELATED = (
    "inquiry",
    "from_user",
    "from_department",
    "to_user",
    "to_department",
    "intended_user",
    "decided_by",
)
# What waits is listed by when it must be accepted; history newest first.
_ORDER = {
    ReferralFilter.PENDING: ("accept_due", "created_at", "pk"),
    ReferralFilter.OVERDUE: ("accept_due", "created_at", "pk"),
}
_NEWEST_FIRST = ("-created_at", "-pk")


def referral_inbox_list(
    *, user: User, tab: str, state: str, today: datetime.date
) -> QuerySet[Referral]:
    """One tab of the inbox, filtered, with what a row shows loaded in the same query."""
    return (
        Referral.objects.filter(referral_tab_q(user, tab, resolved=True))
        .filter(referral_filter_q(state, today=today))
        .select_related(*_RELATED)
        .order_by(*_ORDER.get(state, _NEWEST_FIRST))
    )


def referral_inbox_counts(
    *, user: User, tabs: list[str], today: datetime.date
) -> dict[str, dict[str, int | CappedCount]]:
    """{tab: {filter: count}} for the tabs shown, in one query; each count stops at
    COUNT_CAP (shown "99+"), so it reads a bounded slice of an index, not the whole table."""
    counts = {
        f"{tab}__{name}": BoundedCount(
            Referral.objects.filter(referral_tab_q(user, tab, resolved=True)).filter(
                referral_filter_q(name, today=today)
            )
        )
        for tab in tabs
        for name in ReferralFilter.values
    }
    row = User.objects.filter(pk=user.pk).values(**counts).first() or {}
    return {
        tab: {name: capped(row.get(f"{tab}__{name}")) for name in ReferralFilter.values}
        for tab in tabs
    }


def referral_get_for_user(*, user: User, pk: int) -> Referral | None:
    """The referral if it is in one of `user`'s inbox tabs, else None (the view answers 404)."""
    scope = Q()
    for tab in ReferralTab.values:
        scope |= referral_tab_q(user, tab)
    return Referral.objects.filter(scope, pk=pk).select_related("inquiry").first()


@dataclass(frozen=True)
class ReferralRow:
    """One line of the inbox: the referral, its requester masked, what the reader may do."""

    referral: Referral
    requester: str
    requester_unit: str
    is_overdue: bool
    may_decide: bool
    may_assign: bool
    may_coordinate: bool


def referral_rows(referrals, *, user: User, today: datetime.date) -> list[ReferralRow]:
    """Rows for `referrals` (from `referral_inbox_list`: no further queries per row)."""
    may_coordinate = user.has_perm("inquiries.coordinate_inquiry")
    rows = []
    for referral in referrals:
        inquiry = referral.inquiry
        pending = referral.state == Referral.State.PENDING
        is_office = referral.target == Referral.Target.OFFICE
        rows.append(
            ReferralRow(
                referral=referral,
                requester=mask_name(inquiry.requester_name),
                requester_unit=inquiry.requester_unit,
                is_overdue=pending and referral.accept_due < today,
                # The office does not accept its queue: it names a department on the case page.
                may_decide=pending and not is_office and referral_may_decide(referral, user),
                may_assign=(
                    pending
                    and referral.to_department.head_id == user.pk
                    and (referral.to_user_id is None or referral.waiting_for_absent)
                    and referral.is_lead
                ),
                may_coordinate=may_coordinate and inquiry.status == Status.COORDINATING,
            )
        )
    return rows


# --- Counts for the header ---------------------------------------------------------------------


def user_waiting_counts(user: User) -> dict[str, int | CappedCount]:
    """Pending referrals waiting for `user` and their unread notifications, in one query.

    The header shows them on every page, so each stops at COUNT_CAP ("99+")."""
    waiting = Referral.objects.filter(referral_waiting_q(user))
    unread = Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True)
    row = (
        User.objects.filter(pk=user.pk)
        .values(referrals_waiting=BoundedCount(waiting), notifications_unread=BoundedCount(unread))
        .first()
    ) or {}
    return {
        "referrals_waiting": capped(row.get("referrals_waiting")),
        "notifications_unread": capped(row.get("notifications_unread")),
    }


# --- Notifications -----------------------------------------------------------------------------


def notifications_for_user(*, user: User, state: str) -> QuerySet[Notification]:
    """The user's own notifications, newest first."""
    notifications = Notification.objects.filter(recipient=user).select_related("inquiry")
    if state == NotificationFilter.UNREAD:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-pk")


def notification_counts(*, user: User) -> dict[str, int]:
    return Notification.objects.filter(recipient=user).aggregate(
        unread=Count("pk", filter=Q(read_at__isnull=True)), all=Count("pk")
    )


def notification_get_for_user(*, user: User, pk: int) -> Notification | None:
    """The notification if it is the user's own; another person's id finds nothing."""
    return Notification.objects.filter(recipient=user, pk=pk).select_related("inquiry").first()
