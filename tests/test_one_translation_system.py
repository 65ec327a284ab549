"""Translations go through wagtail-localize only: no second "Translate" (simple_translation)."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

import pytest

from news.factories import SpeakerFactory, build_release
from tests.workflow.helpers import admin_client


def test_no_simple_translation_action_or_url_remains(site_tree):
    # given
    release = build_release(site_tree.news, quotes=1, videos=1, shots=1)
    speaker = SpeakerFactory()
    client = admin_client()

    # when: a superuser opens every screen that showed its "Translate"
    screens = {
        "page edit": reverse("wagtailadmin_pages:edit", args=[release.pk]),
        "page listing": reverse("wagtailadmin_explore", args=[site_tree.news.pk]),
        "speaker listing": reverse(type(speaker).snippet_viewset.get_url_name("list")),
        "speaker edit": reverse(
            type(speaker).snippet_viewset.get_url_name("edit"), args=[speaker.pk]
        ),
    }
    bodies = {name: client.get(url) for name, url in screens.items()}

    # then: every screen answers, none links to simple_translation's views, which are gone
    assert {name: r.status_code for name, r in bodies.items()} == dict.fromkeys(
        screens, 200
    )
    assert [
        name
        for name, r in bodies.items()
        if "/admin/translation/submit/" in r.content.decode()
    ] == []
    with pytest.raises(NoReverseMatch):
        reverse("simple_translation:submit_page_translation", args=[release.pk])
