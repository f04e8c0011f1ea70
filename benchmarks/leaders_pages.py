"""One client's p50 and p95 of the leaders' busiest pages on a built national database.

    DATABASE_URL=postgres://…/tracker_national DJANGO_DEBUG=1 python benchmarks/leaders_pages.py

Needs a database made by ``build_national_data`` (it grants a ``bench.leader`` the leader role
of ``altcourse``); it reads pages through Django's test client, 40 times each, and prints
median and 95th percentile with the page's size.
"""

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
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from recommendations.models import Action, Establishment  # noqa: E402
from recommendations.roles import grant_role  # noqa: E402

setup_test_environment()
est = Establishment.objects.get(slug="altcourse")
user, _ = grant_role("bench.leader", "leader", establishments=[est])
c = Client()
c.force_login(user)
pages = {
    "dashboard": "/leaders/altcourse/",
    "actions": "/leaders/altcourse/actions/",
    "overdue": "/leaders/altcourse/actions/?problem=overdue",
    "dashboard p5": "/leaders/altcourse/?page=5",
}
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
    size = len(r.content) // 1024
    print(f"{name:14} {url:45} {r.status_code} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  {size} KB")
