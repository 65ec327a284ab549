"""End to end: a real Celery worker, on its own queue, against Redis and PostgreSQL."""

import os
import time

from wagtail.images.models import Image

import pytest

from cms.celery import app as celery_app
from media_assets.models import ProcessingState, Video
from media_assets.services import request_processing
from media_assets.tasks import process_video_task
from tests.celery_worker import celery_worker
from tests.media_assets.test_processing import unprocessed_video
from tests.media_assets.videos import make_video


@pytest.fixture(scope="module")
def module_worker(django_db_setup, tmp_path_factory):
    """One worker for the module's tests (a start is 2-3 s of CPU), on the test database."""
    var_dir = tmp_path_factory.mktemp("media-worker")
    with celery_worker("media-test", var_dir) as queue:
        yield queue, var_dir


@pytest.fixture
def worker(module_worker, settings):
    queue, var_dir = module_worker
    settings.NEWSROOM_MEDIA_QUEUE = queue
    # the worker's media roots (its NEWSROOM_VAR_DIR)
    settings.MEDIA_ROOT = var_dir / "media"
    settings.PRIVATE_MEDIA_ROOT = var_dir / "private"
    celery_app.conf.task_always_eager = False  # restored by the _inline_celery fixture
    return queue


def wait_for(video: Video, states: set[str], seconds: float = 90) -> Video:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        video.refresh_from_db()
        if video.processing_state in states:
            return video
        time.sleep(0.25)
    raise AssertionError("still %s after %ss" % (video.processing_state, seconds))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_processes_a_master_and_a_redelivery_changes_nothing(worker):
    # given: an MXF master, queued the way the admin queues it
    video = unprocessed_video(make_video("xdcam.mxf"))

    # when
    request_processing(video=video)

    # then: the worker (another process) did the work
    video = wait_for(video, {ProcessingState.READY, ProcessingState.FAILED})
    assert video.processing_state == ProcessingState.READY, (
        video.processing_error_detail
    )
    assert (video.container, video.width, video.scan_type) == (
        "mxf",
        720,
        "interlaced_tff",
    )
    assert os.path.exists(video.preview.path)
    first = (video.poster_id, video.preview.name, video.checksum)

    # when: the same task is delivered twice more
    results = [
        process_video_task.apply_async(args=[video.pk], queue=worker) for _ in range(2)
    ]

    # then
    assert [result.get(timeout=60) for result in results] == ["ready", "ready"]
    video.refresh_from_db()
    assert (video.poster_id, video.preview.name, video.checksum) == first
    assert Image.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_reports_a_bad_master(worker):
    # given
    video = unprocessed_video(make_video("h264.mp4"))
    with open(video.file.path, "r+b") as handle:
        handle.truncate(1000)

    # when
    request_processing(video=video)

    # then
    video = wait_for(video, {ProcessingState.READY, ProcessingState.FAILED})
    assert video.processing_state == ProcessingState.FAILED
    assert video.processing_error == "damaged"
