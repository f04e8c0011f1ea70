"""Makes ``libreoffice-plan.xlsx``: an action plan typed as CSV, opened and saved as XLSX by
LibreOffice Calc, as a leader working in LibreOffice would hand it in. Run once; the result is
committed (the tests never run LibreOffice).

    python tests/spreadsheets/make_libreoffice_plan.py   # needs soffice (libreoffice-calc-nogui)

LibreOffice reads the CSV as a person's spreadsheet would: 1.2 becomes a number, 2023-03-31 a
date, and =UPPER(…) a formula, which it saves with its cached result.
"""

import csv
import shutil
import subprocess
import tempfile
from pathlib import Path

# The headings of leaders.spreadsheet.COLUMNS, as the download writes them.
HEADERS = [
    "Inspection",
    "Reference",
    "Area",
    "Recommendation",
    "Inspectorate",
    "Latest judgement",
    "Response",
    "Response reason",
    "Action",
    "Owner",
    "Target date",
    "Why the target date moved",
    "Action status",
    "Reason dropped",
    "Latest progress note",
    "New progress note",
    "Action last updated",
    "Version (do not change)",
]

HERE = Path(__file__).parent
ROWS = [
    {
        "Inspection": "inspection-2021",
        "Reference": "1.1",
        "Action": "Review every use of force on camera",
        "Owner": "Head of safety",
        "Target date": "2023-03-31",
        "Action status": "Not started",
    },
    {
        "Inspection": "inspection-2021",
        "Reference": "1.2",
        "Action": "Reopen the gym on weekday evenings",
        "Owner": '=UPPER("head of residence")',
        "Action status": "In progress",
    },
    {"Inspection": "inspection-2021", "Reference": "1.1", "Action": "Buy more cameras", "Action status": "Almost done"},
]


def main():
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "libreoffice-plan.csv"
        with source.open("w", newline="") as out:
            writer = csv.DictWriter(out, HEADERS)
            writer.writeheader()
            writer.writerows(ROWS)
        subprocess.run(
            ["soffice", "--headless", "--convert-to", "xlsx", "--outdir", folder, str(source)],
            check=True,
            timeout=120,
        )
        shutil.copy(Path(folder) / "libreoffice-plan.xlsx", HERE / "libreoffice-plan.xlsx")
    print(HERE / "libreoffice-plan.xlsx")


if __name__ == "__main__":
    main()
