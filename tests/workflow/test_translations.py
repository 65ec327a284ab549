"""Translations with wagtail-localize: reviewed like sources, synced from them, locale by locale."""

from __future__ import annotations

import html
import json
import re
from urllib.parse import urlencode

from django.test import Client
from django.urls import reverse

from wagtail_localize.models import StringTranslation, Translation, TranslationSource

import pytest

from core.translation import translate_with
from media_assets.factories import ShotFactory
from news.factories import SpeakerFactory, TopicFactory
from news.models import NewsReleasePage, Speaker
from news.roles import OFFICERS, REVIEWERS, TRANSLATORS_EN, TRANSLATORS_FR
from tests.workflow.conftest import member
from tests.workflow.helpers import client_for, form_data, page_edit_url
from tests.workflow.test_roles import draft_release, live_release
from tests.workflow.test_workflow import workflow_action_url


# The French news explorer with three translated releases: Wagtail makes 47 queries; the
# "Submit translation for review" button adds one per release row (measured 2026-11-29,
# once simple_translation no longer added its own per row).
EXPLORER_QUERIES = 50

FRENCH = {
    "Allies meet the heads of intelligence": "Les Alliés rencontrent les chefs du renseignement",
    "The Secretary General met them in Brussels.": "Le Secrétaire général les a reçus à Bruxelles.",
    "The committees met at headquarters.": "Les comités se sont réunis au siège.",
    "The Secretary General met them at headquarters.": "Le Secrétaire général les a reçus au siège.",
}


def segments(translation: Translation) -> dict[str, int]:
    """Source text → string segment id."""
    return {
        segment.string.data: segment.pk
        for segment in translation.source.stringsegment_set.select_related("string")
    }


def put_string(client, translation, segment_id, value):
    url = reverse(
        "wagtail_localize:edit_string_translation", args=[translation.pk, segment_id]
    )
    return client.put(
        url,
        urlencode({"value": value}),
        content_type="application/x-www-form-urlencoded",
    )


def editor_props(response) -> dict:
    match = re.search(
        r'class="js-translation-editor" data-props="([^"]*)"', response.content.decode()
    )
    assert match, "not wagtail-localize's translation editor"
    return json.loads(html.unescape(match.group(1)))


def start_french_translation(page, user, french_locale) -> Translation:
    response = client_for(user).post(
        reverse("wagtail_localize:submit_page_translation", args=[page.pk]),
        {"locales": [french_locale.pk]},
    )
    assert response.status_code == 302
    return Translation.objects.get(
        source__object_id=page.translation_key, target_locale=french_locale
    )


@pytest.fixture
def people(editorial):
    return {
        "officer": member(OFFICERS),
        "reviewer": member(REVIEWERS),
        "translator": member(TRANSLATORS_FR),
    }


def test_french_translation_is_reviewed_then_follows_its_source(editorial, people):
    # given: a live English release
    french_locale = editorial.locales["fr"]
    release = live_release(
        editorial.news,
        title="Allies meet the heads of intelligence",
        slug="allies-meet",
        lead="The Secretary General met them in Brussels.",
    )
    translator = client_for(people["translator"])

    # when: an officer starts the French translation; the translator translates every string
    translation = start_french_translation(release, people["officer"], french_locale)
    french = NewsReleasePage.objects.get(
        translation_key=release.translation_key, locale=french_locale
    )
    assert french.live is False
    for text, segment_id in segments(translation).items():
        response = put_string(
            translator, translation, segment_id, FRENCH.get(text, text)
        )
        assert response.status_code == 201, text

    # then: the translator cannot publish it
    translator.post(page_edit_url(french), {"action": "publish"})
    assert NewsReleasePage.objects.get(pk=french.pk).live is False

    # when: the translator submits it; a reviewer approves it
    response = translator.post(
        reverse("news_submit_translation_for_review", args=[french.pk])
    )
    assert response.status_code == 302
    french = NewsReleasePage.objects.get(pk=french.pk)
    assert french.workflow_in_progress is True
    assert french.live is False
    client_for(people["reviewer"]).post(
        workflow_action_url(french, "approve", french.current_workflow_task_state)
    )

    # then
    page = Client().get(french.url)
    assert page.status_code == 200
    assert "Le Secrétaire général les a reçus à Bruxelles." in page.content.decode()

    # when: the source changes, is published, and an officer syncs the translations
    release = NewsReleasePage.objects.get(pk=release.pk)
    release.lead = "The Secretary General met them at headquarters."
    release.save_revision(user=people["reviewer"]).publish()
    response = client_for(people["officer"]).post(
        reverse("wagtail_localize:update_translations", args=[translation.source.pk]),
        {},
    )
    assert response.status_code == 302

    # then: the translator's editor shows the new sentence, not yet translated
    props = editor_props(translator.get(page_edit_url(french)))
    by_source = {
        segment["source"]: segment["id"]
        for segment in props["segments"]
        if segment["type"] == "string"
    }
    translated_ids = {item["segment_id"] for item in props["initialStringTranslations"]}
    new_id = by_source["The Secretary General met them at headquarters."]
    assert new_id not in translated_ids
    assert by_source["Allies meet the heads of intelligence"] in translated_ids

    # when: the translator translates it and the new version goes through review
    translation.refresh_from_db()
    put_string(
        translator,
        translation,
        new_id,
        FRENCH["The Secretary General met them at headquarters."],
    )
    translator.post(reverse("news_submit_translation_for_review", args=[french.pk]))
    french = NewsReleasePage.objects.get(pk=french.pk)
    assert "les a reçus au siège" not in Client().get(french.url).content.decode()
    client_for(people["reviewer"]).post(
        workflow_action_url(french, "approve", french.current_workflow_task_state)
    )

    # then: the French page shows the change
    content = Client().get(french.url).content.decode()
    assert "Le Secrétaire général les a reçus au siège." in content
    assert "à Bruxelles" not in content


def test_officer_cannot_publish_translations_through_sync(
    editorial, people, django_capture_on_commit_callbacks
):
    # given
    release = live_release(
        editorial.news, title="Allies meet the heads of intelligence"
    )
    translation = start_french_translation(
        release, people["officer"], editorial.locales["fr"]
    )
    url = reverse("wagtail_localize:update_translations", args=[translation.source.pk])

    # when
    refused = client_for(people["officer"]).post(url, {"publish_translations": "on"})
    french = NewsReleasePage.objects.get(
        translation_key=release.translation_key, locale=editorial.locales["fr"]
    )
    assert french.live is False
    french.get_latest_revision().publish()  # a reviewer approved the translation once
    with django_capture_on_commit_callbacks(execute=True):
        allowed = client_for(people["reviewer"]).post(
            url, {"publish_translations": "on"}
        )

    # then
    assert refused.status_code == 403
    assert allowed.status_code == 302
    french = NewsReleasePage.objects.get(
        translation_key=release.translation_key, locale=editorial.locales["fr"]
    )
    assert french.live is True


def test_speaker_topic_video_and_shots_translate_into_french(editorial, people):
    # given
    speaker = SpeakerFactory(name="Mark Rutte", title="Secretary General")
    topic = TopicFactory(name="Emerging technologies")
    shot = ShotFactory(description="Wide shot of the meeting room")
    video = shot.video
    officer = client_for(people["officer"])
    translator = client_for(people["translator"])
    french_locale = editorial.locales["fr"]

    # when: an officer starts the translations, the translator translates them
    for model_name, instance in (
        ("speaker", speaker),
        ("topic", topic),
        ("video", video),
    ):
        app_label = instance._meta.app_label
        response = officer.post(
            reverse(
                "wagtail_localize:submit_snippet_translation",
                args=[app_label, model_name, instance.pk],
            ),
            {"locales": [french_locale.pk]},
        )
        assert response.status_code == 302
    wording = {
        "Secretary General": "Secrétaire général",
        "Emerging technologies": "Technologies émergentes",
        "Wide shot of the meeting room": "Plan large de la salle de réunion",
        video.description: "L’arrivée et l’ouverture de la réunion au siège.",
    }
    for instance in (speaker, topic, video):
        translation = Translation.objects.get(
            source__object_id=instance.translation_key, target_locale=french_locale
        )
        for text, segment_id in segments(translation).items():
            assert (
                put_string(
                    translator, translation, segment_id, wording.get(text, text)
                ).status_code
                == 201
            )
        edit_url = reverse(
            "wagtailsnippets_%s_%s:edit"
            % (instance._meta.app_label, instance._meta.model_name),
            args=[instance.get_translation(french_locale).pk],
        )
        response = translator.post(edit_url, {"action": "publish"})
        assert response.status_code == 302

    # then
    french_speaker = speaker.get_translation(french_locale)
    french_video = video.get_translation(french_locale)
    assert topic.get_translation(french_locale).name == "Technologies émergentes"
    assert (french_speaker.name, french_speaker.title) == (
        "Mark Rutte",
        "Secrétaire général",
    )
    assert (
        french_video.description == "L’arrivée et l’ouverture de la réunion au siège."
    )
    assert [s.description for s in french_video.shots.all()] == [
        "Plan large de la salle de réunion"
    ]
    assert [(s.start, s.end) for s in french_video.shots.all()] == [
        (shot.start, shot.end)
    ]
    assert Speaker.objects.get(pk=speaker.pk).title == "Secretary General"


class TestTranslatorLimits:
    """A French translator opens and edits French translations, and nothing else."""

    @pytest.fixture
    def setting(self, editorial, people):
        english_release = draft_release(editorial.news, title="English source")
        french_speaker = SpeakerFactory(
            name="Jean Dupont", title="Porte-parole", locale=editorial.locales["fr"]
        )
        english_speaker = translate_with(
            french_speaker,
            editorial.locales["en"],
            lambda text: {"Porte-parole": "Spokesperson"}.get(text, text),
        )
        french_release = translate_with(
            english_release, editorial.locales["fr"], lambda text: text, publish=False
        )
        to_english = Translation.objects.get(
            source__object_id=french_speaker.translation_key,
            target_locale__language_code="en",
        )
        to_french = Translation.objects.get(
            source__object_id=english_release.translation_key,
            target_locale__language_code="fr",
        )
        return {
            "english_release": english_release,
            "french_release": french_release,
            "french_speaker": french_speaker,
            "english_speaker": english_speaker,
            "to_english": to_english,
            "to_french": to_french,
        }

    def test_french_translator_cannot_edit_english_page(self, people, setting):
        # given
        page = setting["english_release"]
        data = form_data(page_edit_url(page), title="Changed by a translator")
        client = client_for(people["translator"])

        # when
        get = client.get(page_edit_url(page))
        post = client.post(page_edit_url(page), data)

        # then
        assert (get.status_code, post.status_code) == (403, 403)
        assert (
            NewsReleasePage.objects.get(pk=page.pk)
            .get_latest_revision_as_object()
            .title
            == "English source"
        )

    def test_french_translator_edits_the_french_page_translation(self, people, setting):
        # given
        translation = setting["to_french"]
        client = client_for(people["translator"])
        segment_id = segments(translation)["English source"]

        # when
        editor = client.get(page_edit_url(setting["french_release"]))
        response = put_string(
            client, translation, segment_id, "Source anglaise traduite"
        )

        # then
        assert editor.status_code == 200
        assert editor_props(editor)["locale"]["code"] == "fr"
        assert response.status_code == 200  # replaces the string translate_with stored
        assert (
            StringTranslation.objects.get(
                locale__language_code="fr", translation_of__data="English source"
            ).data
            == "Source anglaise traduite"
        )

    def test_french_translator_cannot_touch_english_translations(self, people, setting):
        # given: an English translation of a French speaker
        translation = setting["to_english"]
        segment_id = segments(translation)["Porte-parole"]
        english_edit = reverse(
            "wagtailsnippets_news_speaker:edit", args=[setting["english_speaker"].pk]
        )
        client = client_for(people["translator"])

        # when
        put = put_string(client, translation, segment_id, "Pirate")
        get = client.get(english_edit)
        publish = client.post(english_edit, {"action": "publish"})

        # then
        assert (put.status_code, get.status_code, publish.status_code) == (
            403,
            403,
            403,
        )
        assert (
            StringTranslation.objects.get(
                locale__language_code="en", translation_of__data="Porte-parole"
            ).data
            == "Spokesperson"
        )

    def test_english_translator_may_touch_english_translations(
        self, editorial, setting
    ):
        # given
        translation = setting["to_english"]
        segment_id = segments(translation)["Porte-parole"]
        client = client_for(member(TRANSLATORS_EN))

        # when
        put = put_string(client, translation, segment_id, "Press officer")

        # then
        assert put.status_code == 200
        assert (
            StringTranslation.objects.get(
                locale__language_code="en", translation_of__data="Porte-parole"
            ).data
            == "Press officer"
        )

    def test_french_translator_cannot_edit_sources_even_french_ones(
        self, people, setting
    ):
        # given: the French speaker is a source (English is its translation)
        speaker = setting["french_speaker"]
        url = reverse("wagtailsnippets_news_speaker:edit", args=[speaker.pk])
        data = form_data(url, title="Changé")

        # when
        response = client_for(people["translator"]).post(url, data)

        # then
        assert response.status_code == 403
        assert Speaker.objects.get(pk=speaker.pk).title == "Porte-parole"

    def test_french_translator_cannot_start_or_sync_english_translations(
        self, editorial, people, setting
    ):
        # given
        client = client_for(people["translator"])
        other = SpeakerFactory(name="Anne Martin", locale=editorial.locales["fr"])

        # when
        start = client.post(
            reverse(
                "wagtail_localize:submit_snippet_translation",
                args=["news", "speaker", other.pk],
            ),
            {"locales": [editorial.locales["en"].pk]},
        )
        sync = client.post(
            reverse(
                "wagtail_localize:update_translations",
                args=[setting["to_english"].source.pk],
            ),
            {},
        )

        # then
        assert (start.status_code, sync.status_code) == (403, 403)
        assert other.has_translation(editorial.locales["en"]) is False
        assert (
            TranslationSource.objects.filter(object_id=other.translation_key).exists()
            is False
        )

    def test_french_translator_cannot_edit_english_video_anywhere(self, people):
        # given: an English video (a source), reachable by the snippet view and wagtailmedia's view
        shot = ShotFactory(description="Wide shot of the meeting room")
        video = shot.video
        title = video.title
        snippet_url = reverse(
            "wagtailsnippets_media_assets_video:edit", args=[video.pk]
        )
        media_url = reverse("wagtailmedia:edit", args=[video.pk])
        data = form_data(snippet_url, description="Changé par un traducteur")
        client = client_for(people["translator"])

        # when
        snippet_response = client.post(snippet_url, data)
        media_response = client.post(
            media_url, {"title": "Changé", "description": "Changé"}
        )

        # then: wagtailmedia's edit view is not translation work; the library's form refuses
        assert snippet_response.status_code == 403
        assert media_response.status_code == 403
        video.refresh_from_db()
        assert (video.title, video.description) == (
            title,
            "Arrivals and the opening of the meeting at headquarters.",
        )


def test_translator_finds_submit_for_review_in_the_explorer(
    editorial, people, django_assert_num_queries
):
    # given: two English releases translated into French, one not translated
    explore_url = reverse("wagtailadmin_explore", args=[editorial.news_in("fr").pk])
    french_pages = []
    for title in ("First release", "Second release", "Third release"):
        release = live_release(editorial.news, title=title)
        start_french_translation(release, people["officer"], editorial.locales["fr"])
        french_pages.append(release.get_translation(editorial.locales["fr"]))
    translator = client_for(people["translator"])
    translator.get(explore_url)  # warm caches

    # when
    with django_assert_num_queries(EXPLORER_QUERIES):
        response = translator.get(explore_url)

    # then
    content = response.content.decode()
    for page in french_pages:
        assert reverse("news_submit_translation_for_review", args=[page.pk]) in content
    assert content.count("Submit translation for review") == len(french_pages)
