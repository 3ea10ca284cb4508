"""The annual assessment (年度考核): one's own record, the staff of the departments one may see,
one person's record, printable on A4 and exported to Excel.

Visible to the person for their own record, to heads and supervising leaders for the
departments they lead (sections included) and to the discipline role for all. No page here
shows anything about a complainant.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from inquiries.exports import Column, xlsx_response
from inquiries.models import Department
from penalties import engine
from penalties.models import AnnualRating, Consequence
from penalties.selectors import policy_in_force
from penalties.selectors_assessment import (
    assessment_rows,
    assessment_scope,
    department_rows,
    person_in_scope_get,
    person_record,
    scope_departments,
)

# How far back and ahead the year picker goes from the current assessment year.
YEARS_BACK, YEARS_AHEAD = 5, 1

EXCLUDED_LABELS = {
    engine.EXCLUDED_REVOKED: _("Revoked on appeal"),
    engine.EXCLUDED_WITHDRAWN: _("Proposal not adopted"),
    engine.EXCLUDED_PROPOSED: _("Not yet decided"),
    engine.EXCLUDED_OTHER_YEAR: _("Decided in another assessment year"),
    engine.EXCLUDED_UNKNOWN_LEVEL: _("Not a level of the policy in force"),
}


def _year(request, policy) -> tuple[int, list[int]]:
    current = engine.assessment_year(timezone.localdate(), policy)
    years = list(range(current + YEARS_AHEAD, current - YEARS_BACK - 1, -1))
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = current
    if not 2000 <= year <= 2100:
        year = current
    if year not in years:
        years.append(year)
        years.sort(reverse=True)
    return year, years


def _rating_label(value: str) -> str:
    return AnnualRating(value).label if value else ""


def _record_context(record) -> dict:
    return {
        "record": record,
        "rating_floor_label": _rating_label(record.result.rating_floor),
        "escalations": [
            {
                **item,
                "rating_label": _rating_label(item["escalation"].rating),
            }
            for item in record.escalations
        ],
        "consequences": [
            {"label": Consequence.Kind(kind).label, "kind": kind, "records": records}
            for kind, records in record.consequences
        ],
        "excluded": {
            e.record.id: EXCLUDED_LABELS.get(e.why, e.why) for e in record.result.excluded
        },
        "counted_ids": {r.id for r in record.result.counted},
        "excellence_eligible": not record.result.has(engine.NO_EXCELLENCE),
        "promotion_eligible": not record.result.has(engine.NO_PROMOTION),
    }


@require_GET
@never_cache
@login_required
def my_record(request):
    policy = policy_in_force()
    year, years = _year(request, policy)
    record = person_record(person=request.user, year=year, policy=policy)
    context = {"year": year, "years": years, "policy": policy, "own": True}
    context.update(_record_context(record))
    return TemplateResponse(request, "penalties/assessment_person.html", context)


def _scope_or_403(user):
    # A supervisor who leads no department yet gets an empty list, not a 403: the menu
    # offers the page to every supervisor without a query to find what they lead.
    scope = assessment_scope(user)
    if scope is not None and not scope and not user.has_perm("inquiries.supervise_inquiry"):
        raise PermissionDenied
    return scope


def _department_filter(request, scope) -> Department | None:
    try:
        pk = int(request.GET.get("department", ""))
    except ValueError:
        return None
    return scope_departments(scope).filter(pk=pk).first()


@require_GET
@never_cache
@login_required
def assessment(request):
    scope = _scope_or_403(request.user)
    policy = policy_in_force()
    year, years = _year(request, policy)
    department = _department_filter(request, scope)
    rows = assessment_rows(year=year, scope=scope, department=department)
    context = {
        "year": year,
        "years": years,
        "policy": policy,
        "rows": rows,
        "departments": department_rows(rows),
        "department": department,
        "department_choices": scope_departments(scope),
        "export_url": reverse("penalties:assessment_export")
        + "?"
        + urlencode({"year": year, **({"department": department.pk} if department else {})}),
    }
    return TemplateResponse(request, "penalties/assessment.html", context)


@require_GET
@never_cache
@login_required
def assessment_person(request, user_id: int):
    scope = _scope_or_403(request.user)
    policy = policy_in_force()
    year, years = _year(request, policy)
    person = person_in_scope_get(viewer=request.user, person_id=user_id, scope=scope)
    record = person_record(person=person, year=year, policy=policy)
    context = {"year": year, "years": years, "policy": policy, "own": False}
    context.update(_record_context(record))
    return TemplateResponse(request, "penalties/assessment_person.html", context)


def _eligible(value: bool) -> str:
    return _t("Eligible") if value else _t("Not eligible")


@require_GET
@never_cache
@login_required
def assessment_export(request):
    scope = _scope_or_403(request.user)
    policy = policy_in_force()
    year, _years = _year(request, policy)
    department = _department_filter(request, scope)
    rows = assessment_rows(year=year, scope=scope, department=department)
    columns = [
        Column(_t("Name")),
        Column(_t("Department")),
        Column(_t("Title")),
        Column(_t("Sanctions in force")),
        Column(_t("Commendations")),
        Column(_t("Annual rating forced to")),
        Column(_t("Excellence rating (评优)")),
        Column(_t("Promotion (晋级)")),
        Column(_t("Advanced-unit rating of the department (评先)")),
        Column(_t("Moved off the post or training")),
        Column(_t("Bonus withheld (%)")),
    ]
    data = [
        [
            str(row.person),
            row.profile.department.name,
            row.profile.title,
            row.sanctions_in_force,
            row.commendations,
            row.rating_floor_label,
            _eligible(row.excellence_eligible),
            _eligible(row.promotion_eligible),
            _eligible(not row.flag("department_no_advanced")),
            _t("Yes") if row.post_change else "",
            row.bonus_withheld_percent,
        ]
        for row in rows
    ]
    filters = {"year": year}
    if department is not None:
        filters["department"] = department.code
    return xlsx_response(
        user=request.user,
        what="assessment",
        filename=f"assessment-{year}.xlsx",
        title=_t("Annual assessment %(year)s") % {"year": year},
        columns=columns,
        rows=data,
        filters=filters,
    )


urlpatterns = [
    path("my-record/", my_record, name="my_record"),
    path("assessment/", assessment, name="assessment"),
    path("assessment/export/", assessment_export, name="assessment_export"),
    path("assessment/<int:user_id>/", assessment_person, name="assessment_person"),
]
