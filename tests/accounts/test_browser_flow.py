"""The whole journalist journey in real Chromium, by keyboard only, in each language.

Each page of the flow is checked with axe-core (no serious or critical violation)
and, when $TEST_ARTIFACTS_DIR is set, saved there as a screenshot to look at (a full-page
screenshot costs Chromium more than the page: none is taken otherwise).
"""

from __future__ import annotations

from django.db import connections

import pytest
from axe_playwright_python.sync_playwright import Axe

from accounts.models import NewsletterConsent, User
from tests.browser import keep_screenshot


PASSWORD = "Correct-Horse-42!"
NEW_PASSWORD = "Battery-Staple-77?"

TEXT = {
    "en": {
        "create": "Create an account",
        "verify_intro": "Check your inbox and enter the verification code below.",
        "ready": "Your account is ready",
        "subscribe": "Subscribe",
        "log_out": "Log out",
        "log_in": "Log in",
        "forgot": "Forgot your password?",
        "send_code": "Send me a code",
        "continue": "Continue",
        "updated": "Your password has been updated",
        "return": "Return to the page you were on",
        "my_account": "My account",
        "change_email": "Change e-mail address",
    },
    "fr": {
        "create": "Créer un compte",
        "verify_intro": "Consultez votre messagerie et saisissez le code de vérification ci-dessous.",
        "ready": "Votre compte est prêt",
        "subscribe": "S’abonner",
        "log_out": "Se déconnecter",
        "log_in": "Se connecter",
        "forgot": "Mot de passe oublié\u00a0?",
        "send_code": "M’envoyer un code",
        "continue": "Continuer",
        "updated": "Votre mot de passe a été modifié",
        "return": "Revenir à la page où vous étiez",
        "my_account": "Mon compte",
        "change_email": "Changer d’adresse e-mail",
    },
}


class Journey:
    """Keyboard-only driving, with an accessibility check and a screenshot per page."""

    def __init__(self, page, language: str) -> None:
        self.page = page
        self.language = language
        self.step = 0
        self.axe = Axe()

    def check_page(self, name: str) -> None:
        self.page.wait_for_load_state("load")
        self.step += 1
        keep_screenshot(
            self.page, "accounts/%s/%02d-%s" % (self.language, self.step, name)
        )
        results = self.axe.run(self.page)
        serious = [
            "%s (%s): %s"
            % (
                violation["id"],
                violation["impact"],
                [n["target"] for n in violation["nodes"]],
            )
            for violation in results.response["violations"]
            if violation["impact"] in ("serious", "critical")
        ]
        assert serious == [], "%s: %s" % (name, serious)

    def tab_to(self, role: str, name: str, limit: int = 60) -> None:
        """Press Tab until the element with this role and accessible name has the focus."""
        target = self.page.get_by_role(role, name=name, exact=True)
        for _press in range(limit):
            if target.evaluate("element => element === document.activeElement"):
                return
            self.page.keyboard.press("Tab")
        raise AssertionError("could not reach %s %r with Tab" % (role, name))

    def activate(self, role: str, name: str) -> None:
        self.tab_to(role, name)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")

    def fill(self, label: str, value: str) -> None:
        self.tab_to("textbox", label)
        self.page.keyboard.type(value)

    def fill_password(self, label: str, value: str) -> None:
        # password inputs have no ARIA role: reach them by their label
        target = self.page.get_by_label(label, exact=True)
        for _press in range(60):
            if target.evaluate("element => element === document.activeElement"):
                break
            self.page.keyboard.press("Tab")
        else:
            raise AssertionError("could not reach %r with Tab" % label)
        self.page.keyboard.type(value)

    def paste(self, label: str, value: str) -> None:
        """Put `value` on the clipboard and paste it with Ctrl+V (pasting must work)."""
        self.tab_to("textbox", label)
        self.page.evaluate("text => navigator.clipboard.writeText(text)", value)
        self.page.keyboard.press("Control+V")
        assert (
            self.page.get_by_role("textbox", name=label, exact=True).input_value()
            == value
        )

    def submit(self) -> None:
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")


@pytest.mark.browser
# live_server flushes the database after the test; serialized rollback restores what
# migrations made (Wagtail's root page) for the tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_journey_by_keyboard_with_axe(
    language, browser, live_server, smtp_server, site_tree, settings, tmp_path
):
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    text = TEXT[language]
    email = "journalist-%s@example.org" % language
    labels = {
        "en": {
            "email": "Email",
            "organisation": "Organisation or media outlet (optional)",
            "password": "Password",
            "password_again": "Password (again)",
            "code": "Code",
            "new_password": "New Password",
            "new_password_again": "New Password (again)",
        },
        "fr": {
            "email": "E-mail",
            "organisation": "Organisation ou média (facultatif)",
            "password": "Mot de passe",
            "password_again": "Mot de passe (confirmation)",
            "code": "Code",
            "new_password": "Nouveau mot de passe",
            "new_password_again": "Nouveau mot de passe (confirmation)",
        },
    }[language]
    context = browser.new_context(locale=language)
    context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=live_server.url
    )
    page = context.new_page()
    try:
        journey = Journey(page, language)
        news = "/%s/news/" % language

        # sign up, from the news page
        page.goto(live_server.url + news)
        journey.check_page("news")
        journey.activate("link", text["create"])
        journey.check_page("signup")
        journey.fill(labels["email"], email)
        journey.fill(labels["organisation"], "Agence de presse")
        journey.fill_password(labels["password"], PASSWORD)
        journey.fill_password(labels["password_again"], PASSWORD)
        journey.submit()

        # verify the address with the code read from the SMTP server
        assert text["verify_intro"] in page.content()
        journey.check_page("verify")
        [mail] = smtp_server.wait_for(email)
        journey.paste(labels["code"], mail.code)
        journey.submit()

        # the success page; subscribe
        assert page.url == live_server.url + "/%s/accounts/welcome/" % language
        assert text["ready"] in page.content()
        journey.check_page("welcome")
        journey.activate("button", text["subscribe"])
        consent = NewsletterConsent.objects.get(user__email=email)
        assert consent.language == language
        journey.check_page("subscribed")

        # log out
        journey.activate("button", text["log_out"])
        assert page.url == live_server.url + "/%s/" % language

        # from the news page: log in, forgot password, code, new password
        page.goto(live_server.url + news)
        journey.activate("link", text["log_in"])
        journey.check_page("login")
        journey.activate("link", text["forgot"])
        journey.check_page("reset")
        journey.fill(labels["email"], email)
        journey.submit()
        journey.check_page("reset-code")
        reset_mail = smtp_server.wait_for(email, count=2)[1]
        journey.fill(labels["code"], reset_mail.code)
        journey.submit()
        journey.check_page("new-password")
        journey.fill_password(labels["new_password"], NEW_PASSWORD)
        journey.fill_password(labels["new_password_again"], NEW_PASSWORD)
        journey.submit()
        assert text["updated"] in page.content()
        journey.check_page("password-updated")

        # the button returns to the page the reset started from; log in there
        journey.activate("link", text["return"])
        assert page.url == live_server.url + news
        journey.activate("link", text["log_in"])
        journey.fill(labels["email"], email)
        journey.fill_password(labels["password"], NEW_PASSWORD)
        journey.submit()
        assert page.url == live_server.url + news
        assert (
            page.get_by_role("link", name=text["my_account"], exact=True).count() == 1
        )
        journey.activate("link", text["my_account"])
        journey.check_page("account")
        journey.activate("link", text["change_email"])
        journey.check_page("email")
        assert User.objects.get(email=email).check_password(NEW_PASSWORD)
    finally:
        context.close()
        # Playwright's sync API runs this body in a greenlet with its own context,
        # hence its own database connection: close it, or it outlives the test
        # database.
        connections.close_all()
