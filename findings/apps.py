from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_delete
from django.utils.translation import gettext_lazy

from recommendations.roles import Role


class FindingsConfig(AppConfig):
    name = "findings"
    verbose_name = gettext_lazy("Review findings and judgements")

    # What each role may do with this app's models (gathered by ``recommendations.roles``).
    role_permissions = {
        Role.INSPECTOR: [
            ("findings", "progresslevel", ["view"]),
            ("findings", "judgement", ["view", "add", "change", "delete"]),
            ("findings", "paragraph", ["view", "add", "change", "delete"]),
            ("findings", "notablepractice", ["view", "add", "change", "delete"]),
            ("findings", "glossaryentry", ["view", "add", "change", "delete"]),
            ("findings", "sectionintroduction", ["view", "change"]),
            ("findings", "reportsource", ["view"]),
        ],
    }

    def ready(self):
        from findings.models import Judgement, Paragraph
        from findings.publishing import refuse_deleting_published

        # A published review's judgements and evidence are never deleted, whatever deletes them.
        for model in (Judgement, Paragraph):
            uid = f"refuse-deleting-published-{model.__name__}"
            pre_delete.connect(refuse_deleting_published, sender=model, dispatch_uid=uid)

        # SQLite's full-text indexes and their triggers, after every migrate (a table remade by
        # a migration loses its triggers; this puts them back and rebuilds the index).
        post_migrate.connect(ensure_search_indexes, sender=self, dispatch_uid="findings-search-indexes")


def ensure_search_indexes(using="default", **kwargs):
    from django.db import connections

    from findings.models import PARAGRAPH_SEARCH, RECOMMENDATION_SEARCH
    from recommendations.search import ensure_fulltext_tables

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    tables = set(connection.introspection.table_names())
    wanted = [table for table in (RECOMMENDATION_SEARCH, PARAGRAPH_SEARCH) if table.source in tables]
    ensure_fulltext_tables(connection, wanted)
