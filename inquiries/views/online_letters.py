"""The public writes to the office online (网上来信): no login, no personal data in URLs.

A letter is limited in size, and an address may send only so many letters an hour (counted
atomically in the default cache). A robot that fills the hidden honeypot field is shown the
same "received" page as a person, but nothing is saved.
"""

from django.core.cache import cache
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from inquiries.forms_letters import CONTENT_MAX_LENGTH, OnlineLetterForm
from inquiries.services import InquiryError
from inquiries.services.public import online_letter_submit

LETTERS_PER_HOUR = 5
RATE_WINDOW_SECONDS = 60 * 60
# The whole request: the letter's limit in UTF-8 (up to 4 bytes a character) plus the rest.
MAX_BODY_BYTES = CONTENT_MAX_LENGTH * 4 + 8 * 1024
SESSION_KEY = "online_letter_sent"


def _remote_addr(request) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def _over_rate_limit(request) -> bool:
    """Count this letter for the sender's address; True when it is one too many."""
    key = f"letters:rate:{_remote_addr(request)}"
    cache.add(key, 0, RATE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, RATE_WINDOW_SECONDS)
        count = 1
    return count > LETTERS_PER_HOUR


def _form_page(request, form, *, status=200, error=""):
    context = {
        "form": form,
        "error": error,
        "content_max_length": CONTENT_MAX_LENGTH,
    }
    return TemplateResponse(request, "inquiries/letter_new.html", context, status=status)


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def letter_new(request):
    if request.method == "GET":
        return _form_page(request, OnlineLetterForm())
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        return _form_page(
            request,
            OnlineLetterForm(),
            status=413,
            error=_("Your letter is too long: at most %(limit)d characters.")
            % {"limit": CONTENT_MAX_LENGTH},
        )
    form = OnlineLetterForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, status=400)
    if _over_rate_limit(request):
        return _form_page(
            request,
            form,
            status=429,
            error=_(
                "Too many letters were sent from your network in the last hour. Nothing was "
                "saved; please try again later or call us."
            ),
        )
    if form.is_robot:
        # The same answer a person gets, so the robot learns nothing; nothing is saved.
        request.session[SESSION_KEY] = {"number": "", "code": ""}
        return redirect("inquiries:letter_sent")
    data = form.cleaned_data
    try:
        inquiry = online_letter_submit(
            kind=data["kind"],
            name=data["name"],
            phone=data["phone"],
            email=data["email"],
            address=data["address"],
            subject=data["subject"],
            content=data["content"],
            remote_addr=_remote_addr(request),
        )
    except InquiryError as error:
        return _form_page(request, form, status=400, error=error.message)
    request.session[SESSION_KEY] = {"number": inquiry.number, "code": inquiry.tracking_code}
    return redirect("inquiries:letter_sent")


@never_cache
@require_GET
def letter_sent(request):
    sent = request.session.get(SESSION_KEY)
    if not sent:
        return redirect("inquiries:letter_new")
    return TemplateResponse(
        request,
        "inquiries/letter_sent.html",
        {"number": sent["number"], "code": sent["code"]},
    )
