"""Settings for the inspection recommendation tracker, read from the environment.

With no environment at all the project uses an SQLite file in the project (the embedded
default) and management commands run, but the site refuses to start, because DJANGO_DEBUG is
off and there is no secret key. For local work set DJANGO_DEBUG=1 (``make run`` does); in
production set DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.translation import gettext_lazy

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """A boolean from the environment; anything but a clear yes or no is an error."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_date(name: str):
    """A date (YYYY-MM-DD) from the environment, or None."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a date written YYYY-MM-DD; got {value!r}.") from None


DEBUG = env_bool("DJANGO_DEBUG", default=False)

# Freezes "today" for every page and command (``common.clock``); empty means the real date.
TRACKER_TODAY = env_date("TRACKER_TODAY")

# Without a key, DEBUG off: management commands that need no key (migrate, makemigrations,
# check) still run, but the site refuses to start (wsgi.py, asgi.py), Django refuses anything
# that signs, and `check --deploy` fails.
SECRET_KEY_MISSING = (
    "DJANGO_SECRET_KEY is not set. Set it to a long random string in production, "
    "or set DJANGO_DEBUG=1 for local development."
)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_filters",
    "simple_history",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "recommendations",
    "findings",
    "reports",
    "public",
    "leaders",
    "alerts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy, Permissions-Policy, no-store for signed-in pages (after WhiteNoise:
    # static files keep their long cache).
    "belmarsh_irp.security.SecurityHeadersMiddleware",
    # Anonymous public pages from the cache, before sessions, authentication and CSRF run.
    "public.cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # The open-data API under /api/: CORS for read-only requests and ETags (conditional GET).
    "public.api.middleware.OpenDataMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it throttles repeated failed sign-ins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "belmarsh_irp.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "common.context_processors.navigation",
                "belmarsh_irp.security.csp_nonce",
            ],
            # Template tags of the plain package common/ (not an app, so not found by itself).
            "libraries": {"pagination": "common.pagination"},
        },
    },
]

# The rule behind the layout's "Your prison" and "Inspectors' workspace" links, named here so that
# common/ (imported by every app) never imports an app itself.
NAVIGATION_LINKS = "recommendations.roles.navigation_links"

WSGI_APPLICATION = "belmarsh_irp.wsgi.application"

# DATABASE_URL switches to PostgreSQL (postgres://user@host:5432/name); without it the site
# runs on an SQLite file in the project. Connections persist with health checks: opening a
# PostgreSQL connection per request halved a list page's throughput when measured here.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite connections are cheap and not shared between threads of the dev server.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No just-in-time compilation: a query over the national archive costs enough to trigger
    # it, and compiling took a second of a 1.5 s query that runs in 0.4 s without it (the
    # public list's layout, EXPLAIN ANALYZE at national size). No page query runs long enough
    # to gain from it.
    # 16 MB to sort or hash in (PostgreSQL's default is 4 MB): a first search for a word in most
    # recommendations counts 70,000 rows per inspection, and with 4 MB that sort spilled to disk
    # (`Sort Method: external merge`), 20–30 ms of the query at national size.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = " ".join(filter(None, [options.get("options", ""), "-c jit=off -c work_mem=16MB"]))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache every worker process shares: Redis in production (REDIS_URL, e.g.
# redis://127.0.0.1:6379/0, through Django's own RedisCache); without it a file cache in the
# project (var/cache), which needs nothing else running. Anonymous public pages are served
# from it (public/cache.py), retired whenever what the public sees changes. The site never
# needs it: when Redis cannot be reached, pages come from the database (docs/security.md), so
# a short timeout keeps a hung Redis from holding requests. Run Redis with maxmemory and an LRU
# eviction policy (docs/security.md).
REDIS_URL = os.environ.get("REDIS_URL", "")
REDIS_TIMEOUT = float(os.environ.get("DJANGO_REDIS_TIMEOUT", "0.5"))  # seconds, to connect and per command
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's, keeping one Redis client instead of making one per call (common/redis_cache.py).
            "BACKEND": "common.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_KEY_PREFIX", "tracker"),
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("DJANGO_CACHE_DIR", str(BASE_DIR / "var" / "cache")),
            "OPTIONS": {"MAX_ENTRIES": 10000},
        }
    }
# Background work (belmarsh_irp/celery.py): Celery with Redis as broker and result store. The
# broker may be another Redis database than the cache's (CELERY_BROKER_URL); without REDIS_URL or
# CELERY_BROKER_URL, on the embedded default, tasks run inline where they are sent (eager mode),
# so nothing else needs to run. Production runs workers (`make worker`).
# An empty variable (``CELERY_BROKER_URL=`` in an env file) counts as unset, not as "no broker".
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "").strip() or REDIS_URL
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "").strip() or CELERY_BROKER_URL
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    # Never used while eager; named so that no task ever reaches for a broker on localhost.
    CELERY_BROKER_URL = "memory://localhost/"  # a host named: kombu warns on every send without one
    CELERY_RESULT_BACKEND = "cache+memory://"
CELERY_TASK_ACKS_LATE = True  # a task a worker dies in is run again by another worker
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 600)
CELERY_RESULT_EXPIRES = 86400
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Each worker runs at most this many tasks at once (processes); more workers, on this machine or
# others, take the same queue (docs/alerts.md).
CELERY_WORKER_CONCURRENCY = env_int("CELERY_WORKER_CONCURRENCY", 2)
# Several projects may share one Redis database: every key the broker writes starts with this.
CELERY_BROKER_TRANSPORT_OPTIONS = {"global_keyprefix": os.environ.get("CELERY_KEY_PREFIX", "tracker-celery:")}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = CELERY_BROKER_TRANSPORT_OPTIONS
# The schedules Celery beat runs (`make worker` starts one beat with the worker; run exactly one
# beat however many workers there are). The same work as `manage.py send_alerts --frequency ...`
# and `manage.py send_action_reminders`, for cron users.
CELERY_BEAT_SCHEDULE = {
    "alerts-immediately": {
        "task": "alerts.send_due_alerts",
        "schedule": crontab(minute="*/5"),
        "args": ("immediately",),
    },
    "alerts-daily-digest": {
        "task": "alerts.send_due_alerts",
        "schedule": crontab(hour=7, minute=0),
        "args": ("daily",),
    },
    "alerts-weekly-digest": {
        "task": "alerts.send_due_alerts",
        "schedule": crontab(hour=7, minute=15, day_of_week="monday"),
        "args": ("weekly",),
    },
    "leaders-action-reminders": {
        "task": "leaders.send_action_reminders",
        "schedule": crontab(hour=7, minute=30),
    },
}
# At most this many alert e-mails a minute from each worker process (Celery's rate_limit syntax);
# the day's reminders are paced by it too (a minute's worth at once).
ALERTS_SEND_RATE_LIMIT = os.environ.get("ALERTS_SEND_RATE_LIMIT", "60/m")
# Anonymous public pages from the cache (off only to measure or debug the pages themselves).
PUBLIC_PAGE_CACHE = env_bool("DJANGO_PUBLIC_PAGE_CACHE", default=True)
# How long a cached page or derived total is kept at most (seconds); a change retires it at once.
PUBLIC_CACHE_TIMEOUT = env_int("DJANGO_PUBLIC_CACHE_TIMEOUT", 86400)
# What is deployed (e.g. the commit): part of every cache key, so a deployment never serves pages
# cached by the one before. Unset, a digest of the project's code, templates and styles is used.
RELEASE = os.environ.get("DJANGO_RELEASE", "")

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# How many reverse proxies (load balancers) stand in front of the site: every limit per network
# address reads the visitor's address through them (common.client.client_address), never a
# forgeable X-Forwarded-For entry. 0 (the default) reads REMOTE_ADDR. DJANGO_API_NUM_PROXIES is its
# former name, for the API only.
TRUSTED_PROXIES = env_int("DJANGO_TRUSTED_PROXIES", env_int("DJANGO_API_NUM_PROXIES", 0))
if TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured(f"DJANGO_TRUSTED_PROXIES must be 0 or more; got {TRUSTED_PROXIES}.")

# Sign-in throttling (django-axes): after 5 failures for one username from one address the
# pair is locked out for an hour.
AXES_CLIENT_IP_CALLABLE = "common.client.client_address"
AXES_FAILURE_LIMIT = env_int("DJANGO_AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# English (British) is the interface's language. Every string it says goes through Django's
# translation functions (tests/test_translation_ready.py), so that a Welsh interface (prisons in
# Wales are inspected with Estyn) needs a catalogue in locale/cy, not code: see docs/translation.md.
# A visitor's browser chooses among LANGUAGES (LocaleMiddleware): Welsh is offered once its compiled
# catalogue is there, never half (Django's own Welsh month names around English pages).
LANGUAGE_CODE = "en-gb"
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGES = [("en-gb", "English")] + [
    (code, name)
    for code, name in [("cy", "Cymraeg")]
    if (LOCALE_PATHS[0] / code / "LC_MESSAGES" / "django.mo").exists()
]
TIME_ZONE = "Europe/London"
CELERY_TIMEZONE = TIME_ZONE
USE_I18N = True
USE_TZ = True
# One date and time format everywhere ("31 March 2027", "13:05"): belmarsh_irp/formats/en_GB.
FORMAT_MODULE_PATH = ["belmarsh_irp.formats"]

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# static/ holds the compiled stylesheet (npm run build:css) and the project's own files;
# GOV.UK Frontend's fonts-free assets and JavaScript come straight from node_modules.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
]
# Uploaded and imported report files (findings.ReportSource), kept as published. Locally under
# media/ (gitignored); in production MEDIA_ROOT is a persistent volume every web and worker
# process shares (or the default storage an object store): see docs/importing.md. They are
# served only through the public view that applies the publication rule, never from MEDIA_URL.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Static files are the site's own: no cross-origin reading (WhiteNoise allows every origin by
# default). CORS is for the open-data API only (public/api/middleware.py).
WHITENOISE_ALLOW_ALL_ORIGINS = False

# E-mail: the console by default, so reminders and alerts print; DJANGO_EMAIL_FILE_PATH writes
# each message to a file in that folder instead; set DJANGO_EMAIL_HOST (and the rest) to send
# through SMTP.
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
EMAIL_FILE_PATH = os.environ.get("DJANGO_EMAIL_FILE_PATH", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif EMAIL_FILE_PATH:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_TIMEOUT = env_int("DJANGO_EMAIL_TIMEOUT", 30)
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "tracker@localhost")
# The site's public address, for the absolute links in e-mails (alerts, reminders, password
# resets), e.g. https://tracker.example.org. Without it, the address `make run` serves.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "").strip().rstrip("/") or "http://127.0.0.1:8000"
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"DJANGO_SITE_URL must start with https:// (or http://); got {SITE_URL!r}.")

# HTTPS hardening: on by default whenever DEBUG is off. DJANGO_HTTPS=0 turns it off for a
# site served over plain HTTP behind nothing (never in production).
HTTPS = env_bool("DJANGO_HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# A failed CSRF check shows the site's own 403 page (belmarsh_irp.security), not Django's bare one.
CSRF_FAILURE_VIEW = "belmarsh_irp.security.csrf_failure"

# `check --deploy` fails (an error, not a warning) without DJANGO_SECRET_KEY.
import belmarsh_irp.checks  # noqa: E402, F401

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# The read-only open-data API (public/api/): anonymous, JSON only, cursor-paginated, throttled.
API_RATE_LIMIT = os.environ.get("DJANGO_API_RATE_LIMIT", "120/minute")
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    # Anonymous and read-only: no sessions, so no CSRF and no signed-in view of drafts.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_THROTTLE_CLASSES": ["public.api.throttling.AnonymousRateThrottle"],
    # Behind a proxy, how many X-Forwarded-For hops to trust when counting requests per address.
    "NUM_PROXIES": TRUSTED_PROXIES,
    "DEFAULT_PAGINATION_CLASS": "public.api.pagination.IdCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "public.api.errors.exception_handler",
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Prison inspection recommendation tracker: open data API",
    "DESCRIPTION": (
        "Read-only JSON for everything the public site shows: establishments, inspections and "
        "independent reviews of progress, recommendations, judgements with their level and scale, "
        "evidence paragraphs, notable positive practice, the inspectorates' progress scales and the "
        "prisons' published action plans. Only published reviews past their publication date appear. "
        "Inspection report text and the data derived from it are Crown copyright, used under the "
        "Open Government Licence v3.0.\n\n"
        "Every list says how many results match (`total`) and pages by cursor (`next`, `previous`). "
        "A parameter an endpoint does not have, one given twice, a value it cannot use or a cursor that "
        "is not a page link's is refused with 400 and one error body (`detail`, and `errors` per parameter). Areas "
        "are given by slug (`use-of-force`); a label is still accepted. The "
        "[data dictionary](/data-dictionary/) names each field beside the matching column of the "
        "site's CSV and XLSX downloads, with its meaning and values."
    ),
    "VERSION": "1",
    "LICENSE": {
        "name": "Open Government Licence v3.0 (data); MIT (code)",
        "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    },
    "SERVE_INCLUDE_SCHEMA": False,
    "ENUM_NAME_OVERRIDES": {
        "InspectionKindEnum": "recommendations.models.InspectionKind",
        "RecommendationKindEnum": "recommendations.models.RecommendationKind",
    },
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "public.api.schema.document_errors",
    ],
    # Swagger UI's files come from drf-spectacular-sidecar through our own static files: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "defaultModelsExpandDepth": 0},
}

# The name the service uses for itself in page titles and the header.
SERVICE_NAME = gettext_lazy("Prison inspection recommendation tracker")

# Where each model is shown to the public. The model apps know nothing of the public site's
# URLs (dependencies point from the audience apps to the model apps), so the link from a row
# to its page is configured here, in one place; the admin's "View on site" uses it too.
ABSOLUTE_URL_OVERRIDES = {
    "recommendations.establishment": lambda e: reverse("public:establishment", kwargs={"slug": e.slug}),
    "recommendations.inspection": lambda i: reverse(
        "public:review", kwargs={"slug": i.establishment.slug, "review": i.slug}
    ),
    "recommendations.recommendation": lambda r: reverse("public:recommendation", kwargs={"pk": r.pk}),
}
# Where the inspectors' workspace previews a draft review as the public will see it.
REVIEW_PREVIEW_URL = lambda review: reverse("public:review-preview", kwargs={"pk": review.pk})  # noqa: E731
