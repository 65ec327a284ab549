"""An FTS5 table over the archive documents, kept by triggers (SQLite only; a no-op elsewhere).

`unicode61 remove_diacritics 2` folds accents; there is no stemming on SQLite.
"""

from django.db import migrations


COLUMNS = "title, lead, tags_text, body_text, quotes_text, extra_text"
NEW = "new.title, new.lead, new.tags_text, new.body_text, new.quotes_text, new.extra_text"
OLD = "old.title, old.lead, old.tags_text, old.body_text, old.quotes_text, old.extra_text"

FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_archivedocument_fts USING fts5(%s, "
    "content='search_archivedocument', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')" % COLUMNS,
    "CREATE TRIGGER IF NOT EXISTS search_archivedocument_ai AFTER INSERT ON "
    "search_archivedocument BEGIN INSERT INTO search_archivedocument_fts(rowid, %s) "
    "VALUES (new.id, %s); END" % (COLUMNS, NEW),
    "CREATE TRIGGER IF NOT EXISTS search_archivedocument_ad AFTER DELETE ON "
    "search_archivedocument BEGIN INSERT INTO search_archivedocument_fts("
    "search_archivedocument_fts, rowid, %s) VALUES ('delete', old.id, %s); END"
    % (COLUMNS, OLD),
    "CREATE TRIGGER IF NOT EXISTS search_archivedocument_au AFTER UPDATE ON "
    "search_archivedocument BEGIN INSERT INTO search_archivedocument_fts("
    "search_archivedocument_fts, rowid, %s) VALUES ('delete', old.id, %s); "
    "INSERT INTO search_archivedocument_fts(rowid, %s) VALUES (new.id, %s); END"
    % (COLUMNS, OLD, COLUMNS, NEW),
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS search_archivedocument_ai",
    "DROP TRIGGER IF EXISTS search_archivedocument_ad",
    "DROP TRIGGER IF EXISTS search_archivedocument_au",
    "DROP TABLE IF EXISTS search_archivedocument_fts",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_text_search_configurations")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
