"""The background engine: Celery, with Redis as broker and result store.

Tasks are defined in the apps (``<app>/tasks.py`` with ``shared_task``) and found by
``autodiscover_tasks``. Configuration comes from Django's settings under the ``CELERY_`` prefix
(see ``belmarsh_irp/settings.py``): with ``REDIS_URL`` set, tasks go to Redis and a worker
(``make worker``) runs them; without it, on the embedded default, they run inline in the process
that sends them, so ``make run`` needs nothing else running.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "belmarsh_irp.settings")

app = Celery("belmarsh_irp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
