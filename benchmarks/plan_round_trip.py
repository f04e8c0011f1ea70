"""The leaders' spreadsheet round trip at the size of a national prison: how long the download,
the upload with its preview, and the confirmation take, and how many rows they carry.

    DATABASE_URL=postgres://…/tracker_national DJANGO_DEBUG=1 python benchmarks/plan_round_trip.py \
        [--establishment altcourse] [--edits 50]

Needs a database made by ``build_national_data``; it WRITES to it (the confirmation changes
``--edits`` actions' owners and adds one action), so give it a copy, never a shared database.
Through Django's test client as a leader of the establishment: downloads the XLSX and the CSV
(5 times each, median), changes the owner of ``--edits`` actions and adds a row with openpyxl,
uploads (read and kept), opens the preview (the comparison), and confirms.
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "belmarsh_irp.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ["DJANGO_HTTPS"] = "0"
import django  # noqa: E402

django.setup()
import openpyxl  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from recommendations.models import Action, Establishment  # noqa: E402
from recommendations.roles import grant_role  # noqa: E402


def timed(call, repeat=1):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            result = call()
        times.append((time.perf_counter() - start) * 1000)
    return result, statistics.median(times), len(queries)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--establishment", default="altcourse")
    parser.add_argument("--edits", type=int, default=50)
    args = parser.parse_args()
    setup_test_environment()
    establishment = Establishment.objects.get(slug=args.establishment)
    user, _ = grant_role("bench.sheets", "leader", establishments=[establishment])
    client = Client()
    client.force_login(user)
    base = f"/leaders/{establishment.slug}"
    actions = Action.objects.filter(recommendation__inspection__establishment=establishment).count()
    print(f"{establishment}: {actions} actions")

    response, ms, queries = timed(lambda: client.get(f"{base}/action-plan.xlsx"), 5)
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook["Action plan"]
    rows = sum(1 for row in sheet.iter_rows(min_row=2, max_col=1, values_only=True) if row[0])
    print(f"download xlsx    {ms:8.1f} ms  {queries:3} queries  {len(response.content) // 1024} KB, {rows} rows")
    response, ms, queries = timed(lambda: client.get(f"{base}/action-plan.csv"), 5)
    print(f"download csv     {ms:8.1f} ms  {queries:3} queries  {len(response.content) // 1024} KB")

    col = {cell.value: cell.column for cell in sheet[1]}
    edited = 0
    for row in range(2, rows + 2):
        if edited >= args.edits:
            break
        if sheet.cell(row=row, column=col["Action"]).value and sheet.cell(
            row=row, column=col["Action status"]
        ).value in (
            "Not started",
            "In progress",
        ):
            sheet.cell(row=row, column=col["Owner"], value=f"Bench owner {row}")
            edited += 1
    new = rows + 2
    for header, value in (
        ("Inspection", sheet.cell(row=2, column=col["Inspection"]).value),
        ("Reference", sheet.cell(row=2, column=col["Reference"]).value),
        ("Action", "A new action from the benchmark"),
    ):
        sheet.cell(row=new, column=col[header], value=value)
    out = io.BytesIO()
    workbook.save(out)
    data = out.getvalue()

    response, ms, queries = timed(
        lambda: client.post(f"{base}/action-plan/upload/", {"file": SimpleUploadedFile("plan.xlsx", data)})
    )
    assert response.status_code == 302, response.content[:500]
    preview_url = response["Location"]
    print(f"upload (read)    {ms:8.1f} ms  {queries:3} queries  {len(data) // 1024} KB file")
    response, ms, queries = timed(lambda: client.get(preview_url), 3)
    preview = response.context["preview"]
    print(
        f"preview          {ms:8.1f} ms  {queries:3} queries  {len(preview.added)} to add, "
        f"{len(preview.changed)} changes, {len(preview.left)} left, {len(preview.refused)} refused"
    )
    digest = response.context["digest"]
    response, ms, queries = timed(lambda: client.post(preview_url, {"confirm": "", "digest": digest}))
    assert response.status_code == 302, response.status_code
    print(f"confirm          {ms:8.1f} ms  {queries:3} queries")


if __name__ == "__main__":
    main()
