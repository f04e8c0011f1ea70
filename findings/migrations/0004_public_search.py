"""Full-text search index of evidence paragraphs, read by the public recommendation search.

PostgreSQL only: a GIN index on exactly the expression ``findings.filters.evidence_document()``
produces. On SQLite the search matches words instead and this migration does nothing.
"""

from django.db import migrations

INDEX = "paragraph_search_idx"


class PostgreSQLOnly(migrations.RunSQL):
    """RunSQL that runs on PostgreSQL and does nothing on any other database."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("findings", "0003_admin_judgement_level_optional"),
    ]

    operations = [
        PostgreSQLOnly(
            sql=f"""
                CREATE INDEX IF NOT EXISTS {INDEX} ON findings_paragraph
                USING gin (to_tsvector('english'::regconfig, COALESCE("text", '')))
            """,
            reverse_sql=f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
