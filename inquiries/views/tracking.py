"""Public tracking (办件查询): a requester follows their case without logging in.

POST only for the lookup, so the case number and the phone digits never appear in a URL, a
log line or a Referer. A wrong combination and an unknown number get the same answer.
"""

from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from inquiries import throttle
from inquiries.forms_public import TrackForm
from inquiries.selectors_public import public_case_lookup

TEMPLATE = "inquiries/track.html"


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def track(request):
    address = throttle.client_address(request)
    if request.method == "GET":
        return TemplateResponse(request, TEMPLATE, {"form": TrackForm()})
    if throttle.is_locked(address):
        # Refused without looking at the credentials at all.
        context = {"form": TrackForm(), "locked": True}
        return TemplateResponse(request, TEMPLATE, context, status=429)
    form = TrackForm(request.POST)
    if not form.is_valid():
        return TemplateResponse(request, TEMPLATE, {"form": form})
    case = public_case_lookup(
        number=form.cleaned_data["number"],
        tracking_code=form.cleaned_data["tracking_code"],
        phone_last4=form.cleaned_data["phone_last4"],
    )
    if case is None:
        throttle.record_failure(address)
        return TemplateResponse(request, TEMPLATE, {"form": TrackForm(), "not_found": True})
    return TemplateResponse(request, TEMPLATE, {"form": TrackForm(), "case": case})
