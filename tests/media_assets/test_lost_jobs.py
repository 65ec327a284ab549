"""Processing jobs lost to faults heal by themselves: the sweep, a killed worker, a broker down."""

from __future__ import annotations

import html
import os
import signal
import socket
import subprocess
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from django.contrib.messages import get_messages
from django.utils import timezone

import pytest

from cms.celery import app as celery_app
from media_assets import conf
from media_assets.factories import VideoFactory
from media_assets.models import ProcessingState, Video
from media_assets.services import (
    WORKDIR_PREFIX,
    remove_dead_workdirs,
    requeue_stuck_videos,
)
from tests.celery_worker import celery_worker_process
from tests.media_assets.admin_forms import ADD_URL, upload, video_form
from tests.media_assets.test_processing import unprocessed_video
from tests.media_assets.videos import make_video


def test_the_deadline_grows_with_the_running_time(settings):
    # given: the default limits (probe 30 s, poster 120 s, preview 300 s + 2 x duration)
    # then: a run may last until its ffmpeg limits, plus a minute
    assert (conf.stuck_after(0), conf.stuck_after(600)) == (510, 1710)

    # when: the tests' worker shortens them
    settings.NEWSROOM_STUCK_FLOOR, settings.NEWSROOM_STUCK_FACTOR = 5, 1
    assert conf.stuck_after(12) == 17


def test_the_sweep_queues_again_only_jobs_past_their_deadline(
    db, site_tree, django_capture_on_commit_callbacks
):
    # given: videos whose (fake) masters fail fast when processed inline
    past = timezone.now() - timedelta(seconds=1)
    future = timezone.now() + timedelta(hours=1)
    lost_running = VideoFactory(processing_state="processing", processing_deadline=past)
    lost_queued = VideoFactory(processing_state="queued", processing_deadline=past)
    never_handed_over = VideoFactory(
        processing_state="queued", processing_deadline=None
    )
    running = VideoFactory(processing_state="processing", processing_deadline=future)
    done = VideoFactory(processing_state="ready", processing_deadline=past)
    failed = VideoFactory(processing_state="failed", processing_deadline=past)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        requeued = requeue_stuck_videos()

    # then
    assert requeued == [lost_running.pk, lost_queued.pk, never_handed_over.pk]
    assert (
        list(
            Video.objects.filter(pk__in=requeued)
            .order_by("pk")
            .values_list("processing_state", "processing_error")
        )
        == [("failed", "not_video")] * 3
    )
    for video in (running, done, failed):
        fresh = Video.objects.get(pk=video.pk)
        assert (fresh.processing_state, fresh.processing_deadline) == (
            video.processing_state,
            video.processing_deadline,
        )


def test_working_directories_of_dead_runs_are_removed(tmp_path, monkeypatch):
    # given: one run killed, one still running (this process)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    finished = subprocess.Popen(["true"])
    finished.wait()
    dead = tmp_path / ("%s7-%d-abc" % (WORKDIR_PREFIX, finished.pid))
    alive = tmp_path / ("%s8-%d-def" % (WORKDIR_PREFIX, os.getpid()))
    other = tmp_path / "someone-elses-dir"
    for directory in (dead, alive, other):
        (directory / "preview.mp4").parent.mkdir()
        (directory / "preview.mp4").write_bytes(b"x")

    # when
    removed = remove_dead_workdirs()

    # then
    assert removed == [dead]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [alive.name, other.name]
    )


# --- on a real worker -------------------------------------------------------------------------

SHORT_DEADLINES = {
    "NEWSROOM_STUCK_FLOOR": "3",
    "NEWSROOM_STUCK_FACTOR": "1.5",
    "NEWSROOM_SWEEP_INTERVAL": "1",
}


def wait_for(video: Video, states: set[str], seconds: float) -> Video:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        video.refresh_from_db()
        if video.processing_state in states:
            return video
        time.sleep(0.25)
    raise AssertionError("still %s after %ss" % (video.processing_state, seconds))


def workdirs(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.glob(WORKDIR_PREFIX + "*"))


@pytest.fixture
def real_worker(settings):
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = previous


def stalled_ffmpeg(directory: Path) -> dict[str, str]:
    """A PATH whose ffmpeg never gets going: the worker is caught mid-run whatever the machine.

    (ffprobe stays the real one: the run has probed the master and started its poster.)
    """
    directory.mkdir()
    shim = directory / "ffmpeg"
    shim.write_text("#!/bin/sh\nexec sleep 600\n")
    shim.chmod(0o755)
    return {"PATH": "%s:%s" % (directory, os.environ["PATH"])}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_mid_run_leaves_a_video_that_ends_ready(
    real_worker, settings, tmp_path
):
    # given: a master, and a worker whose temporary files we can see, caught mid-run
    work = tmp_path / "tmp"
    work.mkdir()
    env = {**SHORT_DEADLINES, "TMPDIR": str(work)}
    video = unprocessed_video(make_video("h264.mp4", seconds=2))
    stalled = {**env, **stalled_ffmpeg(tmp_path / "bin")}

    with celery_worker_process("lost", tmp_path, env=stalled) as (queue, first):
        settings.NEWSROOM_MEDIA_QUEUE = queue
        from media_assets.services import request_processing

        request_processing(video=video)
        wait_for(video, {ProcessingState.PROCESSING}, seconds=120)
        deadline = time.monotonic() + 60
        while not workdirs(work) and time.monotonic() < deadline:
            time.sleep(0.1)

        # when: the whole worker is killed mid-run (its ffmpeg with it)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
        assert len(workdirs(work)) == 1
        assert Video.objects.get(pk=video.pk).processing_state == "processing"

        # ... and the service manager starts a worker again (with beat: the sweep)
        with celery_worker_process(
            "lost", tmp_path, queue=queue, beat=True, env=env
        ) as (_queue, _second):
            # then: nobody presses a button, yet the video ends ready
            video = wait_for(
                video, {ProcessingState.READY, ProcessingState.FAILED}, seconds=300
            )
            # (the new run removed the killed run's working directory when it started, and
            # removes its own once the results are stored: let it end before the worker stops)
            deadline = time.monotonic() + 30
            while workdirs(work) and time.monotonic() < deadline:
                time.sleep(0.05)

    assert video.processing_state == ProcessingState.READY, (
        video.processing_error_detail
    )
    assert Path(video.preview.path).exists()
    assert workdirs(work) == []


def first_line(message) -> str:
    # Wagtail appends its "Edit" button to the message.
    return html.unescape(str(message)).split("\n")[0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Redis:
    """A Redis server of the test's own, on a loopback port, to stop and start at will."""

    def __init__(self, directory: Path):
        self.port, self.directory, self.process = free_port(), directory, None

    @property
    def url(self) -> str:
        return "redis://127.0.0.1:%d/0" % self.port

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


@pytest.fixture
def own_redis(tmp_path):
    """The app's broker is a Redis of the test's own; restored afterwards."""
    redis = Redis(tmp_path)
    redis.start()

    def point_at(url):
        # The write URL: CELERY_BROKER_URL in the environment wins over broker_url.
        celery_app.conf.broker_write_url = url
        # Producers and connections are pooled per URL: drop the old pool.
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    point_at(redis.url)
    yield redis
    point_at(None)
    redis.stop()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_upload_with_the_broker_down_succeeds_and_is_processed_when_it_is_back(
    real_worker, own_redis, settings, tmp_path, admin_client
):
    # given: a worker with its sweep, then the broker goes down
    with celery_worker_process(
        "down", tmp_path, broker=own_redis.url, beat=True, env=SHORT_DEADLINES
    ) as (queue, _worker):
        settings.NEWSROOM_MEDIA_QUEUE = queue
        own_redis.stop()

        # when: an editor uploads a master
        started = time.monotonic()
        response = admin_client.post(
            ADD_URL, video_form(file=upload(make_video("h264.mp4")))
        )
        took = time.monotonic() - started

        # then: no error, no long wait, and the editor is told what happens next
        assert response.status_code == 302
        assert took < 8, took
        assert [first_line(m) for m in get_messages(response.wsgi_request)] == [
            "Video 'Summit arrivals' created. The master was uploaded and is safe. "
            "The job service is not reachable right now: processing will start by "
            "itself when it is back."
        ]
        video = Video.objects.get()
        assert (video.processing_state, video.processing_deadline) == ("queued", None)

        # when: the broker is back
        own_redis.start()

        # then: the sweep hands the job over and the worker does it
        video = wait_for(
            video, {ProcessingState.READY, ProcessingState.FAILED}, seconds=240
        )
    assert video.processing_state == ProcessingState.READY, (
        video.processing_error_detail
    )
