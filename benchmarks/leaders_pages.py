"""One client's p50 and p95 of the leaders' busiest pages on a built national database.

    DATABASE_URL=postgres://…/tracker_national python benchmarks/leaders_pages.py

Needs a database made by ``build_national_data`` (it grants a ``bench.leader`` the leader role
of ``altcourse``); it reads pages through Django's test client in this process, with DEBUG off
as production runs (no query log, templates cached), 40 times each after one warm-up, and prints
the median and 95th percentile, the page's queries and their SQL time (read in one more
request with the queries captured), the page's size, and the machine's load average.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# The national benchmark's settings: production's, DEBUG off, static files collected (below)
# into a folder of this run's own.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.national.settings")
os.environ.setdefault("BENCH_STATIC_ROOT", tempfile.mkdtemp(prefix="bench-static-"))
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ["DJANGO_HTTPS"] = "0"
os.environ["DJANGO_DEBUG"] = "0"
import django  # noqa: E402

django.setup()
from django.core.management import call_command  # noqa: E402

call_command("collectstatic", "--noinput", verbosity=0)
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from findings.models import published_recommendations  # noqa: E402
from recommendations.models import Action, Establishment  # noqa: E402
from recommendations.roles import grant_role  # noqa: E402

est = Establishment.objects.get(slug="altcourse")
user, _ = grant_role("bench.leader", "leader", establishments=[est])
c = Client(HTTP_HOST="127.0.0.1")
c.force_login(user)
recommendation = published_recommendations().for_establishment(est).filter(judgements__isnull=False).first()
action = Action.objects.filter(recommendation__inspection__establishment=est).first()
pages = {
    "dashboard": "/leaders/altcourse/",
    "dashboard p5": "/leaders/altcourse/?page=5",
    "actions": "/leaders/altcourse/actions/",
    "overdue": "/leaders/altcourse/actions/?problem=overdue",
    "recommendation": f"/leaders/altcourse/recommendations/{recommendation.pk}/",
    "action": f"/leaders/altcourse/actions/{action.pk}/",
}
print("load average:", " ".join(f"{n:.2f}" for n in os.getloadavg()))
print("actions of altcourse:", Action.objects.filter(recommendation__inspection__establishment=est).count())
for name, url in pages.items():
    c.get(url)
    times = []
    for _ in range(40):
        t = time.perf_counter()
        r = c.get(url)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p50, p95 = statistics.median(times), times[int(len(times) * 0.95) - 1]
    with CaptureQueriesContext(connection) as queries:
        c.get(url)
    sql = sum(float(q["time"]) for q in queries.captured_queries) * 1000
    size = len(r.content) // 1024
    print(
        f"{name:14} {url:48} {r.status_code} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  "
        f"{len(queries.captured_queries)} queries, SQL {sql:5.1f} ms  {size} KB"
    )
print("load average:", " ".join(f"{n:.2f}" for n in os.getloadavg()))
