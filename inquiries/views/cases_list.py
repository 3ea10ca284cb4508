"""The case lists: "my cases" (as first responder or handler) and the phone and visit registers.

Every front-desk worker keeps these open all day, so each page costs a fixed handful of
queries whatever the number of cases (the tests hold them to it).
"""

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from inquiries.forms_intake import CaseListFilterForm, RegisterFilterForm
from inquiries.models import Channel
from inquiries.selectors_cases import (
    DUE_SOON_WORKING_DAYS,
    CaseRole,
    CaseState,
    case_rows,
    my_cases_counts,
    my_cases_list,
    register_cases,
)
from inquiries.workdays import work_calendar

PAGE_SIZE = 25

REGISTERS = {
    Channel.PHONE: {
        "title": _("Phone register"),
        "lead": _("Every call registered, newest first: when, who called, what about."),
        "url_name": "inquiries:phone_register",
        "requester_label": _("Caller"),
    },
    Channel.VISIT: {
        "title": _("Visit register"),
        "lead": _("Every visit registered, newest first: when, who came, what about."),
        "url_name": "inquiries:visit_register",
        "requester_label": _("Visitor"),
    },
}


def _render(request, template: str, context: dict) -> TemplateResponse:
    """The page, or only its results for an htmx request (search and page links)."""
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    response = TemplateResponse(request, template, context)
    # The same URL answers with a page or a fragment; caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


def _query_without_page(request) -> str:
    """The current filters, for page links."""
    params = request.GET.copy()
    params.pop("page", None)
    return urlencode(sorted(params.lists()), doseq=True)


@never_cache
@login_required
@permission_required("inquiries.register_inquiry", raise_exception=True)
@require_GET
def my_cases(request):
    filters = CaseListFilterForm(request.GET)
    role, state, query = filters.filters()
    calendar = work_calendar()
    today = timezone.localdate()
    soon_until = calendar.add_working_days(today, DUE_SOON_WORKING_DAYS)
    cases = my_cases_list(
        user=request.user,
        role=role,
        state=state,
        query=query,
        today=today,
        soon_until=soon_until,
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = my_cases_counts(user=request.user, today=today, soon_until=soon_until)
    context = {
        "role": role,
        "state": state,
        "query": query,
        "roles": [
            {"value": value, "label": label, "open": counts[value][CaseState.OPEN]}
            for value, label in CaseRole.choices
        ],
        "states": [
            {"value": value, "label": label, "count": counts[role][value]}
            for value, label in CaseState.choices
        ],
        "page_obj": page,
        "rows": case_rows(page.object_list, calendar=calendar, today=today),
        "page_query": _query_without_page(request),
        "due_soon_days": DUE_SOON_WORKING_DAYS,
    }
    return _render(request, "inquiries/my_cases.html", context)


@never_cache
@login_required
@permission_required("inquiries.register_inquiry", raise_exception=True)
@require_GET
def phone_register(request):
    return _register(request, Channel.PHONE)


@never_cache
@login_required
@permission_required("inquiries.register_inquiry", raise_exception=True)
@require_GET
def visit_register(request):
    return _register(request, Channel.VISIT)


def _register(request, channel: str):
    filters = RegisterFilterForm(request.GET)
    date_from, date_to = filters.dates()
    cases = register_cases(user=request.user, channel=channel, date_from=date_from, date_to=date_to)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    register = REGISTERS[channel]
    context = {
        **register,
        "channel": channel,
        "url": request.path,
        "tabs": [
            {"label": other["title"], "url_name": other["url_name"], "current": key == channel}
            for key, other in REGISTERS.items()
        ],
        "filters": filters,
        "date_from": date_from,
        "date_to": date_to,
        "page_obj": page,
        "rows": case_rows(page.object_list),
        "page_query": _query_without_page(request),
        "printed_at": timezone.localtime(),
    }
    return _render(request, "inquiries/register.html", context)


# Placeholders: the registers work in progress replaces these.
def letter_register(request):
    raise Http404


def register_export(request, register):
    raise Http404
