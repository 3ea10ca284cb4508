"""Keyword search over cases (subject, content, requester, case number), for Chinese text.

PostgreSQL's full-text parser does not split Chinese into words, so the search does not use
it for words. Every case has one *search document*: its subject, content, requester's name
and unit, case number and phone digits joined by spaces and upper-cased
(`SearchDocument`). Each word of the query must occur in it (`LIKE '%word%'`). Migration
0011 indexes the document twice on PostgreSQL (see "Chinese search" in the README for the
measurements behind this):

- a GIN trigram index (`pg_trgm`), which serves words of three characters or more;
- a GIN index of its overlapping two-character pieces (`firstask_search_bigrams`, as a
  'simple' tsvector), which serves two-character words — the commonest kind in Chinese
  (执照, 投诉, a name like 张伟) and too short for trigrams.

The index only narrows the candidates: `LIKE` still decides, so the answer is the same on
SQLite (development), where there is no index and `LIKE` does all the work.

Results come newest first by (received_at, pk) and are paged by keyset: one query per page
fetches a page and one row more, never a COUNT(*) over the matches, so a common word costs
no more than a rare one.
"""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, F, Func, Q, QuerySet, TextField
from django.utils import timezone

from inquiries.models import Channel, Inquiry, Status
from inquiries.permissions import inquiry_duty_branches, inquiry_visibility_q
from inquiries.selectors import LIST_RELATED, inquiries_visible_to
from inquiries.text import normalize_text

SEARCH_PAGE_SIZE = 25
# Longer input is cut: nobody types more, and every word is one more condition to check.
SEARCH_QUERY_MAX_LENGTH = 100
SEARCH_MAX_WORDS = 6
# The bigram index serves words of exactly this many characters; the trigram index, longer ones.
BIGRAM_LENGTH = 2
# Name of the SQL function migration 0011 creates (PostgreSQL only).
BIGRAMS_FUNCTION = "firstask_search_bigrams"


class PhoneDigits(Func):
    """The phone as typed without its hyphens ("0531-86012345" → "053186012345"); stored
    phones have no spaces or brackets (`normalize_phone`)."""

    template = "REPLACE(%(expressions)s, '-', '')"
    output_field = TextField()


class SearchDocument(Func):
    """UPPER(subject || ' ' || content || ' ' || name || ' ' || unit || ' ' || number || ' '
    || phone digits). Migration 0011 indexes exactly this expression: change both together.
    """

    function = "UPPER"
    arg_joiner = " || ' ' || "
    output_field = TextField()

    def __init__(self):
        super().__init__(
            F("subject"),
            F("content"),
            F("requester_name"),
            F("requester_unit"),
            F("number"),
            PhoneDigits(F("requester_phone")),
        )


class BigramMatch(Func):
    """PostgreSQL only: the document holds the two-character `word` (bigram index)."""

    template = (
        "to_tsvector('simple', " + BIGRAMS_FUNCTION + "(%(expressions)s))"
        " @@ plainto_tsquery('simple', %%s)"
    )
    output_field = BooleanField()

    def __init__(self, word: str):
        super().__init__(SearchDocument())
        self.word = word

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = super().as_sql(compiler, connection, **extra_context)
        return sql, (*params, self.word)


def search_words(query: str) -> list[str]:
    """The words of `query`, upper-cased, in order, without repeats: every one must match.

    Full-width letters and digits (Chinese input methods) are folded first.
    """
    text = normalize_text(query)[:SEARCH_QUERY_MAX_LENGTH]
    words: list[str] = []
    for word in text.upper().split(" "):
        if word and word not in words:
            words.append(word)
    return words[:SEARCH_MAX_WORDS]


def _word_q(word: str) -> Q:
    condition = Q(search_document__contains=word)
    digits = word.replace("-", "")
    if digits != word and digits.isdigit():
        # A phone written in groups ("0531-8601") is in the document by its digits; the same
        # word may also be a case number ("2026-000123"), which keeps its hyphen.
        condition |= Q(search_document__contains=digits)
    if connection.vendor == "postgresql" and len(word) == BIGRAM_LENGTH:
        # Same answer, but lets the planner use the bigram index for a two-character word.
        condition &= Q(BigramMatch(word))
    return condition


@dataclass(frozen=True)
class SearchFilters:
    """The allow-listed filters of the search page; empty means "any"."""

    status: str = ""
    channel: str = ""
    year: int | None = None

    @classmethod
    def from_params(cls, params, *, years: list[int]) -> "SearchFilters":
        """Values that are not offered are ignored (never an error): links get mangled."""
        status = params.get("status", "")
        channel = params.get("channel", "")
        year_text = params.get("year", "")
        # Matched as text against the offered years: no int() of a huge or odd-digit string.
        year = int(year_text) if year_text in {str(year) for year in years} else None
        return cls(
            status=status if status in Status.values else "",
            channel=channel if channel in Channel.values else "",
            year=year,
        )

    def q(self) -> Q:
        condition = Q()
        if self.status:
            condition &= Q(status=self.status)
        if self.channel:
            condition &= Q(channel=self.channel)
        if self.year:
            tz = timezone.get_current_timezone()
            start = datetime.datetime(self.year, 1, 1, tzinfo=tz)
            end = datetime.datetime(self.year + 1, 1, 1, tzinfo=tz)
            condition &= Q(received_at__gte=start, received_at__lt=end)
        return condition


def search_years(*, today: datetime.date, back: int = 10) -> list[int]:
    """The years offered by the year filter, newest first (no query: a fixed window)."""
    return list(range(today.year, today.year - back, -1))


@dataclass(frozen=True)
class SearchPage:
    """One page of results, newest first, with the keys of the neighbouring pages."""

    cases: list[Inquiry]
    after: int | None = None  # pk to pass as ?after= for the next (older) page
    before: int | None = None  # pk to pass as ?before= for the previous (newer) page


def _matching(cases: QuerySet[Inquiry], words: list[str], filters: SearchFilters):
    cases = cases.filter(filters.q())
    if words:
        cases = cases.alias(search_document=SearchDocument())
        for word in words:
            cases = cases.filter(_word_q(word))
    return cases


def case_search(*, user, words: list[str], filters: SearchFilters) -> QuerySet[Inquiry]:
    """Cases `user` may see matching every word and the filters, newest first."""
    return _matching(inquiries_visible_to(user), words, filters).order_by("-received_at", "-pk")


def case_search_branches(
    *, user, words: list[str], filters: SearchFilters
) -> list[QuerySet[Inquiry]] | None:
    """The same cases as `case_search`, as one query per rule of what `user` may see
    (`inquiry_duty_branches`), for PostgreSQL to read each from its own index: a front-desk
    clerk sees a few hundred cases among a million, and as one condition the planner walked
    the whole table newest first looking for theirs. None when one condition is faster or
    the database cannot page a union.
    """
    if not connection.features.supports_slicing_ordering_in_compound:
        return None
    # Measured at 1,000,000 cases (README "Chinese search"): as a union, a front-desk
    # clerk's worst word 175 → 24 ms, a handler's 87 → 53, a head's 91 → 75; the office
    # coordinator's got slower (65 → 199: the office's queue is most of the cases), so
    # coordinators keep the one condition, as does anyone who sees every case.
    if inquiry_visibility_q(user) is None or user.has_perm("inquiries.coordinate_inquiry"):
        return None
    return [
        _matching(Inquiry.objects.filter(branch), words, filters)
        for branch in inquiry_duty_branches(user)
    ]


def _position(pk: int):
    """The (received_at, pk) of case `pk`, as a subquery of the page's own query."""
    return Inquiry.objects.filter(pk=pk).values("received_at")[:1]


def _newer_than(cases: QuerySet[Inquiry], before: int) -> QuerySet[Inquiry]:
    mark = _position(before)
    return (
        cases.filter(received_at__gte=mark)
        .filter(Q(received_at__gt=mark) | Q(pk__gt=before))
        .order_by("received_at", "pk")
    )


def _older_than(cases: QuerySet[Inquiry], after: int) -> QuerySet[Inquiry]:
    mark = _position(after)
    return cases.filter(received_at__lte=mark).filter(Q(received_at__lt=mark) | Q(pk__lt=after))


def _through_branches(
    cases: QuerySet[Inquiry], branches: list[QuerySet[Inquiry]] | None, keyset, rows: int
) -> QuerySet[Inquiry]:
    """`keyset(cases)`, or with branches, the cases named by the union of `keyset(branch)`'s
    first `rows` — the same first `rows` cases, each branch read in the page's order."""
    page = keyset(cases)
    if not branches or len(branches) < 2:
        return page
    order = page.query.order_by
    first, *rest = (keyset(branch).order_by(*order).values("pk")[:rows] for branch in branches)
    # (The union itself unordered: it would take the first branch's order otherwise.)
    return (
        Inquiry.objects.filter(pk__in=first.union(*rest).order_by())
        .select_related(*LIST_RELATED)
        .order_by(*order)
    )


def case_search_page(
    *,
    cases: QuerySet[Inquiry],
    branches: list[QuerySet[Inquiry]] | None = None,
    after: int | None = None,
    before: int | None = None,
    size: int = SEARCH_PAGE_SIZE,
) -> SearchPage:
    """A page of `cases` (ordered newest first) in one query: the first page, the page
    older than case `after`, or the page newer than case `before`. With `branches`
    (`case_search_branches`), the page's cases are found by a union of the branches, each
    stopping after a page and one row.

    The cursor is a case's pk; its received_at is read by a subquery, so the URL carries no
    timestamp. A cursor naming a case that does not exist gives an empty page.
    """
    rows = size + 1
    if before is not None:
        newer = _through_branches(
            cases, branches, lambda queryset: _newer_than(queryset, before), rows
        )
        found = list(newer[:rows])
        has_newer = len(found) > size
        page = list(reversed(found[:size]))
        return SearchPage(
            cases=page,
            after=page[-1].pk if page else None,
            before=page[0].pk if page and has_newer else None,
        )
    if after is not None:
        cases = _through_branches(
            cases, branches, lambda queryset: _older_than(queryset, after), rows
        )
    else:
        cases = _through_branches(cases, branches, lambda queryset: queryset, rows)
    found = list(cases[:rows])
    page = found[:size]
    return SearchPage(
        cases=page,
        after=page[-1].pk if len(found) > size else None,
        before=page[0].pk if page and after is not None else None,
    )
