"""One grammar per report type, each reading the lines ``reports.reading`` gives.

``irp`` reads an independent review of progress. ``common`` holds what report types share
(months, inspectorates, roles, establishments). A grammar never opens a file and imports nothing
from Django.
"""
