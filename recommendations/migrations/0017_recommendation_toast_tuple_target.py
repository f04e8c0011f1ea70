"""PostgreSQL keeps a recommendation's row narrow: a row over 2 kB (long evidence in its search
documents) has its large columns moved out of line down to 128 bytes, not to 2 kB. Counting a
common word's matches per inspection reads the matching rows for their inspection: at national
size the table's heap went from 134 MB to 64 MB and the count for `violence` (44,531 matches)
from 85–95 ms to 49–79 ms (EXPLAIN ANALYZE, quiet machine). Rows written before keep their
layout until the table is rewritten (`VACUUM FULL recommendations_recommendation`). Nothing on
SQLite, which has no such setting."""

from django.db import migrations


def narrow(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE recommendations_recommendation SET (toast_tuple_target = 128)")


def widen(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE recommendations_recommendation RESET (toast_tuple_target)")


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0016_recommendation_inspection_id_index")]

    operations = [migrations.RunPython(narrow, widen)]
