"""stadhuis issue-token: a new API token for an application (shown once).

    stadhuis issue-token "Meldingen-app" --unit Stadsbeheer \
        --grant melding-openbare-ruimte:read,create:intern

``--unit`` creates the application when it does not exist yet; each ``--grant``
(``<case type code>:<actions>:<max confidentiality>``) adds or replaces a grant.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from stadhuis.accounts import applications
from stadhuis.accounts.models import Application
from stadhuis.core.errors import StadhuisError


def _parse_grant(value: str) -> tuple[str, list[str], str]:
    parts = value.split(":")
    if len(parts) != 3:
        raise CommandError(
            f"--grant {value!r}: use <case type code>:<read,create,update>:<max confidentiality>"
        )
    code, actions, level = parts
    return code, [a for a in actions.split(",") if a], level


class Command(BaseCommand):
    help = "Issue an API token for an application. The token is printed once; store it safely."

    def add_arguments(self, parser):
        parser.add_argument("name", help="the application's name")
        parser.add_argument("--unit", help="organisation unit; creates the application if new")
        parser.add_argument(
            "--grant",
            action="append",
            default=[],
            help="<case type code>:<actions>:<max confidentiality>; repeat for more",
        )

    def handle(self, *args, name: str, unit: str | None, grant: list[str], **options):
        grants = [_parse_grant(value) for value in grant]
        try:
            with transaction.atomic():
                app = Application.objects.filter(name=name).first()
                if app is None:
                    if not unit:
                        raise CommandError(f"No application {name!r}. Give --unit to create it.")
                    app = applications.application_create(actor=None, name=name, org_unit=unit)
                for code, actions, level in grants:
                    applications.grant(
                        actor=None,
                        application=app,
                        case_type_code=code,
                        actions=actions,
                        max_confidentiality=level,
                    )
                token, raw = applications.token_issue(actor=None, application=app)
        except StadhuisError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(f"Token for {app.name} ({token.prefix}…), shown only now:")
        self.stdout.write(raw)
        self.stderr.write("Use it as: Authorization: Bearer <token>")
