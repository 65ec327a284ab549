from __future__ import annotations

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
    for _attempt in range(2):
        response = client.post(CONFIRM_URL, {"code": wrong_code(mail.code)})
        # then: the form says so, the person may try again
        assert response.status_code == 200
        assert response.context["form"].errors["code"] == ["Incorrect code."]

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
    assert response.context["form"].errors["code"] == ["Incorrect code."]
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
    ("language", "message"),
    [
        ("en", "Please wait 60 seconds, then try again."),
        ("fr", "Veuillez patienter 60 secondes, puis réessayez."),
    ],
)
def test_resend_flood_is_rate_limited_with_a_clear_message(
    client, smtp_server, language, message
):
    sign_up(client, "ana@example.org", language=language)
    [mail] = smtp_server.wait_for("ana@example.org")

    response = client.post(
        "/%s/accounts/confirm-email/" % language, {"action": "resend"}
    )

    assert response.status_code == 429
    assert message in response.content.decode()
    assert len(smtp_server.to("ana@example.org")) == 1
    # the code already sent still works
    response = client.post(
        "/%s/accounts/confirm-email/" % language, {"code": mail.code}
    )
    assert response["Location"] == "/%s/accounts/welcome/" % language


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
    assert "Merci d’avoir créé un compte sur notre salle de presse." in mail.text
    assert "Le code expire au bout de 30 minutes." in mail.html
    assert mail.code in mail.html
    assert '<html lang="fr">' in mail.html
    response = client.get("/fr/accounts/confirm-email/")
    assert (
        "Consultez votre messagerie et saisissez le code de vérification"
        in response.content.decode()
    )
