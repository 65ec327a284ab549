"""The French translator's day: start translations, submit them for review, refusals that explain."""

from __future__ import annotations

import re

from django.urls import reverse

from wagtail.users.models import UserProfile
from wagtail_localize.models import Translation

import pytest

from media_assets.factories import VideoFactory
from news.factories import SpeakerFactory, TopicFactory
from news.models import NewsReleasePage
from news.roles import OFFICERS, TRANSLATORS_FR
from tests.workflow.conftest import member
from tests.workflow.helpers import client_for, page_edit_url
from tests.workflow.test_roles import live_release


def translator_in(language):
    user = member(TRANSLATORS_FR)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


def test_the_french_translator_starts_french_translations_of_english_records(editorial):
    # given: English sources the translator can see
    release = live_release(editorial.news, title="Allies meet", slug="allies-meet")
    speaker = SpeakerFactory(name="Alex Morgan", title="Secretary General")
    topic = TopicFactory(name="Intelligence")
    video = VideoFactory(title="Arrivals")
    client = client_for(translator_in("fr"))
    french = editorial.locales["fr"]

    # when
    responses = [
        client.post(
            reverse("wagtail_localize:submit_page_translation", args=[release.pk]),
            {"locales": [french.pk]},
        )
    ] + [
        client.post(
            reverse(
                "wagtail_localize:submit_snippet_translation",
                args=[instance._meta.app_label, instance._meta.model_name, instance.pk],
            ),
            {"locales": [french.pk]},
        )
        for instance in (speaker, topic, video)
    ]

    # then: each has its French translation; the release's is a draft
    assert [response.status_code for response in responses] == [302, 302, 302, 302]
    for instance in (release, speaker, topic, video):
        assert Translation.objects.filter(
            source__object_id=instance.translation_key, target_locale=french
        ).exists()
    assert release.get_translation(french).live is False


@pytest.mark.parametrize(
    ("language", "submit", "convert"),
    [
        ("en", "Submit translation for review", "convertToAliasUrl"),
        ("fr", "Soumettre la traduction pour relecture", "convertToAliasUrl"),
    ],
)
def test_the_translators_primary_action_is_submit_for_review(
    editorial, language, submit, convert
):
    # given: the French draft of a live English release
    release = live_release(editorial.news, title="Allies meet", slug="allies-meet")
    translator = translator_in(language)
    client = client_for(translator)
    client.post(
        reverse("wagtail_localize:submit_page_translation", args=[release.pk]),
        {"locales": [editorial.locales["fr"].pk]},
    )
    french = release.get_translation(editorial.locales["fr"])

    # when
    html = client.get(page_edit_url(french)).content.decode()

    # then: our footer, whose one action is the submission; wagtail-localize's footer is hidden
    footer = html[html.index("data-translation-review-footer") :]
    assert footer.index(submit) < footer.index("</footer>")
    assert "translation-editor--review" in html
    assert reverse("news_submit_translation_for_review", args=[french.pk]) in footer

    # when: submitted
    client.post(reverse("news_submit_translation_for_review", args=[french.pk]))

    # then
    assert NewsReleasePage.objects.get(pk=french.pk).workflow_in_progress is True


def test_convert_to_alias_is_refused_to_the_translator(editorial):
    # given
    release = live_release(editorial.news, title="Allies meet", slug="allies-meet")
    client = client_for(translator_in("en"))
    client.post(
        reverse("wagtail_localize:submit_page_translation", args=[release.pk]),
        {"locales": [editorial.locales["fr"].pk]},
    )
    french = release.get_translation(editorial.locales["fr"])

    # when
    response = client.post(
        reverse("wagtail_localize:convert_to_alias", args=[french.pk]), {}
    )

    # then
    assert response.status_code == 403
    assert NewsReleasePage.objects.get(pk=french.pk).alias_of_id is None


@pytest.mark.parametrize(
    ("language", "sentence", "link"),
    [
        (
            "en",
            "Translators translate: this is an original, not a translation.",
            "Translate into French",
        ),
        (
            "fr",
            "Les traducteurs traduisent\u00a0: ceci est un original, pas une traduction.",
            "Traduire en français",
        ),
    ],
)
def test_an_english_page_is_refused_with_a_reason_and_a_way_on(
    editorial, language, sentence, link
):
    # given
    release = live_release(editorial.news, title="Allies meet", slug="allies-meet")

    # when
    response = client_for(translator_in(language)).get(page_edit_url(release))

    # then: the admin's own page, saying why, offering the translation
    html = response.content.decode()
    assert response.status_code == 403
    assert sentence in html
    assert 'class="w-header' in html
    start = reverse("wagtail_localize:submit_page_translation", args=[release.pk])
    assert '<a class="button" href="%s">%s</a>' % (start, link) in html


@pytest.mark.parametrize(
    ("url_name", "column"), [("speaker", "Language"), ("topic", "Language")]
)
def test_listings_show_the_language_and_open_on_the_translators(
    editorial, url_name, column
):
    # given: an English record and its French translation
    if url_name == "speaker":
        english = SpeakerFactory(name="Alex Morgan", title="Secretary General")
    else:
        english = TopicFactory(name="Alex Morgan")
    french = english.copy_for_translation(editorial.locales["fr"])
    french.name = "Alex Morgan (fr)"
    french.save()
    url = reverse("wagtailsnippets_news_%s:list" % url_name)

    # when
    translator = client_for(translator_in("en"))
    opened = translator.get(url)
    listing = translator.get(opened.url)
    everything = translator.get(url + "?locale=")
    officer = client_for(member(OFFICERS)).get(url)

    # then: opens on French, with a language column; "All" shows both; the officer is not moved
    def edit_url(record):
        return reverse("wagtailsnippets_news_%s:edit" % url_name, args=[record.pk])

    assert (opened.status_code, opened.url) == (302, url + "?locale=fr")
    html = listing.content.decode()
    assert (edit_url(french) in html, edit_url(english) in html) == (True, False)
    assert re.search(r"<th[^>]*>\s*(<a[^>]*>)?\s*%s\b" % column, html)
    everything = everything.content.decode()
    assert (edit_url(french) in everything, edit_url(english) in everything) == (
        True,
        True,
    )
    assert officer.status_code == 200


@pytest.mark.parametrize(
    ("language", "heading", "translate", "videos"),
    [
        ("en", "Waiting for a translation into French", "Translate", "video"),
        ("fr", "En attente d’une traduction en français", "Traduire", "vidéo"),
    ],
)
def test_the_translators_dashboard_leads_to_the_english_sources_not_yet_in_french(
    editorial, language, heading, translate, videos
):
    # given: two English releases, one already translated into French, and English records
    waiting = live_release(editorial.news, title="Allies meet", slug="allies-meet")
    done = live_release(editorial.news, title="Budget agreed", slug="budget-agreed")
    done.copy_for_translation(editorial.locales["fr"])
    video = VideoFactory(title="Arrivals at headquarters")
    SpeakerFactory(name="Alex Morgan")
    TopicFactory(name="Intelligence")
    client = client_for(translator_in(language))

    # when: the translator opens the admin's dashboard
    page = client.get(reverse("wagtailadmin_home")).content.decode()

    # then: what waits, each with a "Translate" that opens wagtail-localize's form
    assert heading in page
    # the summary counts videos in their language and leads to the library, not to
    # wagtailmedia's own listing (which the menu does not show)
    library = reverse("wagtailsnippets_media_assets_video:list")
    assert re.search(
        r'<a href="%s">\s*<span>1</span> %s <span' % (re.escape(library), videos), page
    )
    assert reverse("wagtailmedia:index") not in page
    assert "Allies meet" in page
    assert "Budget agreed" not in page
    assert "Arrivals at headquarters" in page
    assert "Alex Morgan" in page
    assert "Intelligence" in page
    start = (
        reverse("wagtail_localize:submit_page_translation", args=[waiting.pk])
        + "?select_locale=fr"
    )
    assert 'href="%s"' % start in page
    assert ">%s<" % translate in page
    form = client.get(start).content.decode()
    assert re.search(
        r'<input[^>]*value="%d"[^>]*checked' % editorial.locales["fr"].pk, form
    )
    start_video = (
        reverse(
            "wagtail_localize:submit_snippet_translation",
            args=["media_assets", "video", video.pk],
        )
        + "?select_locale=fr"
    )
    assert 'href="%s"' % start_video in page
    assert client.get(start_video).status_code == 200


def test_the_dashboard_panel_is_only_for_translators_and_its_queries_do_not_grow(
    editorial, django_assert_max_num_queries
):
    officer = client_for(member(OFFICERS))
    assert (
        "Waiting for a translation"
        not in officer.get(reverse("wagtailadmin_home")).content.decode()
    )

    client = client_for(translator_in("en"))
    client.get(reverse("wagtailadmin_home"))  # warm caches
    with django_assert_max_num_queries(60) as few:
        client.get(reverse("wagtailadmin_home"))
    for number in range(12):
        live_release(editorial.news, title="Release %d" % number, slug="r-%d" % number)
        VideoFactory(title="Video %d" % number)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "The newest 8 of 12 are shown." in page


def test_the_admin_asks_no_third_party_for_avatars(editorial):
    # given: a translator without an uploaded avatar
    client = client_for(translator_in("en"))

    # when
    page = client.get(reverse("wagtailadmin_home")).content.decode()

    # then: Wagtail's own default avatar, no Gravatar address
    assert "gravatar" not in page.lower()
    assert "default-user-avatar" in page
