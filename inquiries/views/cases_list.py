"""The case lists: "my cases" (as first responder or handler) and the phone, visit and letter
registers, with the registers' Excel exports.

Every front-desk worker keeps these open all day, so each page costs a fixed handful of
queries whatever the number of cases (the tests hold them to it).
"""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from inquiries.exports import Column, xlsx_response
from inquiries.forms_intake import CaseListFilterForm, RegisterFilterForm
from inquiries.masking import mask_name, mask_phone
from inquiries.models import Channel
from inquiries.paging import BoundedPaginator
from inquiries.selectors_cases import (
    DUE_SOON_WORKING_DAYS,
    CaseRole,
    CaseState,
    case_rows,
    my_cases_counts,
    my_cases_list,
    register_cases,
)
from inquiries.selectors_statistics import register_cases_for_channels
from inquiries.services.privacy import unmask_grant
from inquiries.views.privacy import list_privacy, list_shown
from inquiries.workdays import work_calendar

PAGE_SIZE = 25

# The letter register has no channel of its own: it holds letters and faxes.
LETTERS = "letters"

REGISTERS = {
    Channel.PHONE: {
        "title": _("Phone register"),
        "lead": _("Every call registered, newest first: when, who called, what about."),
        "url_name": "inquiries:phone_register",
        "requester_label": _("Caller"),
        "slug": "phone",
        "channels": (Channel.PHONE,),
    },
    Channel.VISIT: {
        "title": _("Visit register"),
        "lead": _("Every visit registered, newest first: when, who came, what about."),
        "url_name": "inquiries:visit_register",
        "requester_label": _("Visitor"),
        "slug": "visits",
        "channels": (Channel.VISIT,),
    },
    LETTERS: {
        "title": _("Letter register"),
        "lead": _("Every letter and fax registered, newest first: when, who wrote, what about."),
        "url_name": "inquiries:letter_register",
        "requester_label": _("Writer"),
        "slug": "letters",
        "channels": (Channel.LETTER, Channel.FAX),
    },
}
# The registers by the name their export URL uses (registers/<register>/export.xlsx).
REGISTERS_BY_SLUG = {register["slug"]: key for key, register in REGISTERS.items()}


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
    page = BoundedPaginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = my_cases_counts(user=request.user, today=today, soon_until=soon_until)
    privacy = list_privacy(request, "my_cases")
    rows = case_rows(
        page.object_list, calendar=calendar, today=today, unmasked=privacy["grant"] is not None
    )
    list_shown(request, privacy, what="my_cases", cases=[row.case for row in rows])
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
        "rows": rows,
        "privacy": privacy,
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


def _register_cases(user, key: str, date_from, date_to):
    channels = REGISTERS[key]["channels"]
    if len(channels) == 1:
        return register_cases(user=user, channel=channels[0], date_from=date_from, date_to=date_to)
    return register_cases_for_channels(
        user=user, channels=channels, date_from=date_from, date_to=date_to
    )


def _register(request, channel: str):
    filters = RegisterFilterForm(request.GET)
    date_from, date_to = filters.dates()
    cases = _register_cases(request.user, channel, date_from, date_to)
    page = BoundedPaginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    register = REGISTERS[channel]
    privacy = list_privacy(request, f"register:{register['slug']}")
    rows = case_rows(page.object_list, unmasked=privacy["grant"] is not None)
    list_shown(request, privacy, what=privacy["scope"], cases=[row.case for row in rows])
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
        "rows": rows,
        "privacy": privacy,
        "page_query": _query_without_page(request),
        "export_url": reverse("inquiries:register_export", args=[register["slug"]]),
        "export_query": _query_without_page(request),
        "may_export": request.user.has_perm("inquiries.export_inquiries"),
        "printed_at": timezone.localtime(),
    }
    return _render(request, "inquiries/register.html", context)


@never_cache
@login_required
@permission_required("inquiries.register_inquiry", raise_exception=True)
@require_GET
def letter_register(request):
    return _register(request, LETTERS)


def register_export_rows(cases, *, unmasked: bool) -> list[list]:
    """The register's lines as spreadsheet rows, masked unless `unmasked`."""
    return list(register_export_lines(cases, unmasked=unmasked))


def register_export_lines(cases, *, unmasked: bool, numbers: list | None = None):
    """The register's lines one by one (see `register_export_rows`); the case numbers are
    added to `numbers` if given."""
    for case in cases:
        if numbers is not None:
            numbers.append(case.number)
        name, phone = case.requester_name, case.requester_phone
        if not unmasked:
            name, phone = mask_name(name), mask_phone(phone)
        yield [
            case.received_at,
            case.get_channel_display(),
            name,
            case.requester_unit,
            phone,
            case.get_kind_display(),
            case.subject,
            case.content,
            case.number,
            case.first_responder.get_full_name() if case.first_responder else "",
            case.get_status_display(),
        ]


def register_export_columns(requester_label) -> list[Column]:
    return [
        Column(gettext("Received at"), width=18),
        Column(gettext("Channel")),
        Column(str(requester_label)),
        Column(gettext("Requester's unit")),
        Column(gettext("Phone")),
        Column(gettext("Kind")),
        Column(gettext("Subject")),
        Column(gettext("Content"), width=60),
        Column(gettext("Case number")),
        Column(gettext("First responder")),
        Column(gettext("Status")),
    ]


@never_cache
@login_required
@permission_required("inquiries.register_inquiry", raise_exception=True)
@permission_required("inquiries.export_inquiries", raise_exception=True)
@require_GET
def register_export(request, register):
    """A register as Excel, with the page's filters; the requesters' personal data masked
    unless the user gave a reason to see the register unmasked (a live grant)."""
    key = REGISTERS_BY_SLUG.get(register)
    if key is None:
        raise Http404
    filters = RegisterFilterForm(request.GET)
    date_from, date_to = filters.dates()
    grant = unmask_grant(request, f"register:{register}")
    cases = (
        _register_cases(request.user, key, date_from, date_to)
        .select_related(None)
        .select_related("first_responder")
    )
    numbers = []

    def rows():
        # Read twice in chunks (the widths, then the sheet), holding no rows: 10,000 cases
        # with their people and departments held a worker's memory up (issue 9). The
        # numbers are those of the rows written (the second reading).
        numbers.clear()
        return register_export_lines(
            cases.iterator(chunk_size=2000), unmasked=grant is not None, numbers=numbers
        )

    suffix = (f"-from-{date_from:%Y%m%d}" if date_from else "") + (
        f"-to-{date_to:%Y%m%d}" if date_to else ""
    )
    # Chinese headers and values whatever the page's language: the file is filed and printed.
    with override("zh-hans"):
        return xlsx_response(
            user=request.user,
            what=f"register:{register}",
            filename=f"register-{register}{suffix}.xlsx",
            title=str(REGISTERS[key]["title"]),
            columns=register_export_columns(REGISTERS[key]["requester_label"]),
            rows=rows,
            filters={
                "date_from": date_from.isoformat() if date_from else "",
                "date_to": date_to.isoformat() if date_to else "",
            },
            request=request,
            grant=grant,
            cases=numbers,
        )
