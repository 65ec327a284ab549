"""The gate on /media/ (issue 9 item 1): every spelling of a path, deny by default, Range."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.test import Client

import pytest
import wagtail_factories

from accounts.factories import UserFactory
from media_assets.factories import VideoFactory
from media_assets.models import Video
from tests.downloads.helpers import release_showing


PREVIEW = bytes(range(256)) * 40  # 10 240 bytes


@pytest.fixture
def hidden_video(site_tree):
    """A video with a poster and a preview that only a draft release links."""
    video = VideoFactory(title="Arrival at headquarters")
    video.preview.save("preview-5.mp4", ContentFile(PREVIEW))
    release_showing(site_tree.news, video, live=False)
    rendition = video.poster.get_rendition("width-1280")
    return video, rendition


def spellings(name: str) -> list[str]:
    """The canonical URL and the spellings that normalise to the same file."""
    head, tail = name.rsplit("/", 1)
    return [
        "/media/%s" % name,
        "/media/%s/./%s" % (head, tail),
        "/media/%s//%s" % (head, tail),
        "/media/%s/%%2e/%s" % (head, tail),
        "/media/%s/%%2E/%s" % (head, tail),
        "/media//%s" % name,
        "/media/./%s" % name,
        "/media/%%2e/%s" % name,
        "/media/%s/x/../%s" % (head, tail),
        "/media/%s/x/%%2e%%2e/%s" % (head, tail),
    ]


def test_every_spelling_of_an_unpublished_videos_files_is_404(hidden_video):
    # given
    video, rendition = hidden_video
    names = [video.preview.name, rendition.file.name, video.poster.file.name]

    # then
    statuses = {
        url: Client().get(url).status_code for n in names for url in spellings(n)
    }
    assert set(statuses.values()) == {404}
    assert len(statuses) == 30


def test_every_spelling_is_served_once_the_video_is_public(site_tree, hidden_video):
    # given
    video, rendition = hidden_video
    release_showing(site_tree.news, video)
    assert Video.objects.get(pk=video.pk).public_since is not None

    # then
    for url in spellings(video.preview.name):
        response = Client().get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "public, max-age=300"
        assert b"".join(response.streaming_content) == PREVIEW
    for url in spellings(rendition.file.name):
        assert Client().get(url).status_code == 200, url


def test_admin_access_sees_unpublished_files_uncached(hidden_video):
    # given
    video, _rendition = hidden_video
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    journalist = Client()
    journalist.force_login(UserFactory())

    # then
    response = client.get("/media/%s" % video.preview.name)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert journalist.get("/media/%s" % video.preview.name).status_code == 404


def test_deny_by_default(site_tree, hidden_video, settings):
    # given: files no row owns, other prefixes, escapes, and a deleted video's files
    video, rendition = hidden_video
    release_showing(site_tree.news, video)
    stray = settings.MEDIA_ROOT / "previews" / "stray.mp4"
    stray.write_bytes(b"stray")
    (settings.MEDIA_ROOT / "documents").mkdir()
    (settings.MEDIA_ROOT / "documents" / "memo.pdf").write_bytes(b"%PDF")
    (settings.PRIVATE_MEDIA_ROOT / "masters").mkdir(parents=True, exist_ok=True)
    master = video.file.name
    photo = wagtail_factories.ImageFactory()  # a speaker's photo: an ordinary image
    preview_url, poster_url = "/media/" + video.preview.name, rendition.url

    # then
    assert Client().get(photo.file.url).status_code == 200
    for url in [
        "/media/previews/stray.mp4",
        "/media/documents/memo.pdf",
        "/media/" + master,
        "/media/../private/" + master,
        "/media/%2e%2e/private/" + master,
        "/media/previews/..%2F..%2Fprivate%2F" + master,
        "/media/",
        "/media/previews",
        "/media/previews/%00.mp4",
    ]:
        assert Client().get(url, follow=True).status_code == 404, url

    # when: the video is deleted (its release link first)
    video.releases.all().delete()
    Video.objects.filter(pk=video.pk).delete()

    # then: its preview and poster are never served again
    assert Client().get(preview_url).status_code == 404
    assert Client().get(poster_url).status_code == 404


def test_previews_are_served_with_range(site_tree, hidden_video):
    # given
    video, _rendition = hidden_video
    release_showing(site_tree.news, video)
    url = "/media/" + video.preview.name

    # when
    response = Client().get(url, headers={"Range": "bytes=1000-1999"})

    # then
    assert response.status_code == 206
    assert response["Content-Range"] == "bytes 1000-1999/10240"
    assert response["Accept-Ranges"] == "bytes"
    assert b"".join(response.streaming_content) == PREVIEW[1000:2000]
