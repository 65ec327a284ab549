"""Parts made by a real Celery worker on Redis.

One job for identical requests, progress, a worker killed in the middle, eviction.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
import uuid
from pathlib import Path

from django.db import connection

import pytest

from cms.celery import app as celery_app
from media_assets import clips
from media_assets.choices import ClipCut, ClipState
from media_assets.models import Clip
from tests.celery_worker import celery_worker_process
from tests.media_assets.clip_videos import video_with_master


pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@contextlib.contextmanager
def worker_process(queue: str, var_dir: Path, env: dict):
    """A worker on `queue` in a session of its own (so that kill -9 takes its ffmpeg too)."""
    with celery_worker_process("clips", var_dir, queue=queue, env=env) as (_q, process):
        yield process


@pytest.fixture
def queue(settings, tmp_path):
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("needs Redis: set CELERY_BROKER_URL")
    name = "clips-test-%s" % uuid.uuid4().hex[:10]
    settings.NEWSROOM_CLIPS_QUEUE = name
    # the worker's NEWSROOM_VAR_DIR makes its private root the test's
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "var" / "private"
    celery_app.conf.task_always_eager = False  # restored by the _inline_celery fixture
    yield name
    with celery_app.connection_for_write() as broker:
        broker.default_channel.queue_delete(name)


@pytest.fixture
def ffmpeg_log(tmp_path):
    """An `ffmpeg` first on the worker's PATH that logs each run and runs the real one."""
    shim_dir = tmp_path / "bin"
    shim_dir.mkdir()
    log = tmp_path / "ffmpeg.log"
    log.touch()
    real = subprocess.run(["which", "ffmpeg"], capture_output=True, text=True).stdout
    shim = shim_dir / "ffmpeg"
    shim.write_text('#!/bin/sh\necho "$*" >> %s\nexec %s "$@"\n' % (log, real.strip()))
    shim.chmod(0o755)
    return log, {"PATH": "%s:%s" % (shim_dir, os.environ["PATH"])}


def wait_for(clip: Clip, states, seconds=240, seen=None) -> Clip:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        clip.refresh_from_db()
        if seen is not None:
            seen.append(clip.progress)
        if clip.state in states:
            return clip
        time.sleep(0.05)
    raise AssertionError("still %s after %ss" % (clip.state, seconds))


def files_under(path: Path) -> list[str]:
    if not path.exists():
        return []
    return sorted(str(p.relative_to(path)) for p in path.rglob("*") if p.is_file())


def test_ten_identical_requests_make_one_ffmpeg_job_whose_progress_reaches_100(
    queue, tmp_path, ffmpeg_log
):
    log, env = ffmpeg_log
    video = video_with_master("h264_open_long")
    with worker_process(queue, tmp_path / "var", env):
        barrier = threading.Barrier(10)
        ids = []

        def ask():
            barrier.wait()
            clip = clips.request_part(video=video, spans=[(13, 290)], cut=ClipCut.EXACT)
            ids.append(clip.pk)
            connection.close()

        threads = [threading.Thread(target=ask) for _ in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(ids) == 10
        assert len(set(ids)) == 1
        seen = []
        clip = wait_for(Clip.objects.get(pk=ids[0]), {ClipState.READY, ClipState.FAILED},
                        seen=seen)  # fmt: skip

    assert clip.state == ClipState.READY, clip.error_detail
    assert (clip.method, clip.attempts, clip.progress) == ("reencode", 1, 1.0)
    assert clip.gate["frames"] == 277
    assert any(0 < value < 1 for value in seen)  # it moved on the way
    assert seen == sorted(seen)
    runs = log.read_text().splitlines()
    assert sum("pieces.txt" in run for run in runs) == 1  # one job: one final mux
    assert sum("-c:v libx264" in run for run in runs) == 1  # and one encode


def test_a_worker_killed_mid_job_is_noticed_and_the_part_made_once(
    queue, tmp_path, settings
):
    video = video_with_master("h264_open_long")
    var = tmp_path / "var"
    private = var / "private"
    with worker_process(queue, var, {}) as first:
        clip = clips.request_part(video=video, spans=[(13, 290)], cut=ClipCut.EXACT)
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            clip.refresh_from_db()
            if clip.state == ClipState.RUNNING and clip.progress > 0:
                break
            time.sleep(0.05)
        assert clip.state == ClipState.RUNNING
        os.killpg(
            first.pid, signal.SIGKILL
        )  # the worker and its ffmpeg, as an OOM kill
        first.wait(timeout=30)

    clip.refresh_from_db()
    assert clip.state == ClipState.RUNNING  # nobody told the database
    assert files_under(private / "parts") == []

    settings.NEWSROOM_CLIP_STUCK_SECONDS = 0
    with worker_process(queue, var, {}):
        # the sweep (beat, every minute) finds it once PostgreSQL has dropped the dead lock
        deadline = time.monotonic() + 30
        requeued = []
        while not requeued and time.monotonic() < deadline:
            requeued = clips.requeue_stuck()
            time.sleep(0.2)
        assert requeued == [clip.pk]
        clip = wait_for(clip, {ClipState.READY, ClipState.FAILED})
        # the run removes its working directory once the part is stored: let it end
        deadline = time.monotonic() + 30
        while files_under(private / "parts-work") and time.monotonic() < deadline:
            time.sleep(0.05)

    assert clip.state == ClipState.READY, clip.error_detail
    assert clip.attempts == 2
    assert clip.gate["passed"] is True
    assert files_under(private / "parts") == [clip.file.name[len("parts/") :]]
    assert files_under(private / "parts-work") == []  # the dead run's pieces are gone
    # a late redelivery of the first message changes nothing
    assert clips.make_clip(clip.pk) == ClipState.READY
    clip.refresh_from_db()
    assert clip.attempts == 2


def test_a_small_cache_evicts_the_least_recently_downloaded_part(queue, tmp_path):
    video = video_with_master("h264_25")  # 3 s, 155 kB
    with worker_process(
        queue, tmp_path / "var", {"NEWSROOM_CLIP_CACHE_BYTES": "170000"}
    ):
        first = clips.request_part(video=video, spans=[(0, 36)], cut=ClipCut.FAST)
        first = wait_for(first, {ClipState.READY, ClipState.FAILED})
        second = clips.request_part(video=video, spans=[(36, 72)], cut=ClipCut.FAST)
        second = wait_for(second, {ClipState.READY, ClipState.FAILED})
        clips.mark_downloaded(second)
        assert first.size + second.size < 170000
        third = clips.request_part(video=video, spans=[(24, 60)], cut=ClipCut.FAST)
        third = wait_for(third, {ClipState.READY, ClipState.FAILED})
        # the worker makes room once the third part is stored (before the worker is stopped)
        first = wait_for(first, {ClipState.EXPIRED}, seconds=30)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state, third.state) == (
        ClipState.EXPIRED, ClipState.READY, ClipState.READY,
    )  # fmt: skip
    assert not Path(
        tmp_path / "var" / "private" / "parts" / video.checksum[:2] / str(first.pk)
    ).exists()
