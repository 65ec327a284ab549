"""End to end: the beat task, sent through Redis, run by a real Celery worker on PostgreSQL."""

from __future__ import annotations

import datetime
import time

from django.utils import timezone

import pytest

from cms.celery import app as celery_app
from home.services import ensure_site_tree
from news.factories import NewsReleasePageFactory
from news.models import NewsReleasePage
from news.tasks import publish_scheduled_task
from tests.celery_worker import celery_worker


@pytest.fixture
def worker(tmp_path):
    if celery_app.conf.task_always_eager:
        pytest.skip("needs Redis: set CELERY_BROKER_URL")
    with celery_worker("workflow-test", tmp_path) as queue:
        yield queue


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
