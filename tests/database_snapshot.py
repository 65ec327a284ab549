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

from contextlib import contextmanager

from django.db import transaction
from django.test import TransactionTestCase

from psycopg import sql


# Never touched by a test; the migrations' own record.
KEEP = {"django_migrations"}


class TableSnapshot:
    def __init__(self):
        self.tables: list[str] = []
        self.rows: dict[str, bytes] = {}

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
        self.tables, self.rows = tables, rows
        skip_djangos_flush()

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
