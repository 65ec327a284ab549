"""Only Press office managers and superusers see the download reports, by menu or by URL."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

import pytest

from accounts.factories import UserFactory, VerifiedJournalistFactory
from news.roles import MANAGERS, OFFICERS, REVIEWERS, TRANSLATORS_FR, ensure_roles


pytestmark = pytest.mark.django_db

REPORTS = ["over_time", "per_video", "per_release", "per_organisation", "log"]


def report_urls() -> list[str]:
    urls = []
    for name in REPORTS:
        index = reverse("media_assets_reports:%s" % name)
        urls += [
            index,
            reverse("media_assets_reports:%s_results" % name),
            index + "?export=csv",
            index + "?export=xlsx",
        ]
    return urls


def person(role: str):
    if role == "anonymous":
        return None
    if role == "superuser":
        return UserFactory(is_staff=True, is_superuser=True)
    if role == "journalist":
        return VerifiedJournalistFactory()
    group = {
        "manager": MANAGERS,
        "officer": OFFICERS,
        "reviewer": REVIEWERS,
        "translator": TRANSLATORS_FR,
    }[role]
    user = UserFactory()
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def roles(site_tree):
    ensure_roles()


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("manager", 200),
        ("superuser", 200),
        ("officer", 403),
        ("reviewer", 403),
        ("translator", 403),
        # No admin access at all: Wagtail's admin gate sends them to its log-in page.
        ("journalist", 302),
        ("anonymous", 302),
    ],
)
def test_every_report_url_and_export(roles, log, role, expected):
    # given
    client = Client()
    user = person(role)
    if user:
        client.force_login(user)

    for address in report_urls():
        # when
        response = client.get(address)

        # then
        assert response.status_code == expected, (role, address)
        if expected == 302:
            assert response["Location"].startswith(reverse("wagtailadmin_login")), (
                address
            )
        if expected != 200:
            assert b"Summit" not in response.content
            assert not response.has_header("Content-Disposition")


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        ("manager", True),
        ("superuser", True),
        ("officer", False),
        ("reviewer", False),
        ("translator", False),
    ],
)
def test_the_menu_item_shows_to_managers_only(roles, role, shown):
    client = Client()
    client.force_login(person(role))
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert (reverse("media_assets_reports:over_time") in response.content.decode()) is (
        shown
    )


def test_managers_hold_the_download_permission_and_officers_do_not(roles):
    assert person("manager").has_perm("media_assets.view_download") is True
    assert person("officer").has_perm("media_assets.view_download") is False
    assert person("reviewer").has_perm("media_assets.view_download") is False


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "Your account does not give access to this page."),
        ("fr", "Votre compte ne donne pas accès à cette page."),
    ],
)
def test_a_refusal_says_why_in_the_persons_language(roles, language, sentence):
    # given: an officer, who may not see the reports
    client = Client(headers={"accept-language": language})
    client.force_login(person("officer"))

    # when
    response = client.get(reverse("media_assets_reports:over_time"))

    # then: the site's page with a sentence, not a bare "403 Forbidden"
    assert response.status_code == 403
    assert sentence in response.content.decode()
