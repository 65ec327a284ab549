"""A cached part on real servers, nginx as deployed and the development backend.

The same assertions on both: nginx serves the file via X-Accel-Redirect (deploy/'s
configuration) with Range; nobody else gets its bytes by any path spelling.
"""

from __future__ import annotations

import http.client
import os
from urllib.parse import urlsplit

from django.conf import settings
from django.test import Client
from django.utils import timezone

import pytest

from accounts.factories import UserFactory, VerifiedJournalistFactory
from media_assets import clips
from media_assets.choices import ClipCut, ClipState
from media_assets.models import Download, DownloadKind
from tests.downloads.appserver import app_server
from tests.media_assets.clip_videos import video_with_master


pytestmark = [
    pytest.mark.postgres,
    # the app server's threads use connections of their own: committed data
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(params=["nginx", "django"])
def server(request, nginx, settings):
    with app_server() as app:
        if request.param == "nginx":
            settings.NEWSROOM_ACCEL_LOCATIONS = {
                "default": "/protected-media/",
                "private": "/protected/",
            }
            yield request.param, nginx(app)
        else:
            settings.NEWSROOM_ACCEL_LOCATIONS = {}
            yield request.param, app


def fetch(base_url, path, headers=None, stop_after=None):
    address = urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        if stop_after is not None:  # the connection drops after this many bytes
            return response, response.read(stop_after)
        return response, response.read()
    finally:
        connection.close()


def session_of(user) -> dict[str, str]:
    client = Client()
    client.force_login(user)
    return {
        "Cookie": "%s=%s"
        % (
            settings.SESSION_COOKIE_NAME,
            client.cookies[settings.SESSION_COOKIE_NAME].value,
        )
    }


@pytest.fixture
def ready_part(site_tree):
    owner = VerifiedJournalistFactory()
    video = video_with_master(public_since=timezone.now(), title="Press briefing")
    clip = clips.request_part(
        video=video, spans=[(17, 60)], cut=ClipCut.FAST, user=owner, language="en"
    )
    assert clip.state == ClipState.READY
    path = os.path.join(settings.PRIVATE_MEDIA_ROOT, clip.file.name)
    with open(path, "rb") as handle:
        clip.content = handle.read()
    clip.path = path
    clip.owner = owner
    return clip


def test_a_cached_part_is_served_with_range_and_resumes(server, ready_part):
    # given
    kind, base = server
    content = ready_part.content
    owner_session = session_of(ready_part.owner)

    # when: the part's download button, then its signed link
    answer, _body = fetch(base, "/en/parts/%d/download/" % ready_part.pk, owner_session)
    link = answer.getheader("Location")
    response, whole = fetch(base, link)

    # then
    assert answer.status == 303
    assert (response.status, whole) == (200, content)
    assert response.getheader("Content-Disposition") == (
        'attachment; filename="press-briefing_00-00-00-17_00-00-02-10.mp4"'
    )
    assert response.getheader("Accept-Ranges") == "bytes"
    assert response.getheader("X-Accel-Redirect") is None
    if (
        kind == "nginx"
    ):  # nginx's own ETag (mtime-size): nginx read the file, not Django
        stat = os.stat(ready_part.path)
        assert response.getheader("ETag") == '"%x-%x"' % (
            int(stat.st_mtime),
            stat.st_size,
        )
        assert response.getheader("Server").startswith("nginx")

    # when: ranges, and a cut download resumed outside the browser
    ranged, middle = fetch(base, link, {"Range": "bytes=100-1099"})
    cut = len(content) // 3
    _response, head = fetch(base, link, stop_after=cut)
    resumed, tail = fetch(
        base, link, {"Range": "bytes=%d-" % cut, "If-Range": response.getheader("ETag")}
    )

    # then
    assert (ranged.status, ranged.getheader("Content-Range"), middle) == (
        206,
        "bytes 100-1099/%d" % len(content),
        content[100:1100],
    )
    assert (resumed.status, head + tail) == (206, content)
    row = Download.objects.get()
    assert (row.kind, row.user, row.in_frame, row.out_frame, row.requests) == (
        DownloadKind.PART, ready_part.owner, 17, 60, 4,
    )  # fmt: skip


def test_a_refused_person_gets_nothing_from_any_path_spelling(server, ready_part):
    # given
    _kind, base = server
    fingerprint = ready_part.content[2000:2064]
    name = ready_part.file.name
    head, tail = name.rsplit("/", 1)
    link = fetch(
        base, "/en/parts/%d/download/" % ready_part.pk, session_of(ready_part.owner)
    )[0].getheader("Location")
    someone = session_of(VerifiedJournalistFactory())
    unverified = session_of(UserFactory())
    pk = ready_part.pk

    # when / then: guesses at the file, the part's pages and the owner's link
    attempts = [
        ({}, "/protected/" + name),
        ({}, "/protected/%s/./%s" % (head, tail)),
        ({}, "/media/" + name),
        ({}, "/media/../private/" + name),
        ({}, "/media/%2e%2e/private/" + name),
        ({}, "/protected-media/../private/" + name),
        ({}, "/downloads/" + name),
        ({}, "/private/" + name),
        ({}, "/" + name),
        ({}, "/en/parts/%d/download/" % pk),
        (someone, "/en/parts/%d/download/" % pk),
        (someone, "/fr/parts/%d/download/" % pk),
        (someone, "/en/parts/%d/download/../download/" % pk),
        (someone, "/en/parts/%d/./download/" % pk),
        (someone, "/en/parts/%d/%%64ownload/" % pk),
        (someone, "/en/parts/%d/" % pk),
        (unverified, "/en/parts/%d/download/" % pk),
        (someone, link),
        (unverified, link),
    ]
    for headers, path in attempts:
        response, content = fetch(base, path, headers)
        assert response.status in (301, 302, 400, 403, 404), path
        assert fingerprint not in content, path
        if response.status in (301, 302, 303):
            location = response.getheader("Location")
            assert not location.startswith("/downloads/"), path
            _response, content = fetch(base, location, headers)
            assert fingerprint not in content, path
    assert Download.objects.count() == 0

    # when: the cache evicts the part, the owner's own link is gone with it
    assert clips.evict(budget=0) == [ready_part.pk]
    response, content = fetch(base, link)
    assert response.status == 404
    assert fingerprint not in content
    assert not os.path.exists(ready_part.path)
