"""The department directory: where a first responder finds who handles a matter."""

from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from inquiries.selectors import (
    department_children,
    department_directory_groups,
    department_get_for_directory,
    department_office,
    department_search,
    department_staff,
)
from inquiries.text import normalize_text

# Longer queries are cut: nobody types a department's duties in full, and LIKE scans are costly.
QUERY_MAX_LENGTH = 100


@login_required
@require_GET
def directory(request):
    query = normalize_text(request.GET.get("q", ""))[:QUERY_MAX_LENGTH]
    departments = list(department_search(query=query))
    context = {
        "query": query,
        "groups": department_directory_groups(departments=departments),
        "result_count": len(departments),
        # Named in the "nothing found" message: the office coordinates unclear matters.
        "office": None if departments else department_office(),
    }
    template = "inquiries/directory.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    response = TemplateResponse(request, template, context)
    # The same URL answers with a page or a fragment; caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
@require_GET
def department_detail(request, code):
    department = department_get_for_directory(code=code)
    context = {
        "department": department,
        "children": department_children(department=department),
        "staff": department_staff(department=department),
    }
    return TemplateResponse(request, "inquiries/department_detail.html", context)
