"""Only superusers delete releases, translations, videos, speakers and topics, on every path.

The matrix: each press office role against each kind of object through each way the admin
offers to delete it (the edit screen's menu, the delete view, the bulk action, wagtailmedia's
own view), as direct requests. Then what a superuser sees when something is still in use.
"""

from __future__ import annotations

import html
from pathlib import Path

from django.contrib.messages import get_messages
from django.urls import reverse

from wagtail.models import Locale

import pytest

from accounts.factories import UserFactory
from core.translation import translate_with
from media_assets.factories import VideoFactory
from media_assets.models import Video
from news.factories import (
    NewsReleasePageFactory,
    SpeakerFactory,
    TopicFactory,
    build_release,
    to_french,
    translate_release,
)
from news.models import NewsReleasePage, Speaker, Topic
from news.roles import MANAGERS, OFFICERS, REVIEWERS, TRANSLATORS_FR
from tests.conftest import _make_site_tree
from tests.database_snapshot import module_transaction
from tests.workflow.conftest import member
from tests.workflow.helpers import client_for


def page_paths(page) -> dict[str, tuple[str, str, dict]]:
    return {
        "edit menu": ("GET", reverse("wagtailadmin_pages:edit", args=[page.pk]), {}),
        "delete view": (
            "POST",
            reverse("wagtailadmin_pages:delete", args=[page.pk]),
            {},
        ),
        "bulk action": (
            "POST",
            reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"])
            + "?id=%d" % page.pk,
            {},
        ),
    }


def snippet_paths(obj) -> dict[str, tuple[str, str, dict]]:
    viewset = type(obj).snippet_viewset
    meta = type(obj)._meta
    paths = {
        "edit menu": ("GET", reverse(viewset.get_url_name("edit"), args=[obj.pk]), {}),
        "delete view": (
            "POST",
            reverse(viewset.get_url_name("delete"), args=[obj.pk]),
            {},
        ),
        "bulk action": (
            "POST",
            reverse(
                "wagtail_bulk_action",
                args=[meta.app_label, meta.model_name, "delete"],
            )
            + "?id=%d" % obj.pk,
            {},
        ),
    }
    if isinstance(obj, Video):
        paths["wagtailmedia's view"] = (
            "POST",
            reverse("wagtailmedia:delete", args=[obj.pk]),
            {},
        )
    return paths


def delete_urls(obj) -> list[str]:
    if isinstance(obj, NewsReleasePage):
        return [reverse("wagtailadmin_pages:delete", args=[obj.pk])]
    viewset = type(obj).snippet_viewset
    urls = [reverse(viewset.get_url_name("delete"), args=[obj.pk])]
    if isinstance(obj, Video):
        urls.append(reverse("wagtailmedia:delete", args=[obj.pk]))
    return urls


@pytest.fixture(scope="module")
def _releases(django_db_setup, django_db_blocker):
    """A live release in English and French, built once for the module (rolled back after it)."""
    with module_transaction(django_db_blocker):
        release = build_release(_make_site_tree().news, quotes=1, videos=1, shots=1)
        french = translate_release(release, Locale.objects.get(language_code="fr"))
        yield release.pk, french.pk


@pytest.fixture
def newsroom(editorial, _releases):
    """The release in English and French (speaker, topic and video translated with it)."""
    editorial.release, editorial.french = (
        NewsReleasePage.objects.get(pk=pk) for pk in _releases
    )
    return editorial


def unused_records(tree, owner) -> dict[str, object]:
    """Things nothing uses (so only permissions stand in the way), in English and French."""
    draft = NewsReleasePageFactory(parent=tree.news, live=False, owner=owner)
    draft.save_revision(user=owner)
    video = VideoFactory(uploaded_by_user=owner, title="Spare footage")
    speaker, topic = SpeakerFactory(name="Sam Lee"), TopicFactory(name="Climate")
    french = tree.locales["fr"]
    return {
        "live release": tree.release,
        "live French translation": tree.french,
        "own draft release": draft,
        "video": video,
        "French video translation": translate_with(video, french, to_french),
        "speaker": speaker,
        "French speaker translation": translate_with(speaker, french, to_french),
        "topic": topic,
    }


def offers_deletion(response, obj) -> bool:
    body = html.unescape(response.content.decode())
    if '"canDelete":' in body:
        # wagtail-localize's translation editor: its props always carry the URL, and a flag.
        return '"canDelete": true' in body
    return any(url in body for url in delete_urls(obj))


def still_there(obj) -> bool:
    return type(obj).objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("group_name", [OFFICERS, REVIEWERS, TRANSLATORS_FR, MANAGERS])
def test_nobody_but_a_superuser_deletes_anything_on_any_path(newsroom, group_name):
    # given
    user = member(group_name, is_staff=True)
    client = client_for(user)
    records = unused_records(newsroom, user)
    master = Path(records["video"].file.path)

    # when: every path, for every object
    outcomes = {}
    for label, obj in records.items():
        paths = (
            page_paths(obj) if isinstance(obj, NewsReleasePage) else snippet_paths(obj)
        )
        for path_name, (method, url, data) in paths.items():
            response = getattr(client, method.lower())(url, data)
            offered = method == "GET" and offers_deletion(response, obj)
            outcomes[(label, path_name)] = (still_there(obj), offered)

    # then: nothing deleted, and no edit screen offers "Delete"
    assert {
        key: value for key, value in outcomes.items() if value != (True, False)
    } == {}
    assert len(outcomes) == 8 * 3 + 2
    assert master.exists()


def test_a_superuser_deletes_an_unused_video_translation_and_the_master_stays(
    newsroom, django_capture_on_commit_callbacks
):
    # given
    admin = UserFactory(is_superuser=True, is_staff=True)
    video = VideoFactory(title="Spare footage")
    french = translate_with(video, newsroom.locales["fr"], to_french)
    url = reverse(Video.snippet_viewset.get_url_name("delete"), args=[french.pk])

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin).post(url)

    # then
    assert response.status_code == 302
    assert not still_there(french)
    assert Path(video.file.path).exists()


@pytest.mark.parametrize(
    "path_name", ["delete view", "bulk action", "wagtailmedia's view"]
)
def test_a_superuser_is_told_which_releases_still_use_a_video(newsroom, path_name):
    # given: the video the live release links, in English and French
    admin = UserFactory(is_superuser=True, is_staff=True, language="en")
    video = newsroom.release.videos.get().video
    method, url, data = snippet_paths(video)[path_name]

    # when
    response = client_for(admin).post(url, data, follow=True)

    # then: no 500, nothing deleted, and the message names the release in its language
    assert response.status_code == 200
    assert still_there(video)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "“Meeting video 1” cannot be deleted because it is still used by "
        "“Secretary General meets the heads of allied intelligence services” "
        "(English). Remove it from there first."
    ]


def test_a_superuser_is_told_which_releases_still_use_a_speaker_in_french(newsroom):
    # given
    admin = UserFactory(is_superuser=True, is_staff=True, language="fr")
    speaker = newsroom.french.quotes.get().speaker
    url = reverse(Speaker.snippet_viewset.get_url_name("delete"), args=[speaker.pk])
    client = client_for(admin)

    # when
    response = client.post(url, HTTP_ACCEPT_LANGUAGE="fr", follow=True)

    # then
    assert response.status_code == 200
    assert still_there(speaker)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Impossible de supprimer «\u00a0[fr] Alex Morgan\u00a0»\u00a0: «\u00a0Le "
        "secrétaire général rencontre les chefs des services de renseignement "
        "alliés\u00a0» (Français) l’utilise encore. Retirez-l’en d’abord."
    ]


def test_a_superuser_deletes_a_release_and_an_unused_topic(newsroom):
    # given
    admin = UserFactory(is_superuser=True, is_staff=True)
    topic = TopicFactory(name="Climate")
    client = client_for(admin)

    # when
    page_response = client.post(
        reverse("wagtailadmin_pages:delete", args=[newsroom.french.pk])
    )
    topic_response = client.post(
        reverse(Topic.snippet_viewset.get_url_name("delete"), args=[topic.pk])
    )

    # then
    assert (page_response.status_code, topic_response.status_code) == (302, 302)
    assert not still_there(newsroom.french)
    assert not still_there(topic)
    assert still_there(newsroom.release)
