"""Accent-folded French and English text search configurations and the GIN index (PostgreSQL only).

`newsroom_en` / `newsroom_fr` copy `english` / `french` and run `unaccent` before the stemmer, so
that "securite" finds "sécurité". A no-op on other databases.
"""

from django.db import migrations


FORWARD = """
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'newsroom_en') THEN
    CREATE TEXT SEARCH CONFIGURATION newsroom_en (COPY = english);
    ALTER TEXT SEARCH CONFIGURATION newsroom_en
      ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'newsroom_fr') THEN
    CREATE TEXT SEARCH CONFIGURATION newsroom_fr (COPY = french);
    ALTER TEXT SEARCH CONFIGURATION newsroom_fr
      ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
  END IF;
END
$$;
CREATE INDEX IF NOT EXISTS archive_vector_gin
  ON search_archivedocument USING gin (search_vector);
"""

BACKWARD = """
DROP INDEX IF EXISTS archive_vector_gin;
DROP TEXT SEARCH CONFIGURATION IF EXISTS newsroom_en;
DROP TEXT SEARCH CONFIGURATION IF EXISTS newsroom_fr;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_archive_document")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
