from __future__ import annotations

from django.test import Client

import pytest
from allauth.account.models import EmailAddress

from accounts.models import User


GOOD_PASSWORD = "Correct-Horse-42!"
pytestmark = pytest.mark.django_db


def sign_up(client: Client, email: str, language: str = "en", **extra):
    data = {
        "email": email,
        "organisation": "Agence de presse",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
    }
    data.update(extra)
    return client.post("/%s/accounts/signup/" % language, data)


def test_signup_end_to_end_over_smtp(client, smtp_server):
    # given / when: a person signs up
    response = sign_up(client, "ana@example.org")

    # then: they are asked for the code, which arrives by SMTP
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/confirm-email/"
    page = client.get("/en/accounts/confirm-email/")
    assert (
        "Check your inbox and enter the verification code below."
        in page.content.decode()
    )
    [mail] = smtp_server.wait_for("ana@example.org")
    assert mail.subject == "Your verification code for the newsroom"
    assert mail.code in mail.text
    assert mail.code in mail.html
    user = User.objects.get(email="ana@example.org")
    assert user.organisation == "Agence de presse"
    assert EmailAddress.objects.get(user=user).verified is False

    # when: the right code is entered
    response = client.post("/en/accounts/confirm-email/", {"code": mail.code})

    # then: the address is verified, the person is logged in on the success page
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/welcome/"
    assert EmailAddress.objects.get(user=user).verified is True
    welcome = client.get("/en/accounts/welcome/")
    content = welcome.content.decode()
    assert "Your account is ready" in content
    assert "You can now download full or partial versions of our videos." in content
    assert "Subscribe to our newsletter to get our latest updates." in content
    assert user.newsletter_consents.count() == 0
