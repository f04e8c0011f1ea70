"""Full-text search on the embedded default (SQLite): FTS5 tables kept by triggers.

PostgreSQL searches stored ``tsvector`` columns through GIN indexes (the migrations make them).
SQLite has no ``tsvector``; its FTS5 extension gives the same behaviour: an inverted index with
the Porter stemmer (``porter unicode61``), so "forced" finds "force" and "cameras" finds
"camera", and phrases in quotes match words side by side. Each FTS5 table here is an
*external-content* table over a model's table: it stores only the index, reads the text from
the model's rows, and triggers on the model's table keep it right on every insert, update and
delete (bulk ones, loaddata and the importer included).

``ensure_fulltext_tables`` creates what is missing and rebuilds an index whose triggers were
lost: it runs after every ``migrate`` (``post_migrate``), because SQLite migrations that remake
a table (Django's way of altering a column there) drop that table's triggers.
"""

import re
from dataclasses import dataclass

TOKENIZER = "porter unicode61 remove_diacritics 2"


@dataclass(frozen=True)
class FullTextTable:
    """An FTS5 index named ``name`` over ``columns`` of the table ``source`` (rowid = its id)."""

    name: str
    source: str
    columns: tuple

    def statements(self):
        cols = ", ".join(self.columns)
        new = ", ".join(f"new.{c}" for c in self.columns)
        old = ", ".join(f"old.{c}" for c in self.columns)
        insert = f"INSERT INTO {self.name}(rowid, {cols}) VALUES (new.id, {new});"
        delete = f"INSERT INTO {self.name}({self.name}, rowid, {cols}) VALUES ('delete', old.id, {old});"
        return [
            f"CREATE TRIGGER IF NOT EXISTS {self.name}_ai AFTER INSERT ON {self.source} BEGIN {insert} END",
            f"CREATE TRIGGER IF NOT EXISTS {self.name}_ad AFTER DELETE ON {self.source} BEGIN {delete} END",
            f"CREATE TRIGGER IF NOT EXISTS {self.name}_au AFTER UPDATE OF {cols} ON {self.source} "
            f"BEGIN {delete} {insert} END",
        ]

    def triggers(self):
        return {f"{self.name}_ai", f"{self.name}_ad", f"{self.name}_au"}


def ensure_fulltext_tables(connection, tables):
    """Creates the FTS5 ``tables`` and their triggers where missing (SQLite only); an index
    that was missing or had lost a trigger is rebuilt from its table's rows. Returns the names
    of the indexes rebuilt."""
    if connection.vendor != "sqlite":
        return []
    rebuilt = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table.source])
            present = {name for (name,) in cursor.fetchall()}
            cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [table.name])
            exists = cursor.fetchone() is not None
            if exists and table.triggers() <= present:
                continue
            if not exists:
                cursor.execute(
                    f"CREATE VIRTUAL TABLE {table.name} USING fts5({', '.join(table.columns)}, "
                    f"content='{table.source}', content_rowid='id', tokenize='{TOKENIZER}')"
                )
            for statement in table.statements():
                cursor.execute(statement)
            cursor.execute(f"INSERT INTO {table.name}({table.name}) VALUES ('rebuild')")
            rebuilt.append(table.name)
    return rebuilt


# --- What a person types, as an FTS5 query -------------------------------------------------

TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
WORD = re.compile(r"\w+")
# Words PostgreSQL's "english" configuration leaves out of a search (its english.stop list):
# a word alone that is one of them is ignored here too, so "cameras and force" means the same
# on both databases. Inside quotes they stay, as they are part of the phrase.
STOP_WORDS = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she
    her hers herself it its itself they them their theirs themselves what which who whom this that
    these those am is are was were be been being have has had having do does did doing a an the and
    but if or because as until while of at by for with about against between into through during
    before after above below to from up down in out on off over under again further then once here
    there when where why how all any both each few more most other some such no nor not only own
    same so than too very s t can will just don should now""".split()
)


def _phrase(text):
    """The words of ``text`` as one FTS5 phrase (quoted, so no word is read as an operator)."""
    words = WORD.findall(text)
    return '"' + " ".join(words) + '"' if words else None


def fts_query(words):
    """An FTS5 query meaning what PostgreSQL's ``websearch_to_tsquery`` makes of ``words``:
    every word must appear (stemmed), ``"a phrase"`` in quotes must appear as written,
    ``or`` between two terms accepts either, and ``-word`` excludes. None when nothing in
    ``words`` can be searched (punctuation only, or only exclusions)."""
    groups = [[]]  # terms joined by AND; groups joined by OR
    excluded = []
    pending_or = False
    for match in TOKEN.finditer(words or ""):
        minus, quoted, bare = match.groups()
        if bare is not None and bare.lower() == "or" and not minus:
            pending_or = bool(groups[-1])
            continue
        negative = bool(minus) or (bare is not None and bare.startswith("-"))
        text = quoted if quoted is not None else bare.lstrip("-")
        if quoted is None and text.lower() in STOP_WORDS:
            continue
        term = _phrase(text)
        if term is None:
            continue
        if negative:
            excluded.append(term)
            continue
        if pending_or:
            groups.append([])
            pending_or = False
        groups[-1].append(term)
    groups = [group for group in groups if group]
    if not groups:
        return None
    query = " OR ".join("(" + " AND ".join(group) + ")" for group in groups)
    if excluded:
        query = f"({query}) NOT ({' OR '.join(excluded)})"
    return query
