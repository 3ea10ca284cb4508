"""Violations: the discipline role's list, registering a complaint, the violation page with its
action panels, the evidence download, and "my violations" for the person concerned.

Every action has the shape of the case page's: find the violation the user may see (404
otherwise), check the action is allowed now (403 otherwise), validate the form, call one
service, redirect with a message. A refused change (`PenaltyError`) re-renders the page with
the input and the message (400); nothing is saved.

This module's `urlpatterns` are included by penalties/urls.py.
"""

from dataclasses import dataclass
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from penalties import permissions
from penalties.forms import (
    CorrectionForm,
    DecideProposalForm,
    DismissForm,
    EvidenceForm,
    OpenInvestigationForm,
    RevokeForm,
    StatementForm,
    VerifyForm,
    ViolationFilterForm,
    ViolationReportForm,
    staff_options,
)
from penalties.models import Sanction, Statement, Violation
from penalties.selectors import policy_in_force
from penalties.services import sanctions as sanction_services
from penalties.services import violations as services
from penalties.services.core import PenaltyError

PAGE_SIZE = 50
# What a downloaded document is served as: never text/html, whatever it holds.
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "txt": "text/plain; charset=utf-8",
}


@dataclass(frozen=True)
class ActionPanel:
    form_class: type
    title: str
    submit: str
    intro: str = ""
    multipart: bool = False


# In the order the panels appear: what the violation most likely needs next comes first.
ACTION_PANELS: dict[str, ActionPanel] = {
    permissions.SUBMIT_STATEMENT: ActionPanel(
        StatementForm,
        gettext_lazy("Submit a statement (申辩)"),
        gettext_lazy("Submit the statement"),
        gettext_lazy(
            "Say what happened in your own words before the decision. You may submit more "
            "than one statement."
        ),
    ),
    permissions.OPEN_INVESTIGATION: ActionPanel(
        OpenInvestigationForm,
        gettext_lazy("Open the investigation"),
        gettext_lazy("Open the investigation"),
        gettext_lazy(
            "The person concerned is told of the allegation (never who complained) and may "
            "submit a statement within the policy's working days."
        ),
    ),
    permissions.ADD_EVIDENCE: ActionPanel(
        EvidenceForm,
        gettext_lazy("Add evidence"),
        gettext_lazy("Add the evidence"),
        multipart=True,
    ),
    permissions.VERIFY: ActionPanel(
        VerifyForm,
        gettext_lazy("Verify (查实)"),
        gettext_lazy("Verify and sanction"),
        gettext_lazy(
            "The person directly responsible is sanctioned now; where the policy says so, "
            "their head and supervising leader get proposals to decide."
        ),
    ),
    permissions.DISMISS: ActionPanel(
        DismissForm, gettext_lazy("Dismiss"), gettext_lazy("Dismiss the violation")
    ),
    permissions.RECORD_CORRECTION: ActionPanel(
        CorrectionForm,
        gettext_lazy("Record the unit's correction"),
        gettext_lazy("Record the correction"),
        gettext_lazy(
            "Once the unit runs the system, record it; otherwise a heavier sanction is "
            "proposed for its principal leaders when the deadline passes."
        ),
    ),
}
SANCTION_FORMS = {
    permissions.DECIDE_PROPOSAL: DecideProposalForm,
    permissions.REVOKE: RevokeForm,
}


def _detail_url(violation: Violation, fragment: str = "") -> str:
    url = reverse("penalties:violation_detail", args=[violation.pk])
    return f"{url}#{fragment}" if fragment else url


def _action_form(action, *, violation, user, data=None, files=None, policy=None):
    form_class = ACTION_PANELS[action].form_class
    kwargs = {"violation": violation, "user": user}
    if form_class is VerifyForm:
        kwargs["policy"] = policy or policy_in_force()
    return form_class(data, files, **kwargs)


def _violation_page(
    request,
    violation: Violation,
    *,
    bound: dict | None = None,
    failed: str = "",
    status: int = 200,
    error: str = "",
):
    """Render the violation page; `bound` holds the form just submitted, errors and all."""
    user = request.user
    bound = bound or {}
    concerned = permissions.is_concerned(user, violation)
    handles = permissions.may_handle(user, violation, concerned=concerned)
    actions = permissions.violation_actions(user, violation, concerned=concerned)
    policy = policy_in_force() if permissions.VERIFY in actions else None
    panels = []
    for action, panel in ACTION_PANELS.items():
        if action not in actions:
            continue
        form = bound.get(action) or _action_form(
            action, violation=violation, user=user, policy=policy
        )
        panels.append(
            {
                "action": action,
                "panel": panel,
                "form": form,
                "url": reverse("penalties:violation_action", args=[violation.pk, action]),
                "open": action == failed
                or action in {permissions.SUBMIT_STATEMENT, permissions.OPEN_INVESTIGATION},
            }
        )
    sanctions = violation.sanctions.select_related("person", "level", "decided_by", "revoked_by")
    if not handles:
        sanctions = sanctions.filter(person=user)
    sanction_rows = []
    for sanction in sanctions:
        row = {"sanction": sanction, "forms": []}
        if handles and sanction.person_id != user.pk:
            action = {
                Sanction.State.PROPOSED: permissions.DECIDE_PROPOSAL,
                Sanction.State.IN_FORCE: permissions.REVOKE,
            }.get(sanction.state)
            if action:
                key = (action, sanction.pk)
                form = bound.get(key) or SANCTION_FORMS[action](
                    violation=violation, user=user, prefix=f"s{sanction.pk}"
                )
                row["forms"].append(
                    {
                        "action": action,
                        "form": form,
                        "failed": key == failed,
                        "url": reverse(
                            "penalties:sanction_action",
                            args=[violation.pk, sanction.pk, action],
                        ),
                    }
                )
        sanction_rows.append(row)
    show_statements = handles or violation.person_id == user.pk
    context = {
        "violation": violation,
        "handles": handles,
        "see_complainant": permissions.may_see_complainant(user, violation, concerned=concerned),
        "evidence": list(permissions.evidence_visible(user, violation, concerned=concerned)),
        "statements": (
            list(Statement.objects.filter(violation=violation).select_related("author"))
            if show_statements
            else []
        ),
        "show_statements": show_statements,
        "panels": panels,
        "sanction_rows": sanction_rows,
        "correction_note": violation.correction_note,
        "error": error,
    }
    return TemplateResponse(request, "penalties/violation_detail.html", context, status=status)


# --- Pages ---------------------------------------------------------------------------------
# The complainant's details are on these pages: never_cache keeps them off shared office PCs.


@never_cache
@login_required
@permission_required("penalties.handle_violation", raise_exception=True)
@require_GET
def violation_list(request):
    """Every violation, newest first, filtered by state, source and department."""
    form = ViolationFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    violations = (
        permissions.violations_visible_to(request.user)
        .filter(**filters)
        .select_related("person", "department", "violation_type")
        .order_by("-reported_at", "-pk")
    )
    page = Paginator(violations, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode(
        sorted((key, value) for key, value in request.GET.items() if key != "page" and value)
    )
    context = {"form": form, "page_obj": page, "violations": page.object_list, "query": query}
    return TemplateResponse(request, "penalties/violation_list.html", context)


@sensitive_post_parameters("complainant_name", "complainant_phone", "complaint_text")
@never_cache
@login_required
@permission_required("penalties.report_violation", raise_exception=True)
@require_http_methods(["GET", "HEAD", "POST"])
def violation_new(request):
    """Register a complaint (or a supervisor's finding) about a staff member or a unit."""
    if request.method == "POST":
        form = ViolationReportForm(request.POST)
        if form.is_valid():
            try:
                violation = services.violation_report(
                    reported_by=request.user, **form.report_kwargs()
                )
            except PenaltyError as error:
                form.add_service_error(error)
            else:
                messages.success(
                    request, _("Violation %(number)s registered.") % {"number": violation.number}
                )
                return redirect(_detail_url(violation))
    else:
        form = ViolationReportForm()
    context = {"form": form, "staff_options": staff_options()}
    status = 400 if form.is_bound else 200
    return TemplateResponse(request, "penalties/violation_new.html", context, status=status)


@never_cache
@login_required
@require_GET
def violation_detail(request, pk):
    violation = permissions.violation_get_for_user(request.user, pk)
    return _violation_page(request, violation)


@never_cache
@login_required
@require_GET
def my_violations(request):
    """The violations about me I have been told of, with their sanctions; never who complained."""
    violations = (
        Violation.objects.filter(person=request.user, state__in=permissions.TOLD_STATES)
        .select_related("violation_type")
        .order_by("-reported_at", "-pk")
    )
    sanctions = (
        Sanction.objects.filter(person=request.user)
        .exclude(state=Sanction.State.PROPOSED)
        .select_related("level", "violation")
        .order_by("-decided_at", "-pk")
    )
    context = {"violations": list(violations), "sanctions": list(sanctions)}
    return TemplateResponse(request, "penalties/violation_mine.html", context)


# --- Actions -------------------------------------------------------------------------------


def _run_action(action, violation, form, user):
    data = form.cleaned_data
    if action == permissions.OPEN_INVESTIGATION:
        services.violation_open_investigation(
            violation=violation, by=user, investigator=data["investigator"]
        )
        return _("The investigation is open; the person concerned was told.")
    if action == permissions.ADD_EVIDENCE:
        services.evidence_add(
            violation=violation,
            by=user,
            description=data["description"],
            inquiry=data["case_number"],
            document=data["document"] or None,
            confidential=data["confidential"],
        )
        return _("The evidence was added.")
    if action == permissions.SUBMIT_STATEMENT:
        services.statement_submit(violation=violation, author=user, text=data["text"])
        return _("Your statement was submitted.")
    if action == permissions.VERIFY:
        services.violation_verify(
            violation=violation,
            by=user,
            violation_type=data["violation_type"],
            level=data["level"],
            findings=data["findings"],
            note=data["note"],
        )
        return _("The violation is verified and the sanction is in force.")
    if action == permissions.DISMISS:
        services.violation_dismiss(violation=violation, by=user, note=data["note"])
        return _("The violation was dismissed.")
    if action == permissions.RECORD_CORRECTION:
        services.unit_correction_record(violation=violation, by=user, note=data["note"])
        return _("The unit's correction was recorded.")
    raise Http404("No such action.")


@login_required
@require_POST
def violation_action(request, pk, action):
    if action not in ACTION_PANELS:
        raise Http404("No such action.")
    violation = permissions.violation_get_for_user(request.user, pk)
    if action not in permissions.violation_actions(request.user, violation):
        return _violation_page(
            request,
            violation,
            status=403,
            error=_(
                "This action is not available to you on this violation now (it is "
                "“%(state)s”). Nothing was changed."
            )
            % {"state": violation.get_state_display()},
        )
    form = _action_form(
        action, violation=violation, user=request.user, data=request.POST, files=request.FILES
    )
    if form.is_valid():
        try:
            message = _run_action(action, violation, form, request.user)
        except PenaltyError as error:
            form.add_service_error(error)
        else:
            messages.success(request, message)
            return redirect(_detail_url(violation))
    violation.refresh_from_db()
    return _violation_page(request, violation, bound={action: form}, failed=action, status=400)


@login_required
@require_POST
def sanction_action(request, pk, sanction_pk, action):
    if action not in SANCTION_FORMS:
        raise Http404("No such action.")
    violation = permissions.violation_get_for_user(request.user, pk)
    if not permissions.may_handle(request.user, violation):
        raise Http404("No such sanction.")
    sanction = Sanction.objects.filter(violation=violation, pk=sanction_pk).first()
    if sanction is None:
        raise Http404("No such sanction.")
    form = SANCTION_FORMS[action](
        request.POST, violation=violation, user=request.user, prefix=f"s{sanction.pk}"
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == permissions.DECIDE_PROPOSAL:
                adopt = data["decision"] == DecideProposalForm.ADOPT
                sanction_services.sanction_decide_proposal(
                    sanction=sanction, by=request.user, adopt=adopt, note=data["note"]
                )
                message = (
                    _("The proposal was adopted: the sanction is in force.")
                    if adopt
                    else _("The proposal was not adopted.")
                )
            else:
                sanction_services.sanction_revoke(
                    sanction=sanction, by=request.user, reason=data["reason"]
                )
                message = _("The sanction was revoked; the assessment was recomputed.")
        except PenaltyError as error:
            form.add_service_error(error)
        else:
            messages.success(request, message)
            return redirect(_detail_url(violation, "sanctions"))
    return _violation_page(
        request,
        violation,
        bound={(action, sanction.pk): form},
        failed=(action, sanction.pk),
        status=400,
    )


@never_cache
@login_required
@require_GET
def evidence_download(request, pk, evidence_pk):
    """A document of the evidence, for whoever may see it: always as a download, never
    rendered by the browser."""
    violation = permissions.violation_get_for_user(request.user, pk)
    evidence = permissions.evidence_visible(request.user, violation).filter(pk=evidence_pk).first()
    if evidence is None or not evidence.document:
        raise Http404("No such document.")
    extension = PurePath(evidence.document.name).suffix.lstrip(".").lower()
    content_type = CONTENT_TYPES.get(extension, "application/octet-stream")
    try:
        handle = evidence.document.open("rb")
    except FileNotFoundError as error:
        raise Http404("The document is missing.") from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.document_name or PurePath(evidence.document.name).name,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


urlpatterns = [
    path("violations/", violation_list, name="violation_list"),
    path("violations/new/", violation_new, name="violation_new"),
    path("violations/mine/", my_violations, name="my_violations"),
    path("violations/<int:pk>/", violation_detail, name="violation_detail"),
    path(
        "violations/<int:pk>/evidence/<int:evidence_pk>/",
        evidence_download,
        name="evidence_download",
    ),
    path(
        "violations/<int:pk>/sanctions/<int:sanction_pk>/<slug:action>/",
        sanction_action,
        name="sanction_action",
    ),
    path("violations/<int:pk>/<slug:action>/", violation_action, name="violation_action"),
]
