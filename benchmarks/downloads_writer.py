"""How long the one download writer (common/downloads.py) takes per row, as CSV and as XLSX, on
rows the size of a national recommendation (long text, a date, numbers). Prints CPU seconds, so
a loaded machine's figures stay comparable.

    PYTHONPATH=. .venv/bin/python benchmarks/downloads_writer.py [--rows 10000]
"""

import argparse
import datetime
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "belmarsh_irp.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402

django.setup()

import openpyxl.xml  # noqa: E402

from common.downloads import csv_response, xlsx_response  # noqa: E402
from public import dictionary  # noqa: E402

ROW = [
    "HMP Belmarsh",
    "Report of an independent review of progress at HMP Belmarsh",
    "HMI Prisons",
    "recommendation",
    "Use of force",
    "1.40",
    "All phone calls by prisoners covered by public protection monitoring should be listened to promptly. " * 2,
    "No meaningful progress",
    None,
    "There was no oversight of phone monitoring arrangements and staff assigned to this task told us so. " * 4,
    2021,
    datetime.date(2022, 4, 26),
    "https://tracker.example.org/recommendations/88123/",
]


def cpu(make, rows):
    start = time.process_time()
    response = make(rows)
    size = sum(len(chunk) for chunk in response.streaming_content)
    return time.process_time() - start, size


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10000)
    rows = parser.parse_args().rows
    columns = dictionary.columns(dictionary.RECOMMENDATIONS)
    csv_time, csv_size = cpu(lambda n: csv_response("x.csv", columns, (ROW for _ in range(n)), stream=True), rows)
    xlsx_time, xlsx_size = cpu(lambda n: xlsx_response("x.xlsx", columns, (ROW for _ in range(n))), rows)
    print(f"{rows} rows; openpyxl {'with' if openpyxl.xml.LXML else 'without'} lxml")
    print(f"CSV : {csv_time:.2f} s CPU, {csv_size / 1e6:.1f} MB, {csv_time / rows * 1e6:.0f} µs a row")
    print(f"XLSX: {xlsx_time:.2f} s CPU, {xlsx_size / 1e6:.1f} MB, {xlsx_time / rows * 1e6:.0f} µs a row")
    print(f"at 100,000 rows: CSV about {csv_time / rows * 1e5:.0f} s, XLSX about {xlsx_time / rows * 1e5:.0f} s of CPU")


if __name__ == "__main__":
    main()
