"""A real Celery worker keeps the index: a publish is searchable within seconds, an unpublish gone."""

from __future__ import annotations

import time

from django.conf import settings

import pytest

from cms.celery import app as celery_app
from home.services import ensure_site_tree
from news import tasks as news_tasks
from news.factories import NewsReleasePageFactory
from search import tasks as search_tasks
from search.archive import archive_search, parse_query
from tests.celery_worker import celery_worker, tasks_on_queue


TASKS = [
    search_tasks.index_release_task,
    search_tasks.index_releases_task,
    search_tasks.remove_release_task,
    search_tasks.index_video_task,
    news_tasks.refresh_public_videos_task,
]


@pytest.fixture
def worker(tmp_path):
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("needs Redis: set CELERY_BROKER_URL")
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    # Connections pooled by earlier tests (some under time travel) are not reused.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    with (
        celery_worker("search-test", tmp_path) as queue,
        tasks_on_queue(TASKS, queue),
    ):
        yield queue
    celery_app.conf.task_always_eager = previous


def hits(word: str) -> int:
    return archive_search(parse_query({"q": word}, page_language=None)).total


def wait_for(condition, timeout: float = 60.0) -> float:
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < timeout, "not within %d s" % timeout
        time.sleep(0.1)
    return time.monotonic() - start


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_indexes_on_publish_and_removes_on_unpublish(worker):
    # given
    tree = ensure_site_tree(hostname="testserver")
    page = NewsReleasePageFactory(
        parent=tree.news, title="Harbour zeppelinword", slug="worker", live=False
    )

    # when
    page.save_revision().publish()

    # then
    assert wait_for(lambda: hits("zeppelinword") == 1) < 60

    # when
    page.refresh_from_db()
    page.unpublish()

    # then
    assert wait_for(lambda: hits("zeppelinword") == 0) < 60
