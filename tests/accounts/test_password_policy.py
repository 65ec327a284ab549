from __future__ import annotations

import html

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

import pytest

from accounts.models import User


pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
# (case, password, English message, French message)
WEAK_PASSWORDS = [
    (
        "length_11",
        "Abcdefgh1!x",
        "This password is too weak: make it at least 12 characters long (it has 11).",
        f"Ce mot de passe est trop faible{NBSP}: allongez-le à au moins 12 caractères (il en a 11).",
    ),
    (
        "a_space",
        "Abcdefgh 12!x",
        "This password is too weak: remove the spaces.",
        f"Ce mot de passe est trop faible{NBSP}: retirez les espaces.",
    ),
    (
        "no_upper",
        "abcdefgh12!xy",
        "This password is too weak: add an upper-case letter.",
        f"Ce mot de passe est trop faible{NBSP}: ajoutez une lettre majuscule.",
    ),
    (
        "no_lower",
        "ABCDEFGH12!XY",
        "This password is too weak: add a lower-case letter.",
        f"Ce mot de passe est trop faible{NBSP}: ajoutez une lettre minuscule.",
    ),
    (
        "no_digit",
        "Abcdefghij!xy",
        "This password is too weak: add a digit.",
        f"Ce mot de passe est trop faible{NBSP}: ajoutez un chiffre.",
    ),
    (
        "no_symbol",
        "Abcdefgh12xyz",
        "This password is too weak: add a symbol.",
        f"Ce mot de passe est trop faible{NBSP}: ajoutez un symbole.",
    ),
    (
        "no_digit_no_symbol",
        "Abcdefghijxyz",
        "This password is too weak: add a digit and a symbol.",
        f"Ce mot de passe est trop faible{NBSP}: ajoutez un chiffre et un symbole.",
    ),
    (
        "short_with_space_no_upper_no_symbol",
        "abc 123",
        "This password is too weak: make it at least 12 characters long (it has 7), "
        "remove the spaces and add an upper-case letter and a symbol.",
        f"Ce mot de passe est trop faible{NBSP}: allongez-le à au moins 12 caractères (il en a 7), "
        "retirez les espaces et ajoutez une lettre majuscule et un symbole.",
    ),
]


def _signup(client, language, password):
    return client.post(
        "/%s/accounts/signup/" % language,
        {"email": "weak@example.org", "password1": password, "password2": password},
    )


@pytest.mark.parametrize(
    ("_case", "password", "english", "french"),
    WEAK_PASSWORDS,
    ids=[case[0] for case in WEAK_PASSWORDS],
)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_weak_password_gets_one_exact_message(
    client, smtp_server, _case, password, english, french, language
):
    # when
    response = _signup(client, language, password)

    # then: the form comes back with exactly one policy message, nothing created or sent
    assert response.status_code == 200
    errors = response.context["form"].errors["password1"]
    assert errors == [english if language == "en" else french]
    assert html.escape(errors[0], quote=False) in response.content.decode()
    assert User.objects.count() == 0
    assert smtp_server.mails == []


@pytest.mark.parametrize("language", ["en", "fr"])
def test_policy_is_stated_on_the_form_before_typing(client, language):
    response = client.get("/%s/accounts/signup/" % language)

    expected = {
        "en": "Your password must have at least 12 characters, no spaces, and include "
        "upper-case and lower-case letters, digits and symbols.",
        "fr": "Votre mot de passe doit compter au moins 12 caractères, sans espace, et "
        "comprendre des lettres majuscules et minuscules, des chiffres et des symboles.",
    }[language]
    content = html.unescape(response.content.decode())
    assert expected in content
    # the help text is tied to the password input for screen readers
    assert 'aria-describedby="id_password1_helptext"' in content


@pytest.mark.parametrize(
    ("_case", "password"),
    [
        ("exactly_12", "Abcdefgh12!x"),
        ("accented_and_euro", "Éléphant-2025€"),
        ("128_characters", ("Aa1!" * 32)),
    ],
)
def test_strong_password_is_accepted(client, smtp_server, _case, password):
    response = _signup(client, "en", password)

    assert response.status_code == 302
    assert User.objects.get().check_password(password)


def test_famous_password_fails_even_when_composition_is_met(client, smtp_server):
    # "john!20130605at1753" is in Django's common-password list.
    response = _signup(client, "en", "John!20130605At1753")

    assert response.context["form"].errors["password1"] == [
        "This password is too common."
    ]
    assert User.objects.count() == 0


def test_policy_holds_wherever_a_password_is_set():
    """Admin forms, createsuperuser and allauth all call validate_password."""
    with translation.override("fr"), pytest.raises(ValidationError) as raised:
        validate_password("Abcdefghijxyz")

    assert raised.value.messages == [
        f"Ce mot de passe est trop faible{NBSP}: ajoutez un chiffre et un symbole."
    ]
    validate_password("Abcdefgh12!x")  # the good case raises nothing
