"""stadhuis createstaff: add a staff member with roles and a TOTP second factor."""

import getpass
import io
import sys

import segno
from django.core.management.base import BaseCommand, CommandError

from stadhuis.accounts.services import staff_create
from stadhuis.core.errors import StadhuisError
from stadhuis.core.roles import Role


class Command(BaseCommand):
    help = "Create a staff member. Prints the TOTP secret to put in an authenticator app."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--role",
            action="append",
            required=True,
            choices=Role.values,
            help="a role; repeat for more",
        )
        parser.add_argument("--unit", required=True, help="organisation unit (afdeling)")
        parser.add_argument("--email", default="")
        parser.add_argument("--name", default="", help="full name")
        parser.add_argument(
            "--password-stdin", action="store_true", help="read the password from stdin"
        )

    def handle(self, *args, **options):
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Wachtwoord: ")
        try:
            user, device = staff_create(
                actor=None,
                username=options["username"],
                password=password,
                roles=options["role"],
                org_unit=options["unit"],
                email=options["email"],
                full_name=options["name"],
            )
        except StadhuisError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(f"created staff member {user.username} ({', '.join(options['role'])})")
        self.stdout.write("Add this to an authenticator app (TOTP, 6 digits, 30 s):")
        self.stdout.write(f"  {device.config_url}")
        self.stdout.write("or scan this code:")
        qr = io.StringIO()
        segno.make(device.config_url).terminal(out=qr, compact=True)
        self.stdout.write(qr.getvalue())
