"""A real Celery worker in a subprocess, on a queue of its own, against Redis and the test database."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import connection

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
    broker = settings.CELERY_BROKER_URL
    if not broker.startswith("redis://"):
        pytest.skip("needs Redis: set CELERY_BROKER_URL")
    queue = "%s-%s" % (prefix, uuid.uuid4().hex[:10])
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker,
        # the worker's MEDIA_ROOT and PRIVATE_MEDIA_ROOT are the test's
        "NEWSROOM_VAR_DIR": str(var_dir),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "cms", "worker", "-Q", queue,
         "--pool", "solo", "-n", "%s@localhost" % queue, "--without-gossip",
         "--without-mingle", "--without-heartbeat", "--loglevel", "warning"],
        env=env,
        cwd=settings.BASE_DIR,
    )  # fmt: skip
    try:
        yield queue
    finally:
        process.terminate()
        process.wait(timeout=30)
        with celery_app.connection_for_write() as broker_connection:
            broker_connection.default_channel.queue_delete(queue)
