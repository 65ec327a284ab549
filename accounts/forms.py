from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from allauth.account.adapter import get_adapter
from allauth.account.forms import AddEmailForm as AllauthAddEmailForm
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.core import ratelimit

from accounts.models import User


ORGANISATION_HELP = _("Your newsroom, agency or media outlet.")


def organisation_field() -> forms.CharField:
    """The organisation download reports group by, asked at sign-up and on the account page."""
    return forms.CharField(
        label=_("Organisation or media outlet"),
        max_length=User._meta.get_field("organisation").max_length,
        required=False,
        help_text=ORGANISATION_HELP,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )


class SignupForm(AllauthSignupForm):
    organisation = organisation_field()
    field_order = ["email", "organisation", "password1", "password2"]


class LoginForm(AllauthLoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # allauth links "Forgot your password?" here without the return page; the
        # template gives the link that keeps it (accounts_tags.password_reset_url).
        self.fields["password"].help_text = ""


class AddEmailForm(AllauthAddEmailForm):
    """The "change e-mail" form: one field, named for what it does."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("New e-mail address")
        self.fields["email"].widget.attrs.pop("placeholder", None)


class ProfileForm(forms.Form):
    organisation = organisation_field()
    language = forms.ChoiceField(
        label=_("Language of our e-mails"),
        choices=[("", _("The language of the page I am on")), *settings.LANGUAGES],
        required=False,
    )


class AdminLoginForm(WagtailLoginForm):
    """Wagtail's log-in, authenticated through allauth so the same throttles apply.

    The per-address failure counter is shared with the public log-in (same key), and
    the per-client "login" limit counts requests from the same (proxy-aware) address.
    """

    def clean(self):
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email is None or not password:
            return self.cleaned_data
        if not ratelimit.consume(self.request, action="login", key=email.lower()):
            raise ValidationError(
                get_adapter(self.request).error_messages["too_many_login_attempts"],
                code="too_many_login_attempts",
            )
        self.user_cache = get_adapter(self.request).authenticate(
            self.request, email=email, password=password
        )
        if self.user_cache is None:
            raise self.get_invalid_login_error()
        self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data
