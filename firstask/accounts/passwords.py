"""Password rules beyond Django's four: a mix of character kinds."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext


def character_kinds(password: str) -> int:
    """How many of lowercase, uppercase, digits and other characters the password uses.

    Letters without case (Chinese characters) count with the symbols as "other characters".
    """
    return sum(
        (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not (c.islower() or c.isupper() or c.isdigit()) for c in password),
        )
    )


class CharacterKindsValidator:
    """At least `min_kinds` of: lowercase letters, uppercase letters, digits, symbols."""

    def __init__(self, min_kinds: int = 3):
        self.min_kinds = min_kinds

    def validate(self, password, user=None):
        if character_kinds(password) < self.min_kinds:
            raise ValidationError(self._message(), code="password_too_simple")

    def get_help_text(self):
        return self._message()

    def _message(self) -> str:
        return gettext(
            "Your password must contain at least %(count)d of these: lowercase letters, "
            "uppercase letters, digits, symbols."
        ) % {"count": self.min_kinds}
