from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connections
from django.http import Http404, JsonResponse
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from inquiries.calendar_status import calendar_warnings_for_user
from inquiries.selectors import staff_profile_for_user, user_role_labels


@login_required
def home(request):
    """The signed-in user's card: what they tell a requester (name, duty, phone)."""
    context = {
        "profile": staff_profile_for_user(user=request.user),
        "role_labels": user_role_labels(user=request.user),
        # Deadlines in a year without the official schedule count Monday to Friday.
        "calendar_warnings": calendar_warnings_for_user(request.user),
    }
    return TemplateResponse(request, "home.html", context)


@never_cache
@require_GET
def healthz(request):
    """200 when every configured database answers a query, 503 otherwise."""
    checks = {}
    for alias in connections:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError:
            checks[alias] = "unavailable"
        else:
            checks[alias] = "ok"
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "databases": checks},
        status=200 if healthy else 503,
    )


def error_preview(request, code):
    templates = {403: "403.html", 404: "404.html", 500: "500.html"}
    if code not in templates:
        raise Http404
    return TemplateResponse(request, templates[code], status=code)
