"""Writes for journalist accounts: profile, newsletter consent, unsubscribe tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import apps
from django.contrib.sessions.models import Session
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy

from allauth.account.models import EmailAddress

from accounts.models import NewsletterConsent, User


if TYPE_CHECKING:
    from django.utils.functional import Promise

# The sentence shown beside the subscribe button; stored, as shown, with each consent.
NEWSLETTER_CONSENT_WORDING: Promise = gettext_lazy(
    "Subscribe to our newsletter to get our latest updates."
)
_UNSUBSCRIBE_SALT = "accounts.newsletter.unsubscribe"


def update_profile(
    *, user: User, organisation: str, language: str | None = None
) -> User:
    """Store the person's organisation (download reports group by it) and mail language."""
    user.organisation = organisation.strip()
    if language is not None:
        user.language = language
    user.save(update_fields=["organisation", "language"])
    return user


def subscribe_to_newsletter(
    *, user: User, via: str, language: str | None = None
) -> NewsletterConsent:
    """Record the person's consent in the active language; idempotent."""
    existing = NewsletterConsent.objects.active().filter(user=user).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return NewsletterConsent.objects.create(
                user=user,
                given_via=via,
                language=language or get_language(),
                wording=str(NEWSLETTER_CONSENT_WORDING),
            )
    except IntegrityError:
        # A concurrent request recorded it first: one active consent per person.
        return NewsletterConsent.objects.active().get(user=user)


def withdraw_newsletter_consent(*, user: User, via: str) -> bool:
    """Withdraw the active consent, if any. Returns whether one was withdrawn."""
    updated = (
        NewsletterConsent.objects.active()
        .filter(user=user)
        .update(withdrawn_at=timezone.now(), withdrawn_via=via)
    )
    return bool(updated)


def is_subscribed(*, user: User) -> bool:
    return NewsletterConsent.objects.active().filter(user=user).exists()


def make_unsubscribe_token(*, user: User) -> str:
    """A signed token naming one person; it cannot be altered to name another."""
    return signing.dumps({"user": user.pk, "email": user.email}, salt=_UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> User | None:
    """The person the token was made for, or None if it is forged or stale."""
    try:
        data = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=data.get("user")).first()
    # An address changed since the mail was sent: the old link no longer applies.
    if user is None or user.email != data.get("email"):
        return None
    return user


def anonymise_accounts() -> int:
    """Replace every journalist's personal data with placeholders (staging copies only).

    Staff accounts are left alone so the press office can still log in to the copy.
    Returns how many accounts were anonymised.
    """
    journalists = User.objects.filter(is_staff=False, is_superuser=False)
    count = 0
    with transaction.atomic():
        for user in journalists.iterator():
            placeholder = "journalist-%d@example.invalid" % user.pk
            user.email = placeholder
            user.first_name = ""
            user.last_name = ""
            user.set_unusable_password()
            user.save(update_fields=["email", "first_name", "last_name", "password"])
            EmailAddress.objects.filter(user=user).update(email=placeholder)
            # The download log keeps an e-mail snapshot per row (media_assets.Download).
            apps.get_model("media_assets", "Download").objects.filter(user=user).update(
                email=placeholder
            )
            count += 1
        # Sessions may hold addresses (pending sign-ups, resets): drop them all.
        Session.objects.all().delete()
    return count


def download_access(user) -> str:
    """What the download panel offers this person: "anonymous", "unverified" or "verified".

    Only an active account with a verified e-mail address may download masters.
    """
    if not user.is_authenticated or not user.is_active:
        return "anonymous"
    if EmailAddress.objects.filter(user=user, verified=True).exists():
        return "verified"
    return "unverified"
