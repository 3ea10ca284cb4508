"""Public tracking (办件查询): a requester follows their case without logging in.

POST only for the lookup, so the case number and the phone digits never appear in a URL, a
log line or a Referer. A wrong combination and an unknown number get the same answer.
"""

from django import forms
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from inquiries import throttle
from inquiries.forms_public import TrackForm
from inquiries.models import Inquiry, Rating
from inquiries.selectors_public import public_case_lookup
from inquiries.services import InquiryError
from inquiries.services.ratings import rating_submit

TEMPLATE = "inquiries/track.html"


class RatingForm(forms.Form):
    """好差评 on the tracking page: sent with the same case number and secret, checked again."""

    level = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=Rating.Level.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=Rating.COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _rating_context(request, case, credentials) -> dict:
    """The rating shown for a closed case, or the form to give one; a posted rating is saved."""
    if not case.is_closed:
        return {}
    inquiry = Inquiry.objects.get(number=case.number)
    rating = Rating.objects.filter(inquiry=inquiry).first()
    context = {"credentials": credentials, "rating": rating}
    if "level" not in request.POST:
        if rating is None:
            context["rating_form"] = RatingForm()
        return context
    rating_form = RatingForm(request.POST)
    if rating is not None:
        context["rating_error"] = _("This case has already been rated.")
        return context
    if not rating_form.is_valid():
        context["rating_form"] = rating_form
        return context
    try:
        context["rating"] = rating_submit(
            inquiry=inquiry,
            level=rating_form.cleaned_data["level"],
            comment=rating_form.cleaned_data["comment"],
            source=Rating.Source.TRACKING_PAGE,
        )
    except InquiryError as error:
        context["rating_error"] = error.message
        return context
    context["rating_thanks"] = True
    return context


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
    credentials = {
        "number": form.cleaned_data["number"],
        "tracking_code": form.cleaned_data["tracking_code"],
        "phone_last4": form.cleaned_data["phone_last4"],
    }
    context = {"form": TrackForm(), "case": case} | _rating_context(request, case, credentials)
    return TemplateResponse(request, TEMPLATE, context)
