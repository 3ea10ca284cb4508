"""The public form for writing to the office online (网上来信)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from inquiries.services.public import ONLINE_KINDS
from inquiries.validators import normalize_phone, validate_phone

CONTENT_MAX_LENGTH = 5000


class OnlineLetterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What is your letter about?"),
        choices=[(kind.value, kind.label) for kind in ONLINE_KINDS],
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Your name"), max_length=100)
    phone = forms.CharField(
        label=_("Your phone"),
        max_length=30,
        help_text=_("We call you back on this number."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(label=_("Your email (optional)"), required=False, max_length=100)
    address = forms.CharField(label=_("Your address (optional)"), required=False, max_length=200)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    content = forms.CharField(
        label=_("Your letter"),
        max_length=CONTENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={
            "max_length": _(
                "Your letter is too long: at most %(limit_value)d characters (it has "
                "%(show_value)d)."
            )
        },
    )
    # A honeypot: hidden from people, filled in by robots. It must stay empty.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_phone(self):
        phone = normalize_phone(self.cleaned_data["phone"])
        try:
            validate_phone(phone)
        except ValidationError as error:
            raise ValidationError(error.messages) from error
        return phone

    @property
    def is_robot(self) -> bool:
        return bool(self.cleaned_data.get("website", "").strip())
