from django.test import TestCase

import pytest

from cms.celery import app as celery_app
from tests.conftest import _make_site_tree
from tests.database_snapshot import module_transaction
from tests.search.archive import build_archive


@pytest.fixture(autouse=True)
def _eager_tasks():
    """Indexing tasks run in the test's process (the worker test starts a real worker)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """Run the on-commit indexing tasks of what the block does, as a commit would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture(autouse=True)
def _own_elasticsearch_indices(settings):
    """With ELASTICSEARCH_URL set, each test gets indices of its own, deleted afterwards."""
    if not settings.ELASTICSEARCH_URL:
        yield
        return
    import uuid

    from elasticsearch import Elasticsearch

    prefix = "newsroom-test-%s" % uuid.uuid4().hex[:12]
    settings.ELASTICSEARCH_INDEX = prefix
    yield
    Elasticsearch(settings.ELASTICSEARCH_URL).indices.delete(
        index=prefix + "-*", ignore_unavailable=True, allow_no_indices=True
    )


@pytest.fixture(scope="module")
def _archive_of_the_module(django_db_setup, django_db_blocker):
    """The archive of tests/search/archive.py, built and indexed once for the module.

    Inside a transaction that is rolled back after the module: each test runs in a savepoint
    within it, as `db` tests do, so what a test adds goes with it. Not with Elasticsearch,
    whose documents do not roll back with the database: there each test builds its own.
    """
    from django.conf import settings

    if settings.ELASTICSEARCH_URL:
        yield None
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with module_transaction(django_db_blocker):
            with TestCase.captureOnCommitCallbacks(execute=True):
                built = build_archive(_make_site_tree())
            yield built
    finally:
        celery_app.conf.task_always_eager = previous


@pytest.fixture
def archive(_archive_of_the_module, site_tree, indexed):
    """Two live releases, a topic and a speaker in both languages, videos, shots, an older release."""
    if _archive_of_the_module is not None:
        return _archive_of_the_module
    with indexed():
        return build_archive(site_tree)
