"""The public tracking form: a case number plus the tracking code or the phone's last 4 digits."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from inquiries.text import normalize_text

NUMBER_MAX_LENGTH = 40
_WHITE_SPACE = re.compile(r"\s+")


def _fold(value: str) -> str:
    """Full-width to half-width, no spaces at all, upper case."""
    return _WHITE_SPACE.sub("", normalize_text(value)).upper()


class TrackForm(forms.Form):
    number = forms.CharField(label=_("Case number"), max_length=NUMBER_MAX_LENGTH)
    tracking_code = forms.CharField(
        label=_("Tracking code"),
        required=False,
        max_length=40,
        help_text=_("As printed on your receipt."),
    )
    phone_last4 = forms.CharField(
        label=_("Last four digits of your phone"),
        required=False,
        max_length=10,
    )

    def clean_number(self):
        return _fold(self.cleaned_data["number"])

    def clean_tracking_code(self):
        return _fold(self.cleaned_data["tracking_code"])

    def clean_phone_last4(self):
        value = _fold(self.cleaned_data["phone_last4"])
        if value and not re.fullmatch(r"[0-9]{4}", value):
            raise forms.ValidationError(_("Enter exactly four digits."))
        return value

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("tracking_code") and not cleaned.get("phone_last4"):
            raise forms.ValidationError(
                _("Enter the tracking code or the last four digits of your phone.")
            )
        return cleaned
