from __future__ import annotations

import pytest

from accounts.factories import VerifiedJournalistFactory
from accounts.models import User
from accounts.services import subscribe_to_newsletter


pytestmark = pytest.mark.django_db


def test_account_page_shows_email_organisation_newsletter_and_password(
    client, django_assert_num_queries
):
    user = VerifiedJournalistFactory(email="ana@example.org", organisation="AFP")
    subscribe_to_newsletter(user=user, via="welcome", language="en")
    client.force_login(user)
    client.get("/en/accounts/profile/")  # warm

    # session, user, newsletter consent; base.html's Wagtail user bar asks for the
    # user's and groups' permissions (2); the person's downloads (1) and parts (1)
    with django_assert_num_queries(7):
        response = client.get("/en/accounts/profile/")

    content = response.content.decode()
    assert "ana@example.org" in content
    assert 'value="AFP"' in content
    assert "You are subscribed to our newsletter." in content
    assert 'href="/en/accounts/password/change/"' in content
    assert 'href="/en/accounts/email/"' in content


def test_header_links_to_the_account_page(client):
    client.force_login(VerifiedJournalistFactory())

    response = client.get("/en/accounts/welcome/")

    assert '<a href="/en/accounts/profile/">My account</a>' in response.content.decode()


@pytest.mark.parametrize(
    ("_case", "posted", "stored"),
    [
        ("set", "  Reuters  ", "Reuters"),
        ("cleared", "", ""),
    ],
)
def test_organisation_is_saved(client, _case, posted, stored):
    user = VerifiedJournalistFactory(organisation="AFP")
    client.force_login(user)

    response = client.post("/en/accounts/profile/", {"organisation": posted})

    assert response["Location"] == "/en/accounts/profile/"
    assert User.objects.get(pk=user.pk).organisation == stored


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Ensure this value has at most 200 characters (it has 201)."),
        (
            "fr",
            "Assurez-vous que cette valeur comporte au plus 200 caractères (actuellement 201).",
        ),
    ],
)
def test_too_long_organisation_is_refused_and_nothing_is_lost(
    client, language, message
):
    user = VerifiedJournalistFactory(organisation="AFP")
    client.force_login(user)

    response = client.post(
        "/%s/accounts/profile/" % language, {"organisation": "x" * 201}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["organisation"] == [message]
    assert 'value="%s"' % ("x" * 201) in response.content.decode()
    assert User.objects.get(pk=user.pk).organisation == "AFP"


def test_account_page_needs_a_log_in(client):
    response = client.get("/fr/accounts/profile/")

    assert response.status_code == 302
    assert response["Location"] == "/fr/accounts/login/?next=/fr/accounts/profile/"


def test_password_change_applies_the_policy_and_keeps_this_session(client):
    user = VerifiedJournalistFactory()
    client.force_login(user)
    key_before = client.session.session_key

    weak = client.post(
        "/en/accounts/password/change/",
        {
            "oldpassword": "Correct-Horse-42!",
            "password1": "alllowercase!1",
            "password2": "alllowercase!1",
        },
    )
    response = client.post(
        "/en/accounts/password/change/",
        {
            "oldpassword": "Correct-Horse-42!",
            "password1": "New-Battery-9#",
            "password2": "New-Battery-9#",
        },
    )

    assert weak.context["form"].errors["password1"] == [
        "This password is too weak: add an upper-case letter."
    ]
    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).check_password("New-Battery-9#")
    # the session key changes on password change; this session stays logged in
    assert client.session.session_key != key_before
    assert client.get("/en/accounts/profile/").status_code == 200


@pytest.mark.parametrize(
    ("language", "sentence", "source"),
    [
        (
            "en",
            "The password of your newsroom account has just been changed.",
            "IP address: 127.0.0.1",
        ),
        (
            "fr",
            "Le mot de passe de votre compte sur la salle de presse vient d’être changé.",
            "Adresse IP\u00a0: 127.0.0.1",
        ),
    ],
)
def test_password_change_sends_a_notice_with_where_it_came_from(
    client, smtp_server, language, sentence, source
):
    user = VerifiedJournalistFactory(email="ana@example.org")
    client.force_login(user)

    client.post(
        "/%s/accounts/password/change/" % language,
        {
            "oldpassword": "Correct-Horse-42!",
            "password1": "New-Battery-9#",
            "password2": "New-Battery-9#",
        },
    )

    [notice] = smtp_server.wait_for("ana@example.org")
    assert sentence in notice.text
    assert source in notice.text
    assert sentence in notice.html
    assert '<html lang="%s">' % language in notice.html


def test_language_of_emails_is_saved_from_the_account_page(client):
    user = VerifiedJournalistFactory(language="en")
    client.force_login(user)

    response = client.post(
        "/en/accounts/profile/", {"organisation": "AFP", "language": "fr"}
    )

    assert response["Location"] == "/en/accounts/profile/"
    assert User.objects.get(pk=user.pk).language == "fr"


@pytest.mark.parametrize(
    ("page_language", "message"),
    [
        ("en", "Select a valid choice. de is not one of the available choices."),
        (
            "fr",
            "Sélectionnez un choix valide. de n’en fait pas partie.",
        ),
    ],
)
def test_unknown_language_is_refused_and_nothing_is_lost(
    client, page_language, message
):
    user = VerifiedJournalistFactory(organisation="AFP", language="en")
    client.force_login(user)

    response = client.post(
        "/%s/accounts/profile/" % page_language,
        {"organisation": "Reuters", "language": "de"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["language"] == [message]
    stored = User.objects.get(pk=user.pk)
    assert (stored.organisation, stored.language) == ("AFP", "en")
