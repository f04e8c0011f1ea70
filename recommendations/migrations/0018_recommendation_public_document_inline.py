"""PostgreSQL keeps a recommendation's search document in its row (compressed), not out of line
in the TOAST table: ``SET STORAGE MAIN``, so only a row over about 8 kB moves it out.

A search must read the document itself, not only its GIN index, whenever the index cannot
decide alone: a phrase (``"use of force"``, or a hyphenated word such as ``self-harm``) is
checked against the words' positions, and a word in most recommendations (``staff``) is read
by a sequential scan. With the document out of line, each such row cost several TOAST pages:
at national size (97,345 recommendations), 98,000 buffers for the 28,524 rows of
``"use of force"``. Inline, the heap grows from 10,838 to about 15,000 pages and the TOAST
table shrinks from 14,080 to 6,747; counting per inspection, best of five under load
(EXPLAIN ANALYZE): ``"use of force"`` 139 → 54 ms, ``"mental health support"`` 92 → 36 ms,
``staff`` 138 → 56 ms, ``violence`` 35 → 45 ms (its rows are decided by the index alone).

Rows written before keep their layout until rewritten: the migration rewrites those with
evidence (the only ones long enough to have been moved out). Nothing on SQLite."""

from django.db import migrations


def inline(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE recommendations_recommendation ALTER COLUMN public_document SET STORAGE MAIN"
        )
        # A stored generated column is computed again on every UPDATE: the new value is stored
        # the new way.
        schema_editor.execute(
            "UPDATE recommendations_recommendation SET evidence_text = evidence_text WHERE evidence_text <> ''"
        )


def out_of_line(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE recommendations_recommendation ALTER COLUMN public_document SET STORAGE EXTENDED"
        )


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0017_recommendation_toast_tuple_target")]

    operations = [migrations.RunPython(inline, out_of_line)]
