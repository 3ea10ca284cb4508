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
from django.db.models import Count, Exists, F, Func, IntegerField, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from inquiries.masking import mask_name
from inquiries.models import Notification, Referral, StaffProfile, Status, User
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


# --- Who sees what -----------------------------------------------------------------------------


def _department_of(user: User) -> Subquery:
    return Subquery(StaffProfile.objects.filter(user_id=user.pk).values("department_id")[:1])


def _holds(user: User, perm: str) -> Q:
    """`user.has_perm(perm)` as a condition, without loading the user's permissions."""
    if not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    app_label, codename = perm.split(".")
    granted = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).filter(Q(group__user=user.pk) | Q(user=user.pk))
    return Q(Exists(granted))


def _office_queue_q(user: User) -> Q:
    """Cases handed to the office the coordinator works in."""
    return _holds(user, "inquiries.coordinate_inquiry") & Q(
        target=Referral.Target.OFFICE, to_department_id=_department_of(user)
    )


def referral_tab_q(user: User, tab: str) -> Q:
    """The referrals that belong in `tab` of `user`'s inbox, in any state."""
    if tab == ReferralTab.MINE:
        return Q(to_user_id=user.pk) | Q(intended_user_id=user.pk)
    if tab == ReferralTab.DEPARTMENT:
        # The queue is for the department's handlers and its head; the head also sees what
        # waits for a member who is away with no delegate (only the head can assign it).
        queue = Q(target__in=QUEUE_TARGETS, to_department_id=_department_of(user)) & _holds(
            user, "inquiries.handle_inquiry"
        )
        headed = Q(to_department__head_id=user.pk) & (
            Q(target__in=QUEUE_TARGETS) | Q(waiting_for_absent=True)
        )
        return queue | headed
    if tab == ReferralTab.OFFICE:
        # Cases handed to the office, and cases it named a department for that came back.
        came_back = Q(
            inquiry__status=Status.COORDINATING,
            from_department_id=_department_of(user),
            from_department__is_office=True,
        )
        return _office_queue_q(user) | (_holds(user, "inquiries.coordinate_inquiry") & came_back)
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
        Referral.objects.filter(referral_tab_q(user, tab))
        .filter(referral_filter_q(state, today=today))
        .select_related(*_RELATED)
        .order_by(*_ORDER.get(state, _NEWEST_FIRST))
    )


def referral_inbox_counts(
    *, user: User, tabs: list[str], today: datetime.date
) -> dict[str, dict[str, int]]:
    """{tab: {filter: count}} for the tabs shown, in one query."""
    aggregates = {
        f"{tab}__{name}": Count(
            "pk", filter=referral_tab_q(user, tab) & referral_filter_q(name, today=today)
        )
        for tab in tabs
        for name in ReferralFilter.values
    }
    totals = Referral.objects.aggregate(**aggregates)
    return {tab: {name: totals[f"{tab}__{name}"] for name in ReferralFilter.values} for tab in tabs}


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


def _count(queryset: QuerySet) -> Coalesce:
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def user_waiting_counts(user: User) -> dict[str, int]:
    """Pending referrals waiting for `user` and their unread notifications, in one query."""
    waiting = Referral.objects.filter(referral_waiting_q(user))
    unread = Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True)
    row = (
        User.objects.filter(pk=user.pk)
        .values(referrals_waiting=_count(waiting), notifications_unread=_count(unread))
        .first()
    )
    return row or {"referrals_waiting": 0, "notifications_unread": 0}


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
