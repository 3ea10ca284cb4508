"""Forms of the case page: one per action, each carrying the case version it was rendered with.

The forms check input shape only; the rules (what a path needs, when a case may close) are
the services' and come back as `InquiryError`, which the views attach to the form.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from inquiries.models import (
    Department,
    FeedbackMethod,
    Inquiry,
    Path,
    Rating,
    Rectification,
    Referral,
    RequiredMaterial,
    User,
)
from inquiries.selectors import department_resolve
from inquiries.services import default_feedback_method, department_directions
from inquiries.text import normalize_text

TEXTAREA_ROWS = 3


def _textarea(rows: int = TEXTAREA_ROWS) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class StaleForm(Exception):
    """The case changed after the form was rendered."""


class CaseActionForm(forms.Form):
    """Every action form: the hidden version of the case the user saw.

    `referral` is the referral the action decides (accept, return, assign), if any.
    """

    error_messages = {
        "stale": _(
            "Someone else changed this case while you were working on it. "
            "Your input was kept below; please review the case and submit again."
        ),
    }
    # Forms that share field names with another form on the case page get ids of their own.
    id_format = "id_%s"

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(
        self, *args, inquiry: Inquiry, user: User, referral: Referral | None = None, **kwargs
    ):
        self.inquiry = inquiry
        self.user = user
        self.referral = referral
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("version", inquiry.version)
        kwargs.setdefault("auto_id", self.id_format)
        super().__init__(*args, **kwargs)

    def check_version(self) -> None:
        """For services that take no expected_version: compare with the case as loaded now."""
        if self.cleaned_data["version"] != self.inquiry.version:
            raise StaleForm

    def refresh_version(self) -> None:
        """After a conflict: keep the user's input, but let the next submit be current."""
        data = self.data.copy()
        data[self.add_prefix("version")] = str(self.inquiry.version)
        self.data = data


# --- The six paths -------------------------------------------------------------------------


class OwnDutyMode:
    ON_THE_SPOT = "on_the_spot"
    EXPLAINED = "explained"
    CHOICES = (
        (ON_THE_SPOT, _("Handled on the spot")),
        (EXPLAINED, _("Cannot be done on the spot: explained how it will be handled")),
    )


class ColleagueChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        profile = obj.profile
        label = f"{obj.get_full_name()} · {profile.title}"
        if profile.is_away_on():
            if profile.away_until:
                away = _("%(availability)s until %(date)s") % {
                    "availability": profile.get_availability_display(),
                    "date": date_format(profile.away_until, "SHORT_DATE_FORMAT"),
                }
            else:
                away = profile.get_availability_display()
            label += f" — {away}"
            if profile.delegate:
                label += " " + _("(delegate: %(name)s)") % {
                    "name": profile.delegate.get_full_name()
                }
        return label


def colleague_field_setup(
    field: ColleagueChoiceField, *, department_id: int | None, exclude: User | None
) -> None:
    """Offer the active staff of one department (away ones marked, with their delegate).

    Validation accepts any active staff member, so that a wrong choice gets the service's own
    explanation; the list offers only the sensible ones.
    """
    field.queryset = User.objects.filter(is_active=True, profile__isnull=False).select_related(
        "profile", "profile__delegate"
    )
    people = field.queryset.filter(profile__department_id=department_id)
    if exclude is not None:
        people = people.exclude(pk=exclude.pk)
    people = people.order_by("-profile__rank", "full_name", "username")
    field.widget.choices = [("", "---------")] + [
        (user.pk, field.label_from_instance(user)) for user in people
    ]


def department_options(*, exclude_id: int | None = None) -> list[Department]:
    """The departments a datalist offers, in the order of the organisation chart.

    Typing filters the browser's own datalist by name, code, initials and keywords (no
    JavaScript needed); `DepartmentTextField` resolves what was typed.
    """
    departments = Department.objects.filter(is_active=True).exclude(level=Department.Level.UNIT)
    if exclude_id is not None:
        departments = departments.exclude(pk=exclude_id)
    return list(departments.order_by("sort_order", "code"))


class DepartmentTextField(forms.CharField):
    """A department typed or picked from a datalist ("CODE name", a name, keyword or pinyin
    initials); cleans to the one `Department` it means, or None when left blank."""

    default_error_messages = {
        "department_unknown": _("No department matches this; check the directory."),
        "department_unclear": _("Several departments match this; pick one from the list."),
    }

    def __init__(self, *, datalist: str, **kwargs):
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault(
            "help_text", _("Type its name, code, a duty keyword or pinyin initials, e.g. bgs.")
        )
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"list": datalist, "autocomplete": "off"})
        )
        self.datalist = datalist
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        matches = department_resolve(text=text)
        if len(matches) != 1:
            code = "department_unclear" if matches else "department_unknown"
            raise ValidationError(self.error_messages[code], code=code)
        return matches[0]


class DecidePathForm(CaseActionForm):
    """The six paths; every path's fields are on the page, only the chosen path's are used."""

    error_messages = {
        **CaseActionForm.error_messages,
        "own_mode": _("Say whether the matter was handled on the spot or explain how it will be."),
        "own_result": _("Write what was done on the spot."),
        "own_told": _("Explain to the requester, once, how the matter will be handled."),
        "colleague": _("Choose the colleague who handles this."),
        "department": _("Choose the department that handles this."),
        "department_unknown": _("No department matches this; check the directory."),
        "department_unclear": _("Several departments match this; pick one from the list."),
        "explanation": _("Write down the explanation given to the requester."),
    }

    path = forms.ChoiceField(
        label=_("Path"), choices=Path.choices, widget=forms.RadioSelect, required=True
    )
    own_mode = forms.ChoiceField(
        label=_("How"),
        choices=OwnDutyMode.CHOICES,
        widget=forms.RadioSelect,
        required=False,
    )
    own_result = forms.CharField(
        label=_("What was done on the spot"),
        widget=_textarea(),
        required=False,
        help_text=_("The case is closed at once, with the feedback given on the spot."),
    )
    own_told = forms.CharField(
        label=_("How it will be handled, as explained to the requester"),
        widget=_textarea(),
        required=False,
        help_text=_("The case stays with you, in progress, until you close it."),
    )
    colleague = ColleagueChoiceField(
        label=_("Colleague who handles it"), queryset=User.objects.none(), required=False
    )
    colleague_told = forms.CharField(
        label=_("What the requester was told"),
        widget=_textarea(2),
        required=False,
        help_text=_(
            "If the colleague is away: that you passed it on, and when they will hear back."
        ),
    )
    department = forms.CharField(
        label=_("Department that handles it"),
        required=False,
        max_length=200,
        help_text=_("Type its name, code, a duty keyword or pinyin initials, e.g. bgs."),
        widget=forms.TextInput(attrs={"list": "department-options", "autocomplete": "off"}),
    )
    department_told = forms.CharField(
        label=_("What the requester was told"),
        widget=_textarea(2),
        required=False,
        help_text=_(
            "Leave blank to record the department's name, location, phone and contact person "
            "from the directory."
        ),
    )
    office_told = forms.CharField(
        label=_("What the requester was told"),
        widget=_textarea(2),
        required=False,
        help_text=_("The office coordinates and names the handling department."),
    )
    not_allowed_told = forms.CharField(
        label=_("Explanation given (the law or policy that does not allow it)"),
        widget=_textarea(),
        required=False,
    )
    outside_told = forms.CharField(
        label=_("Explanation given, and where the requester can go"),
        widget=_textarea(),
        required=False,
    )

    # What each path means, from the seed texts, shown next to its radio button.
    PATH_HINTS = {
        Path.OWN_DUTY: _(
            "Your own duty: handle it now. If that is not possible, explain once how it will be "
            "handled."
        ),
        Path.SAME_DEPARTMENT: _(
            "A colleague in your department handles it: refer it to them. If they are away, "
            "tell the requester and pass it on. You stay responsible."
        ),
        Path.OTHER_DEPARTMENT: _(
            "Another department handles it: tell the requester its name, location, phone and "
            "contact person. The case closes."
        ),
        Path.OFFICE: _(
            "Unclear or cross-department: hand it to the office, which coordinates and names "
            "the handling department."
        ),
        Path.NOT_ALLOWED: _(
            "Laws, regulations or policy do not allow it: explain patiently and in detail. The "
            "case closes."
        ),
        Path.OUTSIDE_REMIT: _(
            "Not the unit's duty: explain, and tell the requester where to go. The case closes."
        ),
    }

    # Which fields belong to which path, in the order they are shown.
    PATH_FIELDS = {
        Path.OWN_DUTY: ("own_mode", "own_result", "own_told"),
        Path.SAME_DEPARTMENT: ("colleague", "colleague_told"),
        Path.OTHER_DEPARTMENT: ("department", "department_told"),
        Path.OFFICE: ("office_told",),
        Path.NOT_ALLOWED: ("not_allowed_told",),
        Path.OUTSIDE_REMIT: ("outside_told",),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        profile = getattr(self.user, "profile", None)
        own_department_id = profile.department_id if profile else None
        colleague_field_setup(
            self.fields["colleague"], department_id=own_department_id, exclude=self.user
        )
        department_field = self.fields["department"]
        # The list offers the other departments.
        self.department_options = department_options(exclude_id=own_department_id)
        # With htmx, choosing a department shows what the requester will be told.
        department_field.widget.attrs.update(
            {
                "hx-get": reverse("inquiries:case_decide_path", args=[self.inquiry.number]),
                "hx-trigger": "change",
                "hx-target": "#directions-preview",
            }
        )

    def path_fieldsets(self) -> list[dict]:
        """One group per path: its radio button, what it means, and its own fields."""
        radios = {str(radio.data["value"]): radio for radio in self["path"]}
        return [
            {
                "path": path,
                "label": Path(path).label,
                "hint": self.PATH_HINTS[path],
                "radio": radios[path],
                "fields": [self[name] for name in names],
            }
            for path, names in self.PATH_FIELDS.items()
        ]

    def directions_preview(self) -> str:
        """The directory's directions for the department chosen, when the form comes back."""
        if not self.is_bound:
            return ""
        department = self.cleaned_data.get("department") if hasattr(self, "cleaned_data") else None
        return department_directions(department) if department else ""

    def clean_department(self):
        text = self.cleaned_data.get("department", "")
        if not text:
            return None
        matches = department_resolve(text=text)
        if len(matches) != 1:
            raise ValidationError(
                self.error_messages["department_unclear" if matches else "department_unknown"],
                code="department_unclear" if matches else "department_unknown",
            )
        return matches[0]

    def clean(self):
        cleaned = super().clean()
        path = cleaned.get("path")
        if path == Path.OWN_DUTY:
            mode = cleaned.get("own_mode")
            result, told = cleaned.get("own_result"), cleaned.get("own_told")
            if not mode:
                if bool(result) == bool(told):
                    self.add_error("own_mode", self.error_messages["own_mode"])
                mode = OwnDutyMode.ON_THE_SPOT if result else OwnDutyMode.EXPLAINED
                cleaned["own_mode"] = mode
            if mode == OwnDutyMode.ON_THE_SPOT and not result:
                self.add_error("own_result", self.error_messages["own_result"])
            if mode == OwnDutyMode.EXPLAINED and not told:
                self.add_error("own_told", self.error_messages["own_told"])
        elif path == Path.SAME_DEPARTMENT and not cleaned.get("colleague"):
            self.add_error("colleague", self.error_messages["colleague"])
        elif path == Path.OTHER_DEPARTMENT and not cleaned.get("department"):
            self.add_error("department", self.error_messages["department"])
        elif path == Path.NOT_ALLOWED and not cleaned.get("not_allowed_told"):
            self.add_error("not_allowed_told", self.error_messages["explanation"])
        elif path == Path.OUTSIDE_REMIT and not cleaned.get("outside_told"):
            self.add_error("outside_told", self.error_messages["explanation"])
        return cleaned

    def service_kwargs(self) -> dict:
        """The arguments of `inquiry_decide_path` from the chosen path's fields only."""
        data = self.cleaned_data
        path = data["path"]
        kwargs = {"path": path, "expected_version": data["version"]}
        if path == Path.OWN_DUTY:
            if data["own_mode"] == OwnDutyMode.ON_THE_SPOT:
                kwargs["on_the_spot_result"] = data["own_result"]
            else:
                kwargs["told"] = data["own_told"]
        elif path == Path.SAME_DEPARTMENT:
            kwargs.update(colleague=data["colleague"], told=data["colleague_told"])
        elif path == Path.OTHER_DEPARTMENT:
            kwargs.update(department=data["department"], told=data["department_told"])
        elif path == Path.OFFICE:
            kwargs["told"] = data["office_told"]
        elif path == Path.NOT_ALLOWED:
            kwargs["told"] = data["not_allowed_told"]
        elif path == Path.OUTSIDE_REMIT:
            kwargs["told"] = data["outside_told"]
        return kwargs


# --- Simple actions ------------------------------------------------------------------------


class DisclosureForm(CaseActionForm):
    pass


# --- Referrals (转办 / 签收 / 退回 / 指派 / 协调) ----------------------------------------------


class ReferralDecisionForm(CaseActionForm):
    """Accept, return or assign: names the referral the page showed, so a decision never lands
    on a newer referral the user has not seen (the service refuses one already decided)."""

    referral = forms.ModelChoiceField(
        queryset=Referral.objects.none(), widget=forms.HiddenInput, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["referral"]
        field.queryset = Referral.objects.filter(inquiry=self.inquiry).select_related(
            "inquiry", "to_department", "to_user", "from_user", "decided_by"
        )
        if self.referral is not None:
            self.initial.setdefault("referral", self.referral.pk)

    def referral_to_decide(self) -> Referral | None:
        """The referral posted, else the one the page offers now."""
        return self.cleaned_data.get("referral") or self.referral


class StartHandlingForm(ReferralDecisionForm):
    """签收: no fields but the referral; accepting is one press."""


class ReturnReferralForm(ReferralDecisionForm):
    id_format = "id_return_%s"

    reason = forms.CharField(
        label=_("Why it is returned"),
        widget=_textarea(),
        help_text=_(
            "E.g. not your remit, and on what basis: the rule or the duties that assign it "
            "elsewhere. The case goes back to whoever referred it."
        ),
    )


class AssignReferralForm(ReferralDecisionForm):
    """The department head gives a referral in the department's queue to one member."""

    id_format = "id_assign_%s"

    assignee = ColleagueChoiceField(
        label=_("Assign to"),
        queryset=User.objects.none(),
        help_text=_("Staff who are away are marked, with their delegate."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        department_id = self.referral.to_department_id if self.referral else None
        colleague_field_setup(self.fields["assignee"], department_id=department_id, exclude=None)


class ReferTarget:
    """Where a case can be referred from the case page (contributions only come from the
    office's coordination)."""

    CHOICES = (
        (Referral.Target.COLLEAGUE, _("A colleague in my department")),
        (Referral.Target.DEPARTMENT, _("Another department's queue")),
        (Referral.Target.OFFICE, _("The office, to coordinate (unclear or cross-department)")),
        (Referral.Target.LEADER, _("My supervising leader, for instructions")),
    )
    HINTS = {
        Referral.Target.COLLEAGUE: _(
            "The colleague who handles this. If they are away, their delegate gets it; with no "
            "delegate it waits and the department head is told."
        ),
        Referral.Target.DEPARTMENT: _(
            "The department's queue: any of its handlers accepts it, or its head assigns it."
        ),
        Referral.Target.OFFICE: _(
            "The office coordinates and names the lead department (and any contributing ones)."
        ),
        Referral.Target.LEADER: _(
            "When the handler is away long or the responsibility is unclear: say what you need "
            "instructions on."
        ),
    }


class ReferForm(CaseActionForm):
    """转办: hand the work on; the first responder stays responsible and is told each step."""

    id_format = "id_refer_%s"
    error_messages = {
        **CaseActionForm.error_messages,
        "colleague": _("Choose the colleague who handles this."),
        "department": _("Choose the department that handles this."),
        "leader_reason": _("Say what you need the leader's instructions on."),
    }

    target = forms.ChoiceField(
        label=_("Refer to"), choices=ReferTarget.CHOICES, widget=forms.RadioSelect
    )
    colleague = ColleagueChoiceField(
        label=_("Colleague who handles it"), queryset=User.objects.none(), required=False
    )
    department = DepartmentTextField(
        label=_("Department that handles it"),
        datalist="refer-department-options",
        required=False,
    )
    reason = forms.CharField(
        label=_("Why it is referred"),
        widget=_textarea(2),
        required=False,
        help_text=_("For the leader: what you need instructions on."),
    )
    told = forms.CharField(
        label=_("What the requester was told"),
        widget=_textarea(2),
        required=False,
        help_text=_("E.g. who handles it now and when they will hear back."),
    )

    # Which fields belong to which target, in the order they are shown.
    TARGET_FIELDS = {
        Referral.Target.COLLEAGUE: ("colleague",),
        Referral.Target.DEPARTMENT: ("department",),
        Referral.Target.OFFICE: (),
        Referral.Target.LEADER: (),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        profile = getattr(self.user, "profile", None)
        own_department_id = profile.department_id if profile else None
        colleague_field_setup(
            self.fields["colleague"], department_id=own_department_id, exclude=self.user
        )
        self.department_options = department_options(exclude_id=own_department_id)

    def target_fieldsets(self) -> list[dict]:
        """One group per target: its radio button, what it means, and its own fields."""
        radios = {str(radio.data["value"]): radio for radio in self["target"]}
        return [
            {
                "target": target,
                "label": label,
                "hint": ReferTarget.HINTS[target],
                "radio": radios[target],
                "fields": [self[name] for name in self.TARGET_FIELDS[target]],
            }
            for target, label in ReferTarget.CHOICES
        ]

    def clean(self):
        cleaned = super().clean()
        target = cleaned.get("target")
        if target != Referral.Target.DEPARTMENT and "department" in self._errors:
            # Typed under another target and then abandoned: not used, so not an error.
            del self._errors["department"]
            cleaned["department"] = None
        if target == Referral.Target.COLLEAGUE and not cleaned.get("colleague"):
            self.add_error("colleague", self.error_messages["colleague"])
        elif target == Referral.Target.DEPARTMENT and not cleaned.get("department"):
            if "department" not in self.errors:
                self.add_error("department", self.error_messages["department"])
        elif target == Referral.Target.LEADER and not cleaned.get("reason"):
            self.add_error("reason", self.error_messages["leader_reason"])
        return cleaned

    def service_kwargs(self) -> dict:
        """The arguments of `referral_create` from the chosen target's fields only."""
        data = self.cleaned_data
        target = data["target"]
        return {
            "target": target,
            "to_user": data["colleague"] if target == Referral.Target.COLLEAGUE else None,
            "to_department": (data["department"] if target == Referral.Target.DEPARTMENT else None),
            "reason": data["reason"],
            "told": data["told"],
            "expected_version": data["version"],
        }


class DepartmentCheckboxes(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class CoordinateForm(CaseActionForm):
    """协调: the office names the lead department and any contributing ones."""

    id_format = "id_coordinate_%s"

    lead = DepartmentTextField(label=_("Lead department"), datalist="coordinate-department-options")
    contributors = DepartmentCheckboxes(
        label=_("Contributing departments"),
        queryset=Department.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "They accept their part and add their input; the lead department replies. The lead "
            "is left out of this list if ticked."
        ),
    )
    note = forms.CharField(
        label=_("Note to the departments"),
        widget=_textarea(2),
        required=False,
        help_text=_("E.g. what each department is to look into."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.department_options = department_options()
        self.fields["contributors"].queryset = (
            Department.objects.filter(is_active=True)
            .exclude(level=Department.Level.UNIT)
            .order_by("sort_order", "code")
        )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "lead": data["lead"],
            "contributors": list(data["contributors"]),
            "note": data["note"],
            "expected_version": data["version"],
        }


class NoticeForm(CaseActionForm):
    """The one-time notice: tick what the requester brought; the rest is listed as missing."""

    received = forms.ModelMultipleChoiceField(
        label=_("Materials received"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Tick what the requester brought. Everything unticked goes on the notice."),
    )
    extra_items = forms.CharField(
        label=_("Other missing items, one per line"),
        widget=_textarea(),
        required=False,
    )
    note = forms.CharField(label=_("Note on the notice"), widget=_textarea(2), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        matter = self.inquiry.matter
        # Without a catalog matter only the free-text items make up the notice.
        self.fields["received"].queryset = (
            matter.materials.filter(is_required=True).order_by("sort_order", "pk")
            if matter
            else RequiredMaterial.objects.none()
        )

    def extra_item_lines(self) -> list[str]:
        text = self.cleaned_data.get("extra_items", "")
        return [line for line in (normalize_text(line) for line in text.splitlines()) if line]


class MaterialsCompleteForm(CaseActionForm):
    note = forms.CharField(
        label=_("Note"),
        widget=_textarea(2),
        required=False,
        help_text=_("E.g. which materials were brought back."),
    )


class ReplyForm(CaseActionForm):
    reply = forms.CharField(
        label=_("Reply"),
        widget=_textarea(4),
        help_text=_("The answer the first responder gives the requester as feedback."),
    )


class CloseOutcome:
    FEEDBACK = "feedback"
    UNREACHABLE = "unreachable"
    CHOICES = (
        (FEEDBACK, _("The requester was told the result")),
        (UNREACHABLE, _("The requester could not be reached")),
    )


class CloseForm(CaseActionForm):
    result = forms.CharField(label=_("Result"), widget=_textarea(4), required=False)
    outcome = forms.ChoiceField(
        label=_("Feedback"),
        choices=CloseOutcome.CHOICES,
        widget=forms.RadioSelect,
        initial=CloseOutcome.FEEDBACK,
    )
    feedback_method = forms.ChoiceField(
        label=_("Feedback method"),
        choices=[("", "---------"), *FeedbackMethod.choices],
        required=False,
    )
    feedback_at = forms.DateTimeField(
        label=_("Feedback given at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    feedback_note = forms.CharField(
        label=_("What the requester was told"), widget=_textarea(2), required=False
    )
    unreachable_reason = forms.CharField(
        label=_("Why the requester could not be reached"),
        widget=_textarea(2),
        required=False,
        help_text=_("E.g. the phone was called three times on different days without answer."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("result", self.inquiry.result)
        self.initial.setdefault("feedback_method", default_feedback_method(self.inquiry.channel))
        self.initial.setdefault(
            "feedback_at", timezone.localtime().replace(second=0, microsecond=0)
        )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {"result": data["result"], "expected_version": data["version"]}
        if data["outcome"] == CloseOutcome.UNREACHABLE:
            kwargs["unreachable_reason"] = data["unreachable_reason"]
        else:
            kwargs.update(
                feedback_method=data["feedback_method"],
                feedback_at=data["feedback_at"],
                feedback_note=data["feedback_note"],
            )
        return kwargs


class ReopenForm(CaseActionForm):
    reason = forms.CharField(
        label=_("Reason for reopening"),
        widget=_textarea(2),
        help_text=_("E.g. the requester was not satisfied with the answer."),
    )


class SendBackForm(CaseActionForm):
    reason = forms.CharField(
        label=_("What is still missing"),
        widget=_textarea(2),
        help_text=_("The handler sees this and works on the case again."),
    )


class NoteForm(CaseActionForm):
    text = forms.CharField(label=_("Note"), widget=_textarea(3))
    is_public = forms.BooleanField(
        label=_("Show to the requester"),
        required=False,
        help_text=_("Notes are internal unless ticked."),
    )


# --- 好差评: a rating given by phone or on paper, and the rectification of a low one ---------


class RecordRatingForm(CaseActionForm):
    """Staff record the requester's rating given by phone or on paper (once, never changed)."""

    id_format = "id_rating_%s"

    level = forms.TypedChoiceField(
        label=_("The requester's rating"),
        choices=Rating.Level.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    source = forms.ChoiceField(
        label=_("Given"),
        choices=[
            (Rating.Source.PHONE, _("By phone")),
            (Rating.Source.PAPER, _("On paper")),
        ],
    )
    comment = forms.CharField(
        label=_("The requester's comment"),
        required=False,
        max_length=Rating.COMMENT_MAX_LENGTH,
        widget=_textarea(2),
    )


class RectificationForm(CaseActionForm):
    """整改: the head records the call-back (回访), what was done and what the requester was
    told; the case may be reopened."""

    id_format = "id_rectification_%s"

    called_back_at = forms.DateTimeField(
        label=_("Called back at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    action_taken = forms.CharField(label=_("Action taken"), widget=_textarea(3))
    report_note = forms.CharField(label=_("What the requester was told"), widget=_textarea(2))
    reopen = forms.BooleanField(
        label=_("Reopen the case"),
        required=False,
        help_text=_("The action taken is recorded as the reason for reopening."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rectification = (
            Rectification.objects.filter(inquiry=self.inquiry, closed=False)
            .order_by("due", "pk")
            .first()
        )
        self.initial.setdefault(
            "called_back_at", timezone.localtime().replace(second=0, microsecond=0)
        )
        if self.rectification is not None:
            self.fields["called_back_at"].help_text = _("Rectification due by %(date)s.") % {
                "date": date_format(self.rectification.due, "DATE_FORMAT")
            }
