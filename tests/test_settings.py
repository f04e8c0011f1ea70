"""The settings read the environment, refuse an unsafe production start, and miss no migration."""

import os
import subprocess
import sys

from django.core.management import call_command

from tests.conftest import PROJECT_DIR

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key-for-tests-only-" + "y" * 20,
    "DJANGO_ALLOWED_HOSTS": "tracker.example.org",
    "DJANGO_DEBUG": "0",
    "DJANGO_SITE_URL": "https://tracker.example.org",
}


def manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env={**clean, **env, "DJANGO_SETTINGS_MODULE": "belmarsh_irp.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings():
    """`manage.py check --deploy` reports nothing under production settings."""
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_when_e_mails_would_link_to_no_public_address():
    """Without DJANGO_SITE_URL, links in alerts and password resets would point nowhere useful."""
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SITE_URL"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "DJANGO_SITE_URL" in result.stdout + result.stderr


def python(code, env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_DIR,
        env={**clean, **env, "DJANGO_SETTINGS_MODULE": "belmarsh_irp.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    """With DEBUG off and no DJANGO_SECRET_KEY the site (WSGI or ASGI) will not start, and says why;
    `check --deploy` fails too."""
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    for entry_point in ("belmarsh_irp.wsgi", "belmarsh_irp.asgi"):
        result = python(f"import {entry_point}", env)
        assert result.returncode != 0
        assert "DJANGO_SECRET_KEY is not set" in result.stderr
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr


def test_production_starts_with_a_secret_key():
    result = python("import belmarsh_irp.wsgi; print('served')", PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "served" in result.stdout


def test_management_commands_run_with_no_configuration_at_all():
    """A fresh checkout with no environment can still run commands such as makemigrations."""
    result = manage("makemigrations", "--check", "--dry-run", env={})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_a_bad_boolean_is_refused_with_its_name():
    result = manage("check", env={**PRODUCTION_ENV, "DJANGO_DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be one of" in result.stderr


def test_no_migration_is_missing(db):
    """Every model change has its migration."""
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_connections_persist_with_health_checks(settings):
    """Database connections are reused between requests, with a health check."""
    database = settings.DATABASES["default"]
    assert database["CONN_HEALTH_CHECKS"] is True
    if database["ENGINE"] != "django.db.backends.sqlite3":
        assert database["CONN_MAX_AGE"] == 600


def test_tasks_run_inline_without_redis_and_go_to_redis_with_it():
    """The embedded default: no REDIS_URL, and Celery runs each task where it is sent (eager), so
    `make run` needs no worker; with REDIS_URL, tasks go to that Redis for the workers."""
    show = (
        "from belmarsh_irp.celery import app; "
        "print(app.conf.task_always_eager, app.conf.broker_url.split('://')[0], app.conf.result_backend.split('://')[0])"
    )
    embedded = manage(
        "shell", "--no-imports", "-c", show, env={"DJANGO_DEBUG": "1", "REDIS_URL": "", "CELERY_BROKER_URL": ""}
    )
    assert embedded.returncode == 0, embedded.stderr
    assert embedded.stdout.split() == ["True", "memory", "cache+memory"]
    with_redis = manage(
        "shell",
        "--no-imports",
        "-c",
        show,
        env={"DJANGO_DEBUG": "1", "REDIS_URL": "redis://127.0.0.1:6379/3", "CELERY_BROKER_URL": ""},
    )
    assert with_redis.returncode == 0, with_redis.stderr
    assert with_redis.stdout.split() == ["False", "redis", "redis"]
