"""Put a PostgreSQL test database back as it was, in a few statements, after a transactional test.

Django's way (`serialized_rollback`) truncates every table (about 150 here, each a new file on
disk), then saves the serialized rows back one model instance at a time: about 2 s a test on
this machine. This keeps each non-empty table's rows as `COPY … (FORMAT binary)` gives them,
and after a test empties the tables that have rows (`DELETE`: they are small) and copies the
rows back, in one transaction (Django's foreign keys are deferred, so the order does not
matter): about 0.1 s.

It replaces `TransactionTestCase._fixture_teardown`, a private method of Django's (pinned in
requirements.txt); tests/test_database_snapshot.py fails if Django's teardown changes shape.
"""

from __future__ import annotations

import pickle
from contextlib import contextmanager, suppress
from pathlib import Path

from django.db import transaction
from django.test import TransactionTestCase

from psycopg import errors, sql


# Never touched by a test; the migrations' own record.
KEEP = {"django_migrations"}


class TableSnapshot:
    def __init__(self):
        self.tables: list[str] = []
        self.rows: dict[str, bytes] = {}
        # the value each sequence had given, so that rows put back in another database (another
        # test process's: `save`, `load`) never meet an id that its sequences would give again
        self.sequences: dict[str, int] = {}

    def __bool__(self) -> bool:
        return bool(self.tables)

    def take(self, connection) -> None:
        """Keep the rows of every table of `connection`'s database, as they are now."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                " ORDER BY tablename"
            )
            tables = [name for (name,) in cursor.fetchall() if name not in KEEP]
        rows = {}
        raw = connection.connection
        with raw.cursor() as cursor:
            for table in self._non_empty(cursor, tables):
                statement = sql.SQL("COPY {} TO STDOUT (FORMAT binary)").format(
                    sql.Identifier(table)
                )
                with cursor.copy(statement) as copy:
                    rows[table] = b"".join(bytes(block) for block in copy)
            cursor.execute(
                "SELECT sequencename, last_value FROM pg_sequences"
                " WHERE schemaname = current_schema() AND last_value IS NOT NULL"
            )
            sequences = dict(cursor.fetchall())
        self.tables, self.rows, self.sequences = tables, rows, sequences
        skip_djangos_flush()

    def save(self, path: Path) -> None:
        """Keep the snapshot in a file, for another test process to `load`."""
        path.write_bytes(pickle.dumps((self.tables, self.rows, self.sequences)))

    @classmethod
    def load(cls, path: Path) -> TableSnapshot:
        snapshot = cls()
        # written by another process of the same test run, in the run's own directory
        kept = pickle.loads(path.read_bytes())  # noqa: S301
        snapshot.tables, snapshot.rows, snapshot.sequences = kept
        return snapshot

    def restore(self) -> None:
        """Empty the tables a test wrote to and copy the kept rows back, in one transaction."""
        from django.db import connection

        with transaction.atomic():
            raw = connection.connection
            with raw.cursor() as cursor:
                for table in self._non_empty(cursor, self.tables):
                    cursor.execute(
                        sql.SQL("DELETE FROM {}").format(sql.Identifier(table))
                    )
                for table, rows in self.rows.items():
                    statement = sql.SQL("COPY {} FROM STDIN (FORMAT binary)").format(
                        sql.Identifier(table)
                    )
                    with cursor.copy(statement) as copy:
                        copy.write(rows)
                if self.sequences:
                    # one statement; a sequence only ever moves forward
                    cursor.execute(
                        "SELECT setval(format('%%I', s.sequencename)::regclass,"
                        " GREATEST(s.last_value, kept.value))"
                        " FROM pg_sequences s JOIN unnest(%s::text[], %s::bigint[])"
                        " AS kept(name, value) ON kept.name = s.sequencename"
                        " WHERE s.schemaname = current_schema()"
                        " AND (s.last_value IS NULL OR s.last_value < kept.value)",
                        [list(self.sequences), list(self.sequences.values())],
                    )

    @staticmethod
    def _non_empty(cursor, tables: list[str]) -> list[str]:
        """The tables among `tables` with at least one row: one statement."""
        if not tables:
            return []
        cursor.execute(
            sql.SQL(" UNION ALL ").join(
                sql.SQL("SELECT {} WHERE EXISTS (SELECT FROM {})").format(
                    sql.Literal(table), sql.Identifier(table)
                )
                for table in tables
            )
        )
        return [name for (name,) in cursor.fetchall()]


# What every transactional test's database is put back to (tests/conftest.py): the migrated
# database with the site tree, the press office's groups and the review workflow.
BASE = TableSnapshot()


def _no_flush(self):
    """The test's database is put back by `TableSnapshot.restore`, once its fixtures are gone."""


def skip_djangos_flush() -> None:
    TransactionTestCase._fixture_teardown = _no_flush


@contextmanager
def module_transaction(django_db_blocker):
    """For a module-scoped fixture: what it builds inside is rolled back after the module.

    The module's tests see it: each `db` test runs in a savepoint within, so what a test writes
    goes with it. A transactional test cannot run in such a module.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


def disconnect_others(connection) -> None:
    """End every other session on `connection`'s database (before it is dropped)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


# --- the migrated database, kept as a template between runs ---------------------------------------

TEMPLATE_PREFIX = "newsroom_migrated_"


def migrations_fingerprint() -> str:
    """A digest of every migration Django would apply (ours and the libraries'), and Django's version.

    Another migration, an edited one or another library version gives another template.
    """
    import hashlib
    from pathlib import Path

    import django
    from django.db.migrations.loader import MigrationLoader

    digest = hashlib.sha256(django.get_version().encode())
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for key in sorted(loader.disk_migrations):
        module = __import__(loader.disk_migrations[key].__module__, fromlist=["_"])
        digest.update(repr(key).encode())
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()[:16]


class MigratedTemplate:
    """A PostgreSQL database as the migrations leave it, cloned into each run's test database.

    Migrating takes about 15 s of a process's time (Django renders model states hundreds of
    times); cloning a database takes well under a second. The template is named after
    `migrations_fingerprint()`, so that it is only used while the migrations are the same; a new
    one replaces the others. An advisory lock keeps the test processes from racing.
    """

    LOCK = 74_211_503

    def __init__(self, connection):
        self.settings = connection.settings_dict
        self.test_name = self.settings["TEST"].get("NAME") or (
            "test_" + self.settings["NAME"]
        )
        self.name = TEMPLATE_PREFIX + migrations_fingerprint()

    def _admin(self):
        import psycopg

        return psycopg.connect(
            dbname="postgres",
            host=self.settings["HOST"] or None,
            port=self.settings["PORT"] or None,
            user=self.settings["USER"] or None,
            password=self.settings["PASSWORD"] or None,
            autocommit=True,
        )

    def clone(self) -> bool:
        """Make the test database a copy of the template; False when there is no template yet."""
        with self._admin() as admin:
            admin.execute("SELECT pg_advisory_lock(%s)", [self.LOCK])
            try:
                if not self._exists(admin, self.name):
                    return False
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {}").format(
                        sql.Identifier(self.test_name)
                    )
                )
                admin.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                        sql.Identifier(self.test_name), sql.Identifier(self.name)
                    )
                )
                return True
            finally:
                admin.execute("SELECT pg_advisory_unlock(%s)", [self.LOCK])

    def save(self, connection) -> None:
        """Keep the just-migrated test database as the template (unless another process did)."""
        connection.close()
        with self._admin() as admin:
            admin.execute("SELECT pg_advisory_lock(%s)", [self.LOCK])
            try:
                if self._exists(admin, self.name):
                    return
                admin.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                        sql.Identifier(self.name), sql.Identifier(self.test_name)
                    )
                )
                stale = admin.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE %s"
                    " AND datname <> %s",
                    [TEMPLATE_PREFIX + "%", self.name],
                ).fetchall()
                for (name,) in stale:
                    # another checkout's run may be cloning it: next time, then
                    with suppress(errors.ObjectInUse):
                        admin.execute(
                            sql.SQL("DROP DATABASE {}").format(sql.Identifier(name))
                        )
            finally:
                admin.execute("SELECT pg_advisory_unlock(%s)", [self.LOCK])

    @staticmethod
    def _exists(admin, name: str) -> bool:
        return bool(
            admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
        )
