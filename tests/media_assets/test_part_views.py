"""The part chooser's views: ask by timecodes or shots, bad input, status, download and log."""

from __future__ import annotations

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone, translation

import pytest

from accounts.factories import UserFactory, VerifiedJournalistFactory
from media_assets.choices import ClipState
from media_assets.factories import ShotFactory, VideoFactory
from media_assets.models import Clip, Download, DownloadKind
from tests.media_assets.clip_videos import video_with_master


pytestmark = pytest.mark.django_db


@pytest.fixture
def journalist(client, site_tree):
    user = VerifiedJournalistFactory()
    client.force_login(user)
    return user


def choose_url(video, language="en"):
    with translation.override(language):
        return reverse("parts:choose", kwargs={"pk": video.pk})


def post(client, url, data):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data)


def test_a_part_by_timecodes_is_prepared_and_downloaded_and_logged(client, journalist):
    video = video_with_master(public_since=timezone.now(), title="Press briefing")

    response = post(
        client,
        choose_url(video),
        {"in": "00:00:00:17", "out": "00:00:01:05", "cut": "fast"},
    )

    clip = Clip.objects.get()
    assert response.status_code == 302
    assert response["Location"] == "/en/parts/%d/" % clip.pk
    assert (clip.in_frame, clip.out_frame, clip.cut, clip.state) == (
        17,
        30,
        "fast",
        ClipState.READY,
    )
    assert clip.real_spans == [[12, 30]]

    page = client.get(response["Location"])
    text = page.content.decode()
    assert (
        "Fast cut: the part starts 0.20 s earlier, at 00:00:00:12, and ends at 00:00:01:05."
        in text
    )
    assert 'http-equiv="refresh"' not in text

    download = client.get("/en/parts/%d/download/" % clip.pk, HTTP_RANGE="bytes=0-99")
    assert download.status_code == 206
    assert download["Content-Range"] == "bytes 0-99/%d" % clip.size
    assert (
        "press-briefing_00-00-00-17_00-00-01-05.mp4" in download["Content-Disposition"]
    )
    row = Download.objects.get()
    assert (row.kind, row.in_frame, row.out_frame, row.cut, row.user, row.requests) == (
        DownloadKind.PART, 17, 30, "fast", journalist, 1,
    )  # fmt: skip
    client.get("/en/parts/%d/download/" % clip.pk, HTTP_RANGE="bytes=100-")
    row.refresh_from_db()
    assert row.requests == 2
    assert Download.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "french"),
    [
        ({"in": "00:00:02:00", "out": "00:00:01:00"}, "Le point de sortie est avant le point d’entrée."),
        ({"in": "00:00:01:00", "out": "00:00:09:00"}, "L’extrait dépasse la fin de la vidéo (00:00:03:00)."),
        ({"in": "00:00:01:00", "out": "00:00:01:00"}, "L’extrait ne contient aucune image : placez le point de sortie plus loin."),
        ({"in": "00:00:01:30", "out": "00:00:02:00"}, "« 00:00:01:30 » n’est pas un timecode d’entrée valable à 25 images par seconde."),
    ],
)  # fmt: skip
def test_bad_input_is_refused_in_french_and_nothing_is_queued(
    client, journalist, data, french
):
    video = VideoFactory(public_since=timezone.now(), duration=3.0, checksum="a" * 64)
    response = post(client, choose_url(video, "fr"), {**data, "cut": "fast"})
    assert response.status_code == 400
    assert french in response.content.decode()
    assert Clip.objects.count() == 0


def test_a_shot_of_another_video_is_refused(client, journalist):
    video = VideoFactory(public_since=timezone.now(), duration=3.0, checksum="a" * 64)
    other = ShotFactory(video=VideoFactory(checksum="b" * 64))
    response = post(
        client, choose_url(video, "fr"), {"shots": [other.pk], "cut": "fast"}
    )
    assert response.status_code == 400
    assert (
        "Un des plans choisis appartient à une autre vidéo."
        in response.content.decode()
    )
    assert Clip.objects.count() == 0


def test_the_chooser_is_refused_for_videos_that_are_not_public(client, journalist):
    video = VideoFactory(public_since=None, checksum="a" * 64)
    assert client.get(choose_url(video)).status_code == 404


def test_an_unverified_account_may_not_ask_for_parts(client, site_tree):
    client.force_login(UserFactory())
    video = VideoFactory(public_since=timezone.now(), checksum="a" * 64)
    assert client.get(choose_url(video)).status_code == 403


def test_someone_elses_part_is_not_found(client, journalist):
    video = VideoFactory(public_since=timezone.now(), checksum="a" * 64)
    clip = Clip.objects.create(
        video=video, checksum=video.checksum, spans=[[0, 10]], spans_key="0-10",
        in_frame=0, out_frame=10, cut="fast",
    )  # fmt: skip
    assert client.get("/en/parts/%d/" % clip.pk).status_code == 404
    assert client.get("/en/parts/%d/download/" % clip.pk).status_code == 404


def test_the_status_page_refreshes_without_javascript_and_answers_json(
    client, journalist, django_assert_num_queries
):
    from media_assets.models import ClipRequest

    video = VideoFactory(public_since=timezone.now(), checksum="a" * 64)
    clip = Clip.objects.create(
        video=video, checksum=video.checksum, spans=[[0, 10]], spans_key="0-10",
        in_frame=0, out_frame=10, cut="exact", state=ClipState.RUNNING, progress=0.25,
        started_at=timezone.now() - timezone.timedelta(seconds=10),
    )  # fmt: skip
    ClipRequest.objects.create(clip=clip, user=journalist)
    with django_assert_num_queries(3):  # the session, its user, the part and its video
        status = client.get("/fr/parts/%d/?format=json" % clip.pk).json()
    assert status["state"] == "running"
    assert status["percent"] == 25
    assert 29 <= status["time_left"] <= 31
    page = client.get("/fr/parts/%d/" % clip.pk).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    assert 'value="25"' in page
