from __future__ import annotations

import re

from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client

import pytest

from accounts.factories import VerifiedJournalistFactory


pytestmark = pytest.mark.django_db

PASSWORD = "Correct-Horse-42!"
TOO_MANY = "Too many attempts. Please wait a few minutes, then try again."


def log_in(client, email, password, **headers):
    return client.post(
        "/en/accounts/login/", {"login": email, "password": password}, headers=headers
    )


def test_log_in_changes_the_session_key_and_returns_to_next(client):
    VerifiedJournalistFactory(email="ana@example.org")
    client.get("/en/accounts/login/")
    session = client.session
    session["probe"] = 1
    session.save()
    key_before = client.session.session_key

    response = client.post(
        "/en/accounts/login/?next=/en/news/",
        {"login": "ana@example.org", "password": PASSWORD},
    )

    assert response["Location"] == "/en/news/"
    assert client.session.session_key != key_before
    assert client.session["_auth_user_id"]


def test_log_in_ignores_a_next_outside_the_site(client):
    VerifiedJournalistFactory(email="ana@example.org")

    response = client.post(
        "/en/accounts/login/?next=https://evil.example/",
        {"login": "ana@example.org", "password": PASSWORD},
    )

    assert response["Location"] == "/"


def test_log_out_ends_the_session(client):
    client.force_login(VerifiedJournalistFactory())

    response = client.post("/fr/accounts/logout/")

    assert response["Location"] == "/fr/"
    assert "_auth_user_id" not in client.session


def test_failed_log_ins_are_throttled_per_address(client):
    VerifiedJournalistFactory(email="ana@example.org")
    for _attempt in range(5):
        response = log_in(client, "ana@example.org", "Wrong-Horse-42!")
        assert response.context["form"].non_field_errors() == [
            "The email address and/or password you specified are not correct."
        ]

    # even the right password is refused now, from another client too
    response = log_in(Client(REMOTE_ADDR="198.51.100.9"), "ana@example.org", PASSWORD)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [TOO_MANY]
    assert "_auth_user_id" not in client.session


def test_failed_log_ins_are_throttled_per_client_and_a_forged_header_does_not_help(
    client,
):
    # ten failures on ten addresses from one client, each with a different forged header
    for attempt in range(10):
        log_in(
            client,
            "person%d@example.org" % attempt,
            "Wrong-Horse-42!",
            X_FORWARDED_FOR="203.0.113.%d" % attempt,
        )
    VerifiedJournalistFactory(email="ana@example.org")

    blocked = log_in(client, "ana@example.org", PASSWORD, X_FORWARDED_FOR="192.0.2.77")
    other_client = log_in(
        Client(REMOTE_ADDR="198.51.100.9"), "ana@example.org", PASSWORD
    )

    assert blocked.context["form"].non_field_errors() == [TOO_MANY]
    assert other_client.status_code == 302


def test_behind_a_trusted_proxy_the_real_client_is_counted(client, settings):
    # given: one proxy of ours appends the address it saw to X-Forwarded-For
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for attempt in range(10):
        log_in(
            client,
            "person%d@example.org" % attempt,
            "Wrong-Horse-42!",
            X_FORWARDED_FOR="10.0.0.%d, 203.0.113.7" % attempt,  # forged, then real
        )
    VerifiedJournalistFactory(email="ana@example.org")

    same_real_client = log_in(
        client, "ana@example.org", PASSWORD, X_FORWARDED_FOR="10.9.9.9, 203.0.113.7"
    )
    another_real_client = log_in(
        Client(), "ana@example.org", PASSWORD, X_FORWARDED_FOR="203.0.113.8"
    )

    assert same_real_client.context["form"].non_field_errors() == [TOO_MANY]
    assert another_real_client.status_code == 302


def admin_log_in(client, email, password):
    return client.post("/admin/login/", {"username": email, "password": password})


def test_admin_log_in_works_for_staff(client):
    VerifiedJournalistFactory(
        email="editor@example.org", is_staff=True, is_superuser=True
    )

    response = admin_log_in(client, "editor@example.org", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_admin_log_in_is_throttled_and_shares_the_public_counter(client):
    VerifiedJournalistFactory(
        email="editor@example.org", is_staff=True, is_superuser=True
    )
    for _attempt in range(3):
        log_in(client, "editor@example.org", "Wrong-Horse-42!")
    for _attempt in range(2):
        response = admin_log_in(client, "editor@example.org", "Wrong-Horse-42!")
        assert response.status_code == 200

    response = admin_log_in(
        Client(REMOTE_ADDR="198.51.100.9"), "editor@example.org", PASSWORD
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [TOO_MANY]


def test_admin_log_in_is_throttled_per_client(client):
    VerifiedJournalistFactory(
        email="editor@example.org", is_staff=True, is_superuser=True
    )
    for attempt in range(10):
        admin_log_in(client, "person%d@example.org" % attempt, "Wrong-Horse-42!")

    blocked = admin_log_in(client, "editor@example.org", PASSWORD)
    elsewhere = admin_log_in(
        Client(REMOTE_ADDR="198.51.100.9"), "editor@example.org", PASSWORD
    )

    assert blocked.context["form"].non_field_errors() == [TOO_MANY]
    assert elsewhere.status_code == 302


def test_codes_are_random_and_in_the_unambiguous_alphabet():
    from allauth.account.adapter import get_adapter

    codes = {get_adapter().generate_email_verification_code() for _n in range(200)}
    reset_codes = {get_adapter().generate_password_reset_code() for _n in range(200)}

    assert len(codes) == 200
    assert len(reset_codes) == 200
    pattern = re.compile(r"^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$")
    assert [code for code in codes | reset_codes if not pattern.match(code)] == []


def test_log_in_page_says_the_same_for_unknown_address_and_wrong_password(client):
    VerifiedJournalistFactory(email="ana@example.org")

    wrong_password = log_in(Client(), "ana@example.org", "Wrong-Horse-42!")
    unknown = log_in(Client(), "nobody@example.org", "Wrong-Horse-42!")

    def normalise(response, email):
        content = response.content.decode().replace(email, "EMAIL")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", content)

    assert normalise(wrong_password, "ana@example.org") == normalise(
        unknown, "nobody@example.org"
    )


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "Change e-mail address"), ("fr", "Changer d’adresse e-mail")],
)
def test_the_change_email_page_uses_the_site_layout(client, language, heading):
    client.force_login(VerifiedJournalistFactory())

    response = client.get("/%s/accounts/email/" % language)

    content = response.content.decode()
    assert response.status_code == 200
    assert 'class="skip-link"' in content
    assert "account-page" in content
    assert "<h1>%s</h1>" % heading in content


class CountingHasher(MD5PasswordHasher):
    """The test settings' hasher, counting the passwords it hashes."""

    algorithm = "counting-md5"
    hashed: list[str] = []

    def encode(self, password, salt):
        CountingHasher.hashed.append(password)
        return super().encode(password, salt)


@pytest.mark.parametrize(
    ("where", "known"),
    [("site", True), ("site", False), ("admin", True), ("admin", False)],
)
def test_a_failed_log_in_hashes_the_password_once(client, settings, where, known):
    # given: one hasher, which counts; an account (or not) at the address tried
    settings.PASSWORD_HASHERS = ["tests.accounts.test_security.CountingHasher"]
    VerifiedJournalistFactory(
        email="editor@example.org", is_staff=True, password="Correct-Horse-42!"
    )
    email = "editor@example.org" if known else "nobody@example.org"
    CountingHasher.hashed.clear()

    # when: a wrong password
    if where == "site":
        response = log_in(client, email, "Wrong-Horse-42!")
    else:
        response = admin_log_in(client, email, "Wrong-Horse-42!")

    # then: refused, for the price of one hash (one authentication backend)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert CountingHasher.hashed == ["Wrong-Horse-42!"]
