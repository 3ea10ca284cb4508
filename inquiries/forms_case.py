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

from inquiries.models import Department, FeedbackMethod, Inquiry, Path, RequiredMaterial, User
from inquiries.selectors import department_resolve
from inquiries.services import default_feedback_method, department_directions
from inquiries.text import normalize_text

TEXTAREA_ROWS = 3


def _textarea(rows: int = TEXTAREA_ROWS) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class StaleForm(Exception):
    """The case changed after the form was rendered."""


class CaseActionForm(forms.Form):
    """Every action form: the hidden version of the case the user saw."""

    error_messages = {
        "stale": _(
            "Someone else changed this case while you were working on it. "
            "Your input was kept below; please review the case and submit again."
        ),
    }

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, inquiry: Inquiry, user: User, **kwargs):
        self.inquiry = inquiry
        self.user = user
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("version", inquiry.version)
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
        # Validation accepts any active staff member or department, so that a wrong choice
        # gets the service's own explanation; the lists offer only the sensible ones.
        colleague_field = self.fields["colleague"]
        colleague_field.queryset = User.objects.filter(
            is_active=True, profile__isnull=False
        ).select_related("profile", "profile__delegate")
        colleagues = colleague_field.queryset.filter(profile__department_id=own_department_id)
        colleagues = colleagues.exclude(pk=self.user.pk).order_by(
            "-profile__rank", "full_name", "username"
        )
        colleague_field.widget.choices = [("", "---------")] + [
            (user.pk, colleague_field.label_from_instance(user)) for user in colleagues
        ]
        department_field = self.fields["department"]
        # The list offers the other departments; typing filters it by name, code, initials
        # and keywords (the browser's own datalist: no JavaScript needed).
        self.department_options = list(
            Department.objects.filter(is_active=True)
            .exclude(level=Department.Level.UNIT)
            .exclude(pk=own_department_id)
            .order_by("sort_order", "code")
        )
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


class StartHandlingForm(CaseActionForm):
    pass


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
