"""Newsletter mails: every one carries the person's own one-click unsubscribe link."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.models import NewsletterConsent, User
from accounts.services import make_unsubscribe_token
from core.mail import localised_from_email


def unsubscribe_url(*, user: User, language: str) -> str:
    """The absolute, signed unsubscribe link for `user` (works without logging in)."""
    with translation.override(language):
        path = reverse(
            "accounts:newsletter-unsubscribe",
            kwargs={"token": make_unsubscribe_token(user=user)},
        )
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def build_newsletter_message(
    *, consent: NewsletterConsent, subject: str, text: str, html: str
) -> EmailMultiAlternatives:
    """One newsletter issue for one subscriber, in the language they subscribed in.

    Adds the RFC 8058 headers so mail clients offer a true one-click unsubscribe.
    """
    user = consent.user
    link = unsubscribe_url(user=user, language=consent.language)
    context = {
        "subject": subject,
        "text": text,
        "html": html,
        "unsubscribe_url": link,
        "LANGUAGE_CODE": consent.language,
    }
    with translation.override(consent.language):
        body = render_to_string("emails/newsletter_issue.txt", context)
        html_body = render_to_string("emails/newsletter_issue.html", context)
        from_email = localised_from_email()
    message = EmailMultiAlternatives(
        subject,
        body,
        from_email,
        [user.email],
        headers={
            "List-Unsubscribe": "<%s>" % link,
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html_body, "text/html")
    return message
