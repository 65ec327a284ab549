"""allauth's code forms, kept on screen: a too-early "send a new code" and a wrong code.

allauth's own views do the work; these subclasses only change what the person sees:
- a second "send a new code" within the wait stays on the code form (status 429), says how many
  seconds are left and disables the button with a countdown (static/js/resend_countdown.js;
  without JavaScript the message alone tells when to try again). The first view of the form
  shows no countdown: it would differ, by a second, between an address that has an account
  and one that has not, and so tell them apart;
- a wrong code says how many tries are left.
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import ngettext

from allauth.account import app_settings
from allauth.account.forms import ResetPasswordForm
from allauth.account.internal.flows.email_verification import (
    consume_email_verification_rate_limit,
)
from allauth.account.views import (
    ConfirmEmailVerificationCodeView,
    ConfirmPasswordResetCodeView,
)
from allauth.core import ratelimit
from allauth.utils import get_form_class


def _tries_left_message(process) -> str:
    left = process.max_attempts - process.state.get("failed_attempts", 0)
    return ngettext(
        "Incorrect code. You have %(count)d try left.",
        "Incorrect code. You have %(count)d tries left.",
        left,
    ) % {"count": left}


def _seconds_left(sent_at: float | None) -> int:
    """Seconds before a new code may be sent, counted from when the current one was sent."""
    wait = settings.NEWSROOM_CODE_RESEND_WAIT_SECONDS
    if sent_at:
        wait -= time.time() - sent_at
    return max(1, math.ceil(wait))


def _refused_resend(view, form):
    """The code form again, saying how long to wait (not allauth's separate page)."""
    response = view.render_to_response(
        view.get_context_data(
            form=form, resend_refused=True, resend_wait=view.resend_wait()
        )
    )
    response.status_code = 429
    return response


def _with_tries_left(response, form, process):
    """Replace allauth's "Incorrect code." by one that counts the tries left."""
    if process is None or getattr(response, "context_data", None) is None:
        return response
    if "code" in form.errors and any(
        error.code == "incorrect_code" for error in form.errors.as_data()["code"]
    ):
        form.errors["code"] = form.error_class([_tries_left_message(process)])
    return response


class EmailVerificationCodeView(ConfirmEmailVerificationCodeView):
    def resend_wait(self) -> int:
        """Seconds before a new code may be sent (0: now).

        allauth's own rate limit decides (asked without consuming it); the seconds are counted
        from when the current code was sent (AccountAdapter.send_confirmation_mail).
        """
        if not self._process or not self._process.can_resend:
            return 0
        if consume_email_verification_rate_limit(
            self.request, self._process.email, dry_run=True
        ):
            return 0
        return _seconds_left(self._process.state.get("at"))

    def post(self, request, *args, **kwargs):
        if self._action == "resend" and self.resend_wait():
            form = self._get_verify_form_class()(
                code=self._process.code,
                user=self._process.user,
                email=self._process.email,
            )
            return _refused_resend(self, form)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if self._action != "verify":
            return response
        return _with_tries_left(response, form, self._process)


class PasswordResetCodeView(ConfirmPasswordResetCodeView):
    """The reset's code form; its "send a new code" posts here (action=resend).

    A new code restarts allauth's reset for the same address, exactly as the reset form does
    (its form, its rate limit "reset_password" by address, its mail); too early, the person
    stays on this form with the wait. Known and unknown addresses get the same answers: the
    rate limit and the process's start time exist for both.
    """

    def resend_wait(self) -> int:
        email = self._process.state["email"].lower()
        if ratelimit.consume(
            self.request, action="reset_password", key=email, dry_run=True
        ):
            return 0
        return _seconds_left(self._process.state.get("at"))

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") != "resend":
            return super().post(request, *args, **kwargs)
        if self.resend_wait():
            return _refused_resend(self, self.get_form_class()(code=self._process.code))
        form_class = get_form_class(
            app_settings.FORMS, "reset_password", ResetPasswordForm
        )
        reset = form_class(data={"email": self._process.state["email"]})
        if not reset.is_valid() or not ratelimit.consume(
            request, action="reset_password", key=reset.cleaned_data["email"].lower()
        ):
            return _refused_resend(self, self.get_form_class()(code=self._process.code))
        reset.save(request)
        return HttpResponseRedirect(
            self.passthrough_next_url(reverse("account_confirm_password_reset_code"))
        )

    def form_invalid(self, form):
        response = super().form_invalid(form)
        return _with_tries_left(response, form, getattr(self, "_process", None))


email_verification_sent = EmailVerificationCodeView.as_view()
confirm_password_reset_code = PasswordResetCodeView.as_view()
