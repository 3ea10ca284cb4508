"""Commendations (表扬) and the rating follow-up page (好差评 → 表扬 / 违规).

- The commendation list: the discipline role sees every commendation and records or withdraws
  them; anyone else sees their own (without case numbers, which are the discipline role's).
- The rating follow-up page, for the discipline role: recent very satisfied ratings with a
  comment, to record as a commendation of the case's first responder, and recent low ratings,
  to propose a violation. A rating becomes at most one commendation (one-to-one) and at most
  one proposal (detection key `rating:<id>`, shared with automatic detection).

No page here shows who rated or complained: the requester's name and phone are never read.
This module's `urlpatterns` are included by penalties/urls.py.
"""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inquiries.models import Inquiry, Rating
from inquiries.text import normalize_text
from penalties.forms import PERSON_DATALIST, ServiceErrorMixin, StaffTextField, staff_options
from penalties.models import Commendation, Detection, Violation
from penalties.selectors import policy_in_force
from penalties.services.commendations import commendation_record, commendation_withdraw
from penalties.services.core import PenaltyError
from penalties.services.detection import (
    catalog_by_detection,
    low_rating_allegation,
    rating_detection_key,
)
from penalties.services.violations import violation_report

RECORD = "penalties.add_commendation"
VIEW_ALL = "penalties.view_commendation"
REPORT = "penalties.report_violation"
PAGE_SIZE = 50
# How far back the follow-up page looks; older ratings are past the 15-day follow-up anyway.
FOLLOWUP_DAYS = 90
FOLLOWUP_ROWS = 200
# Where a commendation can come from on the form; ratings come from the follow-up page.
FORM_SOURCES = [
    (value, label)
    for value, label in Commendation.Source.choices
    if value != Commendation.Source.RATING
]


# --- Forms -----------------------------------------------------------------------------------


class CommendationForm(ServiceErrorMixin, forms.Form):
    person = StaffTextField(label=gettext_lazy("Staff member praised"))
    source = forms.ChoiceField(label=gettext_lazy("Source"), choices=FORM_SOURCES)
    text = forms.CharField(
        label=gettext_lazy("What was praised"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "The person praised reads this: leave out the requester's name and phone."
        ),
    )
    case_number = forms.CharField(label=gettext_lazy("Case number"), max_length=20, required=False)
    received_on = forms.DateField(
        label=gettext_lazy("Received on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()

    def clean_case_number(self):
        number = normalize_text(self.cleaned_data.get("case_number", ""))
        if not number:
            return None
        inquiry = Inquiry.objects.filter(number=number).first()
        if inquiry is None:
            raise ValidationError(_("No case has this number."), code="case_unknown")
        return inquiry


class RatingCommendForm(ServiceErrorMixin, forms.Form):
    text = forms.CharField(
        label=gettext_lazy("What was praised"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "The person praised reads this: leave out the requester's name and phone."
        ),
    )


class WithdrawForm(ServiceErrorMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for withdrawing"), widget=forms.Textarea(attrs={"rows": 2})
    )


# --- Commendations ---------------------------------------------------------------------------


def _commendations_for(user):
    commendations = Commendation.objects.select_related(
        "person__profile__department", "inquiry", "recorded_by"
    )
    if user.has_perm(VIEW_ALL):
        return commendations
    return commendations.filter(person=user)


@never_cache
@login_required
@require_GET
def commendation_list(request):
    sees_all = request.user.has_perm(VIEW_ALL)
    page_obj = Paginator(_commendations_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return TemplateResponse(
        request,
        "penalties/commendation_list.html",
        {
            "page_obj": page_obj,
            "commendations": page_obj.object_list,
            "sees_all": sees_all,
            "may_record": request.user.has_perm(RECORD),
            "withdraw_form": WithdrawForm(),
        },
    )


@never_cache
@login_required
@permission_required(RECORD, raise_exception=True)
@require_http_methods(["GET", "POST"])
def commendation_new(request):
    form = CommendationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                commendation = commendation_record(
                    person=data["person"],
                    source=data["source"],
                    text=data["text"],
                    by=request.user,
                    inquiry=data["case_number"],
                    received_on=data["received_on"],
                )
            except PenaltyError as error:
                form.add_service_error(error)
            else:
                messages.success(
                    request,
                    _("The commendation of %(name)s was recorded.")
                    % {"name": commendation.person.get_full_name()},
                )
                return redirect("penalties:commendation_list")
        status = 400
    return TemplateResponse(
        request,
        "penalties/commendation_new.html",
        {"form": form, "staff_options": staff_options(), "person_datalist": PERSON_DATALIST},
        status=status,
    )


@login_required
@permission_required(RECORD, raise_exception=True)
@require_POST
def commendation_withdraw_view(request, pk):
    commendation = Commendation.objects.filter(pk=pk).first()
    if commendation is None:
        raise Http404("No such commendation.")
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            commendation_withdraw(
                commendation=commendation, by=request.user, reason=form.cleaned_data["reason"]
            )
        except PenaltyError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The commendation was withdrawn; it stays on record."))
    else:
        messages.error(request, _("Give a reason for withdrawing it."))
    return redirect("penalties:commendation_list")


# --- Ratings → commendations and violations --------------------------------------------------


def _followup_ratings():
    since = timezone.now() - datetime.timedelta(days=FOLLOWUP_DAYS)
    return (
        Rating.objects.filter(rated_at__gte=since, inquiry__first_responder__isnull=False)
        .filter(
            Q(level=Rating.Level.VERY_SATISFIED) & ~Q(comment="") | Q(level__in=Rating.LOW_LEVELS)
        )
        .select_related(
            "inquiry__first_responder__profile__department",
            "inquiry__handling_department",
            "commendation",
        )
        .order_by("-rated_at", "-pk")
    )


def _rating_rows(ratings: list[Rating], forms_by_pk: dict | None = None) -> list[dict]:
    keys = {rating_detection_key(rating): rating.pk for rating in ratings if rating.is_low}
    proposed = {
        keys[violation.detection_key]: violation
        for violation in Violation.objects.filter(detection_key__in=keys).only(
            "pk", "number", "state", "detection_key"
        )
    }
    forms_by_pk = forms_by_pk or {}
    rows = []
    for rating in ratings:
        commendation = getattr(rating, "commendation", None) if not rating.is_low else None
        rows.append(
            {
                "rating": rating,
                "inquiry": rating.inquiry,
                "person": rating.inquiry.first_responder,
                "commendation": commendation,
                "violation": proposed.get(rating.pk),
                "form": forms_by_pk.get(rating.pk)
                or RatingCommendForm(prefix=f"r{rating.pk}", initial={"text": rating.comment}),
            }
        )
    return rows


def _followup_page(request, *, forms_by_pk=None, status=200):
    ratings = list(_followup_ratings()[:FOLLOWUP_ROWS])
    rows = _rating_rows(ratings, forms_by_pk)
    return TemplateResponse(
        request,
        "penalties/rating_followup.html",
        {
            "praise": [row for row in rows if not row["rating"].is_low],
            "low": [row for row in rows if row["rating"].is_low],
            "days": FOLLOWUP_DAYS,
            "may_propose": request.user.has_perm(REPORT),
        },
        status=status,
    )


def _rating_or_404(pk) -> Rating:
    rating = (
        Rating.objects.select_related("inquiry__first_responder__profile__department")
        .filter(pk=pk, inquiry__first_responder__isnull=False)
        .first()
    )
    if rating is None:
        raise Http404("No such rating.")
    return rating


@never_cache
@login_required
@permission_required(RECORD, raise_exception=True)
@require_GET
def rating_followup(request):
    return _followup_page(request)


@login_required
@permission_required(RECORD, raise_exception=True)
@require_POST
def rating_commend(request, pk):
    rating = _rating_or_404(pk)
    form = RatingCommendForm(request.POST, prefix=f"r{rating.pk}")
    if form.is_valid():
        try:
            commendation_record(
                person=rating.inquiry.first_responder,
                source=Commendation.Source.RATING,
                text=form.cleaned_data["text"],
                by=request.user,
                rating=rating,
                received_on=timezone.localdate(rating.rated_at),
            )
        except PenaltyError as error:
            if error.code == "rating_used":
                # Someone recorded it a moment ago: the page now shows it, without a form.
                messages.error(request, error.message)
                return redirect("penalties:rating_followup")
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("The rating was recorded as a commendation of %(name)s.")
                % {"name": rating.inquiry.first_responder.get_full_name()},
            )
            return redirect("penalties:rating_followup")
    return _followup_page(request, forms_by_pk={rating.pk: form}, status=400)


@login_required
@require_POST
def rating_propose(request, pk):
    if not (request.user.has_perm(RECORD) and request.user.has_perm(REPORT)):
        raise PermissionDenied
    rating = _rating_or_404(pk)
    if not rating.is_low:
        raise Http404("Only a low rating can be proposed as a violation.")
    person = rating.inquiry.first_responder
    if person.pk == request.user.pk:
        messages.error(request, _("You cannot propose a violation about yourself."))
        return redirect("penalties:rating_followup")
    profile = getattr(person, "profile", None)
    department = profile.department if profile else rating.inquiry.receiving_department
    try:
        violation = violation_report(
            department=department,
            source=Violation.Source.RATING,
            allegation=low_rating_allegation(rating),
            occurred_on=timezone.localdate(rating.rated_at),
            person=person,
            reported_by=request.user,
            violation_type=catalog_by_detection(policy_in_force()).get(Detection.LOW_RATING),
            inquiry=rating.inquiry,
            detection=Detection.LOW_RATING,
            detection_key=rating_detection_key(rating),
        )
    except PenaltyError as error:
        messages.error(request, error.message)
        return redirect("penalties:rating_followup")
    messages.success(
        request,
        _("Violation %(number)s was proposed; investigate it to go on.")
        % {"number": violation.number},
    )
    return redirect(reverse("penalties:violation_detail", args=[violation.pk]))


urlpatterns = [
    path("commendations/", commendation_list, name="commendation_list"),
    path("commendations/new/", commendation_new, name="commendation_new"),
    path(
        "commendations/<int:pk>/withdraw/",
        commendation_withdraw_view,
        name="commendation_withdraw",
    ),
    path("ratings/", rating_followup, name="rating_followup"),
    path("ratings/<int:pk>/commend/", rating_commend, name="rating_commend"),
    path("ratings/<int:pk>/propose/", rating_propose, name="rating_propose"),
]
