"""A real Celery worker in a subprocess, on a queue of its own, against Redis and the test database."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import connection

import kombu.exceptions
import pytest

from cms.celery import app as celery_app


def database_url() -> str:
    """The URL of the test database this process uses, for the worker to use too."""
    db = connection.settings_dict
    return "postgres://%s@%s:%s/%s" % (
        db["USER"],
        db["HOST"] or "127.0.0.1",
        db["PORT"] or 5432,
        db["NAME"],
    )


@contextlib.contextmanager
def celery_worker(prefix: str, var_dir: Path) -> Iterator[str]:
    """Run a worker on a fresh queue named after `prefix`; yield the queue's name."""
    with celery_worker_process(prefix, var_dir) as (queue, _process):
        yield queue


@contextlib.contextmanager
def tasks_on_queue(tasks, queue: str) -> Iterator[None]:
    """Send these tasks to `queue` (a worker's own), and back to their usual routes afterwards.

    Celery caches a task's sending options, `queue` included, the first time the task is sent,
    even when tasks run eagerly: without clearing that cache, a task that an earlier test in the
    process had sent kept going to its old queue and the worker never received it.
    """
    previous = [getattr(task, "queue", None) for task in tasks]
    for task in tasks:
        task.queue = queue
        task._exec_options = None
    try:
        yield
    finally:
        for task, queue_before in zip(tasks, previous, strict=True):
            task.queue = queue_before
            task._exec_options = None


def stop_worker(process: subprocess.Popen) -> None:
    """Stop a worker the test is done with, with whatever it started (its session).

    Killed: its work is over, and a warm shutdown (SIGTERM) waited 2 to 3 s for Celery's
    loop to wind down, after every test that starts a worker.
    """
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


@contextlib.contextmanager
def celery_worker_process(
    prefix: str,
    var_dir: Path,
    *,
    queue: str | None = None,
    broker: str | None = None,
    beat: bool = False,
    env: dict[str, str] | None = None,
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Like `celery_worker`, yielding the process too, in a session of its own.

    A test can then kill it with its ffmpeg children. `queue` reuses a queue (a restarted
    worker), `broker` points it elsewhere, `beat` embeds Celery beat (the sweep), `env` adds
    environment variables (settings).
    """
    broker = broker or settings.CELERY_BROKER_URL
    if not broker.startswith("redis://"):
        pytest.skip("needs Redis: set CELERY_BROKER_URL")
    queue = queue or "%s-%s" % (prefix, uuid.uuid4().hex[:10])
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker,
        # the worker's MEDIA_ROOT and PRIVATE_MEDIA_ROOT are the test's
        "NEWSROOM_VAR_DIR": str(var_dir),
        # what the worker's beat (the sweep) queues goes to this worker
        "NEWSROOM_MEDIA_QUEUE": queue,
        **(env or {}),
    }
    arguments = [
        sys.executable, "-m", "celery", "-A", "cms", "worker", "-Q", queue,
        "--pool", "solo", "-n", "%s-%s@localhost" % (queue, uuid.uuid4().hex[:4]),
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        "--loglevel", "warning",
    ]  # fmt: skip
    if beat:
        arguments += ["--beat", "--schedule", str(var_dir / ("beat-%s" % queue))]
    process = subprocess.Popen(
        arguments, env=env, cwd=settings.BASE_DIR, start_new_session=True
    )
    try:
        yield queue, process
    finally:
        stop_worker(process)
        with (
            contextlib.suppress(OSError, kombu.exceptions.OperationalError),
            celery_app.connection_for_write(broker) as broker_connection,
        ):
            broker_connection.default_channel.queue_delete(queue)
