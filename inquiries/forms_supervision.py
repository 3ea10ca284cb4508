"""Forms of supervision: pressing (督办) and extensions (延期) on the case page, and the
dashboard's filters. They check the shape of the input; the rules are the services'."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inquiries.forms_case import CaseActionForm, _textarea
from inquiries.models import Department, Kind, User
from inquiries.services.supervision import EXTENSION_MAX_DAYS

# A press usually wants an answer within the week.
PRESS_DEFAULT_DAYS = 3


class PressForm(CaseActionForm):
    id_format = "id_press_%s"

    message = forms.CharField(
        label=_("Pressing message"),
        widget=_textarea(3),
        help_text=_("What the handler must do, e.g. reply to the requester today."),
    )
    respond_by = forms.DateField(
        label=_("Respond by"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault(
            "respond_by", timezone.localdate() + datetime.timedelta(days=PRESS_DEFAULT_DAYS)
        )


class PressAnswerForm(CaseActionForm):
    id_format = "id_press_answer_%s"

    answer = forms.CharField(
        label=_("Answer to the supervisor"),
        widget=_textarea(3),
        help_text=_("What was done, and when the case will be finished."),
    )


class ExtensionRequestForm(CaseActionForm):
    id_format = "id_extension_%s"

    extra_days = forms.IntegerField(
        label=_("Extra working days"), min_value=1, max_value=EXTENSION_MAX_DAYS
    )
    reason = forms.CharField(
        label=_("Reason for the extension"),
        widget=_textarea(3),
        help_text=_("Why the case cannot be finished by its deadline."),
    )


class ExtensionDecideForm(CaseActionForm):
    id_format = "id_extension_decide_%s"

    APPROVE, REFUSE = "approve", "refuse"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=((APPROVE, _("Approve")), (REFUSE, _("Refuse"))),
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Decision note"), widget=_textarea(2), required=False)

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == self.APPROVE


class ExtensionToldForm(CaseActionForm):
    id_format = "id_extension_told_%s"

    note = forms.CharField(
        label=_("What the requester was told"),
        widget=_textarea(2),
        help_text=_("E.g. phoned on 3 May: the new deadline is 20 May."),
    )


class SupervisionFilterForm(forms.Form):
    """The dashboard's filters: department, handler and kind (every list shares them)."""

    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("All departments"),
    )
    handler = forms.ModelChoiceField(
        label=_("Handler"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("All handlers"),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *Kind.choices], required=False
    )

    def __init__(self, *args, department_ids=None, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Department.objects.exclude(level=Department.Level.UNIT)
        people = User.objects.filter(is_active=True, profile__isnull=False)
        if department_ids is not None:
            departments = departments.filter(pk__in=department_ids)
            people = people.filter(profile__department_id__in=department_ids)
        self.fields["department"].queryset = departments.order_by("sort_order", "code")
        self.fields["handler"].queryset = people.order_by("full_name", "username")

    def filters(self) -> dict:
        """The valid filters; an invalid value is ignored rather than failing the page."""
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}
