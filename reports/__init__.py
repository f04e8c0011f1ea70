"""Reading published reports into the tracker: the parser and the importer.

``reports.parser`` turns the text (or PDF) of an IRP report into plain data and imports nothing
from Django, so it can be tested and reused alone. ``reports.importer`` writes that data through
the model apps (``recommendations``, ``findings``) and their state-change functions, and
``import_report`` is its command. Later report formats belong here.

May import: ``findings``, ``recommendations``, ``common``. Nothing imports ``reports``.
"""
