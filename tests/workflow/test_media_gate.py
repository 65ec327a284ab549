"""Posters and previews of an embargoed release's video stay private until a release shows them."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

import pytest
import time_machine
import wagtail_factories

from media_assets.factories import VideoFactory
from news.factories import ReleaseVideoFactory
from news.models import NewsReleasePage
from news.roles import OFFICERS, REVIEWERS
from news.tasks import publish_scheduled_task
from tests.workflow.conftest import member
from tests.workflow.helpers import client_for
from tests.workflow.test_roles import draft_release, live_release
from tests.workflow.test_workflow import submit, workflow_action_url


PREVIEW_BYTES = b"\x00\x00\x00\x18ftypmp42 preview bytes"


@pytest.fixture
def embargoed_video(editorial):
    """A video with a poster and a preview, linked only by a release approved for 2 hours ahead."""
    video = VideoFactory(title="Arrival at headquarters")
    video.preview.save("preview-embargo.mp4", ContentFile(PREVIEW_BYTES))
    release = draft_release(editorial.news, title="Embargoed release")
    ReleaseVideoFactory(page=release, video=video)
    go_live = (timezone.now() + datetime.timedelta(hours=2)).replace(
        second=0, microsecond=0
    )
    release = NewsReleasePage.objects.get(pk=release.pk)
    release.go_live_at = go_live
    officer = member(OFFICERS)
    release.save_revision(user=officer)
    task_state = submit(release, officer)
    client_for(member(REVIEWERS)).post(
        workflow_action_url(release, "approve", task_state)
    )
    assert NewsReleasePage.objects.get(pk=release.pk).live is False
    urls = {
        "preview": video.preview.url,
        "poster": video.poster.get_rendition("width-1280").url,
        "original poster": video.poster.file.url,
    }
    return video, release, go_live, urls


def statuses(client, urls) -> dict[str, int]:
    return {name: client.get(url).status_code for name, url in urls.items()}


def test_poster_and_preview_are_404_until_go_live(editorial, embargoed_video):
    # given
    video, release, go_live, urls = embargoed_video
    photo = wagtail_factories.ImageFactory()  # a speaker's photo: no video uses it
    photo_url = photo.get_rendition("width-1280").url

    # then: hidden like the release; other images are served as ever
    assert urls["preview"].startswith("/media/previews/")
    assert statuses(Client(), urls) == {
        "preview": 404,
        "poster": 404,
        "original poster": 404,
    }
    assert Client().get(photo_url).status_code == 200

    # and an editor previewing the draft sees them, never cached by a shared cache
    editor_view = client_for(member(OFFICERS)).get(urls["preview"])
    assert editor_view.status_code == 200
    assert editor_view["Cache-Control"] == "private, no-store"
    assert b"".join(editor_view.streaming_content) == PREVIEW_BYTES

    # when: the embargo lifts
    with time_machine.travel(go_live + datetime.timedelta(minutes=1), tick=False):
        publish_scheduled_task.apply().get()

    # then
    assert statuses(Client(), urls) == {
        "preview": 200,
        "poster": 200,
        "original poster": 200,
    }
    response = Client().get(urls["preview"])
    assert response["Content-Type"] == "video/mp4"
    assert response["Cache-Control"] == "public, max-age=300"
    assert b"".join(response.streaming_content) == PREVIEW_BYTES


def test_another_live_release_showing_the_video_makes_it_public(
    editorial, embargoed_video
):
    # given
    video, _release, _go_live, urls = embargoed_video

    # when
    other = live_release(editorial.news, title="Already live")
    ReleaseVideoFactory(page=other, video=video)
    other.save_revision().publish()  # links change on the live page when a revision goes live

    # then
    assert statuses(Client(), urls) == {
        "preview": 200,
        "poster": 200,
        "original poster": 200,
    }


def test_nginx_sends_the_bytes_when_configured(editorial, embargoed_video, settings):
    # given
    settings.NEWSROOM_ACCEL_LOCATIONS = {"default": "/protected-media/"}
    video, _release, _go_live, urls = embargoed_video
    live = live_release(editorial.news, title="Live")
    ReleaseVideoFactory(page=live, video=video)
    live.save_revision().publish()

    # when
    response = Client().get(urls["preview"])

    # then
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-media/" + video.preview.name
    assert response.content == b""


def test_unknown_or_escaping_paths_are_404(editorial):
    # then
    assert Client().get("/media/previews/none.mp4").status_code == 404
    assert Client().get("/media/images/..%2F..%2Fsecret").status_code == 404
