"""Keyword search over the cases a staff member may see (subject, content, requester).

A page costs a fixed handful of queries, whatever the number of cases or matches: the
results are one keyset page read in one query (see `inquiries.selectors_search`).
"""

from django.contrib.auth.decorators import login_required, permission_required
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from inquiries.models import Channel, Status
from inquiries.selectors_cases import case_rows
from inquiries.selectors_search import (
    SEARCH_QUERY_MAX_LENGTH,
    SearchFilters,
    case_search,
    case_search_branches,
    case_search_page,
    search_words,
    search_years,
)
from inquiries.views.privacy import list_privacy, list_shown

_CURSORS = ("after", "before")


def _cursor(value: str) -> int | None:
    """A page key from the URL; anything but a plain positive number is ignored."""
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


@never_cache
@login_required
@permission_required("inquiries.register_inquiry", raise_exception=True)
@require_GET
def case_search_view(request):
    # NUL is dropped: PostgreSQL text cannot hold it.
    query = request.GET.get("q", "").replace("\x00", "")[: SEARCH_QUERY_MAX_LENGTH * 2]
    words = search_words(query)
    years = search_years(today=timezone.localdate())
    filters = SearchFilters.from_params(request.GET, years=years)
    page = None
    if words:
        # Without a word nothing is searched: listing every case is what the lists are for.
        page = case_search_page(
            cases=case_search(user=request.user, words=words, filters=filters),
            branches=case_search_branches(user=request.user, words=words, filters=filters),
            after=_cursor(request.GET.get("after")),
            before=_cursor(request.GET.get("before")),
        )
    base = [("q", " ".join(query.split()))]
    base += [
        (name, value)
        for name, value in (
            ("status", filters.status),
            ("channel", filters.channel),
            ("year", filters.year or ""),
        )
        if value
    ]
    privacy = list_privacy(request, "search")
    rows = case_rows(page.cases, unmasked=privacy["grant"] is not None) if page else []
    list_shown(request, privacy, what="search", cases=[row.case for row in rows])
    context = {
        "privacy": privacy,
        "query": " ".join(query.split()),
        "words": words,
        "filters": filters,
        "statuses": Status.choices,
        "channels": Channel.choices,
        "years": years,
        "page": page,
        "rows": rows,
        "next_query": urlencode([*base, ("after", page.after)]) if page and page.after else "",
        "previous_query": (
            urlencode([*base, ("before", page.before)]) if page and page.before else ""
        ),
        "first_query": urlencode(base) if page and page.before else "",
    }
    template = "inquiries/case_search.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    response = TemplateResponse(request, template, context)
    # The same URL answers with a page or a fragment; caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response
