"""The usage terms: the current version in the person's language, and who accepted which."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from wagtail.models import Locale

from media_assets.models import TermsAcceptance, UsageTerms


def current_terms() -> UsageTerms | None:
    """The highest version, in the active language when translated (else the default)."""
    latest = UsageTerms.objects.order_by("-version").first()
    if latest is None:
        return None
    translated = UsageTerms.objects.filter(
        translation_key=latest.translation_key, locale=Locale.get_active()
    ).first()
    return translated or latest


def has_accepted(user, terms: UsageTerms) -> bool:
    return TermsAcceptance.objects.filter(user=user, version=terms.version).exists()


def accept(user, terms: UsageTerms, language: str) -> TermsAcceptance:
    try:
        with transaction.atomic():
            return TermsAcceptance.objects.create(
                user=user, version=terms.version, language=language
            )
    except IntegrityError:
        return TermsAcceptance.objects.get(user=user, version=terms.version)


def pending(user) -> UsageTerms | None:
    """The current terms if `user` has not accepted them yet, else None.

    Whole downloads and parts share the rule: the current version is accepted once, with the
    same check box, before anything is prepared or served.
    """
    current = current_terms()
    if current is None or has_accepted(user, current):
        return None
    return current


def accept_if_ticked(
    user, terms: UsageTerms, ticked: str | None, language: str
) -> bool:
    """Record the acceptance when the form's box (`accept_terms`) names this version."""
    if ticked != str(terms.version):
        return False
    accept(user, terms, language)
    return True
