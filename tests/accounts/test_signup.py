from __future__ import annotations

import re

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


def _normalised_code_page(client: Client, email: str) -> str:
    content = client.get("/en/accounts/confirm-email/").content.decode()
    content = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", content)
    return content.replace(email, "EMAIL")


def test_signing_up_with_a_taken_address_reveals_nothing(smtp_server):
    # given: an existing account
    User.objects.create_user(email="taken@example.org", password=GOOD_PASSWORD)
    new_person, someone = Client(), Client()

    # when: one person signs up with a new address, someone else with the taken one
    new_response = sign_up(new_person, "fresh@example.org")
    taken_response = sign_up(someone, "taken@example.org")

    # then: the same answer and the same page; the mailbox owner alone learns more
    assert (
        new_response["Location"]
        == taken_response["Location"]
        == "/en/accounts/confirm-email/"
    )
    assert _normalised_code_page(
        new_person, "fresh@example.org"
    ) == _normalised_code_page(someone, "taken@example.org")
    [notice] = smtp_server.wait_for("taken@example.org")
    assert notice.subject == "About your newsroom account"
    assert "an account already uses it" in notice.text
    assert User.objects.filter(email="taken@example.org").count() == 1


def kill_code(client: Client, smtp_server) -> str:
    sign_up(client, "ana@example.org")
    [first] = smtp_server.wait_for("ana@example.org")
    for _attempt in range(3):
        client.post("/en/accounts/confirm-email/", {"code": "BBBB-BBBB"})
    return first.code


def test_after_a_dead_code_logging_in_at_once_asks_to_wait(client, smtp_server):
    kill_code(client, smtp_server)

    response = client.post(
        "/en/accounts/login/", {"login": "ana@example.org", "password": GOOD_PASSWORD}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Too many attempts. Please wait a few minutes, then try again."
    ]
    assert len(smtp_server.to("ana@example.org")) == 1


def test_after_a_dead_code_logging_in_sends_a_new_one(client, smtp_server, settings):
    # given: a code killed by three wrong tries, and the resend wait over
    first_code = kill_code(client, smtp_server)
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "confirm_email": "5/m/key",
    }

    # when: the person logs in again, as the message tells them
    response = client.post(
        "/en/accounts/login/", {"login": "ana@example.org", "password": GOOD_PASSWORD}
    )

    # then: a new code arrives and verifies the address; the dead one does not
    assert response["Location"] == "/en/accounts/confirm-email/"
    _first, second = smtp_server.wait_for("ana@example.org", count=2)
    assert second.code != first_code
    dead = client.post("/en/accounts/confirm-email/", {"code": first_code})
    assert dead.context["form"].errors["code"] == [
        "Incorrect code. You have 2 tries left."
    ]
    response = client.post("/en/accounts/confirm-email/", {"code": second.code})
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="ana@example.org").verified is True


def test_sign_up_and_welcome_pages_query_budget(client, django_assert_num_queries):
    client.get("/en/accounts/signup/")
    with django_assert_num_queries(0):
        client.get("/en/accounts/signup/")

    client.force_login(
        User.objects.create_user(email="ana@example.org", password=GOOD_PASSWORD)
    )
    client.get("/en/accounts/welcome/")
    # session, user, newsletter consent; base.html's Wagtail user bar asks for the
    # user's and groups' permissions (2)
    with django_assert_num_queries(5):
        client.get("/en/accounts/welcome/")
