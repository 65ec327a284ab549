"""The PostgreSQL engine's one-statement search: per-language GIN, facet keys on the row (PostgreSQL only).

- A GIN index per language (partial, `WHERE language = …`): each language's branch of a search
  reads only its own language's postings and rows (a word common to both languages fetched
  twice the rows through the index of migration 0002, which stays for any other language).
- `topic_keys` and `speaker_keys`: the row's topics and speakers (translation keys), copied from
  `ArchiveTag` by `search.documents.update_vectors`, so that the facet counts come from the rows
  the search already read instead of one index probe of `search_archivetag` per match. Not
  model fields: SQLite and Elasticsearch read `ArchiveTag`.
- `archive_browse`, a b-tree on the filter columns that covers what a search without words
  reads (dates, kind, "has video", the facet keys): an index-only scan instead of the wide rows.

A no-op on other databases.
"""

from django.db import migrations


LANGUAGES = ("en", "fr")

FORWARD = [
    "ALTER TABLE search_archivedocument"
    " ADD COLUMN IF NOT EXISTS topic_keys uuid[] NOT NULL DEFAULT '{}',"
    " ADD COLUMN IF NOT EXISTS speaker_keys uuid[] NOT NULL DEFAULT '{}'",
    """UPDATE search_archivedocument d SET
        topic_keys = ARRAY(SELECT t.key FROM search_archivetag t
                           WHERE t.document_id = d.id AND t.facet = 'topic' ORDER BY t.key),
        speaker_keys = ARRAY(SELECT t.key FROM search_archivetag t
                             WHERE t.document_id = d.id AND t.facet = 'speaker' ORDER BY t.key)
       WHERE EXISTS (SELECT 1 FROM search_archivetag t WHERE t.document_id = d.id)""",
    *(
        "CREATE INDEX IF NOT EXISTS archive_vector_%s ON search_archivedocument"
        " USING gin (search_vector) WHERE language = '%s'" % (language, language)
        for language in LANGUAGES
    ),
    "CREATE INDEX IF NOT EXISTS archive_browse ON search_archivedocument"
    " (language, published, id) INCLUDE (year, kind, has_video, topic_keys, speaker_keys)",
    "ANALYZE search_archivedocument",
]

BACKWARD = [
    "DROP INDEX IF EXISTS archive_browse",
    *("DROP INDEX IF EXISTS archive_vector_%s" % language for language in LANGUAGES),
    "ALTER TABLE search_archivedocument DROP COLUMN IF EXISTS topic_keys,"
    " DROP COLUMN IF EXISTS speaker_keys",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_sqlite_full_text")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
