"""A translator writes only through admin views known to be translation work (default deny)."""

from __future__ import annotations

from django.contrib.auth.models import Group

from wagtail.users.models import UserProfile

import pytest

from news.roles import OFFICERS, TRANSLATORS_FR
from tests.workflow.conftest import member
from tests.workflow.helpers import client_for


@pytest.fixture
def new_admin_view(settings):
    """An admin URL added after the middleware was written, as reports or clips would be."""
    settings.ROOT_URLCONF = "tests.workflow.new_admin_view_urls"
    return "/admin/new-feature/"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_translator_cannot_post_to_an_admin_url_not_known_as_translation_work(
    editorial, new_admin_view, language
):
    # given
    translator = member(TRANSLATORS_FR)
    profile = UserProfile.get_for_user(translator)
    profile.preferred_language = language
    profile.save()
    client = client_for(translator)

    # when
    read = client.get(new_admin_view)
    write = client.post(new_admin_view, {})
    officer_write = client_for(member(OFFICERS)).post(new_admin_view, {})

    # then: reading stays open; the translator's write is refused, saying why, in their language
    assert (read.status_code, write.status_code, officer_write.status_code) == (
        200,
        403,
        200,
    )
    assert Group.objects.filter(name__startswith="written by").count() == 1
    sentence = {
        "en": "Translators may only translate: this page of the admin is not "
        "translation work.",
        "fr": "Les traducteurs ne peuvent que traduire\u00a0: cette page de "
        "l’administration ne relève pas de la traduction.",
    }[language]
    assert sentence in write.content.decode()
