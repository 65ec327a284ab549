from __future__ import annotations

import re

from django.core import signing

import pytest

from accounts.factories import VerifiedJournalistFactory
from accounts.models import NewsletterConsent
from accounts.newsletter import build_newsletter_message
from accounts.services import make_unsubscribe_token, subscribe_to_newsletter
from tests.accounts.test_signup import sign_up


pytestmark = pytest.mark.django_db


def verified_sign_up(client, smtp_server, email, language="en"):
    sign_up(client, email, language=language)
    [mail] = smtp_server.wait_for(email)
    client.post("/%s/accounts/confirm-email/" % language, {"code": mail.code})


def test_nobody_is_subscribed_without_pressing_the_button(client, smtp_server):
    # when: sign-up, verification and the success page, without the button
    verified_sign_up(client, smtp_server, "ana@example.org")
    client.get("/en/accounts/welcome/")
    client.get("/en/accounts/profile/")

    # then
    assert NewsletterConsent.objects.count() == 0


@pytest.mark.parametrize(
    ("language", "wording"),
    [
        ("en", "Subscribe to our newsletter to get our latest updates."),
        (
            "fr",
            "Abonnez-vous à notre lettre d’information pour recevoir nos dernières actualités.",
        ),
    ],
)
def test_the_button_subscribes_and_stores_the_consent(
    client, smtp_server, language, wording
):
    verified_sign_up(client, smtp_server, "ana@example.org", language=language)
    page = client.get("/%s/accounts/welcome/" % language).content.decode()
    assert wording in page

    response = client.post(
        "/%s/accounts/newsletter/subscribe/" % language, {"via": "welcome"}
    )

    assert response["Location"] == "/%s/accounts/welcome/" % language
    consent = NewsletterConsent.objects.get()
    assert consent.user.email == "ana@example.org"
    assert consent.language == language
    assert consent.wording == wording
    assert consent.given_via == "welcome"
    assert consent.withdrawn_at is None
    # pressing it twice keeps one consent
    client.post("/%s/accounts/newsletter/subscribe/" % language, {"via": "welcome"})
    assert NewsletterConsent.objects.count() == 1


def test_subscribe_needs_a_logged_in_person_and_a_post(client):
    user = VerifiedJournalistFactory()

    anonymous = client.post("/en/accounts/newsletter/subscribe/", {"via": "welcome"})
    client.force_login(user)
    by_get = client.get("/en/accounts/newsletter/subscribe/")

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/en/accounts/login/")
    assert by_get.status_code == 405
    assert NewsletterConsent.objects.count() == 0


def test_withdraw_from_the_account_page(client):
    user = VerifiedJournalistFactory()
    subscribe_to_newsletter(user=user, via="welcome", language="en")
    client.force_login(user)

    response = client.post("/en/accounts/newsletter/withdraw/")

    assert response["Location"] == "/en/accounts/profile/"
    consent = NewsletterConsent.objects.get()
    assert consent.withdrawn_at is not None
    assert consent.withdrawn_via == "account"
    page = client.get("/en/accounts/profile/").content.decode()
    assert "You are not subscribed to our newsletter." in page


def _link(mail) -> str:
    match = re.search(r"(http://testserver/\S+/unsubscribe/\S+/)", mail.text)
    assert match, mail.text
    return match.group(1).replace("http://testserver", "")


def test_newsletter_mail_carries_a_one_click_link_that_works_without_logging_in(
    client, smtp_server
):
    # given: a subscriber, and a newsletter issue sent to them over SMTP
    user = VerifiedJournalistFactory(email="ana@example.org")
    consent = subscribe_to_newsletter(user=user, via="welcome", language="fr")
    build_newsletter_message(
        consent=consent, subject="Lettre", text="Bonjour.", html="<p>Bonjour.</p>"
    ).send()
    [mail] = smtp_server.wait_for("ana@example.org")
    link = _link(mail)
    assert link.startswith("/fr/accounts/newsletter/unsubscribe/")
    assert mail.message["List-Unsubscribe"].strip() == "<http://testserver%s>" % link
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in mail.html
    assert '<html lang="fr">' in mail.html
    assert "Se désabonner en un clic" in mail.html

    # when: opening the link shows the button, and nothing changes yet
    page = client.get(link)
    assert page.status_code == 200
    assert "Se désabonner" in page.content.decode()
    assert NewsletterConsent.objects.active().count() == 1

    # when: the button (or the mail client's one-click POST, without CSRF) is used
    client_without_csrf = client.__class__(enforce_csrf_checks=True)
    response = client_without_csrf.post(link, {"List-Unsubscribe": "One-Click"})

    # then
    assert response.status_code == 200
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert consent.withdrawn_via == "email_link"


def test_unsubscribe_link_cannot_be_forged_for_another_address(client):
    # given: two subscribers; Bob only has his own link
    ana = VerifiedJournalistFactory(email="ana@example.org")
    bob = VerifiedJournalistFactory(email="bob@example.org")
    subscribe_to_newsletter(user=ana, via="welcome", language="en")
    subscribe_to_newsletter(user=bob, via="welcome", language="en")
    bob_token = make_unsubscribe_token(user=bob)
    value, signature = bob_token.rsplit(":", 1)
    payload = signing.loads(bob_token, salt="accounts.newsletter.unsubscribe")
    forged_payloads = [
        # Ana's id and address with Bob's signature
        signing.dumps(
            {"user": ana.pk, "email": ana.email}, salt="accounts.newsletter.unsubscribe"
        ).rsplit(":", 1)[0]
        + ":"
        + signature,
        # signed with the wrong salt (another of our signatures)
        signing.dumps({"user": ana.pk, "email": ana.email}),
        bob_token[:-1] + ("A" if bob_token[-1] != "A" else "B"),
    ]
    assert payload == {"user": bob.pk, "email": "bob@example.org"}

    for forged in forged_payloads:
        response = client.post("/en/accounts/newsletter/unsubscribe/%s/" % forged)
        assert response.status_code == 404
        assert "This link does not work" in response.content.decode()

    # then: Ana is still subscribed; Bob's own link works for Bob only
    assert NewsletterConsent.objects.active().filter(user=ana).count() == 1
    client.post("/en/accounts/newsletter/unsubscribe/%s/" % bob_token)
    assert NewsletterConsent.objects.active().filter(user=bob).count() == 0
    assert NewsletterConsent.objects.active().filter(user=ana).count() == 1


def test_link_stops_working_when_the_address_changes(client):
    user = VerifiedJournalistFactory(email="ana@example.org")
    subscribe_to_newsletter(user=user, via="welcome", language="en")
    token = make_unsubscribe_token(user=user)
    user.email = "ana@other.example"
    user.save()

    response = client.post("/en/accounts/newsletter/unsubscribe/%s/" % token)

    assert response.status_code == 404
    assert NewsletterConsent.objects.active().count() == 1
