from pathlib import Path

from django.db import connection
from django.test import override_settings

import pytest

from news.factories import build_release, translate_release
from tests.database_snapshot import BASE, TableSnapshot
from tests.pages.demo import SeededDemo, seed_the_demo
from tests.shared import made_once
from tests.tasks_backend import WITHOUT_WAGTAIL_INDEXES


@pytest.fixture
def release(site_tree):
    return build_release(site_tree.news)


@pytest.fixture
def french_release(site_tree, release):
    return translate_release(release, site_tree.locales["fr"])


@pytest.fixture(scope="session")
def seeded_demo(django_db_setup, django_db_blocker):
    """The demo, seeded once per test run on PostgreSQL: about 15 s, against 0.2 s to put back.

    The first test process to need it seeds it and commits it, keeps its rows as a table
    snapshot in the run's shared directory (tests/shared.py) and puts its database back to the
    base snapshot at once, so that the tests that follow find what they expect; every process
    puts those rows back when a test asks for the demo. Its files (masters, previews, posters)
    stay in that directory for the whole run.
    """
    if connection.vendor != "postgresql" or not BASE:
        pytest.skip("the seeded demo is kept as a PostgreSQL table snapshot")

    def paths(directory: Path) -> dict:
        var_dir = directory / "var"
        return {
            "VAR_DIR": var_dir,
            "MEDIA_ROOT": var_dir / "media",
            "PRIVATE_MEDIA_ROOT": var_dir / "private",
        }

    def seed(directory: Path) -> None:
        with django_db_blocker.unblock():
            try:
                # Wagtail's own indexes as in every test (tests/tasks_backend.py)
                with override_settings(
                    **paths(directory), TASKS=WITHOUT_WAGTAIL_INDEXES
                ):
                    output = seed_the_demo()
                rows = TableSnapshot()
                rows.take(connection)
            finally:
                BASE.restore()
        (directory / "output.txt").write_text(output)
        rows.save(directory / "rows")

    directory = made_once("demo", seed)
    return SeededDemo(
        rows=TableSnapshot.load(directory / "rows"),
        paths=paths(directory),
        output=(directory / "output.txt").read_text(),
    )


@pytest.fixture
def demo_newsroom(request, settings, tmp_path):
    """The demo newsroom as `make run` seeds it, for a transactional test (live server, browser).

    On PostgreSQL the demo seeded once per process is put back (`seeded_demo`); elsewhere it
    is seeded for the test. The test's teardown puts the base snapshot back (tests/conftest.py).
    """
    from django.core.cache import cache

    if connection.vendor != "postgresql" or not BASE:
        settings.VAR_DIR = tmp_path
        seed_the_demo()
        return
    demo = request.getfixturevalue("seeded_demo")
    for name, value in demo.paths.items():
        setattr(settings, name, value)
    demo.put_back()
    cache.clear()  # Wagtail's site root paths and renditions of the rows just replaced
