"""A new translation is a draft: nothing reaches the other language's site without a reviewer."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from wagtail_localize.models import Translation

import pytest

from core.translation import translate_with
from news.models import NewsReleasePage
from news.roles import OFFICERS, REVIEWERS
from tests.workflow.conftest import member
from tests.workflow.helpers import client_for
from tests.workflow.test_roles import live_release


HEADLINE = "Allies meet the heads of intelligence"


def french_public_pages(slug: str) -> dict[str, str]:
    """What a visitor of the French site sees where a new release would appear."""
    visitor = Client()
    pages = {
        "home": visitor.get("/fr/"),
        "news": visitor.get("/fr/news/"),
        "rss": visitor.get("/fr/feeds/releases.rss"),
        "atom": visitor.get("/fr/feeds/releases.atom"),
        "sitemap": visitor.get("/sitemap.xml"),
    }
    assert {name: r.status_code for name, r in pages.items()} == dict.fromkeys(
        pages, 200
    )
    return {name: r.content.decode() for name, r in pages.items()}


def french_of(release) -> NewsReleasePage:
    return NewsReleasePage.objects.get(
        translation_key=release.translation_key, locale__language_code="fr"
    )


@pytest.mark.parametrize("role", [OFFICERS, REVIEWERS])
def test_translate_this_page_makes_a_draft_whoever_asks(
    editorial, role, django_capture_on_commit_callbacks
):
    # given: a live English release
    release = live_release(editorial.news, title=HEADLINE, slug="allies-meet")

    # when: "Translate this page" → French, with the commit callbacks run as in production
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for(member(role)).post(
            reverse("wagtail_localize:submit_page_translation", args=[release.pk]),
            {"locales": [editorial.locales["fr"].pk]},
        )

    # then: a French draft exists, nothing of it is public
    assert response.status_code == 302
    assert callbacks == []  # wagtail-localize queued no publication
    french = french_of(release)
    assert (french.live, french.has_unpublished_changes) == (False, True)
    assert Client().get("/fr/news/allies-meet/").status_code == 404
    for name, content in french_public_pages("allies-meet").items():
        assert HEADLINE not in content, name
        assert "/fr/news/allies-meet/" not in content, name


def test_sync_and_publish_cannot_publish_a_translation_nobody_reviewed(
    editorial, django_capture_on_commit_callbacks
):
    # given: the French draft of a live release, started by an officer
    release = live_release(editorial.news, title=HEADLINE, slug="allies-meet")
    officer, reviewer = member(OFFICERS), member(REVIEWERS)
    client_for(officer).post(
        reverse("wagtail_localize:submit_page_translation", args=[release.pk]),
        {"locales": [editorial.locales["fr"].pk]},
    )
    source = Translation.objects.get(source__object_id=release.translation_key).source
    url = reverse("wagtail_localize:update_translations", args=[source.pk])

    # when: a reviewer syncs it "and publishes"
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(reviewer).post(url, {"publish_translations": "on"})

    # then: refused on the admin's own page, saying why; nothing is public
    assert response.status_code == 403
    content = response.content.decode()
    assert "no reviewer has approved yet" in content
    assert 'class="w-header' in content  # the admin's page, not a bare "403 Forbidden"
    assert french_of(release).live is False
    for name, content in french_public_pages("allies-meet").items():
        assert HEADLINE not in content, name


def test_translate_with_saves_a_draft_unless_told_to_publish(
    editorial, django_capture_on_commit_callbacks
):
    # given
    release = live_release(editorial.news, title=HEADLINE, slug="allies-meet")

    # when
    with django_capture_on_commit_callbacks(execute=True):
        french = translate_with(release, editorial.locales["fr"], lambda text: text)

    # then
    assert NewsReleasePage.objects.get(pk=french.pk).live is False
    for name, content in french_public_pages("allies-meet").items():
        assert HEADLINE not in content, name

    # when: a live translation is updated without publishing
    with django_capture_on_commit_callbacks(execute=True):
        translate_with(
            release, editorial.locales["fr"], lambda text: text, publish=True
        )
        translate_with(
            release,
            editorial.locales["fr"],
            lambda text: "Les Alliés" if text == HEADLINE else text,
        )

    # then: the live French page keeps its reviewed text; the change waits as a draft
    french = NewsReleasePage.objects.get(pk=french.pk)
    assert (french.live, french.title, french.has_unpublished_changes) == (
        True,
        HEADLINE,
        True,
    )
    assert french.get_latest_revision_as_object().title == "Les Alliés"
