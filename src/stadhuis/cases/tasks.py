"""Background work of track & trace: mail from the outbox, pruning look-up attempts."""

from stadhuis.cases import services
from stadhuis.core.config import env_int
from stadhuis.core.jobs import PeriodicJob

MAIL_INTERVAL = env_int(
    "STADHUIS_MAIL_INTERVAL_SECONDS", 10, help="How often the worker sends queued e-mail."
)

PERIODIC = [
    PeriodicJob(
        name="send-notifications", every_seconds=MAIL_INTERVAL, run=services.notifications_send_due
    ),
    PeriodicJob(
        name="prune-lookup-attempts", every_seconds=3600, run=services.lookup_attempts_prune
    ),
    # Idempotent: a case is anonymised once; later runs find nothing more to do.
    PeriodicJob(name="apply-retention", every_seconds=3600, run=services.cases_retention_apply),
]
