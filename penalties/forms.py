"""Forms of the violation pages. They check the shape of the input; the rules (who may
decide, when a statement is still due) are the services' and come back as `PenaltyError`,
which the views attach to the form."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inquiries.models import Department, Inquiry, User
from inquiries.text import normalize_text, pinyin_keys
from inquiries.validators import normalize_phone
from penalties.models import Evidence, SanctionLevel, Violation, ViolationType

TEXTAREA_ROWS = 3
PERSON_DATALIST = "violation-person-options"


def _textarea(rows: int = TEXTAREA_ROWS) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class ServiceErrorMixin:
    def add_service_error(self, error) -> None:
        self.add_error(None, ValidationError(error.message, code=error.code))


# --- Picking the person concerned ------------------------------------------------------------


def staff_options() -> list[dict]:
    """Active staff for the datalist: "username name" as the value, pinyin initials and the
    department as the label, so typing a name, its initials or the username finds them."""
    people = (
        User.objects.filter(is_active=True, profile__isnull=False)
        .select_related("profile__department")
        .order_by("profile__department__sort_order", "-profile__rank", "username")
    )
    return [
        {
            "value": f"{user.username} {user.get_full_name()}",
            "label": f"{pinyin_keys(user.get_full_name())[1]} · {user.profile.department.name}",
        }
        for user in people
    ]


def staff_resolve(text: str) -> list[User]:
    """The staff a typed value may mean: a username (alone or as "username name"), an exact
    full name, else the pinyin initials of the name."""
    text = normalize_text(text)
    if not text:
        return []
    active = User.objects.filter(is_active=True, profile__isnull=False)
    by_username = list(active.filter(username=text.split(" ", 1)[0]))
    if by_username:
        return by_username
    by_name = list(active.filter(full_name=text))
    if by_name:
        return by_name
    wanted = text.lower().replace(" ", "")
    return [user for user in active if pinyin_keys(user.get_full_name())[1] == wanted]


class StaffTextField(forms.CharField):
    default_error_messages = {
        "person_unknown": _("No staff member matches this; pick one from the list."),
        "person_unclear": _("Several staff members match this; pick one from the list."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("help_text", _("Type the name, pinyin initials or user name."))
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"list": PERSON_DATALIST, "autocomplete": "off"})
        )
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        matches = staff_resolve(text)
        if len(matches) != 1:
            code = "person_unclear" if matches else "person_unknown"
            raise ValidationError(self.error_messages[code], code=code)
        return matches[0]


# --- Registering a complaint -----------------------------------------------------------------

REPORTABLE_SOURCES = [
    (value, label)
    for value, label in Violation.Source.choices
    if value != Violation.Source.AUTOMATIC
]


class ViolationReportForm(ServiceErrorMixin, forms.Form):
    error_messages = {
        "no_one": _("Name the person concerned, or the unit at fault."),
        "case_unknown": _("No case has this number."),
        "future": _("The date it happened cannot be in the future."),
    }

    person = StaffTextField(label=_("Person concerned"), required=False)
    department = forms.ModelChoiceField(
        label=_("Unit or department at fault"),
        queryset=Department.objects.none(),
        required=False,
        help_text=_(
            "Leave empty for a person (their department is taken); choose the unit when the "
            "unit itself does not run the system."
        ),
    )
    source = forms.ChoiceField(label=_("Source"), choices=REPORTABLE_SOURCES)
    complainant_name = forms.CharField(label=_("Complainant"), max_length=50, required=False)
    complainant_phone = forms.CharField(
        label=_("Complainant's phone"), max_length=30, required=False
    )
    complaint_text = forms.CharField(
        label=_("The complaint as received"), widget=_textarea(4), required=False
    )
    allegation = forms.CharField(
        label=_("Allegation"),
        widget=_textarea(),
        help_text=_("What the person concerned will be told. Do not name the complainant here."),
    )
    case_number = forms.CharField(label=_("Case number"), max_length=20, required=False)
    occurred_on = forms.DateField(
        label=_("Occurred on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(is_active=True).order_by(
            "sort_order", "code"
        )
        self.fields["occurred_on"].initial = timezone.localdate()

    def clean_complainant_phone(self):
        return normalize_phone(self.cleaned_data.get("complainant_phone", ""))

    def clean_case_number(self):
        number = normalize_text(self.cleaned_data.get("case_number", ""))
        if not number:
            return None
        inquiry = Inquiry.objects.filter(number=number).first()
        if inquiry is None:
            raise ValidationError(self.error_messages["case_unknown"], code="case_unknown")
        return inquiry

    def clean_occurred_on(self):
        day = self.cleaned_data["occurred_on"]
        if day > timezone.localdate():
            raise ValidationError(self.error_messages["future"], code="future")
        return day

    def clean(self):
        data = super().clean()
        person = data.get("person")
        if person is None and data.get("department") is None and not self.has_error("person"):
            raise ValidationError(self.error_messages["no_one"], code="no_one")
        return data

    def report_kwargs(self) -> dict:
        data = self.cleaned_data
        person = data["person"]
        department = data["department"] or person.profile.department
        return {
            "person": person,
            "department": department,
            "source": data["source"],
            "allegation": data["allegation"],
            "complainant_name": data["complainant_name"],
            "complainant_phone": data["complainant_phone"],
            "complaint_text": data["complaint_text"],
            "inquiry": data["case_number"],
            "occurred_on": data["occurred_on"],
        }


# --- The actions of the violation page -------------------------------------------------------


class ActionForm(ServiceErrorMixin, forms.Form):
    """Every form on the violation page gets ids of its own (several share field names)."""

    id_format = "id_%s"

    def __init__(self, *args, violation: Violation, user: User, **kwargs):
        self.violation = violation
        self.user = user
        kwargs.setdefault("auto_id", self.id_format)
        super().__init__(*args, **kwargs)


class OpenInvestigationForm(ActionForm):
    id_format = "id_investigate_%s"

    investigator = forms.ModelChoiceField(
        label=_("Investigator"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Leave empty to investigate it yourself."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["investigator"].queryset = (
            User.objects.filter(is_active=True)
            .filter(
                groups__permissions__codename="handle_violation",
                groups__permissions__content_type__app_label="penalties",
            )
            .exclude(pk=self.violation.person_id or 0)
            .distinct()
            .order_by("username")
        )


class EvidenceForm(ActionForm):
    id_format = "id_evidence_%s"

    description = forms.CharField(label=_("What it shows"), widget=_textarea(2))
    case_number = forms.CharField(label=_("Case number"), max_length=20, required=False)
    document = forms.FileField(
        label=_("Document"),
        required=False,
        help_text=_("PDF, image, Word, Excel or text; at most 10 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(f".{ext}" for ext in Evidence.ALLOWED_EXTENSIONS)}
        ),
    )
    confidential = forms.BooleanField(
        label=_("Discipline role only"),
        required=False,
        help_text=_(
            "E.g. a document that names the complainant: the person concerned never sees it."
        ),
    )

    def clean_case_number(self):
        number = normalize_text(self.cleaned_data.get("case_number", ""))
        if not number:
            return None
        inquiry = Inquiry.objects.filter(number=number).first()
        if inquiry is None:
            raise ValidationError(_("No case has this number."), code="case_unknown")
        return inquiry


class StatementForm(ActionForm):
    id_format = "id_statement_%s"

    text = forms.CharField(label=_("Your statement"), widget=_textarea(5))


class TypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.description} → {obj.default_level.name}"


class VerifyForm(ActionForm):
    id_format = "id_verify_%s"

    violation_type = TypeChoiceField(label=_("Violation"), queryset=ViolationType.objects.none())
    level = forms.ModelChoiceField(
        label=_("Sanction"),
        queryset=SanctionLevel.objects.none(),
        required=False,
        help_text=_("Leave empty for the violation's default sanction."),
    )
    findings = forms.CharField(label=_("Findings of the investigation"), widget=_textarea(4))
    note = forms.CharField(label=_("Reasons for the decision"), widget=_textarea(2), required=False)

    def __init__(self, *args, policy, **kwargs):
        super().__init__(*args, **kwargs)
        types = ViolationType.objects.filter(policy=policy).select_related("default_level")
        if self.violation.person_id is None:
            types = types.filter(unit_level=True)
        else:
            types = types.filter(unit_level=False)
        self.fields["violation_type"].queryset = types
        self.fields["level"].queryset = SanctionLevel.objects.filter(policy=policy)


class DismissForm(ActionForm):
    id_format = "id_dismiss_%s"

    note = forms.CharField(label=_("Reasons for dismissing it"), widget=_textarea(2))


class DecideProposalForm(ActionForm):
    id_format = "id_decide_%s"

    ADOPT = "adopt"
    WITHDRAW = "withdraw"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=((ADOPT, _("Adopt: it comes into force today")), (WITHDRAW, _("Do not adopt"))),
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Reasons"), widget=_textarea(2), required=False)


class RevokeForm(ActionForm):
    id_format = "id_revoke_%s"

    reason = forms.CharField(label=_("Reason for revoking (the appeal)"), widget=_textarea(2))


class CorrectionForm(ActionForm):
    id_format = "id_correction_%s"

    note = forms.CharField(
        label=_("How the unit corrected it"), max_length=100, widget=_textarea(2)
    )


class ViolationFilterForm(forms.Form):
    """The list's filters: only the listed values are accepted; anything else is ignored."""

    state = forms.ChoiceField(
        label=_("State"), choices=[("", _("All")), *list(Violation.State.choices)], required=False
    )
    source = forms.ChoiceField(
        label=_("Source"), choices=[("", _("All")), *list(Violation.Source.choices)], required=False
    )
    department = forms.TypedChoiceField(
        label=_("Department"), coerce=int, choices=(), required=False, empty_value=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Department.objects.filter(is_active=True).order_by("sort_order", "code")
        self.fields["department"].choices = [("", _("All"))] + [
            (department.pk, department.name) for department in departments
        ]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        chosen = {
            "state": data.get("state"),
            "source": data.get("source"),
            "department_id": data.get("department"),
        }
        return {key: value for key, value in chosen.items() if value}
