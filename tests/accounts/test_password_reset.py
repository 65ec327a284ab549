from __future__ import annotations

import re
from urllib.parse import quote

from django.test import Client

import pytest
from allauth.account.internal.flows.password_reset_by_code import (
    PASSWORD_RESET_VERIFICATION_SESSION_KEY,
)

from accounts.factories import VerifiedJournalistFactory
from accounts.models import User


pytestmark = pytest.mark.django_db

OLD_PASSWORD = "Correct-Horse-42!"
NEW_PASSWORD = "Battery-Staple-77?"
RESET_URL = "/en/accounts/password/reset/"
CODE_URL = "/en/accounts/password/reset/confirm/"
COMPLETE_URL = "/en/accounts/password/reset/complete/"
DONE_URL = "/en/accounts/password/reset/done/"


def forgot_password_href(client: Client, page: str) -> str:
    """The "Forgot your password?" link of the log-in page reached from `page`."""
    login = client.get("/en/accounts/login/?next=%s" % quote(page))
    match = re.search(r'href="([^"]*)">Forgot your password\?', login.content.decode())
    assert match, "no forgot-password link"
    return match.group(1).replace("&amp;", "&")


def test_reset_by_code_returns_to_the_page_the_person_was_on(client, smtp_server):
    # given: a journalist logged in elsewhere, and on a release page here
    user = VerifiedJournalistFactory(email="ana@example.org")
    elsewhere = Client()
    elsewhere.force_login(user)
    href = forgot_password_href(client, "/en/news/a-release/")

    # when: they ask for a code
    response = client.post(href, {"email": "ana@example.org"})
    assert response.status_code == 302
    assert response["Location"].startswith(CODE_URL + "?next=")
    [mail] = smtp_server.wait_for("ana@example.org")
    assert mail.subject == "Resetting your newsroom password"
    assert mail.code in mail.html

    # when: they enter the code, then a weak password, then a good one
    response = client.post(response["Location"], {"code": mail.code})
    assert response["Location"].startswith(COMPLETE_URL + "?next=")
    complete_url = response["Location"]
    weak = client.post(
        complete_url, {"password1": "weakpassword", "password2": "weakpassword"}
    )
    assert weak.context["form"].errors["password1"] == [
        "This password is too weak: add an upper-case letter, a digit and a symbol."
    ]
    response = client.post(
        complete_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    # then: "your password has been updated", with a button back to the page
    assert response.status_code == 302
    done = client.get(response["Location"])
    content = done.content.decode()
    assert "Your password has been updated" in content
    assert (
        '<a class="button" href="/en/news/a-release/">Return to the page you were on</a>'
        in content
    )
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not user.check_password(OLD_PASSWORD)
    # the other session is over
    assert elsewhere.get("/en/accounts/profile/")["Location"].startswith(
        "/en/accounts/login/"
    )
    # and a notice went to the address
    notice = smtp_server.wait_for("ana@example.org", count=2)[1]
    assert notice.subject == "Your newsroom password has been updated"


@pytest.mark.parametrize(
    "outside",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "javascript:alert(1)",
    ],
)
def test_next_pointing_outside_the_site_is_ignored(client, smtp_server, outside):
    VerifiedJournalistFactory(email="ana@example.org")
    done = "%s?next=%s" % (DONE_URL, quote(outside, safe=""))
    code_url = client.post(
        "%s?next=%s" % (RESET_URL, quote(done, safe="")), {"email": "ana@example.org"}
    )["Location"]
    [mail] = smtp_server.wait_for("ana@example.org")
    complete_url = client.post(code_url, {"code": mail.code})["Location"]

    response = client.post(
        complete_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    page = client.get(response["Location"]).content.decode()

    # then: the reset ends on our own page, whose only way on is the log-in page
    assert response["Location"] == done
    assert 'href="%s' % outside not in page
    assert 'href="%s' % outside.replace("\\", "&#x5C;") not in page
    assert '<a class="button" href="/en/accounts/login/">Log in</a>' in page
    assert "Return to the page you were on" not in page


def test_outside_next_on_the_login_page_gives_no_return_link(client):
    href = forgot_password_href(client, "https://evil.example/")

    assert (
        href
        == "/en/accounts/password/reset/?next=%2Fen%2Faccounts%2Fpassword%2Freset%2Fdone%2F"
    )


def _normalise(content: str, email: str) -> str:
    content = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", content)
    return content.replace(email, "EMAIL")


def test_known_and_unknown_addresses_get_identical_pages_and_one_mail_each(
    smtp_server,
):
    VerifiedJournalistFactory(email="known@example.org")
    known, unknown = Client(), Client()

    known_post = known.post(RESET_URL, {"email": "known@example.org"})
    unknown_post = unknown.post(RESET_URL, {"email": "nobody@example.org"})

    # the answers are the same redirect, and the code pages are the same bytes
    assert (known_post.status_code, known_post["Location"]) == (302, CODE_URL)
    assert (unknown_post.status_code, unknown_post["Location"]) == (302, CODE_URL)
    known_page = _normalise(known.get(CODE_URL).content.decode(), "known@example.org")
    unknown_page = _normalise(
        unknown.get(CODE_URL).content.decode(), "nobody@example.org"
    )
    assert known_page == unknown_page
    # each address got exactly one mail, sent before the answer, with the same subject
    [known_mail] = smtp_server.to("known@example.org")
    [unknown_mail] = smtp_server.to("nobody@example.org")
    assert (
        known_mail.subject == unknown_mail.subject == "Resetting your newsroom password"
    )
    assert "no account uses it" in unknown_mail.text
    assert unknown_mail.html is not None
    # a guess at the unknown address's code leads nowhere
    response = unknown.post(CODE_URL, {"code": "BCDF-GHJK"})
    assert response.context["form"].errors["code"] == [
        "Incorrect code. You have 2 tries left."
    ]


def test_send_a_new_code_keeps_the_return_page_and_supersedes_the_old_code(
    client, smtp_server, settings
):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "reset_password": "5/m/key",
    }
    VerifiedJournalistFactory(email="ana@example.org")
    href = forgot_password_href(client, "/en/news/")
    code_url = client.post(href, {"email": "ana@example.org"})["Location"]
    [first] = smtp_server.wait_for("ana@example.org")

    # when: the code page's "send a new code" form is submitted as rendered
    page = client.get(code_url).content.decode()
    form = re.search(
        r'<form method="post" action="([^"]+)" class="inline-form">(.*?)</form>',
        page,
        re.S,
    )
    action = form.group(1).replace("&amp;", "&")
    fields = dict(
        re.findall(
            r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(2)
        )
    )
    response = client.post(action, fields)

    # then: a new code arrives, the old one fails, and the return page survives
    assert response["Location"] == code_url
    _first, second = smtp_server.wait_for("ana@example.org", count=2)
    assert second.code != first.code
    assert client.post(code_url, {"code": first.code}).context["form"].errors[
        "code"
    ] == ["Incorrect code. You have 2 tries left."]
    response = client.post(code_url, {"code": second.code})
    response = client.post(
        response["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert (
        'href="/en/news/">Return to the page you were on'
        in client.get(response["Location"]).content.decode()
    )


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Please wait 60 seconds, then try again."),
        ("fr", "Veuillez patienter 60 secondes, puis réessayez."),
    ],
)
def test_reset_resend_flood_is_rate_limited(client, smtp_server, language, message):
    VerifiedJournalistFactory(email="ana@example.org")
    url = "/%s/accounts/password/reset/" % language
    client.post(url, {"email": "ana@example.org"})

    response = client.post(url, {"email": "ana@example.org"})

    assert response.status_code == 429
    assert message in response.content.decode()
    assert len(smtp_server.to("ana@example.org")) == 1


def test_wrong_reset_codes_up_to_the_limit_kill_the_code(client, smtp_server):
    VerifiedJournalistFactory(email="ana@example.org")
    client.post(RESET_URL, {"email": "ana@example.org"})
    [mail] = smtp_server.wait_for("ana@example.org")
    for _attempt in range(2):
        assert client.post(CODE_URL, {"code": "BBBB-BBBB"}).status_code == 200

    response = client.post(CODE_URL, {"code": "BBBB-BBBB"}, follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "Too many wrong codes: this code no longer works. "
        "Choose “Forgot your password?” to receive a new code."
    ]
    assert (
        client.post(CODE_URL, {"code": mail.code})["Location"] == "/en/accounts/login/"
    )
    assert User.objects.get(email="ana@example.org").check_password(OLD_PASSWORD)


def _age_reset(client, seconds):
    session = client.session
    state = session[PASSWORD_RESET_VERIFICATION_SESSION_KEY]
    state["at"] -= seconds
    session[PASSWORD_RESET_VERIFICATION_SESSION_KEY] = state
    session.save()


@pytest.mark.parametrize(
    ("_case", "age", "works"),
    [("just_in_time", 29 * 60 + 50, True), ("expired", 30 * 60 + 1, False)],
)
def test_reset_code_lives_30_minutes(client, smtp_server, _case, age, works):
    VerifiedJournalistFactory(email="ana@example.org")
    client.post(RESET_URL, {"email": "ana@example.org"})
    [mail] = smtp_server.wait_for("ana@example.org")
    _age_reset(client, age)

    response = client.post(CODE_URL, {"code": mail.code})

    assert response["Location"] == (COMPLETE_URL if works else "/en/accounts/login/")


def test_used_reset_code_fails(client, smtp_server):
    VerifiedJournalistFactory(email="ana@example.org")
    client.post(RESET_URL, {"email": "ana@example.org"})
    [mail] = smtp_server.wait_for("ana@example.org")
    client.post(CODE_URL, {"code": mail.code})
    client.post(COMPLETE_URL, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    response = client.post(CODE_URL, {"code": mail.code})
    again = client.post(
        COMPLETE_URL, {"password1": OLD_PASSWORD, "password2": OLD_PASSWORD}
    )

    assert response["Location"] == "/en/accounts/login/"
    assert again["Location"] == RESET_URL
    assert User.objects.get(email="ana@example.org").check_password(NEW_PASSWORD)


def test_reset_mail_is_in_the_person_language(client, smtp_server):
    VerifiedJournalistFactory(email="zoe@example.org")

    client.post("/fr/accounts/password/reset/", {"email": "zoe@example.org"})

    [mail] = smtp_server.wait_for("zoe@example.org")
    assert (
        mail.subject == "Réinitialisation de votre mot de passe pour la salle de presse"
    )
    assert "Saisissez ce code dans la page qui vous l’a demandé" in mail.text
    assert mail.code in mail.html


def test_reset_mail_is_in_the_language_the_person_signed_up_in(client, smtp_server):
    # given: a journalist who signed up on the French site, now on the English one
    VerifiedJournalistFactory(email="lea@example.org", language="fr")

    # when
    client.post(RESET_URL, {"email": "lea@example.org"})

    # then
    [mail] = smtp_server.wait_for("lea@example.org")
    assert (
        mail.subject == "Réinitialisation de votre mot de passe pour la salle de presse"
    )


def test_sign_up_remembers_the_language_of_the_site(client, smtp_server):
    # when
    client.post(
        "/fr/accounts/signup/",
        {
            "email": "marc@example.org",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )

    # then
    assert User.objects.get(email="marc@example.org").language == "fr"


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (
            "en",
            "You can ask for a new code in <span data-resend-seconds>%d</span> seconds.",
        ),
        (
            "fr",
            "Vous pourrez demander un nouveau code dans "
            "<span data-resend-seconds>%d</span> secondes.",
        ),
    ],
)
def test_an_early_new_reset_code_stays_on_the_code_form_and_says_how_long_to_wait(
    client, smtp_server, language, message
):
    # given: a reset code just sent
    VerifiedJournalistFactory(email="ana@example.org")
    code_url = client.post(
        "/%s/accounts/password/reset/" % language, {"email": "ana@example.org"}
    )["Location"]
    [mail] = smtp_server.wait_for("ana@example.org")

    # when: "send a new code" at once, from the code form
    response = client.post(code_url, {"action": "resend"})

    # then: the same form (not allauth's "please wait" page), the wait, no second mail
    page = response.content.decode()
    assert response.status_code == 429
    assert response.templates[0].name == "account/confirm_password_reset_code.html"
    assert 'name="code"' in page
    wait = int(re.search(r'data-resend-wait="(\d+)"', page).group(1))
    assert 50 <= wait <= 60
    assert message % wait in page
    assert len(smtp_server.to("ana@example.org")) == 1
    # and the code that was sent still works
    response = client.post(code_url, {"code": mail.code})
    assert response["Location"].startswith(
        "/%s/accounts/password/reset/complete/" % language
    )


def test_an_early_new_reset_code_answers_alike_for_a_known_and_an_unknown_address(
    smtp_server,
):
    VerifiedJournalistFactory(email="ana@example.org")
    pages = []
    for email in ("ana@example.org", "nobody@example.org"):
        client = Client()
        code_url = client.post(RESET_URL, {"email": email})["Location"]
        response = client.post(code_url, {"action": "resend"})
        assert response.status_code == 429
        pages.append(
            re.sub(
                r'name="csrfmiddlewaretoken" value="[^"]+"|[\w.]+@example\.org|data-resend-wait="\d+"|<span data-resend-seconds>\d+</span>',
                "",
                response.content.decode(),
            )
        )

    assert pages[0] == pages[1]


def test_the_first_view_of_the_reset_code_form_has_no_countdown(client, smtp_server):
    VerifiedJournalistFactory(email="ana@example.org")
    code_url = client.post(RESET_URL, {"email": "ana@example.org"})["Location"]

    page = client.get(code_url).content.decode()

    assert "data-resend-wait" not in page
    assert "You can ask for a new code" not in page
