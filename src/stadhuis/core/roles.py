"""Staff roles, and the check that services make before they act.

Roles live in ``core`` because every layer checks them; ``accounts`` stores who has
which role. Views may hide buttons, but the rule is enforced here, in the service.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from stadhuis.core.context import Actor, ActorKind
from stadhuis.core.errors import NotAllowed


class Role(models.TextChoices):
    CASE_HANDLER = "case_handler", _("Zaakbehandelaar")
    OMBUDSMAN = "ombudsman", _("Ombudsman")
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")
    SECURITY_OFFICER = "security_officer", _("Security officer")
    DATA_STEWARD = "data_steward", _("Data steward")
    ALGORITHM_STEWARD = "algorithm_steward", _("Algoritmebeheerder")
    ETHICS_COMMISSION = "ethics_commission", _("Lid ethische commissie")
    ADMINISTRATOR = "administrator", _("Beheerder")


def require_role(actor: Actor, *roles: str) -> None:
    """Refuse unless the actor is staff holding one of ``roles``."""
    if actor.kind != ActorKind.STAFF or not any(actor.has_role(role) for role in roles):
        raise NotAllowed(
            _("Hiervoor heeft u een van deze rollen nodig: %(roles)s.")
            % {"roles": ", ".join(str(Role(r).label) for r in roles)}
        )
