"""One case: its page, its printouts (receipt, one-time notice) and the actions taken on it.

Every action view has the same shape: find the case the user may see (404 otherwise), check
the action is allowed now (403 otherwise), validate the form, call one service, redirect with
a message. A rule the service refuses (`InquiryError`) re-renders the case page with the
user's input and the message; nothing is saved.
"""

import copy
import datetime
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inquiries import permissions, services
from inquiries.forms_case import (
    AssignReferralForm,
    CaseActionForm,
    CloseForm,
    CoordinateForm,
    DecidePathForm,
    DisclosureForm,
    MaterialsCompleteForm,
    NoteForm,
    NoticeForm,
    RecordRatingForm,
    RectificationForm,
    ReferForm,
    ReopenForm,
    ReplyForm,
    ReturnReferralForm,
    SendBackForm,
    StaleForm,
    StartHandlingForm,
)
from inquiries.forms_supervision import (
    ExtensionDecideForm,
    ExtensionRequestForm,
    ExtensionToldForm,
    PressAnswerForm,
    PressForm,
)
from inquiries.masking import mask_address, mask_id_number, mask_name, mask_phone
from inquiries.models import (
    Department,
    ExtensionRequest,
    Inquiry,
    Path,
    Rating,
    Referral,
    Status,
    User,
)
from inquiries.selectors import department_resolve, inquiry_get_for_user
from inquiries.selectors_referrals import REFERRAL_PEOPLE, attach_people
from inquiries.services import privacy as privacy_services
from inquiries.services import public as public_services
from inquiries.services import ratings as rating_services
from inquiries.services import referrals as referral_services
from inquiries.views.privacy import list_privacy
from inquiries.workdays import WorkCalendar, deadline_state, work_calendar


@dataclass(frozen=True)
class ActionPanel:
    """How one action shows on the case page: its form, heading, button and form body."""

    form_class: type[CaseActionForm]
    title: str
    submit: str
    url_name: str
    body: str = "inquiries/_case_fields.html"
    intro: str = ""


# In the order the panels appear: what the case most likely needs next comes first.
ACTION_PANELS: dict[str, ActionPanel] = {
    permissions.PICK_UP: ActionPanel(
        CaseActionForm,
        gettext_lazy("Pick up this online letter"),
        gettext_lazy("Pick up (become first responder)"),
        "inquiries:case_pick_up",
        intro=gettext_lazy(
            "Nobody has picked up this letter yet. Whoever picks it up first becomes its first "
            "responder and handles it."
        ),
    ),
    permissions.START_HANDLING: ActionPanel(
        StartHandlingForm,
        gettext_lazy("Accept the referral"),
        gettext_lazy("Accept"),
        "inquiries:case_start",
        intro=gettext_lazy(
            "This case was referred to you or your department. Accept it to handle it; if it "
            "is not yours to handle, return it with the reason."
        ),
    ),
    permissions.ASSIGN_REFERRAL: ActionPanel(
        AssignReferralForm,
        gettext_lazy("Assign to a member of the department"),
        gettext_lazy("Assign"),
        "inquiries:case_assign_referral",
        intro=gettext_lazy(
            "As the department's head you may give this referral to one of its staff: it is "
            "accepted in their name and they are told at once."
        ),
    ),
    permissions.RETURN_REFERRAL: ActionPanel(
        ReturnReferralForm,
        gettext_lazy("Return the referral"),
        gettext_lazy("Return"),
        "inquiries:case_return_referral",
        intro=gettext_lazy(
            "Not yours to handle? Return it with the reason; it goes back to whoever referred "
            "it, and the first responder is told."
        ),
    ),
    permissions.COORDINATE: ActionPanel(
        CoordinateForm,
        gettext_lazy("Coordinate"),
        gettext_lazy("Name the lead department"),
        "inquiries:case_coordinate",
        body="inquiries/_case_coordinate_fields.html",
        intro=gettext_lazy(
            "Name the department that leads on this case, and any that contribute. The lead "
            "department accepts it from its queue."
        ),
    ),
    permissions.MATERIALS_COMPLETE: ActionPanel(
        MaterialsCompleteForm,
        gettext_lazy("Materials complete"),
        gettext_lazy("The materials are complete"),
        "inquiries:case_materials_complete",
        intro=gettext_lazy(
            "The requester brought everything on the notice: the case is handled again and "
            "the clock runs."
        ),
    ),
    permissions.DECIDE_PATH: ActionPanel(
        DecidePathForm,
        gettext_lazy("Decide the path"),
        gettext_lazy("Record the path"),
        "inquiries:case_decide_path",
        body="inquiries/_case_path_fields.html",
        intro=gettext_lazy("Choose one of the six paths and write what the requester was told."),
    ),
    permissions.ISSUE_NOTICE: ActionPanel(
        NoticeForm,
        gettext_lazy("One-time notice"),
        gettext_lazy("Issue the notice"),
        "inquiries:case_issue_notice",
        body="inquiries/_case_notice_fields.html",
        intro=gettext_lazy(
            "If materials are missing, list everything missing at once, in one notice. The "
            "clock stops until the requester brings them."
        ),
    ),
    permissions.REPLY: ActionPanel(
        ReplyForm, gettext_lazy("Reply"), gettext_lazy("Record the reply"), "inquiries:case_reply"
    ),
    permissions.REFER: ActionPanel(
        ReferForm,
        gettext_lazy("Refer the case"),
        gettext_lazy("Refer"),
        "inquiries:case_refer",
        body="inquiries/_case_refer_fields.html",
        intro=gettext_lazy(
            "Hand the work to someone else. The first responder stays responsible and is told "
            "when it is accepted or returned."
        ),
    ),
    permissions.CLOSE: ActionPanel(
        CloseForm,
        gettext_lazy("Close with feedback"),
        gettext_lazy("Close the case"),
        "inquiries:case_close",
        body="inquiries/_case_close_fields.html",
        intro=gettext_lazy(
            "Tell the requester the result, then close. If they cannot be reached, say why."
        ),
    ),
    permissions.SEND_BACK: ActionPanel(
        SendBackForm,
        gettext_lazy("Send back to the handler"),
        gettext_lazy("Send the case back"),
        "inquiries:case_send_back",
        intro=gettext_lazy(
            "If the reply does not answer the requester's matter, send it back with what is "
            "missing."
        ),
    ),
    permissions.RECORD_RECTIFICATION: ActionPanel(
        RectificationForm,
        gettext_lazy("Rectification of a low rating"),
        gettext_lazy("Record the call-back and the report"),
        "inquiries:case_rectification",
        intro=gettext_lazy(
            "The requester rated this case as dissatisfied. Call them back, put it right, and "
            "record what was done and what they were told."
        ),
    ),
    permissions.RECORD_RATING: ActionPanel(
        RecordRatingForm,
        gettext_lazy("Record a rating given by phone or on paper"),
        gettext_lazy("Record the rating"),
        "inquiries:case_record_rating",
        intro=gettext_lazy(
            "A case is rated once and the rating is never changed: record exactly what the "
            "requester gave."
        ),
    ),
    permissions.REOPEN: ActionPanel(
        ReopenForm, gettext_lazy("Reopen"), gettext_lazy("Reopen the case"), "inquiries:case_reopen"
    ),
    permissions.RECORD_DISCLOSURE: ActionPanel(
        DisclosureForm,
        gettext_lazy("Name, duty and phone"),
        gettext_lazy("I have told the requester my name, duty and phone"),
        "inquiries:case_record_disclosure",
        intro=gettext_lazy(
            "Not recorded yet: tell the requester your name, duty and phone, then record it."
        ),
    ),
    permissions.ADD_NOTE: ActionPanel(
        NoteForm,
        gettext_lazy("Add a note"),
        gettext_lazy("Add the note"),
        "inquiries:case_add_note",
    ),
}

# The actions that decide a referral: their forms name the referral they decide.
CONTRIBUTION_INTRO = gettext_lazy(
    "Your department is asked to contribute to this case; the lead department handles it and "
    "replies. Accept your part, then add your department's input as notes."
)


# --- Referrals on the case page ---------------------------------------------------------------


@dataclass(frozen=True)
class CaseReferrals:
    """The case's referrals, loaded once per request, and what they let the user do."""

    chain: list[Referral]
    # The lead referral still waiting to be accepted (the newest, as the services see it).
    pending_lead: Referral | None
    # The pending referral this user may decide now: the lead one, else a contribution.
    mine: Referral | None
    actions: frozenset[str]

    @property
    def mine_is_contribution(self) -> bool:
        return self.mine is not None and not self.mine.is_lead


def _case_referrals(inquiry: Inquiry, user: User) -> CaseReferrals:
    """Load the referrals once (with everyone the chain names) and work out the actions.

    Which referral the user may decide (the lead one or their department's contribution) is
    `permissions.referral_to_decide`.
    """
    # The people in one more query, not a join each (planning the eight-table join took
    # longer than running it).
    chain = list(
        inquiry.referrals.select_related("from_department", "to_department").order_by(
            "created_at", "pk"
        )
    )
    attach_people(chain, (*REFERRAL_PEOPLE, "assigned_by"))
    pending = [referral for referral in chain if referral.is_pending]
    pending_lead = next((r for r in reversed(pending) if r.is_lead), None)
    mine, actions = permissions.referral_to_decide(
        user,
        inquiry,
        pending=pending,
        actions=permissions.inquiry_actions(user, inquiry, pending=pending_lead),
    )
    return CaseReferrals(chain=chain, pending_lead=pending_lead, mine=mine, actions=actions)


def _overdue_referrals(
    referrals: CaseReferrals, calendar: WorkCalendar | None, today: datetime.date
) -> set[int]:
    """The pending referrals not accepted by their date (签收时限): overdue for acceptance."""
    return {
        referral.pk
        for referral in referrals.chain
        if referral.is_pending
        and calendar is not None
        and deadline_state(calendar, deadline=referral.accept_due, today=today).is_overdue
    }


def _next_steps(inquiry: Inquiry, actions: frozenset[str], user: User) -> set[str]:
    """The actions the case most likely needs now: their panels open, the others stay folded."""
    steps = set()
    if permissions.PICK_UP in actions:
        # An online letter nobody has touched yet: picking it up comes before anything else.
        return {permissions.PICK_UP}
    # The path is the first responder's call; whoever accepted a referral handles and replies.
    undecided = inquiry.status in {Status.REGISTERED, Status.REOPENED} or (
        not inquiry.path and inquiry.first_responder_id == user.pk
    )
    if undecided and permissions.DECIDE_PATH in actions:
        steps.add(permissions.DECIDE_PATH)
        if inquiry.matter_id:
            # A catalog matter: checking the requester's papers comes first (一次性告知).
            steps.add(permissions.ISSUE_NOTICE)
    else:
        preference = [
            permissions.ASSIGN_REFERRAL,
            permissions.START_HANDLING,
            permissions.COORDINATE,
            permissions.MATERIALS_COMPLETE,
            permissions.REPLY,
            permissions.CLOSE,
        ]
        if inquiry.status == Status.REPLIED:
            preference.insert(0, permissions.CLOSE)
        steps.update(next(([action] for action in preference if action in actions), []))
    return steps & actions


def _unit_of(department: Department | None) -> Department | None:
    node = department
    while node is not None and node.parent_id:
        node = node.parent
    return node


def _deadline_context(inquiry: Inquiry, calendar: WorkCalendar | None) -> dict:
    """What the page says about time: days left, overdue, or the clock stopped."""
    if inquiry.status == Status.CLOSED:
        return {"deadline_kind": "closed"}
    if inquiry.status == Status.AWAITING_MATERIALS:
        return {"deadline_kind": "stopped"}
    today = timezone.localdate()
    state = deadline_state(calendar, deadline=inquiry.deadline, today=today)
    context = {"deadline_kind": "running", "deadline_state": state}
    if inquiry.notice_due and inquiry.matter_id:
        context["notice_overdue"] = inquiry.notice_due < today
    return context


# --- Supervision on the case page: pressing notices (督办) and extensions (延期) -------------


def supervision_form_key(action: str, pk: int | None = None) -> str:
    """The key of a supervision form in `bound`: one per action, or per notice or request."""
    return action if pk is None else f"{action}:{pk}"


def case_supervision(inquiry: Inquiry, user: User, bound: dict | None = None) -> dict:
    """The case's pressing notices and extensions (two queries), what the user may do about
    them, and a form for each; `bound` holds a form the user just submitted."""
    bound = bound or {}
    presses = list(inquiry.press_notices.select_related("pressed_by", "answered_by"))
    extensions = list(inquiry.extensions.select_related("requested_by", "decided_by"))
    actions = permissions.supervision_actions(user, inquiry, presses=presses, extensions=extensions)

    def form(action, form_class, pk=None):
        key = supervision_form_key(action, pk)
        if key in bound:
            return bound[key]
        return form_class(inquiry=inquiry, user=user) if action in actions else None

    open_presses = [
        {
            "notice": notice,
            "form": form(permissions.ANSWER_PRESS, PressAnswerForm, notice.pk),
            "url": reverse("inquiries:press_answer", args=[inquiry.number, notice.pk]),
        }
        for notice in presses
        if notice.answered_at is None
    ]
    extension_rows = []
    for extension in extensions:
        row = {"extension": extension, "form": None}
        if extension.state == ExtensionRequest.State.PENDING:
            if extension.requested_by_id != user.pk:
                row["form"] = form(permissions.DECIDE_EXTENSION, ExtensionDecideForm, extension.pk)
            row["url"] = reverse("inquiries:extension_decide", args=[inquiry.number, extension.pk])
        elif extension.state == ExtensionRequest.State.APPROVED and not extension.requester_told_at:
            if user.pk in {
                inquiry.current_holder_id,
                inquiry.first_responder_id,
                extension.requested_by_id,
            }:
                row["form"] = form(
                    permissions.RECORD_EXTENSION_TOLD, ExtensionToldForm, extension.pk
                )
            row["url"] = reverse("inquiries:extension_told", args=[inquiry.number, extension.pk])
        extension_rows.append(row)
    return {
        "supervision_actions": actions,
        "open_presses": open_presses,
        "answered_presses": [notice for notice in presses if notice.answered_at is not None],
        "press_form": form(permissions.PRESS, PressForm),
        "press_url": reverse("inquiries:case_press", args=[inquiry.number]),
        "extend_url": reverse("inquiries:extension_request", args=[inquiry.number]),
        "extension_rows": extension_rows,
        "extension_form": form(permissions.REQUEST_EXTENSION, ExtensionRequestForm),
        "untold_extensions": [
            row["extension"]
            for row in extension_rows
            if row["extension"].state == ExtensionRequest.State.APPROVED
            and not row["extension"].requester_told_at
        ],
    }


def _form_referral(action: str, referrals: CaseReferrals) -> Referral | None:
    return referrals.mine if action in permissions.REFERRAL_DECISIONS else None


# Free text of a case shown on its pages that may quote the requester's phone or ID number.
_CASE_TEXT_FIELDS = (
    "subject",
    "content",
    "path_told",
    "result",
    "feedback_note",
    "unreachable_reason",
)


def _case_privacy(request, inquiry: Inquiry, *, what: str) -> tuple[Inquiry, dict | None]:
    """The case as the user may be shown it (PIPL), and the "show personal data" control.

    Those whose duty the case is see the requester in full (the control is None). Those who
    see it only because they may see every case see a copy with the requester masked and the
    phone and ID numbers in its text masked, unless they gave a reason for case pages (a
    grant for `CASE_PAGES_SCOPE`): then it is shown in full and recorded as `what`.
    """
    if permissions.inquiry_on_duty(request.user, inquiry):
        return inquiry, None
    privacy = list_privacy(request, privacy_services.CASE_PAGES_SCOPE)
    if privacy["grant"] is not None:
        privacy_services.access_record(
            request=request, grant=privacy["grant"], what=what, cases=[inquiry]
        )
        return inquiry, privacy
    shown = copy.copy(inquiry)  # never saved: only what the page shows is masked
    # The unit (a firm, not a person) stays, as on the lists.
    shown.requester_name = mask_name(inquiry.requester_name)
    shown.requester_phone = mask_phone(inquiry.requester_phone)
    shown.requester_address = mask_address(inquiry.requester_address)
    shown.requester_id_number = mask_id_number(inquiry.requester_id_number)
    for field in _CASE_TEXT_FIELDS:
        setattr(shown, field, privacy_services.mask_numbers_in_text(getattr(inquiry, field)))
    return shown, privacy


def _case_page(
    request,
    inquiry: Inquiry,
    *,
    bound: dict[str, CaseActionForm] | None = None,
    failed_action: str = "",
    status: int = 200,
    error: str = "",
    unsaved: list[tuple[str, str]] | None = None,
):
    """Render the case page; `bound` holds the form the user just submitted, errors and all."""
    bound = bound or {}
    referrals = _case_referrals(inquiry, request.user)
    supervision = case_supervision(inquiry, request.user, bound)
    actions = referrals.actions | supervision["supervision_actions"]
    if failed_action and failed_action not in actions:
        # The case moved on while the service ran (someone accepted the referral a moment
        # earlier, say): the form is gone from the page, so its message is shown on top.
        form = bound.get(failed_action)
        if form is not None and not error:
            error = " ".join(form.non_field_errors())
        failed_action = ""
    # Open: the likely next step, the failed form, and the disclosure reminder (one button).
    open_actions = _next_steps(inquiry, actions, request.user) | {
        failed_action,
        permissions.RECORD_DISCLOSURE,
    }
    panels = []
    for action, panel in ACTION_PANELS.items():
        if action not in actions:
            continue
        intro = panel.intro
        if action == permissions.START_HANDLING and referrals.mine_is_contribution:
            intro = CONTRIBUTION_INTRO
        panels.append(
            {
                "action": action,
                "panel": panel,
                "intro": intro,
                "url": reverse(panel.url_name, args=[inquiry.number]),
                "form": bound[action]
                if action in bound
                else panel.form_class(
                    inquiry=inquiry,
                    user=request.user,
                    referral=_form_referral(action, referrals),
                ),
                "open": action in open_actions,
            }
        )
    # Everything below is fetched with its related rows in a fixed number of queries, so the
    # page costs the same for a case with three events or thirty, and one referral or ten
    # (long cases are the ones supervisors open).
    events = list(inquiry.events.select_related("actor").order_by("at", "pk"))
    rating = Rating.objects.filter(inquiry=inquiry).first()
    shown, privacy = _case_privacy(request, inquiry, what="case_page")
    if shown is not inquiry:
        # The events and notes are only shown, never saved: mask the numbers quoted in them.
        for event in events:
            event.message = privacy_services.mask_numbers_in_text(event.message)
        if rating is not None:
            rating.comment = privacy_services.mask_numbers_in_text(rating.comment)
    notices = list(inquiry.notices.select_related("issued_by").prefetch_related("items"))
    flags = list(inquiry.flags.select_related("raised_by"))
    responder_profile = getattr(inquiry.first_responder, "profile", None)
    today = timezone.localdate()
    needs_calendar = inquiry.status not in {Status.CLOSED, Status.AWAITING_MATERIALS} or any(
        referral.is_pending for referral in referrals.chain
    )
    calendar = work_calendar() if needs_calendar else None
    overdue = _overdue_referrals(referrals, calendar, today)
    context = {
        "inquiry": shown,
        "privacy": privacy,
        "actions": actions,
        "panels": panels,
        "failed_action": failed_action,
        "error": error,
        "unsaved": unsaved or [],
        "events": events,
        "notices": notices,
        "flags": flags,
        "referral_rows": [
            {"referral": referral, "overdue": referral.pk in overdue}
            for referral in referrals.chain
        ],
        "pending_lead": referrals.pending_lead,
        "rating": rating,
        "responder_profile": responder_profile,
        "Status": Status,
        "Path": Path,
        "Referral": Referral,
        **_deadline_context(inquiry, calendar),
        **supervision,
    }
    return TemplateResponse(request, "inquiries/case_detail.html", context, status=status)


def _case_url(inquiry: Inquiry, fragment: str = "") -> str:
    url = reverse("inquiries:case_detail", args=[inquiry.number])
    return f"{url}#{fragment}" if fragment else url


def _unsaved_input(form_class: type[CaseActionForm], data) -> list[tuple[str, str]]:
    """(label, text) of what the user wrote into a form that can no longer be submitted."""
    return [
        (field.label, data[name].strip())
        for name, field in form_class.base_fields.items()
        if isinstance(field, forms.CharField) and data.get(name, "").strip()
    ]


def _perform(request, number: str, *, action: str, run, success, redirect_to=None):
    """The shape every action view shares; `run(inquiry, form)` calls the one service.

    `success` is the message, or a function of what the service returned; `redirect_to`
    likewise gives where to go next (the case page by default).
    """
    inquiry = inquiry_get_for_user(user=request.user, number=number)
    form_class = ACTION_PANELS[action].form_class
    referrals = _case_referrals(inquiry, request.user)
    if action not in referrals.actions:
        # Visible but not allowed now (e.g. closing a case that is already closed): say so
        # on the case page as it stands, instead of a bare error page.
        if request.POST.get("version") not in {None, str(inquiry.version)}:
            # The case moved on while the user typed (someone else closed it, say): the
            # form is gone from the page, so what they wrote is shown to copy.
            return _case_page(
                request,
                inquiry,
                status=400,
                error=form_class.error_messages["stale"],
                unsaved=_unsaved_input(form_class, request.POST),
            )
        return _case_page(
            request,
            inquiry,
            status=403,
            error=_(
                "This action is not available to you on this case now (it is “%(status)s”). "
                "Nothing was changed."
            )
            % {"status": inquiry.get_status_display()},
        )
    form = form_class(
        request.POST,
        inquiry=inquiry,
        user=request.user,
        referral=_form_referral(action, referrals),
    )
    if form.is_valid():
        try:
            outcome = run(inquiry, form)
        except services.InquiryError as error:
            form.add_error(None, error.message)
            if error.code == "stale":
                form.refresh_version()
        except StaleForm:
            form.add_error(None, form.error_messages["stale"])
            form.refresh_version()
        else:
            messages.success(request, success(outcome) if callable(success) else success)
            return redirect(redirect_to(outcome) if redirect_to else _case_url(inquiry))
    return _case_page(
        request,
        inquiry,
        bound={action: form},
        failed_action=action,
        status=400,
    )


# --- Pages ---------------------------------------------------------------------------------
# The requester's full details are on these pages: never_cache keeps them out of shared and
# browser caches on office PCs.


@never_cache
@login_required
@require_GET
def case_detail(request, number):
    inquiry = inquiry_get_for_user(user=request.user, number=number)
    return _case_page(request, inquiry)


@never_cache
@login_required
@require_GET
def case_receipt(request, number):
    inquiry = inquiry_get_for_user(user=request.user, number=number)
    profile = getattr(inquiry.first_responder, "profile", None)
    shown, privacy = _case_privacy(request, inquiry, what="case_receipt")
    context = {
        "inquiry": shown,
        "privacy": privacy,
        "responder_profile": profile,
        "unit": _unit_of(inquiry.receiving_department),
    }
    return TemplateResponse(request, "inquiries/case_receipt.html", context)


@never_cache
@login_required
@require_GET
def notice_print(request, number, sequence):
    inquiry = inquiry_get_for_user(user=request.user, number=number)
    notice = (
        inquiry.notices.select_related("issued_by__profile")
        .prefetch_related("items")
        .filter(sequence=sequence)
        .first()
    )
    if notice is None:
        raise Http404("No such notice on this case.")
    shown, privacy = _case_privacy(request, inquiry, what="notice_print")
    context = {
        "inquiry": shown,
        "privacy": privacy,
        "notice": notice,
        "responder_profile": getattr(inquiry.first_responder, "profile", None),
        "unit": _unit_of(inquiry.receiving_department),
    }
    return TemplateResponse(request, "inquiries/notice_print.html", context)


# --- Actions -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def case_decide_path(request, number):
    if request.method == "GET":
        return _directions_preview(request, number)

    def run(inquiry, form):
        services.inquiry_decide_path(inquiry=inquiry, by=request.user, **form.service_kwargs())

    return _perform(
        request,
        number,
        action=permissions.DECIDE_PATH,
        run=run,
        success=_("The path was recorded."),
    )


def _directions_preview(request, number):
    """htmx: what the requester will be told about the department chosen in the path form."""
    inquiry = inquiry_get_for_user(user=request.user, number=number)
    if not request.htmx:
        return redirect(_case_url(inquiry, f"action-{permissions.DECIDE_PATH}"))
    if permissions.DECIDE_PATH not in permissions.inquiry_actions(request.user, inquiry):
        return TemplateResponse(request, "inquiries/_case_directions.html", {}, status=403)
    matches = department_resolve(text=request.GET.get("department", ""))
    directions = services.department_directions(matches[0]) if len(matches) == 1 else ""
    return TemplateResponse(request, "inquiries/_case_directions.html", {"directions": directions})


@login_required
@require_POST
def case_record_disclosure(request, number):
    def run(inquiry, form):
        services.inquiry_record_disclosure(inquiry=inquiry, by=request.user)

    return _perform(
        request,
        number,
        action=permissions.RECORD_DISCLOSURE,
        run=run,
        success=_("Recorded: the requester was told your name, duty and phone."),
    )


@login_required
@require_POST
def case_issue_notice(request, number):
    def run(inquiry, form):
        form.check_version()
        return services.notice_issue(
            inquiry=inquiry,
            by=request.user,
            received_material_ids=[material.pk for material in form.cleaned_data["received"]],
            extra_items=form.extra_item_lines(),
            note=form.cleaned_data["note"],
        )

    return _perform(
        request,
        number,
        action=permissions.ISSUE_NOTICE,
        run=run,
        success=_("The one-time notice was issued. Print it and give it to the requester."),
        redirect_to=lambda notice: reverse(
            "inquiries:notice_print", args=[notice.inquiry.number, notice.sequence]
        ),
    )


@login_required
@require_POST
def case_materials_complete(request, number):
    def run(inquiry, form):
        form.check_version()
        return services.inquiry_materials_complete(
            inquiry=inquiry, by=request.user, note=form.cleaned_data["note"]
        )

    return _perform(
        request,
        number,
        action=permissions.MATERIALS_COMPLETE,
        run=run,
        success=lambda updated: (
            _("The materials are complete and the clock runs again: the new deadline is %(date)s.")
            % {"date": date_format(updated.deadline, "DATE_FORMAT")}
        ),
    )


@login_required
@require_POST
def case_start_handling(request, number):
    """签收: accept the referral the page offered (the lead one, or a contribution)."""

    def run(inquiry, form):
        referral = form.referral_to_decide()
        if referral is None:
            raise services.InquiryError(_("This case is not waiting for you."), "not_waiting")
        return referral_services.referral_accept(referral=referral, by=request.user)

    def success(referral):
        if not referral.is_lead:
            return _("You accepted your department's part; add its input to the case as notes.")
        return _("You accepted the case and are handling it now.")

    return _perform(request, number, action=permissions.START_HANDLING, run=run, success=success)


@login_required
@require_POST
def case_return_referral(request, number):
    """退回: not ours; it goes back to whoever referred it, with the reason."""

    def run(inquiry, form):
        referral = form.referral_to_decide()
        if referral is None:
            raise services.InquiryError(_("This case is not waiting for you."), "not_waiting")
        return referral_services.referral_return(
            referral=referral, by=request.user, reason=form.cleaned_data["reason"]
        )

    def success(referral):
        if referral.is_lead and referral.from_department.is_office:
            return _("The referral was returned to the office, to coordinate again.")
        return _("The referral was returned to %(name)s.") % {
            "name": referral.from_user.get_full_name()
        }

    return _perform(request, number, action=permissions.RETURN_REFERRAL, run=run, success=success)


@login_required
@require_POST
def case_assign_referral(request, number):
    """The department head gives a referral in the department's queue to one member."""

    def run(inquiry, form):
        referral = form.referral_to_decide()
        if referral is None:
            raise services.InquiryError(_("This case is not waiting for you."), "not_waiting")
        return referral_services.referral_accept(
            referral=referral, by=request.user, assignee=form.cleaned_data["assignee"]
        )

    return _perform(
        request,
        number,
        action=permissions.ASSIGN_REFERRAL,
        run=run,
        success=lambda referral: (
            _("The case was assigned to %(name)s.") % {"name": referral.to_user.get_full_name()}
        ),
    )


def _referred_message(referral: Referral) -> str:
    """What the referrer is told: where it went, by when it is to be accepted, and who is away."""
    to = referral.to_user.get_full_name() if referral.to_user_id else referral.to_department.name
    parts = [
        _("The case was referred to %(to)s; it is to be accepted by %(date)s.")
        % {"to": to, "date": date_format(referral.accept_due, "DATE_FORMAT")}
    ]
    if referral.intended_user_id:
        parts.append(
            _("%(name)s is away, so their delegate %(delegate)s has it.")
            % {
                "name": referral.intended_user.get_full_name(),
                "delegate": referral.to_user.get_full_name(),
            }
        )
    if referral.waiting_for_absent:
        parts.append(
            _(
                "The handler is away and has no delegate: it waits, and the department head "
                "was told."
            )
        )
    return " ".join(str(part) for part in parts)


@login_required
@require_POST
def case_refer(request, number):
    """转办: to a colleague, another department's queue, the office or the supervising leader."""

    def run(inquiry, form):
        return referral_services.referral_create(
            inquiry=inquiry, by=request.user, **form.service_kwargs()
        )

    return _perform(request, number, action=permissions.REFER, run=run, success=_referred_message)


@login_required
@require_POST
def case_coordinate(request, number):
    """协调: the office names the lead department and any contributing ones."""

    def run(inquiry, form):
        return referral_services.office_coordinate(
            inquiry=inquiry, by=request.user, **form.service_kwargs()
        )

    return _perform(
        request,
        number,
        action=permissions.COORDINATE,
        run=run,
        success=lambda referral: (
            _("%(lead)s leads on this case; it is to be accepted by %(date)s.")
            % {
                "lead": referral.to_department.name,
                "date": date_format(referral.accept_due, "DATE_FORMAT"),
            }
        ),
    )


@login_required
@require_POST
def case_reply(request, number):
    def run(inquiry, form):
        services.inquiry_reply(
            inquiry=inquiry,
            by=request.user,
            reply=form.cleaned_data["reply"],
            expected_version=form.cleaned_data["version"],
        )

    return _perform(
        request,
        number,
        action=permissions.REPLY,
        run=run,
        success=_("Your reply was recorded; the first responder gives the feedback."),
    )


@login_required
@require_POST
def case_close(request, number):
    def run(inquiry, form):
        services.inquiry_close(inquiry=inquiry, by=request.user, **form.service_kwargs())

    return _perform(
        request,
        number,
        action=permissions.CLOSE,
        run=run,
        success=_("The case was closed."),
    )


@login_required
@require_POST
def case_send_back(request, number):
    def run(inquiry, form):
        services.inquiry_send_back(
            inquiry=inquiry,
            by=request.user,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )

    return _perform(
        request,
        number,
        action=permissions.SEND_BACK,
        run=run,
        success=_("The case went back to the handler."),
    )


@login_required
@require_POST
def case_reopen(request, number):
    def run(inquiry, form):
        form.check_version()
        services.inquiry_reopen(
            inquiry=inquiry, by=request.user, reason=form.cleaned_data["reason"]
        )

    return _perform(
        request,
        number,
        action=permissions.REOPEN,
        run=run,
        success=_("The case was reopened; the time limit starts again today."),
    )


@login_required
@require_POST
def case_record_rating(request, number):
    def run(inquiry, form):
        form.check_version()
        return rating_services.rating_submit(
            inquiry=inquiry,
            level=form.cleaned_data["level"],
            comment=form.cleaned_data["comment"],
            source=form.cleaned_data["source"],
            recorded_by=request.user,
        )

    return _perform(
        request,
        number,
        action=permissions.RECORD_RATING,
        run=run,
        success=_("The rating was recorded."),
    )


@login_required
@require_POST
def case_rectification(request, number):
    def run(inquiry, form):
        if form.rectification is None:
            raise StaleForm
        data = form.cleaned_data
        return rating_services.rectification_record(
            rectification=form.rectification,
            by=request.user,
            called_back_at=data["called_back_at"],
            action_taken=data["action_taken"],
            report_note=data["report_note"],
            reopen=data["reopen"],
        )

    return _perform(
        request,
        number,
        action=permissions.RECORD_RECTIFICATION,
        run=run,
        success=_("The call-back and the report were recorded."),
    )


@login_required
@require_POST
def case_add_note(request, number):
    def run(inquiry, form):
        # A note never conflicts with other changes, so its form is not checked for staleness.
        return services.inquiry_add_note(
            inquiry=inquiry,
            by=request.user,
            text=form.cleaned_data["text"],
            is_public=form.cleaned_data["is_public"],
        )

    return _perform(
        request,
        number,
        action=permissions.ADD_NOTE,
        run=run,
        success=_("The note was added."),
        redirect_to=lambda event: _case_url(event.inquiry, "timeline"),
    )


@login_required
@require_POST
def case_pick_up(request, number):
    """An online letter: the first to pick it up becomes its first responder (首问责任人)."""

    def run(inquiry, form):
        return public_services.inquiry_pick_up(inquiry=inquiry, by=request.user)

    return _perform(
        request,
        number,
        action=permissions.PICK_UP,
        run=run,
        success=_("You picked up the letter: you are its first responder now."),
    )
