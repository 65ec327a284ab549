import pytest

from accounts.factories import UserFactory
from cms.celery import app as celery_app


@pytest.fixture(autouse=True)
def _inline_celery():
    """Tasks run inline here (CELERY_BROKER_URL may be set for the worker test)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def admin_client(client, site_tree):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    client.user = user
    return client
