"""Downloads and the media gate on real servers, nginx and the development backend.

Each test runs through deploy/'s nginx (X-Accel-Redirect) and straight against the
development backend, with the same assertions.
"""

from __future__ import annotations

import hashlib
import http.client
import random
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest

from accounts.factories import VerifiedJournalistFactory
from media_assets import downloads
from media_assets.models import Download
from news.models import NewsReleasePage
from tests.downloads.appserver import app_server
from tests.downloads.conftest import MASTER_SIZE


pytestmark = [
    pytest.mark.postgres,
    # The app server's threads use connections of their own: committed data; the
    # migrations' rows (root page, locales) come back after each test.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(params=["nginx", "django"])
def server(request, nginx, settings):
    """The base URL of nginx in front of the app (X-Accel-Redirect), or of the app alone."""
    with app_server() as app:
        if request.param == "nginx":
            settings.NEWSROOM_ACCEL_LOCATIONS = {
                "default": "/protected-media/",
                "private": "/protected/",
            }
            yield nginx(app)
        else:
            settings.NEWSROOM_ACCEL_LOCATIONS = {}
            yield app


def fetch(base_url, path, headers=None, method="GET", stop_after=None):
    address = urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        if stop_after is not None:  # the connection drops after this many bytes
            return response, response.read(stop_after)
        return response, response.read()
    finally:
        connection.close()


def link_for(user, video) -> str:
    return downloads.make_link(
        user=user,
        kind="master",
        object_id=video.pk,
        filename=downloads.master_filename(video, video.release),
        language="en",
        release_id=video.release.pk,
    )


def test_full_download_resume_and_ranges(server, public_video, master_bytes):
    # given
    link = link_for(VerifiedJournalistFactory(), public_video)

    # when: the whole file
    response, content = fetch(server, link)
    # then
    assert response.status == 200
    assert hashlib.sha256(content).hexdigest() == public_video.checksum
    assert response.getheader("Content-Disposition") == (
        'attachment; filename="2025-11-19 Secretary General meets heads of allied '
        'intelligence services 1080i25.mxf"'
    )
    assert response.getheader("Accept-Ranges") == "bytes"
    etag = response.getheader("ETag")

    # when: cut at a random byte, resumed like curl -C -
    cut = random.Random(5).randrange(1, MASTER_SIZE - 1)  # noqa: S311
    _response, head = fetch(server, link, stop_after=cut)
    response, tail = fetch(server, link, {"Range": "bytes=%d-" % cut, "If-Range": etag})
    # then
    assert response.status == 206
    assert hashlib.sha256(head + tail).hexdigest() == public_video.checksum

    # and the other ranges
    cases = {
        "bytes=-500": (206, "bytes 299517-300016/300017", master_bytes[-500:]),
        "bytes=1000-": (206, "bytes 1000-300016/300017", master_bytes[1000:]),
        "bytes=0-0": (206, "bytes 0-0/300017", master_bytes[:1]),
    }
    for header, (status, content_range, expected) in cases.items():
        response, content = fetch(server, link, {"Range": header})
        assert (response.status, response.getheader("Content-Range")) == (
            status,
            content_range,
        ), header
        assert content == expected, header
    response, _content = fetch(server, link, {"Range": "bytes=400000-"})
    assert response.status == 416
    assert response.getheader("Content-Range") == "bytes */300017"
    response, content = fetch(
        server, link, {"Range": "bytes=5-9", "If-Range": '"stale-etag"'}
    )
    assert (response.status, content) == (200, master_bytes)
    response, content = fetch(server, link, method="HEAD")
    assert (response.status, response.getheader("Content-Length"), content) == (
        200,
        str(MASTER_SIZE),
        b"",
    )

    # one download, however many requests
    row = Download.objects.get()
    assert row.requests == 8  # HEAD is not counted


def test_twenty_concurrent_downloads_with_resumes(server, public_video):
    # given
    people = [VerifiedJournalistFactory() for _ in range(20)]
    links = [link_for(person, public_video) for person in people]

    def download(number_and_link):
        number, link = number_and_link
        cut = random.Random(number).randrange(1, MASTER_SIZE - 1)  # noqa: S311
        _response, head = fetch(server, link, stop_after=cut)
        response, tail = fetch(server, link, {"Range": "bytes=%d-" % cut})
        return response.status, hashlib.sha256(head + tail).hexdigest()

    # when
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(download, enumerate(links)))

    # then
    assert results == [(206, public_video.checksum)] * 20
    assert Download.objects.count() == 20
    assert set(Download.objects.values_list("requests", flat=True)) == {2}


def test_refusals_on_the_server(server, public_video):
    # given
    owner = VerifiedJournalistFactory()
    link = link_for(owner, public_video)
    master = public_video.file.name

    # then: guesses at the master
    for path in [
        "/media/" + master,
        "/protected/" + master,
        "/media/../private/" + master,
        "/media/%2e%2e/private/" + master,
        "/protected-media/../private/" + master,
        "/downloads/" + master,
    ]:
        response, content = fetch(server, path)
        assert response.status in (400, 404), path
        assert content.find(b"\x00" * 16) == -1

    # when: the video is withdrawn
    NewsReleasePage.objects.get(pk=public_video.release.pk).unpublish()
    response, _content = fetch(server, link)
    # then
    assert response.status == 404

    # when: the account is deactivated
    owner.is_active = False
    owner.save()
    response, content = fetch(server, link)
    assert response.status == 403
    assert Download.objects.count() == 0


def test_gate_every_spelling_and_range_for_previews(server, site_tree, public_video):
    # given: a second video that only a draft release shows
    from django.core.files.base import ContentFile

    from media_assets.factories import VideoFactory
    from tests.downloads.helpers import release_showing

    hidden = VideoFactory()
    hidden.preview.save("preview-5.mp4", ContentFile(bytes(range(256)) * 40))
    release = release_showing(site_tree.news, hidden, live=False)
    name = hidden.preview.name
    head, tail = name.rsplit("/", 1)
    spellings = [
        "/media/%s" % name,
        "/media/%s/./%s" % (head, tail),
        "/media/%s//%s" % (head, tail),
        "/media/%s/%%2e/%s" % (head, tail),
        "/media//%s" % name,
        "/media/./%s" % name,
        "/media/%%2e/%s" % name,
    ]
    original = "/media/%s" % hidden.poster.file.name

    # then
    for path in [*spellings, original]:
        assert fetch(server, path)[0].status == 404, path

    # when
    NewsReleasePage.objects.get(pk=release.pk).get_latest_revision().publish()

    # then
    for path in [*spellings, original]:
        assert fetch(server, path)[0].status == 200, path
    response, content = fetch(server, spellings[0], {"Range": "bytes=1000-1999"})
    assert response.status == 206
    assert response.getheader("Content-Range") == "bytes 1000-1999/10240"
    assert content == (bytes(range(256)) * 40)[1000:2000]
