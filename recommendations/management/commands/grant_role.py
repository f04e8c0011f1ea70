"""Give a person a role in the tracker, creating their account if needed.

Inspectors work in the inspectors' workspace (the admin) and judge only their own inspectorate's
recommendations; prison leaders run their establishments' responses and actions and never
reach the admin. Roles are groups with exactly the permissions they need
(``recommendations.roles``); running the command again brings the group up to date.

    .venv/bin/python manage.py grant_role jo.bloggs inspector --inspectorate hmi-prisons
    .venv/bin/python manage.py grant_role sam.smith leader --establishment belmarsh
    .venv/bin/python manage.py grant_role sam.smith leader --establishment belmarsh --email sam.smith@belmarsh.example
    printf '%s\\n' "$PASSWORD" | .venv/bin/python manage.py grant_role jo.bloggs inspector \\
        --inspectorate ofsted --password-stdin

A password read from standard input must pass Django's password validators; without one, a
new account has no usable password: the person sets one with "Forgotten your password?" on the
sign-in page, which e-mails a link to their ``--email`` address (or set one with ``changepassword``).
The e-mail address also receives the action reminders (``send_action_reminders``); people change
it themselves on their account page.
"""

import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from recommendations.models import Establishment, Inspectorate
from recommendations.roles import Role, RoleError, grant_role


class DryRun(Exception):
    pass


class Command(BaseCommand):
    stealth_options = ("stdin",)
    help = "Give USERNAME the inspector or leader role (creating the user if needed)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", help="inspector or leader")
        parser.add_argument("--inspectorate", metavar="SLUG", help="An inspector's inspectorate, e.g. hmi-prisons.")
        parser.add_argument(
            "--establishment",
            metavar="SLUG",
            nargs="+",
            action="extend",
            default=[],
            help="A leader's establishment(s), e.g. belmarsh; repeat or list several.",
        )
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from the first line of standard input (checked by Django's validators).",
        )
        parser.add_argument(
            "--email",
            metavar="ADDRESS",
            help="Their email address, for reminders and password resets (one address per person).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check everything and write nothing.")

    def handle(
        self, *args, username, role, inspectorate, establishment, password_stdin, dry_run, email=None, **options
    ):
        username = username.strip()
        if not username:
            raise CommandError("Give a username.")
        if role not in Role.ALL:
            raise CommandError(f"Unknown role “{role}”: choose one of {', '.join(Role.ALL)}.")

        inspectorate_obj = None
        if inspectorate:
            inspectorate_obj = Inspectorate.objects.filter(slug=inspectorate).first()
            if inspectorate_obj is None:
                known = ", ".join(Inspectorate.objects.values_list("slug", flat=True))
                raise CommandError(f"No inspectorate “{inspectorate}”. Known inspectorates: {known}.")
        establishments = []
        for slug in establishment:
            found = Establishment.objects.filter(slug=slug).first()
            if found is None:
                raise CommandError(f"No establishment “{slug}”. Check its slug in the admin or on the public site.")
            establishments.append(found)

        password = None
        if password_stdin:
            password = self.read_password(options.get("stdin") or sys.stdin)
            User = get_user_model()
            candidate = User.objects.filter(username=username).first() or User(username=username)
            try:
                validate_password(password, candidate)
            except ValidationError as error:
                raise CommandError("The password was refused: " + " ".join(error.messages)) from None

        try:
            with transaction.atomic():
                user, created = grant_role(
                    username,
                    role,
                    inspectorate=inspectorate_obj,
                    establishments=establishments,
                    password=password,
                    email=email,
                )
                if dry_run:
                    raise DryRun
        except RoleError as error:
            raise CommandError(str(error)) from None
        except DryRun:
            self.stdout.write(f"Dry run: {username} would be given the {role} role; nothing was written.")
            return

        tied_to = str(inspectorate_obj) if role == Role.INSPECTOR else ", ".join(str(e) for e in establishments)
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} {user.username}: {role} for {tied_to}."))
        if options["verbosity"] >= 2:
            workspace = "may sign in to the inspectors' workspace at /admin/" if user.is_staff else "uses /sign-in/"
            self.stdout.write(f"{user.username} {workspace}.")
        if created and password is None:
            if user.email:
                self.stdout.write(
                    f"{user.username} has no password yet: they choose one with “Forgotten your password?” "
                    f"on the sign-in page, which emails a link to {user.email}."
                )
            else:
                self.stdout.write(
                    f"{user.username} has no password yet: set one with "
                    f"`.venv/bin/python manage.py changepassword {user.username}` or --password-stdin."
                )
        if not user.email:
            self.stdout.write(
                f"{user.username} has no email address: they get no reminders and cannot reset a password. "
                f"Add one with --email."
            )

    def read_password(self, stdin):
        line = stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            raise CommandError("--password-stdin was given but standard input held no password.")
        return password
