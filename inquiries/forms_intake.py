"""Forms for intake (registering a case at the counter, on the phone, from a letter) and the
filters of the case lists."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inquiries.models import Channel, Kind
from inquiries.selectors_cases import CaseRole, CaseState, MatterMatch, matter_resolve
from inquiries.services import Requester
from inquiries.text import normalize_text
from inquiries.validators import (
    normalize_id_number,
    normalize_phone,
    validate_id_number,
    validate_phone,
)

# Access keys for the kinds: the initial of each kind's Chinese name in pinyin (咨询 zixun …),
# the way the desk already searches. None clashes with the browser's own Alt+D/E/F.
KIND_ACCESS_KEYS = {
    Kind.CONSULTATION: "z",  # 咨询
    Kind.SERVICE: "b",  # 办事
    Kind.COMPLAINT: "t",  # 投诉
    Kind.TIP_OFF: "j",  # 举报
    Kind.REPORT: "a",  # 报案
    Kind.SUGGESTION: "y",  # 建议
    Kind.HELP: "q",  # 求助
}
# A subject left empty is taken from the start of the content, this many characters at most.
SUBJECT_FROM_CONTENT_LENGTH = 30
# Longer search text is cut: nobody types a whole case into the search box.
QUERY_MAX_LENGTH = 100
# datetime-local inputs send "2026-09-30T10:15".
DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"

_REQUESTER_LABELS = {
    Channel.VISIT: _("Visitor (name or unit)"),
    Channel.PHONE: _("Caller (name or unit)"),
    Channel.LETTER: _("Sender (name or unit)"),
    Channel.FAX: _("Sender (name or unit)"),
}
# Letters and faxes are documents: they carry a date and are answered in writing.
_WRITTEN = frozenset({Channel.LETTER, Channel.FAX})
_RECEIVED_AT_LABELS = {
    Channel.VISIT: _("Arrived at"),
    Channel.PHONE: _("Time of the call"),
    Channel.LETTER: _("Letter received at"),
    Channel.FAX: _("Fax received at"),
}


class KindRadioSelect(forms.RadioSelect):
    """Radio buttons for the kind, each with its access key; the checked one takes the focus
    when the form wants it (`autofocus` on the widget)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["attrs"].pop("autofocus", None)
        if selected and self.attrs.get("autofocus"):
            option["attrs"]["autofocus"] = True
        key = KIND_ACCESS_KEYS.get(value)
        if key:
            option["attrs"]["accesskey"] = key
            option["access_key"] = key.upper()
        return option


class IntakeForm(forms.Form):
    """One form for the three channels; the view passes the channel to label it."""

    error_messages = {
        "no_contact": _("Give the requester's phone or address, so that feedback can reach them."),
        "matter_unknown": _(
            "No active matter of the service catalog matches “%(text)s”. Pick one from the "
            "suggestions, or leave the field empty."
        ),
        "matter_ambiguous": _(
            "“%(text)s” matches %(count)s matters of the service catalog; pick one from the "
            "suggestions."
        ),
        "letter_after_receipt": _("The letter cannot be dated after the day it was received."),
        "future": _("The time received cannot be in the future."),
    }
    # Which field an error of the registration service belongs to (None: the whole form).
    SERVICE_ERROR_FIELDS = {"future": "received_at", "no_contact": "requester_phone"}

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Kind.choices,
        initial=Kind.CONSULTATION,
        widget=KindRadioSelect,
    )
    requester_name = forms.CharField(label=_("Requester (name or unit)"), max_length=100)
    requester_unit = forms.CharField(label=_("Unit"), max_length=100, required=False)
    requester_phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
    )
    requester_address = forms.CharField(label=_("Address"), max_length=200, required=False)
    requester_id_number = forms.CharField(
        label=_("ID number"),
        # Room for spaces and full-width characters; the normalised number has 18.
        max_length=40,
        required=False,
        help_text=_("Only when the matter needs it."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=200,
        required=False,
        help_text=_("Left empty, the first words of the content are used."),
    )
    content = forms.CharField(
        label=_("Content"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the requester asks or reports; for a complaint or tip-off, in detail."),
    )
    matter = forms.CharField(
        label=_("Service matter"),
        max_length=250,
        required=False,
        help_text=_("Optional. Type a name, code, keyword or pinyin initials, e.g. spjy."),
        widget=forms.TextInput(
            attrs={"list": "matter-options", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    received_at = forms.DateTimeField(
        label=_("Received at"),
        required=False,
        input_formats=[DATETIME_LOCAL_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL_FORMAT),
    )
    letter_date = forms.DateField(
        label=_("Date of the letter"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    disclosure_given = forms.BooleanField(
        label=_("I told the requester my name, duty and phone"), required=False
    )

    def __init__(self, *args, channel: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel = Channel(channel)
        self.match = MatterMatch(text="")
        self.fields["requester_name"].label = _REQUESTER_LABELS.get(
            self.channel, self.fields["requester_name"].label
        )
        if self.channel in _WRITTEN:
            self.fields["requester_address"].label = _("Sender's address (for the reply)")
        self.fields["received_at"].label = _RECEIVED_AT_LABELS.get(
            self.channel, self.fields["received_at"].label
        )
        if not self.is_bound:
            self.initial.setdefault(
                "received_at", timezone.localtime().replace(second=0, microsecond=0)
            )
            # At the counter and on the phone the responder introduces themselves at once;
            # a letter is answered in writing, so the box starts unticked there.
            self.initial.setdefault("disclosure_given", self.channel not in _WRITTEN)
        if self.channel not in _WRITTEN:
            del self.fields["letter_date"]

    def focus_first(self) -> None:
        """Put the cursor in the first field with an error, or on the kind for a new form."""
        name = next((name for name in self.fields if name in self.errors), None)
        self.fields[name or "kind"].widget.attrs["autofocus"] = True

    def clean_requester_phone(self) -> str:
        phone = normalize_phone(self.cleaned_data["requester_phone"])
        validate_phone(phone)
        return phone

    def clean_requester_id_number(self) -> str:
        number = normalize_id_number(self.cleaned_data["requester_id_number"])
        validate_id_number(number)
        return number

    def clean_matter(self):
        self.match = matter_resolve(text=self.cleaned_data["matter"])
        if self.match.is_unknown:
            raise ValidationError(
                self.error_messages["matter_unknown"],
                code="matter_unknown",
                params={"text": self.match.text},
            )
        if self.match.is_ambiguous:
            raise ValidationError(
                self.error_messages["matter_ambiguous"],
                code="matter_ambiguous",
                params={"text": self.match.text, "count": self.match.candidates},
            )
        return self.match.matter

    def clean_received_at(self):
        received_at = self.cleaned_data["received_at"]
        if received_at and received_at > timezone.now() + datetime.timedelta(minutes=5):
            raise ValidationError(self.error_messages["future"], code="future")
        return received_at

    def clean(self):
        cleaned = super().clean()
        if (
            "requester_phone" in cleaned
            and "requester_address" in cleaned
            and not cleaned["requester_phone"]
            and not normalize_text(cleaned["requester_address"])
        ):
            self.add_error(
                "requester_phone",
                ValidationError(self.error_messages["no_contact"], code="no_contact"),
            )
        letter_date = cleaned.get("letter_date")
        if letter_date:
            received_on = timezone.localdate(cleaned.get("received_at") or timezone.now())
            if letter_date > received_on:
                self.add_error(
                    "letter_date",
                    ValidationError(
                        self.error_messages["letter_after_receipt"], code="letter_after_receipt"
                    ),
                )
        if "content" in cleaned and not normalize_text(cleaned.get("subject", "")):
            first_line = normalize_text(cleaned["content"].strip().splitlines()[0])
            if len(first_line) > SUBJECT_FROM_CONTENT_LENGTH:
                first_line = first_line[: SUBJECT_FROM_CONTENT_LENGTH - 1] + "…"
            cleaned["subject"] = first_line
        return cleaned

    def register_kwargs(self) -> dict:
        """Keyword arguments for `services.inquiry_register` (besides `by` and `channel`)."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "requester": Requester(
                name=data["requester_name"],
                unit=data["requester_unit"],
                phone=data["requester_phone"],
                address=data["requester_address"],
                id_number=data["requester_id_number"],
            ),
            "subject": data["subject"],
            "content": data["content"],
            "disclosure_given": data["disclosure_given"],
            "received_at": data["received_at"],
            "letter_date": data.get("letter_date"),
            "matter": data["matter"],
        }

    def add_service_error(self, code: str, message: str) -> None:
        """Show an error of the registration service next to the field it is about."""
        self.add_error(self.SERVICE_ERROR_FIELDS.get(code), message)


# --- Filters of the lists ----------------------------------------------------------------------


class CaseListFilterForm(forms.Form):
    """The role, state and search text of "my cases"; anything invalid falls back to defaults."""

    role = forms.ChoiceField(choices=CaseRole.choices, required=False)
    state = forms.ChoiceField(choices=CaseState.choices, required=False)
    q = forms.CharField(
        label=_("Case number, requester, phone or subject"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def filters(self) -> tuple[str, str, str]:
        self.is_valid()
        data = self.cleaned_data
        return (
            data.get("role") or CaseRole.RESPONDER,
            data.get("state") or CaseState.OPEN,
            normalize_text(data.get("q", ""))[:QUERY_MAX_LENGTH],
        )


class DateRangeForm(forms.Form):
    """A range of local days, both included; registers and statistics filter by it."""

    error_messages = {
        "range_reversed": _("The first day must not be after the last day."),
    }

    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            raise ValidationError(self.error_messages["range_reversed"], code="range_reversed")
        return cleaned


class RegisterFilterForm(DateRangeForm):
    """The date range of a register (phone, visit or letter)."""

    def dates(self) -> tuple[datetime.date | None, datetime.date | None]:
        """The dates to filter by; a range that makes no sense filters nothing."""
        if not self.is_valid():
            return None, None
        return self.cleaned_data.get("date_from"), self.cleaned_data.get("date_to")
