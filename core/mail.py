"""The sender of the site's e-mails, named in the language of the mail."""

from __future__ import annotations

from email.utils import formataddr, parseaddr

from django.conf import settings
from django.utils.translation import gettext


def localised_from_email() -> str:
    """DEFAULT_FROM_EMAIL's address with the site's name in the active language.

    "Salle de presse <newsroom@example.org>" for a French mail, "Newsroom <…>" for an English
    one: the name is the site's brand as every page shows it.
    """
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((gettext("Newsroom"), address))
