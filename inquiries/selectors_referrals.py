"""Read functions for the referral inbox (转办件) and the notifications page.

The inbox has four tabs: referrals addressed to me, my department's queue, the office's
queue (for coordinators) and the referrals I sent. Who belongs to which is decided in SQL
(the user's department and permissions are subqueries), so the header can count what waits
for someone in one query without loading their profile or permissions first.
"""

import datetime
import operator
from dataclasses import dataclass
from functools import reduce

from django.contrib.auth.models import Permission
from django.db import connection, models
from django.db.models import BooleanField, Count, Exists, Func, IntegerField, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from inquiries.compiled_sql import CompiledPerUser
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

    def __init__(self, queryset: QuerySet, cap: int = COUNT_CAP, *, bounded: bool = False):
        """`bounded`: `queryset` already stops after `cap` rows (`of_branches`)."""
        super().__init__(queryset if bounded else queryset.order_by().values("pk")[:cap])

    @classmethod
    def of_branches(cls, querysets: list[QuerySet], cap: int = COUNT_CAP) -> "BoundedCount":
        """The count of the union of `querysets` (branches of one list, which may overlap),
        bounded: on PostgreSQL each branch stops after `cap` rows of its own index (the
        union counts `cap` or more exactly when the list holds that many); elsewhere the
        branches joined by OR."""
        if len(querysets) == 1 or not _union_of_branches():
            return cls(reduce(operator.or_, querysets))
        first, *rest = (queryset.order_by().values("pk")[:cap] for queryset in querysets)
        return cls(first.union(*rest).order_by(), cap, bounded=True)


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


def referral_tab_branches(user: User, tab: str, *, resolved: bool = False) -> list[Q]:
    """The referrals that belong in `tab` of `user`'s inbox, in any state, as branches whose
    union is the tab (see `referral_tab_q`).

    With `resolved`, the user's department and permissions are read in Python (the inbox
    has loaded them) and enter the SQL as constants, which lets PostgreSQL pick the right
    index for each branch; otherwise they are subqueries (same rows either way).
    Each branch names one department queue and one target where it can, so that PostgreSQL
    reads it in date order from an index (`referral_dept_created`) when the inbox lists the
    branches as a union (`referral_inbox_list`).
    """
    department = _department_of(user, resolved=resolved)
    if tab == ReferralTab.MINE:
        return [Q(to_user_id=user.pk), Q(intended_user_id=user.pk)]
    if tab == ReferralTab.DEPARTMENT:
        # The queue is for the department's handlers and its head; the head also sees what
        # waits for a member who is away with no delegate (only the head can assign it).
        if resolved:
            # The same branches with the departments known: one per target over the queues
            # the user works in (their own as a handler, those they head), and the head's
            # absent members; none that cannot hold anything.
            headed_ids = _departments_read(user)[0]
            queues = set(headed_ids)
            if (
                department is not None
                and user.is_active
                and (user.is_superuser or user.has_perm("inquiries.handle_inquiry"))
            ):
                queues.add(department)
            branches = [
                Q(target=target, to_department_id__in=sorted(queues)) for target in QUEUE_TARGETS
            ]
            if headed_ids:
                branches.append(Q(waiting_for_absent=True, to_department_id__in=headed_ids))
            return branches if queues else [_NOTHING]
        handles = _holds(user, "inquiries.handle_inquiry", resolved=resolved)
        headed = _headed_by(user, resolved=resolved)
        return [
            *(Q(target=target, to_department_id=department) & handles for target in QUEUE_TARGETS),
            *(headed & Q(target=target) for target in QUEUE_TARGETS),
            headed & Q(waiting_for_absent=True),
        ]
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
        return [_office_queue_q(user, resolved=resolved), coordinates & came_back]
    if tab == ReferralTab.SENT:
        return [Q(from_user_id=user.pk)]
    raise ValueError(tab)


def referral_tab_q(user: User, tab: str, *, resolved: bool = False) -> Q:
    """The referrals that belong in `tab` of `user`'s inbox, in any state: one condition,
    the branches of `referral_tab_branches` joined by OR."""
    return reduce(operator.or_, referral_tab_branches(user, tab, resolved=resolved))


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

# Joined into the inbox's page query; the people a row names are read by `attach_people`
# in one more query: with a join for each of them PostgreSQL spent 10 ms planning the page
# query (eight tables) to execute it in 1 ms (issue 9).
_RELATED = ("inquiry", "from_department", "to_department")
REFERRAL_PEOPLE = ("from_user", "to_user", "intended_user", "decided_by")


def attach_people(referrals, fields: tuple[str, ...] = REFERRAL_PEOPLE) -> None:
    """Load the people `referrals` name in `fields` in one query (none when they name
    nobody) and set them on the referrals, as `select_related` would have."""
    referrals = list(referrals)
    ids = {getattr(referral, f"{name}_id") for referral in referrals for name in fields}
    ids.discard(None)
    if not ids:
        return
    people = User.objects.in_bulk(ids)
    for referral in referrals:
        for name in fields:
            pk = getattr(referral, f"{name}_id")
            if pk is not None:
                setattr(referral, name, people[pk])


# What waits is listed by when it must be accepted; history newest first.
_ORDER = {
    ReferralFilter.PENDING: ("accept_due", "created_at", "pk"),
    ReferralFilter.OVERDUE: ("accept_due", "created_at", "pk"),
}
_NEWEST_FIRST = ("-created_at", "-pk")


def _union_of_branches() -> bool:
    """Whether the database runs a union of ordered, limited branches (PostgreSQL does;
    SQLite does not, and gets the one condition with OR)."""
    return connection.features.supports_slicing_ordering_in_compound


def _union_pays(tab: str, state: str | None = None) -> bool:
    """Whether a tab (a filter of it, for the list; None for its counts) is read as a union
    of its branches. Measured at a million cases: the department tab always (with the one
    condition PostgreSQL reads every referral to the department, for the office's head
    128,000 of them: 133 ms → 0.3 ms); the office tab only for its long histories ("All",
    "Accepted": the office's 128,000 sorted by date, 198 → 9 ms). Elsewhere the one
    condition is as fast or faster (the office's "came back" branch alone probes every case
    in coordination: 7 ms)."""
    if not _union_of_branches():
        return False
    if tab == ReferralTab.DEPARTMENT:
        return True
    return tab == ReferralTab.OFFICE and state in {ReferralFilter.ALL, ReferralFilter.ACCEPTED}


def _branches(user: User, tab: str, state: str, today: datetime.date) -> list[QuerySet]:
    return [
        Referral.objects.filter(branch).filter(referral_filter_q(state, today=today))
        for branch in referral_tab_branches(user, tab, resolved=True)
    ]


def referral_inbox_list(
    *, user: User, tab: str, state: str, today: datetime.date, rows: int | None = None
) -> QuerySet[Referral]:
    """One tab of the inbox, filtered, with what a row shows loaded in the same query.

    With `rows` (how far the page shown reaches: page × size + 1), on PostgreSQL the tab's
    referrals are named by a union of its branches where that pays (`_union_pays`), each
    read in the list's order and stopping after `rows`: the office's "All" sorted its
    128,000 referrals (198 ms → 9 ms), its head's "My department" read them all to find
    none (123 ms → 0.1 ms). Slicing beyond `rows` finds nothing; the rows up to it are
    exactly those of the single condition.
    """
    order = _ORDER.get(state, _NEWEST_FIRST)
    branches = _branches(user, tab, state, today) if rows and _union_pays(tab, state) else []
    if len(branches) > 1:
        first, *rest = (branch.order_by(*order).values("pk")[:rows] for branch in branches)
        # (The union itself unordered: it would take the first branch's order otherwise.)
        referrals = Referral.objects.filter(pk__in=first.union(*rest).order_by())
    else:
        referrals = Referral.objects.filter(referral_tab_q(user, tab, resolved=True)).filter(
            referral_filter_q(state, today=today)
        )
    return referrals.select_related(*_RELATED).order_by(*order)


def referral_inbox_count_source(
    *, user: User, tab: str, state: str, today: datetime.date, cap: int
) -> QuerySet | None:
    """What `BoundedPaginator` counts for a tab on PostgreSQL: the union of its branches,
    each stopping after `cap` + 1 rows (more than `cap` in all exactly when the tab holds
    more); None elsewhere (the paginator counts the list)."""
    branches = _branches(user, tab, state, today) if _union_pays(tab, state) else []
    if len(branches) < 2:
        return None
    first, *rest = (branch.order_by().values("pk")[: cap + 1] for branch in branches)
    return first.union(*rest).order_by()


def referral_inbox_counts(
    *, user: User, tabs: list[str], today: datetime.date, tab: str | None = None
) -> dict[str, dict[str, int | CappedCount]]:
    """{tab: {filter: count}} in one query: what waits in each of `tabs` and, for `tab` (the
    one shown), every filter; each count stops at COUNT_CAP (shown "99+"), so it reads a
    bounded slice of an index, not the whole table. Without `tab`, every filter of every tab.
    (Only what the page shows is counted: 8 counts instead of 20 for a handler, whose query
    Django took longer to build than PostgreSQL to run.)"""
    wanted = [
        (name, state)
        for name in tabs
        for state in ReferralFilter.values
        if tab is None or name == tab or state == ReferralFilter.PENDING
    ]
    counts = {
        f"{name}__{state}": (
            BoundedCount.of_branches(_branches(user, name, state, today))
            if _union_pays(name)
            else BoundedCount(
                Referral.objects.filter(referral_tab_q(user, name, resolved=True)).filter(
                    referral_filter_q(state, today=today)
                )
            )
        )
        for name, state in wanted
    }
    row = User.objects.filter(pk=user.pk).values(**counts).first() or {}
    result: dict[str, dict[str, int | CappedCount]] = {name: {} for name in tabs}
    for name, state in wanted:
        result[name][state] = capped(row.get(f"{name}__{state}"))
    return result


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
    """Rows for `referrals` (from `referral_inbox_list`), with the people they name read in
    one query: no further queries per row."""
    referrals = list(referrals)
    attach_people(referrals)
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


def _waiting_counts_query(user: User) -> QuerySet:
    waiting = Referral.objects.filter(referral_waiting_q(user))
    unread = Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True)
    return User.objects.filter(pk=user.pk).values(
        referrals_waiting=BoundedCount(waiting), notifications_unread=BoundedCount(unread)
    )


# The header's query is the same for everyone but for the user's id and flags: Django took
# 7–10 ms to build it, on every page, to run it in under 1 ms (issue 9).
_waiting_sql = CompiledPerUser(
    lambda stand_in: _waiting_counts_query(stand_in).query.sql_with_params()
)


def user_waiting_counts(user: User) -> dict[str, int | CappedCount]:
    """Pending referrals waiting for `user` and their unread notifications, in one query.

    The header shows them on every page, so each stops at COUNT_CAP ("99+")."""
    flags = {"is_active": bool(user.is_active), "is_superuser": bool(user.is_superuser)}
    row = _waiting_sql.fetchone(user, tuple(flags.values()), stand_in=flags) or (None, None)
    referrals_waiting, notifications_unread = row
    return {
        "referrals_waiting": capped(referrals_waiting),
        "notifications_unread": capped(notifications_unread),
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
