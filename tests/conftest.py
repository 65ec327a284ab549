import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from django.conf import settings

import pytest

from home.services import ensure_site_tree
from tests.database_snapshot import BASE, MigratedTemplate, disconnect_others
from tests.nginx import collected_static, gunicorn, nginx  # noqa: F401 (fixtures)
from tests.scheduling import LateLoadScopeScheduling, longest_first
from tests.shared import RUN_SHARED_DIRECTORY
from tests.tasks_backend import WITHOUT_WAGTAIL_INDEXES


RUN_DIRECTORY = pytest.StashKey[tuple]()

FRENCH = {
    "Newsroom": "Salle de presse",
    "News releases": "Communiqués de presse",
}


def pytest_configure(config):
    """Compile the translation catalogues when a .po is newer than its .mo (make test does it too).

    And give the run a temporary directory of its own, before any test module is imported:
    every temporary file goes there (tempfile, and TMPDIR for the workers, ffmpeg, nginx and
    Chromium the tests start), pytest's own tmp_path directories included. A green run removes
    it (pytest_sessionfinish), so it leaves nothing in the temporary directory.
    """
    import polib

    run_directory = tempfile.mkdtemp(prefix="newsroom-tests-")
    config.stash[RUN_DIRECTORY] = (
        run_directory,
        tempfile.tempdir,
        os.environ.get("TMPDIR"),
    )
    tempfile.tempdir = run_directory
    os.environ["TMPDIR"] = run_directory
    # what one process makes for all the run's processes goes there (tests/shared.py)
    os.environ.setdefault(RUN_SHARED_DIRECTORY, run_directory)

    for po in Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            polib.pofile(str(po)).save_as_mofile(str(mo))


def pytest_sessionfinish(session, exitstatus):
    run_directory, tempdir, tmpdir_variable = session.config.stash[RUN_DIRECTORY]
    tempfile.tempdir = tempdir
    if tmpdir_variable is None:
        os.environ.pop("TMPDIR", None)
    else:
        os.environ["TMPDIR"] = tmpdir_variable
    if os.environ.get(RUN_SHARED_DIRECTORY) == run_directory:
        del os.environ[RUN_SHARED_DIRECTORY]
    if exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        shutil.rmtree(run_directory, ignore_errors=True)
    else:
        print("\nTemporary files of this run are kept in %s" % run_directory)  # noqa: T201


def pytest_unconfigure(config):
    """The run's own var directory (cms/settings/test.py) goes with it.

    And its temporary directory when nothing is in it (a run that stopped before its tests,
    for a mistyped path, does not reach pytest_sessionfinish).
    """
    var_dir = Path(settings.VAR_DIR)
    if var_dir.name.startswith("newsroom-test-var-"):
        shutil.rmtree(var_dir, ignore_errors=True)
    with contextlib.suppress(OSError):
        Path(config.stash[RUN_DIRECTORY][0]).rmdir()  # only if empty


def pytest_xdist_make_scheduler(config, log):
    """`--dist loadscope` hands a process its next module late (tests/scheduling.py)."""
    if config.getvalue("dist") == "loadscope":
        return LateLoadScopeScheduling(config, log)
    return None


def pytest_collection_modifyitems(config, items):
    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(
                pytest.mark.skip(
                    reason="needs PostgreSQL (set DATABASE_URL); SQLite lacks this"
                )
            )
    items.sort(key=longest_first)  # stable: the rest keep their order


@pytest.fixture(autouse=True)
def _empty_cache():
    """Wagtail caches site root paths and renditions by id: never let one test see another's."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Start every test in the site's default language, whatever the test before activated."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _isolated_media(request, tmp_path, settings):
    """Each test writes its uploads, posters and masters under its own temporary directory.

    Except tests marked `module_media`: they read what a module-scoped fixture made (a demo
    seeded once), under the media root that fixture set.
    """
    if request.node.get_closest_marker("module_media"):
        yield
        return
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    yield
    shutil.rmtree(tmp_path / "media", ignore_errors=True)


@pytest.fixture(autouse=True)
def _wagtail_indexes(request, settings):
    """Wagtail's own indexes are not updated on save, unless the test is marked `wagtail_indexes`.

    tests/tasks_backend.py says why; the tests of the admin's search and usage are marked.
    """
    if request.node.get_closest_marker("wagtail_indexes"):
        return
    settings.TASKS = WITHOUT_WAGTAIL_INDEXES


@pytest.fixture(autouse=True)
def _public_videos_follow_releases(request):
    """Run the recompute of `Video.public_since` right after each publishing signal.

    Tests run inside one transaction that never commits, so the on-commit recompute
    (news.publicity) would never run. tests/downloads/test_public_since.py tests the real
    path (on commit, through the queue).
    """
    if "real_publicity" in request.keywords:
        yield
        return
    from django.db.models.signals import post_delete, post_save

    from wagtail.models import Page, PageViewRestriction
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from news.models import NewsReleasePage
    from news.publicity import refresh_public_videos

    def refresh(**kwargs):
        refresh_public_videos()

    connections = [
        (page_published, None),
        (page_unpublished, None),
        (post_page_move, None),
        (post_delete, Page),
        (post_delete, NewsReleasePage),
        (post_save, PageViewRestriction),
        (post_delete, PageViewRestriction),
    ]
    for signal, sender in connections:
        signal.connect(refresh, sender=sender, weak=False, dispatch_uid="tests.refresh")
    yield
    for signal, sender in connections:
        signal.disconnect(sender=sender, dispatch_uid="tests.refresh")


def _make_site_tree():
    return ensure_site_tree(translations={"fr": FRENCH}, hostname="testserver")


_SNAPSHOT: list[str] = []
_SITE_TREE_IDS: list[int] = []


def _snapshot_database():
    """What a transactional test's database is put back to: the migrated database and the site tree.

    On PostgreSQL, every table's rows as COPY keeps them (tests/database_snapshot.py): putting
    them back takes a few statements. Elsewhere, Django's `serialized_rollback` format.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        BASE.take(connection)
        return
    _SNAPSHOT[:] = [connection.creation.serialize_db_to_string()]
    connection._test_serialized_contents = _SNAPSHOT[0]


@pytest.fixture(scope="session")
def django_db_setup(
    request, django_test_environment, django_db_blocker, django_db_modify_db_settings
):
    """The test database, with the site tree, groups and review workflow committed once.

    (Each test used to build them.) Every test runs inside its own transaction on top of it, so it costs a few queries to
    find; tests that need Wagtail's fresh database use `fresh_database`. A transactional test's
    database is put back to it (`pytest_runtest_teardown`).

    On PostgreSQL the migrated database is cloned from a template that an earlier run kept
    (tests/database_snapshot.py, `MigratedTemplate`), else migrated and kept as that template.
    This replaces pytest-django's own `django_db_setup` (the same calls to Django's
    `setup_databases`), without Django's serialized copy, which the table snapshot replaces.
    """
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from news.roles import ensure_roles
    from news.workflow import ensure_release_workflow

    verbosity = request.config.option.verbose
    postgres = connection.vendor == "postgresql"
    with django_db_blocker.unblock():
        template = MigratedTemplate(connection) if postgres else None
        cloned = template is not None and template.clone()
        config = setup_databases(
            verbosity=verbosity,
            interactive=False,
            aliases={"default"},
            serialized_aliases=set() if postgres else {"default"},
            keepdb=cloned,
        )
        if template is not None and not cloned:
            template.save(connection)
        tree = _make_site_tree()
        _SITE_TREE_IDS[:] = [tree.home.pk, tree.news.pk]
        ensure_roles()
        ensure_release_workflow()
        _snapshot_database()
    yield
    with django_db_blocker.unblock():
        if postgres:
            # A server or worker a test started may still hold a connection for a moment
            # (its process exiting): the database cannot be dropped while it does.
            disconnect_others(connection)
        teardown_databases(config, verbosity=verbosity)


@pytest.fixture(autouse=True)
def _snapshot_on_the_connection():
    """Put the snapshot on the connection object, where `serialized_rollback` reads it.

    A test may leave another connection object in its place (seen after
    tests/workflow/test_embargo.py): without this, the rollback would be skipped in silence.
    """
    from django.db import connection

    if _SNAPSHOT:
        connection._test_serialized_contents = _SNAPSHOT[0]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test empties the database when it ends: put the snapshot back.

    After all the test's fixtures are torn down (Django's flush among them). Under pytest-xdist
    a module's transactional tests run before other modules' tests, which must find the
    database as it was.
    """
    result = yield
    if nextitem is None or not _is_transactional(item):
        return result
    if BASE:
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            BASE.restore()
        return result
    if _SNAPSHOT:
        from django.core.management import call_command
        from django.db import connection

        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            # As Django's own serialized rollback does: empty (a test without it left the
            # tables post_migrate refills, with other ids), then load the snapshot.
            call_command(
                "flush",
                verbosity=0,
                interactive=False,
                inhibit_post_migrate=True,
                reset_sequences=False,
            )
            connection.creation.deserialize_db_from_string(_SNAPSHOT[0])
    return result


def _is_transactional(item) -> bool:
    names = getattr(item, "fixturenames", ())
    if "transactional_db" in names or "live_server" in names:
        return True
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    return bool(marker.kwargs.get("transaction") or (marker.args and marker.args[0]))


@pytest.fixture
def site_tree(db):
    """Locales en and fr, the home page and the news index in both languages.

    Found by the ids the committed tree has (three queries); `ensure_site_tree` (a dozen
    queries, every test) where they are gone.
    """
    from wagtail.models import Locale

    from home.models import HomePage
    from home.services import SiteTree
    from news.models import NewsIndexPage

    if _SITE_TREE_IDS:
        home_id, news_id = _SITE_TREE_IDS
        locales = {locale.language_code: locale for locale in Locale.objects.all()}
        home = HomePage.objects.filter(pk=home_id).first()
        news = NewsIndexPage.objects.filter(pk=news_id).first()
        if home and news and set(locales) == {code for code, _ in settings.LANGUAGES}:
            return SiteTree(home=home, news=news, locales=locales)
    return _make_site_tree()


@pytest.fixture
def fresh_database(db):
    """The database as Wagtail's migrations leave it: its welcome page at a localhost site.

    (Inside the test's transaction: the committed site tree is back for the next test.)
    """
    from wagtail.models import Page, Site

    from home.services import WELCOME_TITLE

    Page.objects.filter(depth=2).delete()
    root = Page.get_first_root_node()
    welcome = root.add_child(instance=Page(title=WELCOME_TITLE, slug="home"))
    Site.objects.create(hostname="localhost", root_page=welcome, is_default_site=True)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield instance
        instance.close()
