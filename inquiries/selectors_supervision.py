"""Reads for the supervisor's dashboard (督办台): what is late, what is about to be, and what
waits for a supervisor's decision.

Each section is one queryset; its count on the dashboard, its list and its Excel export all
come from `supervision_cases`, so the number a supervisor sees is the number of rows they get.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils.translation import gettext_lazy as _

from inquiries.models import (
    CaseFlag,
    ExtensionRequest,
    Inquiry,
    PressNotice,
    Referral,
    Status,
    User,
)
from inquiries.models.cases import CLOCK_RUNNING
from inquiries.permissions import supervised_department_ids
from inquiries.selectors_referrals import InSubquery

# "Due soon" for supervisors: the deadline is at most this many working days away, early
# enough to press the handler before the case becomes overdue.
SUPERVISION_DUE_SOON_DAYS = 3


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    description: str
    default_sort: str


SECTIONS: tuple[Section, ...] = (
    Section(
        "overdue",
        _("Overdue"),
        _("Open cases whose clock runs and whose deadline has passed."),
        "deadline",
    ),
    Section(
        "due_soon",
        _("Due soon"),
        # Formatted by the view (with SUPERVISION_DUE_SOON_DAYS), in the reader's language.
        _("The deadline is at most %(days)s working days away."),
        "deadline",
    ),
    Section(
        "unaccepted",
        _("Referrals not accepted"),
        _("Referred to a person or department and not accepted in time."),
        "deadline",
    ),
    Section(
        "awaiting_feedback",
        _("Awaiting feedback"),
        _("Replied by the handler; the requester has not been given the result yet."),
        "deadline",
    ),
    Section(
        "flagged",
        _("Flagged"),
        _("Taboo phrases written, or a second one-time notice."),
        "-received_at",
    ),
    Section(
        "pressed",
        _("Pressed, not answered"),
        _("Pressing notices the handler has not answered yet."),
        "deadline",
    ),
    Section(
        "extension_pending",
        _("Extension requests"),
        _("Extensions waiting for the department head's decision."),
        "deadline",
    ),
    Section(
        "extension_untold",
        _("Requester not yet told of the extension"),
        _("Approved extensions the requester has not been told of yet."),
        "deadline",
    ),
)
SECTIONS_BY_NAME = {section.name: section for section in SECTIONS}

SORTS = {
    "deadline": ("deadline", "received_at", "pk"),
    "-deadline": ("-deadline", "-received_at", "-pk"),
    "received_at": ("received_at", "pk"),
    "-received_at": ("-received_at", "-pk"),
    "number": ("number",),
    "-number": ("-number",),
}


# What a row of the lists shows, loaded in the same query as the cases.
_ROW_RELATED = ("first_responder", "current_holder", "handling_department", "receiving_department")


def supervision_scope(user: User, *, led: set[int] | None = None) -> QuerySet[Inquiry]:
    """The cases a supervisor answers for: those of the departments they lead (the handling
    department, or the receiving one while none is decided); every case for admins.

    `led` is `supervised_department_ids(user)` if the caller has it (the dashboard reads it
    once for its eight lists)."""
    cases = Inquiry.objects.select_related(*_ROW_RELATED)
    if user.has_perm("inquiries.view_all_inquiries"):
        return cases
    led = supervised_department_ids(user) if led is None else led
    return cases.filter(
        Q(handling_department_id__in=led)
        | Q(handling_department__isnull=True, receiving_department_id__in=led)
    )


def section_q(name: str, *, today: datetime.date, soon_until: datetime.date) -> Q:
    # The lists that depend on another table name their cases with `id IN (…)` of that
    # table's few matching rows (open notices, pending referrals…) rather than a correlated
    # EXISTS, which PostgreSQL would test against every case in scope (0.7 s at 1M cases).
    running = Q(status__in=CLOCK_RUNNING)
    pending_extension = ExtensionRequest.objects.filter(state=ExtensionRequest.State.PENDING)
    untold = ExtensionRequest.objects.filter(
        state=ExtensionRequest.State.APPROVED, requester_told_at__isnull=True
    )
    late_referral = Referral.objects.filter(state=Referral.State.PENDING, accept_due__lt=today)
    conditions = {
        "overdue": lambda: running & Q(deadline__lt=today),
        "due_soon": lambda: running & Q(deadline__gte=today, deadline__lte=soon_until),
        "unaccepted": lambda: _cases_of(late_referral),
        "awaiting_feedback": lambda: Q(status=Status.REPLIED),
        "flagged": lambda: _cases_of(CaseFlag.objects.all()),
        "pressed": lambda: _cases_of(PressNotice.objects.filter(answered_at__isnull=True)),
        "extension_pending": lambda: _cases_of(pending_extension),
        "extension_untold": lambda: _cases_of(untold),
    }
    return conditions[name]()


def _cases_of(rows: QuerySet) -> Q:
    # `id = ANY(ARRAY(…))` on PostgreSQL: the few ids are looked up in the primary key
    # instead of hashing every case in scope (a semi-join the planner prefers otherwise).
    return Q(InSubquery("id", rows.values("inquiry_id")))


def supervision_cases(
    *,
    user: User,
    name: str,
    today: datetime.date,
    soon_until: datetime.date,
    filters: dict | None = None,
    sort: str = "",
    led: set[int] | None = None,
    prefetch: bool = True,
) -> QuerySet[Inquiry]:
    """One dashboard section: its cases in the user's scope, filtered and sorted, with the
    open pressing notices and the extensions each row shows loaded alongside (unless
    `prefetch` is false: the dashboard loads them once for all its lists, see
    `supervision_prefetch`)."""
    filters = filters or {}
    cases = supervision_scope(user, led=led).filter(
        section_q(name, today=today, soon_until=soon_until)
    )
    if filters.get("department"):
        department = filters["department"]
        cases = cases.filter(
            Q(handling_department=department)
            | Q(handling_department__isnull=True, receiving_department=department)
        )
    if filters.get("handler"):
        cases = cases.filter(current_holder=filters["handler"])
    if filters.get("kind"):
        cases = cases.filter(kind=filters["kind"])
    order = SORTS.get(sort) or SORTS[SECTIONS_BY_NAME[name].default_sort]
    cases = cases.order_by(*order)
    return cases.prefetch_related(*_prefetches()) if prefetch else cases


def first_rows(cases: QuerySet[Inquiry], count: int) -> list[Inquiry]:
    """The first `count` cases of a list (from `supervision_cases`, without prefetches), in
    its order, in one query of two steps: the ids of the first rows are found from the
    filter and sort columns alone (on PostgreSQL index-only, through `inquiry_scope_probe`:
    a list naming its cases by `id = ANY(…)` probes thousands of them, 138 → 29 ms for the
    "unaccepted" list of a leader of 75 departments at a million cases), then only those
    rows are read with their people and departments."""
    first = cases.select_related(None).values("pk")[:count]
    return list(
        Inquiry.objects.select_related(*_ROW_RELATED)
        .filter(pk__in=first)
        .order_by(*cases.query.order_by)
    )


def supervision_prefetch(cases: list[Inquiry]) -> None:
    """Load the open pressing notices and extensions of `cases` (from several lists) in two
    queries."""
    prefetch_related_objects(cases, *_prefetches())


def _prefetches() -> tuple[Prefetch, ...]:
    return (
        Prefetch(
            "press_notices",
            queryset=PressNotice.objects.filter(answered_at__isnull=True)
            .select_related("pressed_by")
            .order_by("respond_by", "pk"),
            to_attr="open_presses",
        ),
        Prefetch(
            "extensions",
            queryset=ExtensionRequest.objects.filter(
                Q(state=ExtensionRequest.State.PENDING)
                | Q(state=ExtensionRequest.State.APPROVED, requester_told_at__isnull=True)
            )
            .select_related("requested_by")
            .order_by("requested_at", "pk"),
            to_attr="open_extensions",
        ),
    )
