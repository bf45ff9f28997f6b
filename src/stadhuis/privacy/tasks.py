"""Background work of the privacy spine."""

from stadhuis.core.config import env_int
from stadhuis.core.jobs import PeriodicJob
from stadhuis.privacy import chain, services

SEAL_INTERVAL = env_int(
    "STADHUIS_SEAL_INTERVAL_SECONDS",
    5,
    help="How often the worker seals new processing-log entries into chained blocks; "
    "the longest time an entry stays unsealed.",
)

PERIODIC = [
    PeriodicJob(name="seal-processing-log", every_seconds=SEAL_INTERVAL, run=chain.seal),
    # Idempotent: a withdrawn consent is deleted once, a second run finds nothing.
    PeriodicJob(
        name="consents-retention", every_seconds=3600, run=services.consents_retention_apply
    ),
]
