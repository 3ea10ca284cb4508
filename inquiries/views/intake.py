"""Intake: registering a case at the counter, on the phone or from a letter, in under a minute.

One form serves the three channels. The server proposes the handling department and the time
limit as the matter and kind are chosen (htmx asks `matter_lookup`; without JavaScript the
proposal is shown again after submitting). Whoever registers becomes the first responder.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from inquiries import services
from inquiries.forms_intake import QUERY_MAX_LENGTH, IntakeForm
from inquiries.models import Channel, Kind
from inquiries.selectors import staff_profile_for_user
from inquiries.selectors_cases import (
    MATTER_OPTIONS_MAX,
    MatterMatch,
    intake_proposal,
    matter_resolve,
    matter_search,
)
from inquiries.text import normalize_text
from inquiries.workdays import WorkCalendar, work_calendar

TEMPLATE = "inquiries/intake.html"
CHANNELS = (
    (Channel.VISIT, "inquiries:intake_visit", gettext_lazy("Register a visit")),
    (Channel.PHONE, "inquiries:intake_phone", gettext_lazy("Register a phone call")),
    (Channel.LETTER, "inquiries:intake_letter", gettext_lazy("Register a letter")),
    (Channel.FAX, "inquiries:intake_fax", gettext_lazy("Register a fax")),
)


def _channel_tabs(current: str) -> list[dict]:
    return [
        {
            "label": Channel(channel).label,
            "url": reverse(url_name),
            "current": channel == current,
        }
        for channel, url_name, _title in CHANNELS
    ]


# Everything posted here is a requester's personal data: keep it out of error reports.
@sensitive_post_parameters()
@never_cache
@login_required
@permission_required("inquiries.register_inquiry", raise_exception=True)
@require_http_methods(["GET", "HEAD", "POST"])
def intake(request, channel):
    channel = Channel(channel)
    profile = staff_profile_for_user(user=request.user)
    context = {
        "channel": channel,
        "title": next(title for value, _url, title in CHANNELS if value == channel),
        "tabs": _channel_tabs(channel),
        "profile": profile,
    }
    if profile is None:
        # Cases name the responder's department; without a profile there is none to name.
        return TemplateResponse(request, TEMPLATE, context, status=403)

    if request.method == "POST":
        form = IntakeForm(request.POST, channel=channel)
        if form.is_valid():
            try:
                inquiry = services.inquiry_register(
                    by=request.user, channel=channel, **form.register_kwargs()
                )
            except services.InquiryError as error:
                form.add_service_error(error.code, error.message)
            else:
                messages.success(
                    request,
                    _("Case %(number)s registered. Deadline: %(deadline)s.")
                    % {
                        "number": inquiry.number,
                        "deadline": formats.date_format(inquiry.deadline),
                    },
                )
                return redirect("inquiries:case_detail", inquiry.number)
    else:
        form = IntakeForm(channel=channel)
    form.focus_first()

    calendar = work_calendar()
    match = form.match if form.is_bound else MatterMatch(text="")
    kind = form.data.get("kind") if form.is_bound else form.fields["kind"].initial
    received_at = form.cleaned_data.get("received_at") if form.is_bound else None
    context.update(
        form=form,
        **_proposal_context(kind=kind, match=match, received_at=received_at, calendar=calendar),
    )
    return TemplateResponse(request, TEMPLATE, context)


@login_required
@permission_required("inquiries.register_inquiry", raise_exception=True)
@require_GET
def matter_lookup(request):
    """The proposal fragment for what is typed so far: matching matters as suggestions, and
    the handling department, time limit and deadline the registration would get."""
    text = normalize_text(request.GET.get("matter", ""))[:QUERY_MAX_LENGTH]
    try:
        # Parsed as the form parses it: a local datetime-local value, made aware.
        received_at = IntakeForm.base_fields["received_at"].clean(
            request.GET.get("received_at", "")
        )
    except ValidationError:
        received_at = None
    context = _proposal_context(
        kind=request.GET.get("kind"),
        match=matter_resolve(text=text),
        received_at=received_at,
        calendar=work_calendar(),
    )
    return TemplateResponse(request, f"{TEMPLATE}#proposal", context)


def _proposal_context(
    *,
    kind: str | None,
    match: MatterMatch,
    received_at: datetime.datetime | None,
    calendar: WorkCalendar,
) -> dict:
    if kind not in Kind.values:
        kind = Kind.CONSULTATION
    received_on = timezone.localdate(received_at or timezone.now())
    # Suggestions narrow to what the text matches; when it matches nothing (or one matter
    # already chosen), every matter stays on offer so the choice can be changed.
    query = match.text if match.is_ambiguous else ""
    return {
        "proposal": intake_proposal(
            kind=kind, match=match, received_on=received_on, calendar=calendar
        ),
        "matter_options": matter_search(query=query)[:MATTER_OPTIONS_MAX],
    }
