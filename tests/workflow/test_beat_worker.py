"""End to end: the beat task, sent through Redis, run by a real Celery worker on PostgreSQL."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import time
import uuid

from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

import pytest

from cms.celery import app as celery_app
from home.services import ensure_site_tree
from news.factories import NewsReleasePageFactory
from news.models import NewsReleasePage
from news.tasks import publish_scheduled_task


def database_url() -> str:
    db = connection.settings_dict
    return "postgres://%s@%s:%s/%s" % (
        db["USER"],
        db["HOST"] or "127.0.0.1",
        db["PORT"] or 5432,
        db["NAME"],
    )


@pytest.fixture
def worker(tmp_path):
    broker = django_settings.CELERY_BROKER_URL
    if not broker.startswith("redis://") or celery_app.conf.task_always_eager:
        pytest.skip("needs Redis: set CELERY_BROKER_URL")
    queue = "workflow-test-%s" % uuid.uuid4().hex[:10]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker,
        "NEWSROOM_VAR_DIR": str(tmp_path),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "cms", "worker", "-Q", queue,
         "--pool", "solo", "-n", "%s@localhost" % queue, "--without-gossip",
         "--without-mingle", "--without-heartbeat", "--loglevel", "warning"],
        env=env,
        cwd=django_settings.BASE_DIR,
    )  # fmt: skip
    yield queue
    process.terminate()
    process.wait(timeout=30)
    with celery_app.connection_for_write() as broker_connection:
        broker_connection.default_channel.queue_delete(queue)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_lifts_an_embargo(worker):
    # given: a worker that has started (it answers a first tick), a release due in 3 seconds
    publish_scheduled_task.apply_async(queue=worker, ignore_result=False).get(
        timeout=90
    )
    tree = ensure_site_tree(hostname="testserver")
    release = NewsReleasePageFactory(parent=tree.news, live=False, title="Scheduled")
    release.go_live_at = timezone.now() + datetime.timedelta(seconds=3)
    release.save_revision().publish()
    assert NewsReleasePage.objects.get(pk=release.pk).live is False

    # when: the beat's task reaches the worker before go-live, then after it
    publish_scheduled_task.apply_async(queue=worker, ignore_result=False).get(
        timeout=60
    )
    early = NewsReleasePage.objects.get(pk=release.pk).live
    time.sleep(max(0.0, (release.go_live_at - timezone.now()).total_seconds()) + 0.5)
    publish_scheduled_task.apply_async(queue=worker, ignore_result=False).get(
        timeout=60
    )

    # then
    assert early is False
    assert NewsReleasePage.objects.get(pk=release.pk).live is True
