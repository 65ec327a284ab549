"""allauth, fitted to the newsroom: wording, safe return paths, code timing, profile."""

from __future__ import annotations

import time
import unicodedata
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import get_random_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context

from accounts.tasks import message_payload, send_mail_task
from core.mail import localised_from_email


if TYPE_CHECKING:
    from django.http import HttpRequest

# Views where "too many attempts" means "too many wrong codes", and what to do next.
_TOO_MANY_WRONG_CODES = {
    "account_email_verification_sent": _(
        "Too many wrong codes: this code no longer works. "
        "Log in again to receive a new code."
    ),
    "account_confirm_password_reset_code": _(
        "Too many wrong codes: this code no longer works. "
        "Choose “Forgot your password?” to receive a new code."
    ),
}


def is_site_path(url: str | None) -> bool:
    """Whether `url` is a plain path on this site ("/fr/news/"), never another host.

    Browsers drop tabs and newlines and read a backslash as a slash, so such
    characters could turn a path into another host: any of them disqualifies it.
    """
    if not url or not url.startswith("/") or url.startswith("//"):
        return False
    if "\\" in url or any(
        character.isspace() or unicodedata.category(character)[0] == "C"
        for character in url
    ):
        return False
    parts = urlsplit(url)
    return not (parts.scheme or parts.netloc) and url_has_allowed_host_and_scheme(
        url, allowed_hosts=None
    )


class AccountAdapter(DefaultAccountAdapter):
    @property
    def error_messages(self) -> dict[str, Any]:
        messages = dict(DefaultAccountAdapter.error_messages)
        request = allauth_context.request
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name in _TOO_MANY_WRONG_CODES:
            messages["too_many_login_attempts"] = _TOO_MANY_WRONG_CODES[match.url_name]
        else:
            # At log-in this is said both after failed passwords and while a new
            # verification code may not be sent yet: one wording true for both.
            messages["too_many_login_attempts"] = _(
                "Too many attempts. Please wait a few minutes, then try again."
            )
        messages["rate_limited"] = _(
            "You asked for a new code too recently. "
            "Please wait %(seconds)d seconds, then try again."
        ) % {"seconds": settings.NEWSROOM_CODE_RESEND_WAIT_SECONDS}
        return messages

    def is_safe_url(self, url: str) -> bool:
        # Return pages are paths on this site only, never an outside address.
        return is_site_path(url)

    def save_user(self, request: HttpRequest, user, form, commit: bool = True):
        user = super().save_user(request, user, form, commit=False)
        user.organisation = form.cleaned_data.get("organisation", "").strip()
        user.language = get_language()
        if commit:
            user.save()
        return user

    def send_confirmation_mail(
        self, request: HttpRequest, emailconfirmation, signup: bool
    ) -> None:
        state = getattr(emailconfirmation, "state", None)
        if isinstance(state, dict):
            # Each new code gets its own 30 minutes, counted from when it was sent
            # (allauth counts from the first code; a resent one would inherit the rest).
            state["at"] = time.time()
        super().send_confirmation_mail(request, emailconfirmation, signup)

    def send_account_already_exists_mail(self, email: str) -> None:
        # Sign-up with an address that has an account does the work of a new one: hash a
        # password (as creating the account would) and queue one mail. The answer and
        # its timing are the same either way.
        make_password(get_random_string(32))
        super().send_account_already_exists_mail(email)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # A person's mails are in the language they signed up in, whichever site they are on;
        # mail to an address without an account goes out in the language of the page.
        # (one lookup for known and unknown addresses alike: the timing tells nothing)
        language = (
            get_user_model()
            .objects.filter(email__iexact=email)
            .values_list("language", flat=True)
            .first()
            or get_language()
        )
        request = allauth_context.request
        with translation.override(language):
            message = self.render_mail(
                template_prefix,
                email,
                {
                    "request": request,
                    "email": email,
                    "current_site": get_current_site(request),
                    **context,
                },
            )
        # Rendered here (language, links), sent by a worker (accounts.tasks).
        send_mail_task.delay(**message_payload(message))

    def get_from_email(self) -> str:
        # Called inside send_mail's language override: the sender's name is in that language.
        return localised_from_email()

    def get_logout_redirect_url(self, request: HttpRequest) -> str:
        # The home page in the language the person was using.
        return "/%s/" % get_language()

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return reverse("accounts:welcome")
