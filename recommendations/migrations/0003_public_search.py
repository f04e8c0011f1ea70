"""Full-text search index of the public recommendation list (/recommendations/?q=…).

PostgreSQL only: a GIN index on exactly the expression ``findings.filters.recommendation_document()``
produces, so the search can use it. On SQLite the search matches words instead and this
migration does nothing.
"""

from django.db import migrations

INDEX = "recommendation_search_idx"


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
        ("recommendations", "0002_leaders_reminderlog"),
    ]

    operations = [
        PostgreSQLOnly(
            sql=f"""
                CREATE INDEX IF NOT EXISTS {INDEX} ON recommendations_recommendation
                USING gin (to_tsvector('english'::regconfig, COALESCE("text", '') || ' ' || COALESCE("concern", '')))
            """,
            reverse_sql=f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
