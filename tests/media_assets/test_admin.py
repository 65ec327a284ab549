import html
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wagtail.users.models import UserProfile

import pytest

from accounts.factories import UserFactory
from media_assets.factories import ShotFactory, VideoFactory
from media_assets.models import ProcessingState, Video
from media_assets.storage import private_storage
from tests.media_assets.admin_forms import (
    ADD_URL,
    edit_url,
    errors_of,
    upload,
    video_form,
)
from tests.media_assets.test_processing import unprocessed_video
from tests.media_assets.videos import make_audio_only, make_video


def test_uploading_a_master_creates_the_video_and_processes_it(
    admin_client, django_capture_on_commit_callbacks
):
    # given
    master = make_video("h264.mp4")

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            ADD_URL, video_form(file=upload(master)), follow=True
        )

    # then
    video = Video.objects.get()
    assert video.processing_state == ProcessingState.READY
    assert video.title == "Summit arrivals"
    assert video.uploaded_by_user == admin_client.user
    assert [
        html.unescape(str(m)).splitlines()[0] for m in response.context["messages"]
    ] == [
        "Video 'Summit arrivals' created. The master was uploaded: processing has "
        "been queued."
    ]
    # the master is in private storage, outside MEDIA_ROOT, with no URL
    master_path = Path(private_storage.path(video.file.name))
    assert master_path.read_bytes() == master.read_bytes()
    assert not master_path.is_relative_to(Path(settings.MEDIA_ROOT))
    with pytest.raises(ValueError, match="no public URL"):
        video.file.url  # noqa: B018


def test_the_edit_view_shows_state_metadata_and_the_shot_timecodes(admin_client):
    # given
    video = unprocessed_video(make_video("prores.mov"))
    from media_assets.services import process_video

    process_video(video_id=video.pk)
    ShotFactory(video=video, start=Decimal("1.001"), end=Decimal("2.002"))

    # when
    response = admin_client.get(edit_url(video))

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-processing-state="ready"' in html
    assert "Processed on " in html
    assert "480 × 270" in html
    assert "29.97 frames per second" in html
    assert "Apple ProRes" in html
    video.refresh_from_db()
    assert video.checksum in html
    assert 'value="00:00:01;00"' in html
    assert 'value="00:00:02;00"' in html
    assert "HH:MM:SS;FF in drop-frame timecode at 29.97 frames per second" in html
    assert (
        reverse("wagtailsnippets_media_assets_video:reprocess", args=[video.pk]) in html
    )
    assert 'src="%s"' % video.preview.url in html


def test_saving_without_a_new_file_keeps_the_master_and_queues_nothing(
    admin_client, django_capture_on_commit_callbacks
):
    # given
    video = unprocessed_video(make_video("h264.mp4"))
    Video.objects.filter(pk=video.pk).update(processing_state=ProcessingState.READY)
    master_name = video.file.name

    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = admin_client.post(edit_url(video), video_form(title="New title"))

    # then
    assert response.status_code == 302
    video.refresh_from_db()
    assert (video.title, video.file.name) == ("New title", master_name)
    assert video.processing_state == ProcessingState.READY
    # the archive search re-indexes the renamed video; nothing else is queued
    assert [c for c in callbacks if c.__module__ != "search.signals"] == []


def test_replacing_the_master_through_the_admin(
    admin_client, django_capture_on_commit_callbacks
):
    # given: a processed video
    video = unprocessed_video(make_video("h264.mp4"))
    from media_assets.services import process_video

    process_video(video_id=video.pk)
    video.refresh_from_db()
    old_master, old_checksum = video.file.name, video.checksum

    # when: a replacement is uploaded (its processing is captured, not yet run)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        admin_client.post(
            edit_url(video), video_form(file=upload(make_video("xdcam.mxf")))
        )

    # then: the old master is still the master, the new one waits
    waiting = Video.objects.get(pk=video.pk)
    assert waiting.file.name == old_master
    assert waiting.replacement.name.endswith(".mxf")
    assert waiting.processing_state == ProcessingState.QUEUED
    assert waiting.checksum == old_checksum

    # when: processing runs
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()

    # then
    video.refresh_from_db()
    assert video.processing_state == ProcessingState.READY
    assert video.file.name.endswith(".mxf")
    assert video.container == "mxf"
    assert not private_storage.exists(old_master)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("empty_case", "The file is empty (0 bytes). Upload the master again."),
        (
            "text_case",
            "This file is not a video in an accepted format. Upload an MP4, MOV or MXF master.",
        ),
        (
            "playlist_case",
            "This file is not a video in an accepted format. Upload an MP4, MOV or MXF master.",
        ),
        (
            "audio_only_case",
            "This file has no video stream: it is audio only. Upload a video master.",
        ),
        (
            "truncated_case",
            "The file is damaged or truncated: ffmpeg could not read it to the end. "
            "Upload a complete copy of the master.",
        ),
    ],
)
def test_bad_uploads_are_refused_with_a_clear_message_and_the_master_kept(
    admin_client, django_capture_on_commit_callbacks, case, message
):
    # given: a processed video
    video = VideoFactory(file__data=b"the current master")
    before = (video.file.name, video.processing_state)
    bad = {
        "empty_case": lambda: SimpleUploadedFile("empty.mp4", b""),
        "text_case": lambda: SimpleUploadedFile("notes.mov", b"Notes\n" * 300),
        "playlist_case": lambda: SimpleUploadedFile(
            "trick.mp4",
            b"#EXTM3U\n#EXTINF:10,\nfile:///etc/passwd.ts\n#EXT-X-ENDLIST\n",
        ),
        "audio_only_case": lambda: upload(make_audio_only()),
        "truncated_case": lambda: SimpleUploadedFile(
            "cut.mp4", _without_index(make_video("h264.mp4"))
        ),
    }[case]()

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post(edit_url(video), video_form(file=bad))

    # then
    assert response.status_code == 200
    assert errors_of(response) == [message]
    video.refresh_from_db()
    assert (video.file.name, video.processing_state) == before
    assert video.replacement.name == ""
    assert private_storage.listdir("masters")[0] == [video.file.name.split("/")[1]]
    assert callbacks == []


def _without_index(path: Path) -> bytes:
    # an MP4 written without faststart, cut before its index (moov) at the end
    import subprocess

    slow = path.with_name("slow.mp4")
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-i", str(path), "-c", "copy", str(slow)],
        check=True,
    )
    data = slow.read_bytes()
    return data[: data.rfind(b"moov") - 100]


def test_the_reprocess_view_confirms_then_queues(
    admin_client, django_capture_on_commit_callbacks
):
    # given
    video = unprocessed_video(make_video("h264.mp4"))
    Video.objects.filter(pk=video.pk).update(
        processing_state=ProcessingState.FAILED, processing_error="timeout"
    )
    url = reverse("wagtailsnippets_media_assets_video:reprocess", args=[video.pk])

    # when
    page = admin_client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url)

    # then
    assert page.status_code == 200
    assert "Yes, run processing again" in page.content.decode()
    assert response.status_code == 302
    assert response.url == edit_url(video)
    video.refresh_from_db()
    assert video.processing_state == ProcessingState.READY
    assert video.processing_error == ""


def test_the_reprocess_view_needs_change_permission(client, site_tree):
    # given
    video = VideoFactory()
    client.force_login(UserFactory(is_staff=True))

    # when
    response = client.post(
        reverse("wagtailsnippets_media_assets_video:reprocess", args=[video.pk])
    )

    # then
    assert response.status_code == 302
    assert Video.objects.get(pk=video.pk).processing_state == ProcessingState.READY


def test_a_failed_processing_shows_its_reason_in_french(admin_client):
    # given
    video = VideoFactory(
        processing_state=ProcessingState.FAILED, processing_error="audio_only"
    )
    UserProfile.objects.update_or_create(
        user=admin_client.user, defaults={"preferred_language": "fr"}
    )

    # when
    response = admin_client.get(edit_url(video))

    # then
    html = response.content.decode()
    assert "Ce fichier n’a pas de piste vidéo\u00a0: il ne contient que du son." in html
    assert "Relancer le traitement" in html


def test_shot_list_errors_are_in_the_editors_language(admin_client):
    # given
    video = VideoFactory(duration=60)
    UserProfile.objects.update_or_create(
        user=admin_client.user, defaults={"preferred_language": "fr"}
    )

    # when
    response = admin_client.post(
        edit_url(video), video_form(shots=[("00:00:05:00", "00:00:02:00", "Plan")])
    )

    # then: rendered in French (the messages are lazy: read the page, not the form)
    assert response.status_code == 200
    assert (
        "Plan 1\u00a0: le point de sortie 00:00:02:00 doit venir après le point "
        "d’entrée 00:00:05:00."
    ) in html.unescape(response.content.decode())


def test_wagtailmedia_upload_urls_lead_to_the_video_library(admin_client):
    assert admin_client.get("/admin/media/video/add/").url == (
        "/admin/snippets/media_assets/video/add/"
    )
    video = VideoFactory()
    assert admin_client.get("/admin/media/edit/%d/" % video.pk).url == edit_url(video)
    chooser_upload = admin_client.post("/admin/media/video/chooser/upload/", {})
    assert chooser_upload.url == "/admin/snippets/media_assets/video/add/"
    assert Video.objects.count() == 1


def test_the_library_listing_has_a_fixed_number_of_queries(
    admin_client, django_assert_num_queries
):
    # given
    VideoFactory.create_batch(3)
    listing = "/admin/snippets/media_assets/video/"
    admin_client.get(listing)  # warm caches
    with CaptureQueriesContext(connection) as captured:
        admin_client.get(listing)
    baseline = len(captured.captured_queries)
    VideoFactory.create_batch(5, processing_state=ProcessingState.FAILED)

    # when / then: our columns and buttons cost nothing per row; wagtail-localize's translation
    # buttons cost two queries per row (its hooks, not ours; simple_translation's cost one more)
    with django_assert_num_queries(baseline + 2 * 5):
        response = admin_client.get(listing)
    html = response.content.decode()
    assert html.count("Run processing again") == 8
    assert html.count("00:00:12:00") == 8  # the factory's 12 s, as timecode at 25 fps


def test_a_new_upload_after_a_failed_first_master_replaces_it_directly(
    admin_client, django_capture_on_commit_callbacks
):
    # given: a first master that failed processing (there is no good master to keep)
    video = unprocessed_video(make_video("h264.mp4"))
    Video.objects.filter(pk=video.pk).update(
        processing_state=ProcessingState.FAILED, processing_error="timeout"
    )
    failed_name = video.file.name

    # when
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            edit_url(video), video_form(file=upload(make_video("prores.mov")))
        )

    # then: the new file is the master at once, the failed one is gone, processing ran
    video.refresh_from_db()
    assert video.replacement.name == ""
    assert video.file.name.endswith(".mov")
    assert video.processing_state == ProcessingState.READY
    assert not private_storage.exists(failed_name)


def test_the_processing_status_is_polled_as_json(admin_client, client):
    # given
    video = VideoFactory(processing_state=ProcessingState.QUEUED)
    url = reverse(
        "wagtailsnippets_media_assets_video:processing_status", args=[video.pk]
    )

    # when
    page = admin_client.get(edit_url(video)).content.decode()
    queued = admin_client.get(url).json()
    Video.objects.filter(pk=video.pk).update(
        processing_state=ProcessingState.FAILED, processing_error="not_video"
    )
    failed = admin_client.get(url).json()

    # then
    assert 'data-status-url="%s"' % url in page
    assert "media_assets/js/processing_status.js" in page
    assert queued == {"state": "queued", "label": "queued", "error": ""}
    assert failed == {
        "state": "failed",
        "label": "failed",
        "error": "This file is not a video in an accepted format. "
        "Upload an MP4, MOV or MXF master.",
    }
    client.logout()
    assert client.get(url).status_code == 302  # to the log-in page
