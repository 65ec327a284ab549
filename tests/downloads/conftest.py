import pytest

from cms.celery import app as celery_app


@pytest.fixture(autouse=True)
def _inline_celery():
    """Tasks run inline here (CELERY_BROKER_URL may be set for the worker tests)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous
