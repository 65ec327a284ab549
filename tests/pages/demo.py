"""The demo newsroom for the page tests: seeded as `make run` seeds it, and kept to be put back."""

from contextlib import contextmanager
from dataclasses import dataclass
from io import StringIO

from django.core.management import call_command
from django.test import override_settings

from cms.celery import app as celery_app
from tests.database_snapshot import TableSnapshot


@contextmanager
def _jobs_inline():
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = previous


def seed_the_demo() -> str:
    """`seed_demo --demo` as `make run` runs it (videos processed inline); what it printed.

    seed_demo runs only on a demo: DEBUG on and --demo (tests/test_setup_commands.py).
    """
    out = StringIO()
    with _jobs_inline(), override_settings(DEBUG=True):
        call_command("seed_demo", "--demo", stdout=out)
    return out.getvalue()


@dataclass
class SeededDemo:
    """The demo as seeded once: its rows (a table snapshot), where its files are, what it printed."""

    rows: TableSnapshot
    paths: dict
    output: str

    def put_back(self) -> None:
        """The database as the seeding left it (a few statements: tests/database_snapshot.py)."""
        self.rows.restore()
