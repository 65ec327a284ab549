"""The part chooser's views: ask by timecodes or shots, bad input, status, download and log."""

from __future__ import annotations

from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone, translation

import pytest
import time_machine

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


@pytest.mark.parametrize(
    ("language", "said"),
    [
        (
            "en",
            "Fast cut: the part starts exactly at 00:00:00:12, a keyframe, and ends at",
        ),
        (
            "fr",
            "Coupe rapide : l’extrait commence exactement à 00:00:00:12, une image clé,",
        ),
    ],
)
def test_a_fast_part_from_a_keyframe_says_it_starts_exactly_there(
    client, journalist, language, said
):
    video = video_with_master(public_since=timezone.now())

    response = post(
        client,
        choose_url(video, language),
        {"in": "00:00:00:12", "out": "00:00:01:05", "cut": "fast"},
    )

    text = client.get(response["Location"]).content.decode()
    assert said in text
    assert "earlier" not in text
    assert "plus tôt" not in text


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

    link = client.get("/en/parts/%d/download/" % clip.pk)
    assert link.status_code == 303
    assert link["Location"].startswith("/downloads/")
    assert link["Location"].endswith("/press-briefing_00-00-00-17_00-00-01-05.mp4")
    download = Client().get(link["Location"], HTTP_RANGE="bytes=0-99")
    assert download.status_code == 206
    assert download["Content-Range"] == "bytes 0-99/%d" % clip.size
    assert (
        'filename="press-briefing_00-00-00-17_00-00-01-05.mp4"'
        in download["Content-Disposition"]
    )
    row = Download.objects.get()
    assert (row.kind, row.in_frame, row.out_frame, row.cut, row.user, row.requests) == (
        DownloadKind.PART, 17, 30, "fast", journalist, 1,
    )  # fmt: skip
    # resumed outside the session, as a download manager does: the same download
    Client().get(link["Location"], HTTP_RANGE="bytes=100-")
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
    started = timezone.now() - timezone.timedelta(seconds=10)
    clip = Clip.objects.create(
        video=video, checksum=video.checksum, spans=[[0, 10]], spans_key="0-10",
        in_frame=0, out_frame=10, cut="exact", state=ClipState.RUNNING, progress=0.25,
        started_at=started,
    )  # fmt: skip
    ClipRequest.objects.create(clip=clip, user=journalist)
    # the clock stands 10 s after the start: a quarter done, 30 s to go (however slow the test)
    with time_machine.travel(started + timezone.timedelta(seconds=10), tick=False):
        # the session and its user, the part with its video
        with django_assert_num_queries(3):
            status = client.get("/fr/parts/%d/?format=json" % clip.pk).json()
        page = client.get("/fr/parts/%d/" % clip.pk).content.decode()
    assert status["state"] == "running"
    assert status["percent"] == 25
    assert status["time_left"] == 30
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert 'value="25"' in page
    assert "25\u00a0% · environ 30 secondes restantes" in page


def test_a_part_asked_first_in_french_reads_in_english_for_the_english_journalist(
    client, journalist, site_tree
):
    # given: a French journalist asks a part of the French video; the same part (the same
    # master, in and out) is one clip, which the English journalist then asks from English
    english = video_with_master(public_since=timezone.now(), title="Press briefing")
    french = english.copy_for_translation(site_tree.locales["fr"])
    french.title = "Point de presse"
    french.save()
    colleague = Client()
    colleague.force_login(VerifiedJournalistFactory())
    spans = {"in": "00:00:00:17", "out": "00:00:01:05", "cut": "fast"}
    post(colleague, choose_url(french, "fr"), spans)
    response = post(client, choose_url(english), spans)
    clip = Clip.objects.get()

    # when
    status = client.get(response["Location"]).content.decode()
    account = client.get("/en/accounts/profile/").content.decode()
    link = client.get("/en/parts/%d/download/" % clip.pk)
    french_link = colleague.get("/fr/parts/%d/download/" % clip.pk)

    # then: each reads the title, and gets the file name, in their own language
    assert clip.video_id == french.pk
    assert "Part of “Press briefing”" in status
    assert "Point de presse" not in status
    assert "<td>Press briefing</td>" in account
    assert link["Location"].endswith("/press-briefing_00-00-00-17_00-00-01-05.mp4")
    assert french_link["Location"].endswith(
        "/point-de-presse_00-00-00-17_00-00-01-05.mp4"
    )


def _part(video, start, state, **fields):
    return Clip.objects.create(
        video=video, checksum=video.checksum, spans=[[start, start + 25]],
        spans_key="%d-%d" % (start, start + 25), in_frame=start, out_frame=start + 25,
        cut="fast", state=state, **fields,
    )  # fmt: skip


def _ask(user, clip):
    from media_assets.models import ClipRequest

    ClipRequest.objects.create(clip=clip, user=user)


def test_the_account_page_lists_my_parts_ready_running_and_failed(
    client, journalist, django_assert_num_queries
):
    # given: three parts of mine (one asked twice), one of someone else
    video = VideoFactory(
        public_since=timezone.now(), checksum="a" * 64, title="Press briefing"
    )
    ready = _part(video, 25, ClipState.READY, file="parts/aa/1/p.mp4", size=48_500_000)
    running = _part(video, 50, ClipState.RUNNING, progress=0.42)
    failed = _part(video, 75, ClipState.FAILED, error="timeout")
    for clip in (ready, running, failed, ready):
        _ask(journalist, clip)
    _ask(VerifiedJournalistFactory(), _part(video, 100, ClipState.READY))
    client.get("/en/accounts/profile/")

    # when
    with django_assert_num_queries(PROFILE_QUERIES):
        html = client.get("/en/accounts/profile/").content.decode()

    # then
    assert html.count("<tr data-part=") == 3
    assert '<tr data-part="%d" data-state="ready">' % ready.pk in html
    assert 'href="/en/parts/%d/download/">Download' % ready.pk in html
    assert "(48.5 MB)" in html
    assert "00:00:01:00–00:00:02:00" in html
    assert "Being prepared (42 %)" in html
    assert 'href="/en/parts/%d/">Follow its preparation' % running.pk in html
    assert (
        "Failed: Preparing the part took too long and was stopped. Try again." in html
    )
    assert 'href="/en/parts/choose/%d/">Choose the part again' % video.pk in html

    # and: six more parts cost no more queries
    for number in range(6):
        _ask(journalist, _part(video, 200 + 25 * number, ClipState.QUEUED))
    with django_assert_num_queries(PROFILE_QUERIES):
        html = client.get("/en/accounts/profile/").content.decode()
    assert html.count("<tr data-part=") == 9


# session, user, newsletter consent, the Wagtail user bar's permissions (2), the person's
# downloads (1), parts (1) and their videos in the page's language (1)
PROFILE_QUERIES = 8


def test_the_account_page_says_so_in_french_when_there_are_no_parts(client, journalist):
    html = client.get("/fr/accounts/profile/").content.decode()
    assert "Vos extraits" in html
    assert "Vous n’avez encore demandé aucun extrait de vidéo." in html


def test_a_part_is_downloaded_only_under_the_rule_of_whole_downloads(
    client, journalist
):
    # given: my ready part; then my address is no longer verified
    from allauth.account.models import EmailAddress

    video = VideoFactory(public_since=timezone.now(), checksum="a" * 64)
    clip = _part(video, 25, ClipState.READY, file="parts/aa/1/p.mp4", size=10)
    _ask(journalist, clip)
    EmailAddress.objects.filter(user=journalist).update(verified=False)

    # when
    download = client.get("/fr/parts/%d/download/" % clip.pk)
    chooser = client.get(choose_url(video, "fr"))

    # then
    assert (download.status_code, chooser.status_code) == (403, 403)
    assert (
        "Confirmez votre adresse e-mail pour télécharger." in chooser.content.decode()
    )
    assert Download.objects.count() == 0


@pytest.mark.wagtail_indexes  # its query count is production's, with the reference index
def test_a_signed_link_request_costs_few_queries_and_no_usage_index(
    client, journalist, django_assert_num_queries, settings
):
    # given: a ready part, its signed link, nginx in front (X-Accel-Redirect)
    from wagtail.models import ReferenceIndex

    from media_assets import downloads

    settings.NEWSROOM_ACCEL_LOCATIONS = {"private": "/protected/"}
    video = video_with_master(public_since=timezone.now())
    clip = _part(video, 25, ClipState.READY, file=video.file.name, size=1)
    link = downloads.make_link(
        user=journalist, kind="part", object_id=clip.pk, filename="p.mp4"
    )
    before = ReferenceIndex.objects.count()

    # when: the link's first request, then a resumed one
    # (the person, the address's verification, the part and its video, the link's row, the
    # hourly limit, the row's insert counted as it is made, in a savepoint here; resumed:
    # the counts' update)
    with django_assert_num_queries(8):
        first = Client().get(link)
    with django_assert_num_queries(5):
        resumed = Client().get(link, HTTP_RANGE="bytes=100-")

    # then: nginx sends the file; the log row says so; no "usage" entries for log rows
    assert first["X-Accel-Redirect"] == "/protected/" + video.file.name
    assert resumed.status_code == 200
    row = Download.objects.get()
    assert (row.requests, row.kind) == (2, DownloadKind.PART)
    assert ReferenceIndex.objects.count() == before
