"""Validation and normalisation of what requesters tell us: phone numbers and ID numbers."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_PHONE_ALLOWED = re.compile(r"^\+?[0-9][0-9\-\s()]{4,24}$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def normalize_phone(value: str) -> str:
    """Fold full-width digits, drop spaces and brackets, keep hyphens between groups."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    text = re.sub(r"[\s()]", "", text)
    return re.sub(r"-{2,}", "-", text).strip("-")


def validate_phone(value: str) -> None:
    if not value:
        return
    digits = re.sub(r"\D", "", value)
    if not _PHONE_ALLOWED.match(value) or not 5 <= len(digits) <= 20:
        raise ValidationError(
            _("Enter a phone number of digits, e.g. 13812345678 or 0531-86012345."),
            code="invalid_phone",
        )
    if len(digits) == 11 and digits.startswith("1") and not re.match(r"^1[3-9]\d{9}$", digits):
        raise ValidationError(_("This mobile number does not exist."), code="invalid_mobile")


def normalize_id_number(value: str) -> str:
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", value or "")).upper()


def validate_id_number(value: str) -> None:
    """A resident identity card number (GB 11643): 18 characters with a valid check digit."""
    if not value:
        return
    if not re.fullmatch(r"\d{17}[\dX]", value):
        raise ValidationError(
            _("An ID number has 18 characters: 17 digits and a digit or X."), code="invalid_id"
        )
    total = sum(int(digit) * weight for digit, weight in zip(value[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != value[17]:
        raise ValidationError(
            _("This ID number's check digit is wrong; please check it."), code="invalid_id_check"
        )
