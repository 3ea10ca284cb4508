"""Supervision: the supervisor's dashboard (督办台) with its Excel exports, and the pressing
(督办) and extension (延期) actions on the case page.

The case-page actions share the shape of `case_actions`: find the case the user may see (404
otherwise), check the action is allowed now (403 otherwise), validate the form, call one
service, redirect with a message; a refusal re-renders the case page with the input kept.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from inquiries import exports, permissions
from inquiries.forms_supervision import (
    ExtensionDecideForm,
    ExtensionRequestForm,
    ExtensionToldForm,
    PressAnswerForm,
    PressForm,
    SupervisionFilterForm,
)
from inquiries.masking import mask_name, mask_phone
from inquiries.models import ExtensionRequest, PressNotice, User
from inquiries.permissions import supervised_department_ids
from inquiries.selectors import inquiry_get_for_user
from inquiries.selectors_cases import case_rows
from inquiries.selectors_referrals import BoundedCount, CappedCount, capped
from inquiries.selectors_supervision import (
    SECTIONS,
    SECTIONS_BY_NAME,
    SORTS,
    SUPERVISION_DUE_SOON_DAYS,
    first_rows,
    supervision_cases,
    supervision_prefetch,
)
from inquiries.services import InquiryError
from inquiries.services import supervision as services
from inquiries.services.privacy import unmask_grant
from inquiries.views.case_actions import _case_page, _case_url, supervision_form_key
from inquiries.views.privacy import list_privacy, list_shown
from inquiries.workdays import work_calendar

# The dashboard shows the first rows of each list; "see all" opens the whole list in pages.
DASHBOARD_ROWS = 10
PAGE_SIZE = 50
SORT_LABELS = (
    ("deadline", gettext_lazy("deadline, earliest first")),
    ("-deadline", gettext_lazy("deadline, latest first")),
    ("received_at", gettext_lazy("received, oldest first")),
    ("-received_at", gettext_lazy("received, newest first")),
)


# --- The dashboard ---------------------------------------------------------------------------


def _led(user) -> set[int] | None:
    """The departments the user supervises; None for those who see every case."""
    if user.has_perm("inquiries.view_all_inquiries"):
        return None
    return supervised_department_ids(user)


def _select_attrs(attrs: dict) -> str:
    return "".join(
        f" {conditional_escape(name)}"
        + ("" if value is True else f'="{conditional_escape(str(value))}"')
        for name, value in attrs.items()
        if value is not False
    )


class QuickSelect(forms.Select):
    """A `Select` that writes the same HTML as Django's templates without a template per
    option: the dashboard's handler filter lists everyone in the leader's departments
    (475 options for a leader of 75 departments), which took 70 ms to render (issue 9)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"']
        parts.append(f"{_select_attrs(widget['attrs'])}>")
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in options:
                parts.append(
                    f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                    f"{_select_attrs(option['attrs'])}>"
                    f"{conditional_escape(option['label'])}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        # Every value above is escaped.
        return mark_safe("".join(parts))


def _quick(widget: forms.Select) -> QuickSelect:
    quick = QuickSelect(attrs=widget.attrs, choices=widget.choices)
    quick.is_required = widget.is_required
    return quick


def _dashboard_filters(request, *, led: set[int] | bool | None = False):
    """The filter form and its valid filters; `led` is `_led(user)` if the caller has it."""
    department_ids = _led(request.user) if led is False else led
    form = SupervisionFilterForm(request.GET or None, department_ids=department_ids)
    # A handler option shows the name (`User.__str__`): the rest of the row is not read.
    handler = form.fields["handler"]
    handler.queryset = handler.queryset.only("pk", "full_name", "username")
    for field in form.fields.values():
        if type(field.widget) is forms.Select:
            field.widget = _quick(field.widget)
    return form, form.filters() if request.GET else {}


def _dates():
    calendar = work_calendar()
    today = timezone.localdate()
    return calendar, today, calendar.add_working_days(today, SUPERVISION_DUE_SOON_DAYS)


def _section_cases(request, name: str, filters: dict, *, dates=None, **options):
    """One list's cases; `dates` is `_dates()` if the caller has it (the dashboard reads the
    calendar once for its eight lists)."""
    calendar, today, soon_until = dates or _dates()
    cases = supervision_cases(
        user=request.user,
        name=name,
        today=today,
        soon_until=soon_until,
        filters=filters,
        sort=request.GET.get("sort", ""),
        **options,
    )
    return cases, calendar, today


def _query(request, **changes) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value:
            params[key] = value
    return urlencode(sorted(params.lists()), doseq=True)


@never_cache
@login_required
@permission_required("inquiries.supervise_inquiry", raise_exception=True)
@require_GET
def dashboard(request):
    user = request.user
    # Read once for the filter form and the eight lists (each would otherwise walk the
    # organisation chart again), as is the calendar.
    led = _led(user)
    dates = _dates()
    form, filters = _dashboard_filters(request, led=led)
    sort = request.GET.get("sort", "")
    sort = sort if sort in SORTS else ""
    only = request.GET.get("list", "")
    if only and only not in SECTIONS_BY_NAME:
        raise Http404("No such list.")
    privacy = list_privacy(request, "supervision")
    shown_sections = [section for section in SECTIONS if not only or section.name == only]
    listed = {
        section.name: _section_cases(
            request, section.name, filters, dates=dates, led=led, prefetch=False
        )
        for section in shown_sections
    }
    counts = {}
    if not only:
        # One query for every count, each stopping at COUNT_CAP ("99+"): a count reads at
        # most a hundred index entries however long the backlog. The count and the rows come
        # from the same queryset: what is counted is listed.
        bounded = {name: BoundedCount(cases) for name, (cases, _c, _t) in listed.items()}
        row = User.objects.filter(pk=user.pk).values(**bounded).first() or {}
        counts = {name: capped(row.get(name)) for name in listed}
    sections = []
    for section in shown_sections:
        cases, calendar, today = listed[section.name]
        page = None
        if only:
            page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
            shown = list(page.object_list)
            count = page.paginator.count
        else:
            count = counts[section.name]
            shown = first_rows(cases, DASHBOARD_ROWS) if count else []
        sections.append(
            {
                "section": section,
                "description": str(section.description) % {"days": SUPERVISION_DUE_SOON_DAYS},
                # An int up to COUNT_CAP; "capped" when there are more (shown "99+").
                "count": int(count),
                "count_label": str(count),
                "capped": isinstance(count, CappedCount),
                "rows": shown,
                "calendar": calendar,
                "today": today,
                "more": not only and count > DASHBOARD_ROWS,
                "page_obj": page,
                "see_all": "?" + _query(request, list=section.name, page=""),
                "export_url": reverse("inquiries:supervision_export", args=[section.name])
                + "?"
                + _query(request, list="", page=""),
                "sort_links": [
                    {
                        "label": label,
                        "url": "?" + _query(request, sort=key, page=""),
                        "current": key == sort,
                    }
                    for key, label in SORT_LABELS
                ],
            }
        )
    # The open notices and extensions of every row shown: two queries for all the lists.
    shown_cases = [case for item in sections for case in item["rows"]]
    supervision_prefetch(shown_cases)
    for item in sections:
        item["rows"] = case_rows(
            item.pop("rows"),
            calendar=item.pop("calendar"),
            today=item.pop("today"),
            unmasked=privacy["grant"] is not None,
        )
    list_shown(request, privacy, what="supervision", cases=shown_cases)
    context = {
        "sections": sections,
        "privacy": privacy,
        "only": SECTIONS_BY_NAME.get(only),
        "filter_form": form,
        "sort": sort,
        "page_query": _query(request, page=""),
        "may_export": request.user.has_perm("inquiries.export_inquiries"),
        "dashboard_url": reverse("inquiries:supervision"),
    }
    return TemplateResponse(request, "inquiries/supervision_dashboard.html", context)


def _export_columns():
    return [
        exports.Column(_("Case number")),
        exports.Column(_("Received at")),
        exports.Column(_("Kind")),
        exports.Column(_("Requester")),
        exports.Column(_("Phone")),
        exports.Column(_("Subject"), width=40),
        exports.Column(_("Status")),
        exports.Column(_("Handling department")),
        exports.Column(_("Current handler")),
        exports.Column(_("First responder")),
        exports.Column(_("Deadline")),
        exports.Column(_("Working days left")),
    ]


@never_cache
@login_required
@permission_required("inquiries.supervise_inquiry", raise_exception=True)
@permission_required("inquiries.export_inquiries", raise_exception=True)
@require_GET
def dashboard_export(request, list_name):
    """The list as shown (same filters and sort), every row, as an .xlsx download."""
    section = SECTIONS_BY_NAME.get(list_name)
    if section is None:
        raise Http404("No such list.")
    _form, filters = _dashboard_filters(request)
    cases, calendar, today = _section_cases(request, list_name, filters)
    grant = unmask_grant(request, "supervision")
    unmask = grant is not None
    rows = []
    exported = case_rows(cases, calendar=calendar, today=today)
    for row in exported:
        case = row.case
        rows.append(
            [
                case.number,
                case.received_at,
                case.get_kind_display(),
                case.requester_name if unmask else mask_name(case.requester_name),
                case.requester_phone if unmask else mask_phone(case.requester_phone),
                case.subject,
                case.get_status_display(),
                case.handling_department.name if case.handling_department else "",
                case.current_holder.get_full_name() if case.current_holder else "",
                case.first_responder.get_full_name() if case.first_responder else "",
                case.deadline,
                row.deadline.working_days_left if row.deadline else None,
            ]
        )
    # The office's spreadsheets are in Chinese whatever language the page is read in.
    with translation.override(settings.LANGUAGE_CODE):
        title = str(section.title)
        columns = _export_columns()
    filename = f"{title}-{timezone.localdate():%Y%m%d}.xlsx"
    return exports.xlsx_response(
        user=request.user,
        what=f"supervision:{list_name}",
        filename=filename,
        title=title,
        columns=columns,
        rows=rows,
        filters=exports.recorded_query(request),
        request=request,
        grant=grant,
        cases=[row.case for row in exported],
    )


# --- Case-page actions -----------------------------------------------------------------------


def _act(request, number, *, action, form_class, run, success, record=None):
    """Shared by the supervision actions; `record(inquiry)` finds the notice or request the
    URL names (404 if it is not this case's), and `run(inquiry, form, record)` calls one
    service."""
    inquiry = inquiry_get_for_user(user=request.user, number=number)
    target = record(inquiry) if record else None
    if target is None and record:
        raise Http404("No such record on this case.")
    presses = list(inquiry.press_notices.all())
    extensions = list(inquiry.extensions.all())
    actions = permissions.supervision_actions(
        request.user, inquiry, presses=presses, extensions=extensions
    )
    if action not in actions:
        return _case_page(
            request,
            inquiry,
            status=403,
            error=_(
                "This action is not available to you on this case now (it is “%(status)s”). "
                "Nothing was changed."
            )
            % {"status": inquiry.get_status_display()},
        )
    form = form_class(request.POST, inquiry=inquiry, user=request.user)
    if form.is_valid():
        try:
            outcome = run(inquiry, form, target)
        except InquiryError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, success(outcome) if callable(success) else success)
            return redirect(_case_url(inquiry))
    key = supervision_form_key(action, target.pk if target else None)
    return _case_page(request, inquiry, bound={key: form}, failed_action=action, status=400)


@login_required
@require_POST
def case_press(request, number):
    def run(inquiry, form, _target):
        return services.press_create(
            inquiry=inquiry,
            by=request.user,
            message=form.cleaned_data["message"],
            respond_by=form.cleaned_data["respond_by"],
        )

    return _act(
        request,
        number,
        action=permissions.PRESS,
        form_class=PressForm,
        run=run,
        success=lambda notice: (
            _("The case was pressed; the handler is to answer by %(date)s.")
            % {"date": date_format(notice.respond_by, "DATE_FORMAT")}
        ),
    )


@login_required
@require_POST
def press_answer(request, number, pk):
    def run(inquiry, form, notice):
        return services.press_answer(
            notice=notice, by=request.user, answer=form.cleaned_data["answer"]
        )

    return _act(
        request,
        number,
        action=permissions.ANSWER_PRESS,
        form_class=PressAnswerForm,
        run=run,
        success=_("Your answer to the pressing notice was recorded."),
        record=lambda inquiry: PressNotice.objects.filter(inquiry=inquiry, pk=pk).first(),
    )


@login_required
@require_POST
def extension_request(request, number):
    def run(inquiry, form, _target):
        return services.extension_request(
            inquiry=inquiry,
            by=request.user,
            reason=form.cleaned_data["reason"],
            extra_days=form.cleaned_data["extra_days"],
        )

    return _act(
        request,
        number,
        action=permissions.REQUEST_EXTENSION,
        form_class=ExtensionRequestForm,
        run=run,
        success=_("The extension was requested; the department head decides."),
    )


def _extension_of(pk):
    return lambda inquiry: ExtensionRequest.objects.filter(inquiry=inquiry, pk=pk).first()


@login_required
@require_POST
def extension_decide(request, number, pk):
    def run(inquiry, form, extension):
        return services.extension_decide(
            request=extension,
            by=request.user,
            approve=form.approve,
            note=form.cleaned_data["note"],
        )

    def success(extension):
        if extension.state == ExtensionRequest.State.APPROVED:
            return _(
                "The extension was approved: the new deadline is %(date)s. The requester "
                "must be told."
            ) % {"date": date_format(extension.new_deadline, "DATE_FORMAT")}
        return _("The extension was refused; the deadline stays.")

    return _act(
        request,
        number,
        action=permissions.DECIDE_EXTENSION,
        form_class=ExtensionDecideForm,
        run=run,
        success=success,
        record=_extension_of(pk),
    )


@login_required
@require_POST
def extension_told(request, number, pk):
    def run(inquiry, form, extension):
        return services.extension_told(
            request=extension, by=request.user, note=form.cleaned_data["note"]
        )

    return _act(
        request,
        number,
        action=permissions.RECORD_EXTENSION_TOLD,
        form_class=ExtensionToldForm,
        run=run,
        success=_("Recorded: the requester was told of the new deadline."),
        record=_extension_of(pk),
    )
