from __future__ import annotations

import re

import pytest
from allauth.account.internal.flows.email_verification_by_code import (
    EMAIL_VERIFICATION_CODE_SESSION_KEY,
)
from allauth.account.internal.stagekit import LOGIN_SESSION_KEY
from allauth.account.models import EmailAddress

from tests.accounts.test_signup import sign_up


pytestmark = pytest.mark.django_db

CONFIRM_URL = "/en/accounts/confirm-email/"


def age_pending_code(client, seconds: float) -> None:
    """Move the clocks of the pending code and log-in back, as if `seconds` had passed."""
    session = client.session
    state = session[EMAIL_VERIFICATION_CODE_SESSION_KEY]
    state["at"] -= seconds
    session[EMAIL_VERIFICATION_CODE_SESSION_KEY] = state
    login = session[LOGIN_SESSION_KEY]
    login["initiated_at"] -= seconds
    session[LOGIN_SESSION_KEY] = login
    session.save()


def is_verified(email: str) -> bool:
    return EmailAddress.objects.get(email=email).verified


def wrong_code(code: str) -> str:
    return "BBBB-BBBB" if code != "BBBB-BBBB" else "CCCC-CCCC"


def test_wrong_codes_up_to_the_limit_then_even_the_right_code_fails(
    client, smtp_server
):
    # given
    sign_up(client, "ana@example.org")
    [mail] = smtp_server.wait_for("ana@example.org")

    # when: two wrong codes
    for left in ("2 tries", "1 try"):
        response = client.post(CONFIRM_URL, {"code": wrong_code(mail.code)})
        # then: the form says so and how many tries are left; the person may try again
        assert response.status_code == 200
        assert response.context["form"].errors["code"] == [
            "Incorrect code. You have %s left." % left
        ]

    # when: the third wrong code
    response = client.post(CONFIRM_URL, {"code": wrong_code(mail.code)}, follow=True)

    # then: the code is dead, the person is told to ask for a new one
    assert response.redirect_chain == [("/en/accounts/login/", 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Too many wrong codes: this code no longer works. "
        "Log in again to receive a new code."
    ]
    response = client.post(CONFIRM_URL, {"code": mail.code})
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/login/"
    assert is_verified("ana@example.org") is False


def test_a_wrong_code_then_the_right_one_verifies(client, smtp_server):
    sign_up(client, "ana@example.org")
    [mail] = smtp_server.wait_for("ana@example.org")
    client.post(CONFIRM_URL, {"code": wrong_code(mail.code)})

    response = client.post(CONFIRM_URL, {"code": mail.code.lower().replace("-", "")})

    assert response["Location"] == "/en/accounts/welcome/"
    assert is_verified("ana@example.org") is True


def test_code_still_works_just_before_30_minutes(client, smtp_server):
    sign_up(client, "ana@example.org")
    [mail] = smtp_server.wait_for("ana@example.org")
    age_pending_code(client, 29 * 60 + 50)

    response = client.post(CONFIRM_URL, {"code": mail.code})

    assert response["Location"] == "/en/accounts/welcome/"
    assert is_verified("ana@example.org") is True


def test_expired_code_fails(client, smtp_server):
    sign_up(client, "ana@example.org")
    [mail] = smtp_server.wait_for("ana@example.org")
    age_pending_code(client, 30 * 60 + 1)

    response = client.post(CONFIRM_URL, {"code": mail.code})

    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/login/"
    assert is_verified("ana@example.org") is False


def test_used_code_fails(client, smtp_server):
    # given: a verified account whose code was used, then logged out
    sign_up(client, "ana@example.org")
    [mail] = smtp_server.wait_for("ana@example.org")
    client.post(CONFIRM_URL, {"code": mail.code})
    client.post("/en/accounts/logout/")

    # when: the same code is sent again
    response = client.post(CONFIRM_URL, {"code": mail.code})

    # then: there is nothing to verify with it
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/login/"
    assert "_auth_user_id" not in client.session


def test_send_a_new_code_supersedes_the_old_one(client, smtp_server, settings):
    # given: a resend allowed right away (the wait is tested below)
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "confirm_email": "5/m/key",
    }
    sign_up(client, "ana@example.org")
    [first] = smtp_server.wait_for("ana@example.org")

    # when
    response = client.post(CONFIRM_URL, {"action": "resend"})

    # then: a second, different code arrives; the first one no longer works
    assert response["Location"] == CONFIRM_URL
    first_again, second = smtp_server.wait_for("ana@example.org", count=2)
    assert first_again.code == first.code
    assert second.code != first.code
    response = client.post(CONFIRM_URL, {"code": first.code})
    assert response.context["form"].errors["code"] == [
        "Incorrect code. You have 2 tries left."
    ]
    response = client.post(CONFIRM_URL, {"code": second.code})
    assert response["Location"] == "/en/accounts/welcome/"
    assert is_verified("ana@example.org") is True


def test_a_new_code_gets_its_own_30_minutes(client, smtp_server, settings):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "confirm_email": "5/m/key",
    }
    sign_up(client, "ana@example.org")
    age_pending_code(client, 25 * 60)
    client.post(CONFIRM_URL, {"action": "resend"})
    _first, second = smtp_server.wait_for("ana@example.org", count=2)
    age_pending_code(client, 25 * 60)  # 50 minutes after the first code

    response = client.post(CONFIRM_URL, {"code": second.code})

    assert response["Location"] == "/en/accounts/welcome/"


@pytest.mark.parametrize(
    ("language", "message", "tries"),
    [
        (
            "en",
            "You can ask for a new code in <span data-resend-seconds>%d</span> seconds.",
            "Incorrect code. You have 2 tries left.",
        ),
        (
            "fr",
            "Vous pourrez demander un nouveau code dans "
            "<span data-resend-seconds>%d</span> secondes.",
            "Code incorrect. Il vous reste 2 essais.",
        ),
    ],
)
def test_an_early_resend_stays_on_the_code_form_and_says_how_long_to_wait(
    client, smtp_server, language, message, tries
):
    # given: a code just sent
    sign_up(client, "ana@example.org", language=language)
    [mail] = smtp_server.wait_for("ana@example.org")
    url = "/%s/accounts/confirm-email/" % language

    # when: "send a new code" at once
    response = client.post(url, {"action": "resend"})

    # then: the same code form (not a separate page), the wait, a button that counts down
    page = response.content.decode()
    assert response.status_code == 429
    assert response.templates[0].name == "account/confirm_email_verification_code.html"
    assert 'name="code"' in page
    wait = int(re.search(r'data-resend-wait="(\d+)"', page).group(1))
    assert 50 <= wait <= 60  # (the seconds since the code was sent are taken off)
    assert message % wait in page
    assert len(smtp_server.to("ana@example.org")) == 1
    # the code form still works: a wrong code counts down the tries, the right one verifies
    wrong = client.post(url, {"code": wrong_code(mail.code)})
    assert wrong.context["form"].errors["code"] == [tries]
    response = client.post(url, {"code": mail.code})
    assert response["Location"] == "/%s/accounts/welcome/" % language


def test_the_first_view_of_the_code_form_has_no_countdown(client, smtp_server):
    # (a countdown there would differ by a second between a new and a taken address)
    sign_up(client, "ana@example.org")
    smtp_server.wait_for("ana@example.org")

    page = client.get(CONFIRM_URL).content.decode()

    assert "data-resend-wait" not in page
    assert "You can ask for a new code" not in page


def test_resend_stops_after_the_allowed_number(client, smtp_server, settings):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "confirm_email": "10/m/key",
    }
    sign_up(client, "ana@example.org")
    for _resend in range(3):
        client.post(CONFIRM_URL, {"action": "resend"})
    smtp_server.wait_for("ana@example.org", count=4)

    page = client.get(CONFIRM_URL)
    client.post(CONFIRM_URL, {"action": "resend"})

    assert page.context["can_resend"] is False
    assert "Send a new code" not in page.content.decode()
    assert len(smtp_server.to("ana@example.org")) == 4


def test_verification_mail_is_in_the_sign_up_language(client, smtp_server):
    sign_up(client, "zoe@example.org", language="fr")

    [mail] = smtp_server.wait_for("zoe@example.org")

    assert mail.subject == "Votre code de vérification pour la salle de presse"
    # the sender is named in French too (it was "Newsroom")
    assert mail.message["From"].addresses[0].display_name == "Salle de presse"
    assert "Merci d’avoir créé un compte sur notre salle de presse." in mail.text
    assert "Le code expire au bout de 30 minutes." in mail.html
    assert mail.code in mail.html
    assert '<html lang="fr">' in mail.html
    response = client.get("/fr/accounts/confirm-email/")
    assert (
        "Consultez votre messagerie et saisissez le code de vérification"
        in response.content.decode()
    )


def test_verification_mail_sender_is_named_in_english_for_an_english_sign_up(
    client, smtp_server
):
    sign_up(client, "kim@example.org", language="en")

    [mail] = smtp_server.wait_for("kim@example.org")

    assert str(mail.message["From"]) == "Newsroom <newsroom@example.org>"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_change_email_page_shows_only_what_applies_to_one_verified_address(
    client, language
):
    # given: a journalist with their one, verified address
    from accounts.factories import VerifiedJournalistFactory

    user = VerifiedJournalistFactory(email="ana@example.org")
    client.force_login(user)

    # when
    response = client.get("/%s/accounts/email/" % language)

    # then: the address and the form to change it; nothing to make primary or re-verify
    page = response.content.decode()
    assert response.status_code == 200
    assert "ana@example.org" in page
    for action in ("action_primary", "action_send", "action_remove"):
        assert action not in page
    assert 'name="action_add"' in page
    expected = {
        "en": ("<h1>Change e-mail address</h1>", "· verified"),
        "fr": ("<h1>Changer d’adresse e-mail</h1>", "· vérifiée"),
    }[language]
    for text in expected:
        assert text in page


def test_a_change_goes_through_a_code_sent_to_the_new_address(client, smtp_server):
    # given
    from accounts.factories import VerifiedJournalistFactory

    user = VerifiedJournalistFactory(email="ana@example.org")
    client.force_login(user)

    # when: a new address is asked for
    response = client.post(
        "/en/accounts/email/", {"action_add": "", "email": "ana@newspaper.example"}
    )

    # then: the code form, a code at the new address; the old one stays until it is verified
    assert response.status_code == 302
    assert response["Location"] == CONFIRM_URL
    [mail] = smtp_server.wait_for("ana@newspaper.example")
    assert EmailAddress.objects.get(email="ana@example.org").primary

    # when: the code is entered
    response = client.post(CONFIRM_URL, {"code": mail.code})

    # then: the new address is the account's only one
    user.refresh_from_db()
    assert user.email == "ana@newspaper.example"
    assert list(
        EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    ) == ["ana@newspaper.example"]
