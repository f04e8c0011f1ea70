"""A recommendation no longer stores the words of its text and concern alone
(``search_document``, with its GIN index): the public search reads them only for the few rows
whose stored document holds evidence still embargoed, and computes them there. Every other row
is a quarter narrower on PostgreSQL (the column was 265 bytes of an 830-byte row at national
size), so counting a common word's matches per inspection reads fewer pages, and each write
updates one GIN index less. SQLite never filled the column (its FTS5 index is separate)."""

from django.db import migrations

INDEX = "recommendation_document_idx"


def no_index_to_make(apps, schema_editor):
    """The column's GIN index goes with the column (PostgreSQL drops it with it)."""


def make_index_again(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON recommendations_recommendation USING gin (search_document)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0018_recommendation_public_document_inline"),
    ]

    operations = [
        migrations.RunPython(no_index_to_make, make_index_again),
        migrations.RemoveField(
            model_name="recommendation",
            name="search_document",
        ),
    ]
