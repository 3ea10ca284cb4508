"""Statistics for supervisors (统计分析): the tables and charts, the cases behind each number,
and the tables as Excel."""

import datetime

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import override
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from inquiries.exports import Column, xlsx_response
from inquiries.forms_intake import DateRangeForm
from inquiries.masking import mask_name, mask_phone
from inquiries.selectors_statistics import (
    HANDLING_PERCENTILE,
    SATISFIED_MIN_LEVEL,
    Figures,
    Grouping,
    Measure,
    statistics_drilldown,
    statistics_tables,
)
from inquiries.views.privacy import list_privacy, list_shown
from inquiries.workdays import work_calendar

PAGE_SIZE = 25
# Each table shows its largest groups; "show all" (?all=<grouping>) and the Excel export have
# every row (a unit of 2,000 staff would otherwise get a page of several megabytes).
SHOWN_GROUPS = 20
# Bars of the charts, in SVG user units.
CHART_WIDTH = 320
CHART_BAR_HEIGHT = 18
CHART_ROW_HEIGHT = 26
CHART_LABEL_WIDTH = 140


class StatisticsPeriodForm(DateRangeForm):
    """The period counted: cases received from the first day to the last, both included."""

    def period(self, today: datetime.date) -> tuple[datetime.date, datetime.date]:
        """The dates asked for; a missing or invalid day falls back to this month's."""
        first = today.replace(day=1)
        last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        if not self.is_valid():
            return first, last
        return self.cleaned_data.get("date_from") or first, self.cleaned_data.get("date_to") or last


def _period(request):
    form = StatisticsPeriodForm(request.GET)
    date_from, date_to = form.period(timezone.localdate())
    return form, date_from, date_to


def _period_query(date_from, date_to) -> dict:
    return {"date_from": date_from.isoformat(), "date_to": date_to.isoformat()}


def _drilldown_query(period: dict, grouping: str, key: str) -> str:
    return urlencode({**period, "group": grouping, "key": key})


def _chart(groups: list[dict]) -> dict:
    """Geometry for a horizontal bar chart of the volumes (the template draws it)."""
    top = max((group["figures"].volume for group in groups), default=0)
    bars = []
    for index, group in enumerate(groups):
        volume = group["figures"].volume
        width = round(volume / top * CHART_WIDTH) if top else 0
        bars.append(
            {
                "label": group["label"],
                "value": volume,
                "y": index * CHART_ROW_HEIGHT,
                "text_y": index * CHART_ROW_HEIGHT + CHART_BAR_HEIGHT - 4,
                "width": width,
                "value_x": CHART_LABEL_WIDTH + width + 6,
            }
        )
    return {
        "bars": bars,
        "height": max(len(bars), 1) * CHART_ROW_HEIGHT,
        "width": CHART_LABEL_WIDTH + CHART_WIDTH + 60,
        "label_width": CHART_LABEL_WIDTH,
        "bar_height": CHART_BAR_HEIGHT,
    }


@never_cache
@login_required
@permission_required("inquiries.supervise_inquiry", raise_exception=True)
@require_GET
def statistics(request):
    form, date_from, date_to = _period(request)
    today = timezone.localdate()
    calendar = work_calendar()
    expanded = request.GET.get("all", "")
    tables = statistics_tables(
        user=request.user,
        date_from=date_from,
        date_to=date_to,
        today=today,
        calendar=calendar,
        limit=SHOWN_GROUPS,
        unlimited=[expanded],
    )
    period = _period_query(date_from, date_to)
    sections = []
    for grouping, title in Grouping.choices:
        shown = tables.groups[grouping]
        groups = [
            {
                "label": group.label,
                "figures": group.figures,
                "query": _drilldown_query(period, grouping, group.key),
            }
            for group in shown
        ]
        sections.append(
            {
                "grouping": grouping,
                "title": title,
                "header": Grouping.headers[grouping],
                "groups": groups,
                "group_count": tables.group_counts[grouping],
                "hidden": tables.group_counts[grouping] - len(shown),
                "show_all_query": urlencode({**period, "all": grouping}),
                "chart": _chart(groups),
                "export_query": urlencode({**period, "group": grouping}),
            }
        )
    context = {
        "form": form,
        "date_from": date_from,
        "date_to": date_to,
        "total": tables.total,
        "total_query": _drilldown_query(period, "", ""),
        "sections": sections,
        "percentile": HANDLING_PERCENTILE,
        "satisfied_min_label": SATISFIED_MIN_LEVEL.label,
        "may_export": request.user.has_perm("inquiries.export_inquiries"),
    }
    return TemplateResponse(request, "inquiries/statistics.html", context)


@never_cache
@login_required
@permission_required("inquiries.supervise_inquiry", raise_exception=True)
@require_GET
def drilldown(request):
    _form, date_from, date_to = _period(request)
    grouping = request.GET.get("group", "")
    key = request.GET.get("key", "")
    measure = request.GET.get("measure", Measure.VOLUME)
    if (grouping and grouping not in Grouping.values) or measure not in Measure.labels:
        raise Http404
    drill = statistics_drilldown(
        user=request.user,
        date_from=date_from,
        date_to=date_to,
        grouping=grouping,
        key=key,
        measure=measure,
        today=timezone.localdate(),
    )
    page = Paginator(drill.cases, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    privacy = list_privacy(request, "statistics_cases")
    unmasked = privacy["grant"] is not None
    shown = list(page.object_list)
    list_shown(request, privacy, what="statistics_cases", cases=shown)
    context = {
        "privacy": privacy,
        "measure_label": Measure.labels[measure],
        "show_rating": measure in {Measure.RATED, Measure.RATED_LOW},
        "grouping_header": Grouping.headers.get(grouping, ""),
        "group_label": drill.group_label,
        "date_from": date_from,
        "date_to": date_to,
        "page_obj": page,
        "rows": [
            {
                "case": case,
                "requester": case.requester_name if unmasked else mask_name(case.requester_name),
                "phone": case.requester_phone if unmasked else mask_phone(case.requester_phone),
            }
            for case in shown
        ],
        "page_query": urlencode(sorted(params.lists()), doseq=True),
        "back_query": urlencode(_period_query(date_from, date_to)),
    }
    template = "inquiries/statistics_cases.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    response = TemplateResponse(request, template, context)
    # The same URL answers with a page or a fragment; caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


def _one_decimal(value: float | None):
    return round(value, 1) if value is not None else None


def statistics_columns(grouping_label: str) -> list[Column]:
    return [
        Column(grouping_label),
        Column(_("Received")),
        Column(_("Resolved on the spot")),
        Column(_("On-the-spot resolution rate (%)")),
        Column(_("Closed")),
        Column(_("Closed on time")),
        Column(_("On-time closure rate (%)")),
        Column(_("Average handling time (working days)")),
        Column(_("90th percentile handling time (working days)")),
        Column(_("Referrals returned")),
        Column(_("Referrals accepted or returned")),
        Column(_("Referral return rate (%)")),
        Column(_("Overdue count")),
        Column(_("Rated cases")),
        Column(_("Satisfaction rate (%)")),
        Column(_("Low ratings")),
    ]


def statistics_row(label: str, figures: Figures) -> list:
    return [
        label,
        figures.volume,
        figures.on_the_spot,
        figures.on_the_spot_percent,
        figures.closed,
        figures.on_time,
        figures.on_time_percent,
        _one_decimal(figures.handling_days_average),
        figures.handling_days_p90,
        figures.referrals_returned,
        figures.referrals_decided,
        figures.return_percent,
        figures.overdue,
        figures.rated,
        figures.satisfaction_percent,
        figures.rated_low,
    ]


@never_cache
@login_required
@permission_required("inquiries.supervise_inquiry", raise_exception=True)
@permission_required("inquiries.export_inquiries", raise_exception=True)
@require_GET
def statistics_export(request):
    _form, date_from, date_to = _period(request)
    grouping = request.GET.get("group", Grouping.DEPARTMENT)
    if grouping not in Grouping.values:
        raise Http404
    today = timezone.localdate()
    calendar = work_calendar()
    with override("zh-hans"):
        tables = statistics_tables(
            user=request.user,
            date_from=date_from,
            date_to=date_to,
            today=today,
            calendar=calendar,
            groupings=[grouping],
        )
        grouping_label = str(Grouping.headers[grouping])
        columns = statistics_columns(grouping_label)
        table = [statistics_row(group.label, group.figures) for group in tables.groups[grouping]]
        table.append(statistics_row(_("Total"), tables.total))
        title = _("Statistics")
    return xlsx_response(
        user=request.user,
        what=f"statistics:{grouping}",
        filename=f"statistics-{grouping}-{date_from:%Y%m%d}-{date_to:%Y%m%d}.xlsx",
        title=title,
        columns=columns,
        rows=table,
        filters={**_period_query(date_from, date_to), "group": grouping},
    )
