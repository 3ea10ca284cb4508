"""The referral inbox (转办件: to me, my department's queue, the office's, what I sent) and
the notifications page.

Handlers open the inbox many times a day to see what waits for them, so it costs a fixed
handful of queries whatever it holds. Accepting (签收) and returning (退回) from the list call
the same services as the case page; a referral someone else decided first gets a message,
never an error page.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from inquiries.paging import CAP as PAGING_CAP
from inquiries.paging import BoundedPaginator, page_number
from inquiries.selectors_referrals import (
    NotificationFilter,
    ReferralFilter,
    ReferralTab,
    notification_counts,
    notification_get_for_user,
    notifications_for_user,
    referral_get_for_user,
    referral_inbox_count_source,
    referral_inbox_counts,
    referral_inbox_list,
    referral_rows,
)
from inquiries.services import InquiryError
from inquiries.services import notifications as notification_services
from inquiries.services import referrals as referral_services

PAGE_SIZE = 25
# A return reason says what the matter is not and on what basis; a page of text is plenty.
RETURN_REASON_MAX = 2000


def _render(request, template: str, context: dict) -> TemplateResponse:
    """The page, or only its results for an htmx request (page links)."""
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    response = TemplateResponse(request, template, context)
    # The same URL answers with a page or a fragment; caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return urlencode(sorted(params.lists()), doseq=True)


def _back(request, default: str) -> str:
    """Where a form posted from a list returns to: the list it came from, on this site."""
    target = request.POST.get("next", "")
    # A path only: redirect() would take "abc" for a view name (a 500), and a control
    # character cannot go into the Location header.
    if (
        target.startswith("/")
        and target.isprintable()
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default


def _choice(value, choices, default: str) -> str:
    return value if value in choices else default


# --- The referral inbox ------------------------------------------------------------------------


def _tabs_for(user) -> list[str]:
    """The tabs this user has: the department's queue for its handlers and heads, the
    office's for coordinators."""
    tabs = [ReferralTab.MINE]
    if user.has_perm("inquiries.handle_inquiry") or user.headed_departments.exists():
        tabs.append(ReferralTab.DEPARTMENT)
    if user.has_perm("inquiries.coordinate_inquiry"):
        tabs.append(ReferralTab.OFFICE)
    tabs.append(ReferralTab.SENT)
    return [str(tab) for tab in tabs]


@never_cache
@login_required
@permission_required("inquiries.register_inquiry", raise_exception=True)
@require_GET
def referral_inbox(request):
    user = request.user
    today = timezone.localdate()
    tabs = _tabs_for(user)
    tab = _choice(request.GET.get("tab"), tabs, tabs[0])
    state = _choice(request.GET.get("state"), ReferralFilter.values, ReferralFilter.PENDING)
    counts = referral_inbox_counts(user=user, tabs=tabs, today=today, tab=tab)
    # How far the page asked for reaches (the list reads no further).
    rows = page_number(request.GET.get("page")) * PAGE_SIZE + 1
    referrals = referral_inbox_list(user=user, tab=tab, state=state, today=today, rows=rows)
    count_source = referral_inbox_count_source(
        user=user, tab=tab, state=state, today=today, cap=PAGING_CAP
    )
    page = BoundedPaginator(referrals, PAGE_SIZE, count_source=count_source).get_page(
        request.GET.get("page")
    )
    labels = dict(ReferralTab.choices)
    context = {
        "tab": tab,
        "state": state,
        "tabs": [
            {"value": value, "label": labels[value], "pending": counts[value]["pending"]}
            for value in tabs
        ],
        "states": [
            {"value": value, "label": label, "count": counts[tab][value]}
            for value, label in ReferralFilter.choices
        ],
        "page_obj": page,
        "rows": referral_rows(page.object_list, user=user, today=today),
        "page_query": _query_without_page(request),
        "here": request.get_full_path(),
        "return_reason_max": RETURN_REASON_MAX,
    }
    return _render(request, "inquiries/referral_inbox.html", context)


class ReturnReferralForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why it is returned"),
        max_length=RETURN_REASON_MAX,
        strip=True,
        error_messages={
            "required": gettext_lazy(
                "Say why it is returned, e.g. not your remit and on what basis."
            ),
        },
    )


def _referral_or_404(request, pk: int):
    referral = referral_get_for_user(user=request.user, pk=pk)
    if referral is None:
        raise Http404("No referral of yours with this id.")
    return referral


@login_required
@require_POST
def referral_accept_view(request, pk):
    referral = _referral_or_404(request, pk)
    number = referral.inquiry.number
    try:
        referral_services.referral_accept(referral=referral, by=request.user)
    except InquiryError as error:
        messages.error(request, error.message)
    else:
        if referral.is_lead:
            done = _("You accepted case %(number)s; it is in your cases to handle now.")
        else:
            done = _("You accepted your department's part in case %(number)s.")
        messages.success(request, done % {"number": number})
    return redirect(_back(request, reverse("inquiries:referral_inbox")))


@login_required
@require_POST
def referral_return_view(request, pk):
    referral = _referral_or_404(request, pk)
    form = ReturnReferralForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_back(request, reverse("inquiries:referral_inbox")))
    try:
        referral_services.referral_return(
            referral=referral, by=request.user, reason=form.cleaned_data["reason"]
        )
    except InquiryError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("You returned case %(number)s to %(name)s.")
            % {"number": referral.inquiry.number, "name": referral.from_user.get_full_name()},
        )
    return redirect(_back(request, reverse("inquiries:referral_inbox")))


# --- Notifications -----------------------------------------------------------------------------


@never_cache
@login_required
@require_GET
def notification_list(request):
    user = request.user
    state = _choice(request.GET.get("state"), NotificationFilter.values, NotificationFilter.ALL)
    counts = notification_counts(user=user)
    page = Paginator(notifications_for_user(user=user, state=state), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "state": state,
        "states": [
            {"value": value, "label": label, "count": counts[value]}
            for value, label in NotificationFilter.choices
        ],
        "unread": counts[NotificationFilter.UNREAD],
        "page_obj": page,
        "page_query": _query_without_page(request),
        "here": request.get_full_path(),
    }
    return _render(request, "inquiries/notifications.html", context)


def _notification_id(value: str) -> int | None:
    """A posted notification id, or None for anything that is not a plain small number."""
    if value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


def _open_notification(request):
    """A notification's button (a POST, so that a GET never changes anything): mark it read
    and go to its case. Another person's id (or nonsense) is ignored: back to the list,
    nothing marked, nothing revealed."""
    pk = _notification_id(request.POST["open"]) or 0
    notification = notification_get_for_user(user=request.user, pk=pk)
    if notification is None:
        return redirect("inquiries:notifications")
    notification_services.notification_mark_read(user=request.user, ids=[notification.pk])
    if notification.inquiry is None:
        return redirect(notification.link or reverse("inquiries:notifications"))
    return redirect("inquiries:case_detail", notification.inquiry.number)


@login_required
@require_POST
def notification_mark_read(request):
    if "open" in request.POST:
        return _open_notification(request)
    ids = None
    if "id" in request.POST:
        ids = [pk for value in request.POST.getlist("id") if (pk := _notification_id(value))]
    marked = notification_services.notification_mark_read(user=request.user, ids=ids)
    if marked:
        messages.success(
            request,
            ngettext(
                "%(count)s notification marked as read.",
                "%(count)s notifications marked as read.",
                marked,
            )
            % {"count": marked},
        )
    else:
        messages.info(request, _("Nothing was unread."))
    return redirect(_back(request, reverse("inquiries:notifications")))
