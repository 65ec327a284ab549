"""The client's password policy, as a Django password validator.

Being a validator in AUTH_PASSWORD_VALIDATORS, it holds wherever a password is set:
allauth's sign-up, reset and change forms, the Wagtail and Django admins and
`createsuperuser`.
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext


def _is_symbol(character: str) -> bool:
    # Punctuation (P*) and symbols (S*): "!", "€", "§", "«"... but not letters,
    # digits or spaces.
    return unicodedata.category(character)[0] in {"P", "S"}


def join_words(items: list[str]) -> str:
    """Join ["a", "b", "c"] as "a, b and c" in the active language."""
    if len(items) == 1:
        return items[0]
    return gettext("%(items)s and %(last)s") % {
        "items": ", ".join(items[:-1]),
        "last": items[-1],
    }


class PasswordPolicyValidator:
    """At least `min_length` characters, no spaces, upper and lower case, a digit, a symbol.

    A weak password gets one message naming everything that is missing.
    """

    def __init__(self, min_length: int = 12) -> None:
        self.min_length = min_length

    def missing(self, password: str) -> list[str]:
        """What the password lacks, as phrases: ["remove the spaces", "add a digit and a symbol"]."""
        missing = []
        if len(password) < self.min_length:
            missing.append(
                gettext(
                    "make it at least %(min_length)d characters long (it has %(length)d)"
                )
                % {"min_length": self.min_length, "length": len(password)}
            )
        if any(character.isspace() for character in password):
            missing.append(gettext("remove the spaces"))
        additions = []
        if not any(character.isupper() for character in password):
            additions.append(gettext("an upper-case letter"))
        if not any(character.islower() for character in password):
            additions.append(gettext("a lower-case letter"))
        if not any(character.isdigit() for character in password):
            additions.append(gettext("a digit"))
        if not any(_is_symbol(character) for character in password):
            additions.append(gettext("a symbol"))
        if additions:
            missing.append(
                gettext("add %(things)s") % {"things": join_words(additions)}
            )
        return missing

    def validate(self, password: str, user=None) -> None:
        missing = self.missing(password)
        if missing:
            raise ValidationError(
                gettext("This password is too weak: %(missing)s.")
                % {"missing": join_words(missing)},
                code="password_policy",
            )

    def get_help_text(self) -> str:
        return gettext(
            "Your password must have at least %(min_length)d characters, no spaces, "
            "and include upper-case and lower-case letters, digits and symbols."
        ) % {"min_length": self.min_length}
