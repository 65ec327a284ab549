import pytest

from cms.celery import app as celery_app


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
