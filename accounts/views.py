from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts import services
from accounts.forms import ProfileForm
from accounts.models import NewsletterConsent


@login_required
def welcome(request: HttpRequest) -> HttpResponse:
    """The success page after verification, with the optional newsletter opt-in."""
    return render(
        request,
        "accounts/welcome.html",
        {
            "is_subscribed": services.is_subscribed(user=request.user),
            "newsletter_wording": services.NEWSLETTER_CONSENT_WORDING,
        },
    )


@login_required
@require_POST
def newsletter_subscribe(request: HttpRequest) -> HttpResponse:
    via = request.POST.get("via")
    if via not in (
        NewsletterConsent.Channel.WELCOME_PAGE,
        NewsletterConsent.Channel.ACCOUNT_PAGE,
    ):
        via = NewsletterConsent.Channel.ACCOUNT_PAGE
    services.subscribe_to_newsletter(user=request.user, via=via)
    messages.success(request, _("You are subscribed to our newsletter."))
    return redirect(
        "accounts:welcome"
        if via == NewsletterConsent.Channel.WELCOME_PAGE
        else "accounts:profile"
    )


@login_required
@require_POST
def newsletter_withdraw(request: HttpRequest) -> HttpResponse:
    services.withdraw_newsletter_consent(
        user=request.user, via=NewsletterConsent.Channel.ACCOUNT_PAGE
    )
    messages.success(request, _("You are no longer subscribed to our newsletter."))
    return redirect("accounts:profile")


# A mail client's one-click unsubscribe (RFC 8058) posts without a session or CSRF
# token; the signed token is the only credential and names one person.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def newsletter_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    user = services.read_unsubscribe_token(token)
    if user is None:
        return render(request, "accounts/unsubscribe_invalid.html", status=404)
    if request.method == "POST":
        services.withdraw_newsletter_consent(
            user=user, via=NewsletterConsent.Channel.EMAIL_LINK
        )
        return render(request, "accounts/unsubscribe_done.html", {"email": user.email})
    # GET only shows the button: link scanners in mail gateways follow links.
    return render(
        request,
        "accounts/unsubscribe.html",
        {"email": user.email, "is_subscribed": services.is_subscribed(user=user)},
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The account page: e-mail, organisation, newsletter, password."""
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            services.update_profile(
                user=request.user,
                organisation=form.cleaned_data["organisation"],
                language=form.cleaned_data["language"]
                if "language" in request.POST
                else None,
            )
            messages.success(request, _("Your details have been saved."))
            return redirect("accounts:profile")
    else:
        form = ProfileForm(
            initial={
                "organisation": request.user.organisation,
                "language": request.user.language,
            }
        )
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "is_subscribed": services.is_subscribed(user=request.user),
            "newsletter_wording": services.NEWSLETTER_CONSENT_WORDING,
        },
    )
