from io import StringIO

from django.core.management import call_command
from django.test import override_settings

import pytest

from cms.celery import app as celery_app
from news.factories import build_release, translate_release


@pytest.fixture
def release(site_tree):
    return build_release(site_tree.news)


@pytest.fixture
def french_release(site_tree, release):
    return translate_release(release, site_tree.locales["fr"])


@pytest.fixture
def demo_newsroom(settings, tmp_path):
    """The demo newsroom as `make run` seeds it (videos processed inline).

    seed_demo runs only on a demo: DEBUG on and --demo (tests/test_setup_commands.py).
    """
    settings.VAR_DIR = tmp_path
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with override_settings(DEBUG=True):
            call_command("seed_demo", "--demo", stdout=StringIO())
    finally:
        celery_app.conf.task_always_eager = previous
