"""Rewrite the archive table once, so that the rows written before migration 0005 are narrow too.

`toast_tuple_target` applies to rows as they are written; `VACUUM FULL` writes every row again
(long values to TOAST, without the dropped uuid arrays) and packs the heap; a plain VACUUM then
marks the pages all-visible again. It locks the table
while it runs (searches and indexing wait): about 30 s for 220,000 rows on the bench machine,
nothing on an empty table. Outside a transaction (VACUUM refuses one). A no-op on other
databases.
"""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("VACUUM FULL search_archivedocument")
        # VACUUM FULL leaves the visibility map empty: the index-only scans of a search without
        # words (archive_browse) would read the heap until the next vacuum.
        schema_editor.execute("VACUUM ANALYZE search_archivedocument")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("search", "0005_narrow_rows")]

    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop, elidable=False)
    ]
