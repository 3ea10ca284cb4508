"""Showing personal data unmasked: the user gives a reason, and the list shows it for a while.

`unmask` asks for the reason (GET) and, when given (POST), keeps a grant in the session for
`privacy.UNMASK_MINUTES` on that list and its export, then goes back to the list. `unmask_end`
masks the list again. The lists themselves write the access records (see `list_privacy`).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import time_format
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from inquiries.exports import recorded_query
from inquiries.models import AccessRecord
from inquiries.services import privacy


class UnmaskForm(forms.Form):
    reason_kind = forms.ChoiceField(
        label=_("Reason"), choices=AccessRecord.Reason.choices, widget=forms.RadioSelect
    )
    reason_text = forms.CharField(
        label=_("Details"),
        max_length=250,
        required=False,
        help_text=_("Which case or request, and why you need to see the personal data."),
    )

    error_messages = {
        "too_short": _("Say why in at least %(min)s characters."),
    }

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("reason_kind")
        text = " ".join((cleaned.get("reason_text") or "").split())
        needs_text = kind == AccessRecord.Reason.OTHER or text
        if needs_text and len(text) < privacy.REASON_MIN_LENGTH:
            self.add_error(
                "reason_text",
                forms.ValidationError(
                    self.error_messages["too_short"],
                    code="too_short",
                    params={"min": privacy.REASON_MIN_LENGTH},
                ),
            )
        cleaned["reason_text"] = text
        return cleaned

    def reason(self) -> str:
        """The reason as recorded: the chosen reason, and the details if any."""
        label = str(AccessRecord.Reason(self.cleaned_data["reason_kind"]).label)
        text = self.cleaned_data["reason_text"]
        return f"{label}: {text}" if text else label


def _next_url(request, value: str) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse("home")


def list_privacy(request, scope: str) -> dict:
    """What a list template needs for its "show personal data" control; `grant` is the live
    unmask grant for the list, or None (then the list stays masked)."""
    grant = privacy.unmask_grant(request, scope)
    next_url = request.get_full_path()
    return {
        "grant": grant,
        "may_ask": privacy.may_ask_to_unmask(request.user),
        "scope": scope,
        "ask_url": reverse("inquiries:privacy_unmask")
        + "?"
        + urlencode({"scope": scope, "next": next_url}),
        "end_url": reverse("inquiries:privacy_unmask_end"),
        "next": next_url,
        "until": time_format(localtime(grant.until), "H:i") if grant else "",
    }


@never_cache
@login_required
@permission_required(privacy.UNMASK_PERMISSION, raise_exception=True)
@csrf_protect
@require_http_methods(["GET", "POST"])
def unmask(request):
    data = request.POST if request.method == "POST" else request.GET
    scope = data.get("scope", "")
    if scope not in privacy.SCOPES:
        raise Http404
    next_url = _next_url(request, data.get("next", ""))
    form = UnmaskForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        privacy.unmask_grant_give(
            request=request,
            scope=scope,
            reason_kind=form.cleaned_data["reason_kind"],
            reason=form.reason(),
        )
        messages.info(
            request,
            # Named by its scope: the same grant serves a list and the case pages.
            _(
                "Personal data is shown in “%(scope)s” for %(minutes)s minutes; "
                "each view is recorded."
            )
            % {"scope": privacy.SCOPES[scope], "minutes": privacy.UNMASK_MINUTES},
        )
        return HttpResponseRedirect(next_url)
    context = {
        "form": form,
        "scope": scope,
        "scope_label": privacy.SCOPES[scope],
        "next": next_url,
        "minutes": privacy.UNMASK_MINUTES,
    }
    return TemplateResponse(request, "inquiries/privacy_unmask.html", context)


@never_cache
@login_required
@csrf_protect
@require_POST
def unmask_end(request):
    privacy.unmask_grant_end(request=request, scope=request.POST.get("scope", ""))
    return HttpResponseRedirect(_next_url(request, request.POST.get("next", "")))


def list_shown(request, privacy_context: dict, *, what: str, cases) -> None:
    """Record that the list showed `cases` unmasked (nothing if it was masked or empty)."""
    grant = privacy_context["grant"]
    cases = list(cases)
    if grant is not None and cases:
        privacy.access_record(
            request=request,
            grant=grant,
            what=what,
            cases=cases,
            filters=recorded_query(request),
        )
