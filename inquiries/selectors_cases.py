"""Read functions for intake and the case lists: the catalog search, my cases, the registers.

Every list here starts from `inquiries_visible_to(user)` (my cases from `inquiries_of(user)`,
the cases the user is first responder or handler of, which they may always open), so no page
shows a case its reader may not open. Rows are built without further queries: a list costs
the same few queries however many cases it holds.
"""

import datetime
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inquiries.compiled_sql import CompiledPerUser
from inquiries.masking import mask_name, mask_phone
from inquiries.models import (
    CasePolicy,
    Department,
    Inquiry,
    Kind,
    RequiredMaterial,
    ServiceMatter,
    Status,
)
from inquiries.models.cases import CLOCK_RUNNING, OPEN_STATUSES
from inquiries.selectors import inquiries_of, inquiries_visible_to
from inquiries.services import time_limit_days_for
from inquiries.text import normalize_text
from inquiries.validators import normalize_phone
from inquiries.workdays import DeadlineState, WorkCalendar, deadline_state

# "Due soon" on the case list: the deadline is at most this many working days away, so the
# desk still has time to chase the handler before the case becomes overdue.
DUE_SOON_WORKING_DAYS = 2
# The intake page lists at most this many catalog matters as suggestions; typing narrows them.
MATTER_OPTIONS_MAX = 300


# --- The service catalog ---------------------------------------------------------------------


def matter_search(*, query: str) -> QuerySet[ServiceMatter]:
    """Active catalog matters matching `query`, in catalog order (department, then matter).

    Every word must match the matter's name, code, keywords or its department's name; the
    whole query may instead match the name's pinyin or its initials ("spjy" finds
    食品经营许可证核发). Full-width input is folded first. An empty query lists every matter.
    """
    matters = ServiceMatter.objects.filter(is_active=True, department__is_active=True)
    text = normalize_text(query)
    if text:
        words = Q()
        for word in text.split(" "):
            words &= (
                Q(name__icontains=word)
                | Q(code__icontains=word)
                | Q(keywords__icontains=word)
                | Q(department__name__icontains=word)
            )
        pinyin = "".join(char for char in text.lower() if char.isascii() and char.isalnum())
        if pinyin:
            words |= Q(name_pinyin__contains=pinyin) | Q(name_initials__contains=pinyin)
        matters = matters.filter(words)
    return matters.select_related("department").order_by(
        "department__sort_order", "department__code", "sort_order", "code"
    )


@dataclass(frozen=True)
class MatterMatch:
    """What the text typed in the matter field stands for: one matter, or how many match."""

    text: str
    matter: ServiceMatter | None = None
    candidates: int = 0

    @property
    def is_ambiguous(self) -> bool:
        return self.matter is None and self.candidates > 1

    @property
    def is_unknown(self) -> bool:
        return bool(self.text) and self.matter is None and self.candidates == 0


def matter_resolve(*, text: str) -> MatterMatch:
    """The matter meant by `text`: a code ("SPJY", or a suggestion "SPJY 食品经营…"), an exact
    name, or the only matter the search finds."""
    text = normalize_text(text)
    if not text:
        return MatterMatch(text="")
    active = ServiceMatter.objects.filter(
        is_active=True, department__is_active=True
    ).select_related("department")
    by_code = active.filter(code=text.split(" ")[0].upper()).first()
    if by_code is not None:
        return MatterMatch(text=text, matter=by_code)
    by_name = active.filter(name=text).first()
    if by_name is not None:
        return MatterMatch(text=text, matter=by_name)
    found = list(matter_search(query=text)[:2])
    if len(found) == 1:
        return MatterMatch(text=text, matter=found[0])
    count = matter_search(query=text).count() if found else 0
    return MatterMatch(text=text, candidates=count)


@dataclass(frozen=True)
class IntakeProposal:
    """What the server proposes while a case is being registered: who handles it, by when."""

    kind_label: str
    match: MatterMatch
    department: Department | None
    days: int
    deadline: datetime.date
    materials: list[RequiredMaterial] = field(default_factory=list)
    unknown_years: list[int] = field(default_factory=list)


def intake_proposal(
    *, kind: str, match: MatterMatch, received_on: datetime.date, calendar: WorkCalendar
) -> IntakeProposal:
    """The handling department and time limit the service will use for this kind and matter."""
    matter = match.matter
    days = time_limit_days_for(kind=kind, matter=matter, policy=CasePolicy.current())
    deadline = calendar.add_working_days(received_on, days)
    materials = list(matter.materials.filter(is_required=True)) if matter else []
    return IntakeProposal(
        kind_label=str(Kind(kind).label),
        match=match,
        department=matter.department if matter else None,
        days=days,
        deadline=deadline,
        materials=materials,
        unknown_years=calendar.unknown_years(*sorted({received_on.year, deadline.year})),
    )


# --- My cases --------------------------------------------------------------------------------


class CaseRole(models.TextChoices):
    RESPONDER = "responder", _("As first responder")
    HANDLER = "handler", _("As current handler")


class CaseState(models.TextChoices):
    OPEN = "open", _("Open")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    AWAITING = "awaiting", _("Awaiting materials")
    CLOSED = "closed", _("Closed")
    ALL = "all", _("All")


def _role_q(role: str, user) -> Q:
    return Q(current_holder=user) if role == CaseRole.HANDLER else Q(first_responder=user)


def case_state_q(state: str, *, today: datetime.date, soon_until: datetime.date) -> Q:
    """Cases in `state` on `today`; "overdue" and "due soon" count only while the clock runs."""
    running = Q(status__in=CLOCK_RUNNING)
    return {
        CaseState.OPEN: Q(status__in=OPEN_STATUSES),
        CaseState.DUE_SOON: running & Q(deadline__gte=today, deadline__lte=soon_until),
        CaseState.OVERDUE: running & Q(deadline__lt=today),
        CaseState.AWAITING: Q(status=Status.AWAITING_MATERIALS),
        CaseState.CLOSED: Q(status=Status.CLOSED),
        CaseState.ALL: Q(),
    }[state]


def case_text_q(query: str) -> Q:
    """Number, requester's name, phone (full-width or spaced digits folded) or subject."""
    text = normalize_text(query)
    if not text:
        return Q()
    condition = (
        Q(number__icontains=text) | Q(requester_name__icontains=text) | Q(subject__icontains=text)
    )
    phone = normalize_phone(text)
    if any(char.isdigit() for char in phone):
        condition |= Q(requester_phone__contains=phone)
    return condition


_ORDER = {
    CaseState.AWAITING: ("clock_stopped_on", "deadline", "pk"),
    CaseState.CLOSED: ("-closed_at", "-pk"),
    CaseState.ALL: ("-received_at", "-pk"),
}
# Open work is listed most urgent first.
_URGENT_FIRST = ("deadline", "received_at", "pk")


def my_cases_list(
    *,
    user,
    role: str,
    state: str,
    query: str,
    today: datetime.date,
    soon_until: datetime.date,
) -> QuerySet[Inquiry]:
    """The user's own cases (as first responder or as current handler), filtered."""
    return (
        inquiries_of(user, role=_role_q(role, user))
        .filter(case_state_q(state, today=today, soon_until=soon_until))
        .filter(case_text_q(query))
        .order_by(*_ORDER.get(state, _URGENT_FIRST))
    )


def _count_names() -> list[str]:
    return [f"{role}__{state}" for role in CaseRole.values for state in CaseState.values]


def _my_cases_counts_sql(user, *, today: datetime.date, soon_until: datetime.date):
    """The SQL QuerySet.aggregate() runs for the tab counts, without running it."""
    cases = inquiries_of(user, role=Q(first_responder=user) | Q(current_holder=user))
    query = cases.query.chain()
    for name in _count_names():
        role, state = name.split("__")
        aggregate = Count(
            "pk",
            filter=_role_q(role, user) & case_state_q(state, today=today, soon_until=soon_until),
        )
        query.add_annotation(aggregate, name, select=True)
    query.select = ()
    query.default_cols = False
    query.select_related = False
    query.clear_ordering(force=True)
    return query.get_compiler(cases.db).as_sql()


# The same for every active user but for their id: Django took ~10 ms to build its 18
# filtered counts on every "my cases" page, to run them in ~1 ms (issue 9).
_counts_sql = CompiledPerUser(_my_cases_counts_sql, keep=2)


def my_cases_counts(
    *, user, today: datetime.date, soon_until: datetime.date
) -> dict[str, dict[str, int]]:
    """{role: {state: count}} for the filter tabs, in one query."""
    totals = {}
    if user.is_authenticated and user.is_active:
        row = _counts_sql.fetchone(
            user,
            (today, soon_until),
            stand_in={"is_active": True},
            today=today,
            soon_until=soon_until,
        )
        totals = dict(zip(_count_names(), row, strict=True))
    return {
        role: {state: totals.get(f"{role}__{state}") or 0 for state in CaseState.values}
        for role in CaseRole.values
    }


# --- Registers -------------------------------------------------------------------------------


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def register_cases(
    *,
    user,
    channel: str,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[Inquiry]:
    """Cases of one channel that `user` may see, newest first, received within the dates
    (local days, both included)."""
    cases = inquiries_visible_to(user).filter(channel=channel)
    if date_from:
        cases = cases.filter(received_at__gte=_start_of(date_from))
    if date_to:
        cases = cases.filter(received_at__lt=_start_of(date_to + datetime.timedelta(days=1)))
    return cases.order_by("-received_at", "-pk")


# --- Rows ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseRow:
    """One line of a list: the case, its requester masked, and where its deadline stands."""

    case: Inquiry
    requester: str
    requester_unit: str
    phone: str
    deadline: DeadlineState | None = None
    is_due_soon: bool = False


def case_rows(
    cases,
    *,
    calendar: WorkCalendar | None = None,
    today: datetime.date | None = None,
    due_soon_days: int = DUE_SOON_WORKING_DAYS,
    unmasked: bool = False,
) -> list[CaseRow]:
    """Rows for `cases`; with a calendar, open cases whose clock runs get a deadline state.

    The requester is masked unless `unmasked` (a live unmask grant, see services.privacy)."""
    rows = []
    for case in cases:
        state = None
        if calendar is not None and today is not None and case.clock_running:
            state = deadline_state(calendar, deadline=case.deadline, today=today)
        rows.append(
            CaseRow(
                case=case,
                requester=case.requester_name if unmasked else mask_name(case.requester_name),
                requester_unit=case.requester_unit,
                phone=case.requester_phone if unmasked else mask_phone(case.requester_phone),
                deadline=state,
                is_due_soon=bool(
                    state and not state.is_overdue and state.working_days_left <= due_soon_days
                ),
            )
        )
    return rows
