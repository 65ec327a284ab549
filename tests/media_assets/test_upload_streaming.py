import tracemalloc

import pytest

from media_assets.factories import VideoFactory
from media_assets.models import ProcessingState, Video
from media_assets.storage import private_storage
from tests.media_assets.admin_forms import ADD_URL, edit_url, video_form
from tests.media_assets.streaming import MultipartFromDisk
from tests.media_assets.videos import make_video


MB = 1024 * 1024


@pytest.fixture(scope="module")
def big_master():
    # a real 1080p master of about 24 MB
    return make_video("h264-1080.mp4", seconds=16)


def post_streamed(client, url, body: MultipartFromDisk):
    try:
        return client.generic("POST", url, **body.environ())
    finally:
        body.close()


@pytest.mark.parametrize(
    ("memory_limit", "peak_below", "peak_above"),
    [
        (None, 6 * MB, 0),  # the default: anything over 2.5 MB is streamed to disk
        (100 * MB, None, 20 * MB),  # control: a handler that keeps uploads in memory
    ],
    ids=["streamed_to_disk_case", "control_in_memory_case"],
)
def test_an_upload_streams_to_disk_with_flat_memory(
    admin_client,
    settings,
    django_capture_on_commit_callbacks,
    big_master,
    memory_limit,
    peak_below,
    peak_above,
):
    # given
    if memory_limit:
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE = memory_limit
    size = big_master.stat().st_size
    assert size > 20 * MB
    fields = video_form(title="Summit, full master")
    body = MultipartFromDisk(fields, "file", big_master)

    # when
    tracemalloc.start()
    tracemalloc.reset_peak()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post_streamed(admin_client, ADD_URL, body)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    # then
    assert response.status_code == 302
    video = Video.objects.get()
    assert video.processing_state == ProcessingState.QUEUED
    assert private_storage.size(video.file.name) == size
    # processing queued after commit (the archive search's re-index aside)
    assert len([c for c in callbacks if c.__module__ != "search.signals"]) == 1
    if peak_below is not None:
        assert peak < peak_below, "peak %.1f MB" % (peak / MB)
        print("Upload of %.1f MB: peak %.2f MB" % (size / MB, peak / MB))  # noqa: T201
    assert peak > peak_above


def test_an_interrupted_upload_changes_nothing(
    admin_client, django_capture_on_commit_callbacks, big_master
):
    # given: a video with its master, and a replacement upload cut off half-way
    video = VideoFactory(file__data=b"the current master")
    before = (video.file.name, video.replacement.name, video.processing_state)
    body = MultipartFromDisk(
        video_form(title="Changed"),
        "file",
        big_master,
        stop_after=big_master.stat().st_size // 2,
    )

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post_streamed(admin_client, edit_url(video), body)

    # then
    video.refresh_from_db()
    assert response.status_code == 200
    assert [str(e) for e in response.context["form"].non_field_errors()] == [
        "The upload was interrupted before the whole file arrived, so nothing was "
        "saved. Upload the file again."
    ]
    assert (video.file.name, video.replacement.name, video.processing_state) == before
    assert video.title != "Changed"
    assert callbacks == []
