"""Reading published reports into the tracker: the parser and the importer.

``reports.reading`` turns a report file (PDF or text) into lines that know their page, size,
weight and place, and ``reports.grammars`` reads those lines as a report of one type (``irp``);
neither imports anything from Django, so they can be tested and reused alone (``reports.parser``
keeps the old names). ``reports.importer`` writes that data through
the model apps (``recommendations``, ``findings``) and their state-change functions, and
``import_report`` is its command. Later report formats belong here.

May import: ``findings``, ``recommendations``, ``common``. Nothing imports ``reports``.
"""
