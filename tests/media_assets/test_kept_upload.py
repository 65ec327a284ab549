"""A form error never loses a master that arrived whole (issue 10 items 7 and 8)."""

import datetime
import html
import os
import re
from pathlib import Path

from django.utils import timezone, translation

import pytest

from accounts.factories import UserFactory
from home.services import ensure_site_tree
from media_assets import kept_uploads
from media_assets.models import ProcessingState, Video
from media_assets.sizes import format_file_size
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


BAD_SHOT = [("00:00:02:00", "00:00:01:00", "Arrivals")]
GOOD_SHOT = [("00:00:00:00", "00:00:01:00", "Arrivals")]


def kept_files() -> list[str]:
    if not private_storage.exists(kept_uploads.KEPT_DIRECTORY):
        return []
    return sorted(private_storage.listdir(kept_uploads.KEPT_DIRECTORY)[1])


def token_in(response) -> str:
    match = re.search(
        r'name="%s" value="([^"]+)"' % kept_uploads.FIELD_NAME,
        response.content.decode(),
    )
    assert match, "the form carries no kept-upload token"
    return match.group(1)


def messages_of(response) -> list[str]:
    return [html.unescape(str(m)).strip() for m in response.context["messages"]]


def test_a_shot_list_error_on_a_new_video_keeps_the_master_and_says_so(
    admin_client, django_capture_on_commit_callbacks
):
    # given
    master = make_video("h264.mp4")
    with translation.override("en"):
        size = format_file_size(master.stat().st_size)

    # when: the first submission has a shot whose out-point comes before its in-point
    response = admin_client.post(
        ADD_URL, video_form(shots=BAD_SHOT, file=upload(master))
    )

    # then: nothing is saved, the error is there, and the master is kept and announced
    assert response.status_code == 200
    assert Video.objects.count() == 0
    assert errors_of(response) == [
        "Shot 1: the out point 00:00:01:00 must come after the in point 00:00:02:00."
    ]
    kept_message = (
        "Your file h264.mp4 (%s) was kept: fix the errors and save, there is no "
        "need to upload it again." % size
    )
    assert messages_of(response) == [
        "The video could not be created due to errors. " + kept_message
    ]
    page = html.unescape(response.content.decode())
    assert "Your file h264.mp4 (%s) was kept" % size in page
    assert len(kept_files()) == 1
    # the file input no longer insists on a file
    assert re.search(r'<input type="file" name="file"[^>]*required', page) is None

    # when: the shot is fixed and the form sent again without choosing the file
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            ADD_URL,
            video_form(
                shots=GOOD_SHOT, **{kept_uploads.FIELD_NAME: token_in(response)}
            ),
            follow=True,
        )

    # then: the video is created from the kept master, which has left the kept area
    video = Video.objects.get()
    assert video.processing_state == ProcessingState.READY
    assert Path(private_storage.path(video.file.name)).read_bytes() == (
        master.read_bytes()
    )
    assert video.file.name.startswith("masters/")
    assert video.shots.get().end == 1
    assert kept_files() == []


def test_a_kept_master_survives_a_second_error_then_saves(admin_client):
    # given: a first error kept the master
    master = make_video("h264.mp4")
    first = admin_client.post(ADD_URL, video_form(shots=BAD_SHOT, file=upload(master)))
    token = token_in(first)

    # when: the second submission still has an error (no title)
    second = admin_client.post(
        ADD_URL,
        video_form(title="", shots=GOOD_SHOT, **{kept_uploads.FIELD_NAME: token}),
    )

    # then: the same kept file is still offered, nothing else was kept
    assert second.status_code == 200
    assert token_in(second) == token
    assert len(kept_files()) == 1
    assert "This field is required." in errors_of(second)

    # when: the third one is right
    admin_client.post(
        ADD_URL, video_form(shots=GOOD_SHOT, **{kept_uploads.FIELD_NAME: token})
    )

    # then
    assert Video.objects.get().title == "Summit arrivals"
    assert kept_files() == []


def test_choosing_another_file_replaces_the_kept_one(admin_client):
    # given
    first = admin_client.post(
        ADD_URL, video_form(shots=BAD_SHOT, file=upload(make_video("h264.mp4")))
    )
    replacement = make_video("prores.mov")

    # when
    admin_client.post(
        ADD_URL,
        video_form(
            shots=GOOD_SHOT,
            file=upload(replacement),
            **{kept_uploads.FIELD_NAME: token_in(first)},
        ),
    )

    # then
    video = Video.objects.get()
    assert Path(private_storage.path(video.file.name)).read_bytes() == (
        replacement.read_bytes()
    )
    assert kept_files() == []


def test_a_kept_master_of_another_person_is_not_used(admin_client, client):
    # given: an officer's kept master and its token
    first = admin_client.post(
        ADD_URL, video_form(shots=BAD_SHOT, file=upload(make_video("h264.mp4")))
    )
    token = token_in(first)
    other = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(other)

    # when: someone else submits that token
    response = client.post(
        ADD_URL, video_form(shots=GOOD_SHOT, **{kept_uploads.FIELD_NAME: token})
    )

    # then: no video, the file is asked for, and the officer's kept file is untouched
    assert response.status_code == 200
    assert Video.objects.count() == 0
    assert "This field is required." in errors_of(response)
    assert len(kept_files()) == 1


def test_a_forged_token_is_ignored(admin_client):
    # when
    response = admin_client.post(
        ADD_URL,
        video_form(
            shots=GOOD_SHOT, **{kept_uploads.FIELD_NAME: "kept-uploads/../../x.mp4"}
        ),
    )

    # then
    assert Video.objects.count() == 0
    assert "This field is required." in errors_of(response)


def test_a_file_refused_for_what_it_is_is_not_kept(admin_client):
    # when
    response = admin_client.post(
        ADD_URL, video_form(shots=BAD_SHOT, file=upload(make_audio_only()))
    )

    # then
    assert response.status_code == 200
    assert kept_files() == []
    assert kept_uploads.FIELD_NAME not in response.content.decode()
    assert messages_of(response) == ["The video could not be created due to errors."]


def test_an_edit_with_a_shot_error_keeps_the_replacement_master(
    admin_client, django_capture_on_commit_callbacks
):
    # given: a processed video
    video = unprocessed_video(make_video("h264.mp4", seconds=5))
    from media_assets.services import process_video

    process_video(video_id=video.pk)
    replacement = make_video("h264.mp4", seconds=3)

    # when: a replacement master comes with a shot past the end
    response = admin_client.post(
        edit_url(video),
        video_form(
            shots=[("00:00:01:00", "00:00:04:00", "Too long")], file=upload(replacement)
        ),
    )

    # then: the shot error is given against the new master, and its file is kept
    assert response.status_code == 200
    assert errors_of(response) == [
        "Shot 1: the out point 00:00:04:00 is after the end of the video (00:00:03:00)."
    ]
    assert len(kept_files()) == 1
    video.refresh_from_db()
    assert video.replacement.name == ""

    # when: fixed and saved with the kept file
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            edit_url(video),
            video_form(
                shots=[("00:00:01:00", "00:00:02:00", "Fine")],
                **{kept_uploads.FIELD_NAME: token_in(response)},
            ),
        )

    # then: the replacement is processed (inline) and now the master
    video.refresh_from_db()
    assert Path(private_storage.path(video.file.name)).read_bytes() == (
        replacement.read_bytes()
    )
    assert kept_files() == []


def test_an_out_point_past_the_end_is_caught_at_creation(admin_client):
    # when: a 3-second master with a shot ending at 5 s
    response = admin_client.post(
        ADD_URL,
        video_form(
            shots=[("00:00:01:00", "00:00:05:00", "Too long")],
            file=upload(make_video("h264.mp4")),
        ),
    )

    # then
    assert Video.objects.count() == 0
    assert errors_of(response) == [
        "Shot 1: the out point 00:00:05:00 is after the end of the video (00:00:03:00)."
    ]


def test_abandoned_kept_uploads_are_removed_and_recent_ones_stay(admin_client):
    # given: two kept masters, one of them two days old
    for _ in range(2):
        admin_client.post(
            ADD_URL, video_form(shots=BAD_SHOT, file=upload(make_video("h264.mp4")))
        )
    old, recent = kept_files()
    two_days_ago = (timezone.now() - datetime.timedelta(days=2)).timestamp()
    os.utime(
        private_storage.path("%s/%s" % (kept_uploads.KEPT_DIRECTORY, old)),
        (two_days_ago, two_days_ago),
    )

    # when
    from media_assets.tasks import remove_abandoned_uploads_task

    removed = remove_abandoned_uploads_task.delay().get()

    # then
    assert removed == 1
    assert kept_files() == [recent]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_confirmation_says_ready_when_processing_already_finished(client):
    # given: tasks run inline, so processing ends before the answer is written
    ensure_site_tree(hostname="testserver")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    # when
    response = client.post(
        ADD_URL, video_form(file=upload(make_video("h264.mp4"))), follow=True
    )

    # then
    assert Video.objects.get().processing_state == ProcessingState.READY
    assert [m.splitlines()[0] for m in messages_of(response)] == [
        "Video 'Summit arrivals' created. The master was uploaded and processed: "
        "the video is ready."
    ]


@pytest.mark.parametrize(
    ("language", "size", "expected"),
    [
        ("en", 512, "512 bytes"),
        ("en", 50_900_000, "50.9 MB"),
        ("en", 2_300_000_000, "2.3 GB"),
        ("fr", 512, "512 octets"),
        ("fr", 50_900_000, "50,9\u00a0Mo"),
        ("fr", 2_300_000_000, "2,3\u00a0Go"),
    ],
)
def test_sizes_are_decimal_in_both_languages(language, size, expected):
    with translation.override(language):
        assert format_file_size(size) == expected
