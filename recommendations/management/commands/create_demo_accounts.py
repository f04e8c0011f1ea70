"""Demonstration accounts for a developer's machine: an inspector and a leader of HMP Belmarsh.

``make run`` calls this on every start, after loading the Belmarsh data, so that a newcomer can
sign in at once as each of the two roles. It writes only on the embedded default database (the
SQLite file ``db.sqlite3`` in the project, no ``DATABASE_URL``) and only with ``DEBUG`` on; anywhere
else it refuses and writes nothing. An account that already exists is left as it is (its
password too); only a missing one is created, through ``grant_role`` like any other.

    DJANGO_DEBUG=1 .venv/bin/python manage.py create_demo_accounts
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from recommendations.models import Establishment, Inspectorate
from recommendations.roles import Role, grant_role

# A known password is safe only because these accounts exist on a developer's own SQLite file,
# served by runserver on 127.0.0.1 with DEBUG on; the command refuses any other database.
DEMO_PASSWORD = "belmarsh-demo-2022"
ACCOUNTS = [
    # (username, role, inspectorate slug or establishment slug, what they are)
    ("demo-inspector", Role.INSPECTOR, "hmi-prisons", "an HMI Prisons inspector: the inspectors' workspace"),
    ("demo-leader", Role.LEADER, "belmarsh", "a leader of HMP Belmarsh: its action plan"),
]


def on_embedded_default():
    """True on the SQLite file the project ships with (no ``DATABASE_URL`` pointing elsewhere)."""
    database = settings.DATABASES["default"]
    return database["ENGINE"] == "django.db.backends.sqlite3" and str(database["NAME"]) == str(
        settings.BASE_DIR / "db.sqlite3"
    )


class Command(BaseCommand):
    help = "Create an inspector and a Belmarsh leader to sign in as (embedded SQLite database and DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument("--site", default="http://127.0.0.1:8000", help="The address printed for signing in.")
        parser.add_argument(
            "--elsewhere-say-so",
            action="store_true",
            help="Where no account may be made, say so and succeed (as `make run` does) instead of failing.",
        )

    def handle(self, *args, site, elsewhere_say_so, **options):
        refusal = None
        if not settings.DEBUG:
            refusal = "Demonstration accounts are made only with DEBUG on (DJANGO_DEBUG=1)."
        elif not on_embedded_default():
            refusal = (
                "Demonstration accounts are made only on the embedded SQLite database (db.sqlite3), "
                "never on a database named by DATABASE_URL: give people a role with grant_role."
            )
        if refusal and elsewhere_say_so:
            self.stdout.write(refusal)
            return
        if refusal:
            raise CommandError(refusal)
        User = get_user_model()
        lines = []
        for username, role, where, description in ACCOUNTS:
            if User.objects.filter(username=username).exists():
                lines.append(f"  {username:<15} {description} (password: {DEMO_PASSWORD}, unless changed since)")
                continue
            with transaction.atomic():
                if role == Role.INSPECTOR:
                    inspectorate = Inspectorate.objects.filter(slug=where).first()
                    if inspectorate is None:
                        lines.append(f"  {username:<15} not made: no inspectorate {where} in this database")
                        continue
                    grant_role(username, role, inspectorate=inspectorate, password=DEMO_PASSWORD)
                else:
                    establishment = Establishment.objects.filter(slug=where).first()
                    if establishment is None:
                        lines.append(f"  {username:<15} not made: no establishment {where} in this database")
                        continue
                    grant_role(username, role, establishments=[establishment], password=DEMO_PASSWORD)
            lines.append(f"  {username:<15} {description} (password: {DEMO_PASSWORD})")
        self.stdout.write(f"Demonstration accounts (this SQLite database only); sign in at {site}/sign-in/")
        self.stdout.write("\n".join(lines))
