"""stadhuis demo: generate the demo city and print its accounts."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from stadhuis.demo.register import DEMO_STAFF_PASSWORD
from stadhuis.demo.services import generate_city


class Command(BaseCommand):
    help = "Generate the deterministic demo city (add --residents N for load tests)."

    def add_arguments(self, parser):
        parser.add_argument("--residents", type=int, default=0, help="extra generated residents")
        parser.add_argument(
            "--cases", type=int, default=0, help="extra generated cases (with status histories)"
        )
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--quiet", action="store_true", help="do not print the accounts")

    def handle(self, *args, **options):
        if options["residents"] < 0 or options["cases"] < 0:
            raise CommandError("--residents and --cases must be 0 or more")
        summary = generate_city(
            seed=options["seed"], residents=options["residents"], cases=options["cases"]
        )
        if options["quiet"]:
            return
        out = self.stdout.write
        out("")
        out(
            "Demo city ready"
            + (
                f" with {summary.extra_residents} extra residents"
                if summary.extra_residents
                else ""
            )
        )
        out("")
        out("Residents (log in at /inloggen/demo):")
        for person in summary.residents:
            out(f"  {person['name']:<20} BSN {person['bsn']}  {person['story']}")
        out("")
        out(f"Staff (log in at /medewerkers/inloggen, password: {DEMO_STAFF_PASSWORD};")
        out("the login page shows the current 6-digit code in demo mode):")
        for member in summary.staff:
            device = TOTPDevice.objects.get(user__username=member["username"])
            out(f"  {member['username']:<12} {member['role']:<18} TOTP secret {device.config_url}")
        if settings.DEMO_MODE:
            out("")
            out(f"E-mail to residents is written to {settings.VAR_DIR / 'mail'} (demo mode).")
        if not settings.DEMO_MODE:
            out("")
            out("Note: STADHUIS_DEMO is off, so the demo login pages are not available.")
