"""Background work of the dossier: retention of assisted-service records."""

from stadhuis.core.jobs import PeriodicJob
from stadhuis.dossier import services

PERIODIC = [
    PeriodicJob(
        name="assisted-sessions-retention",
        every_seconds=3600,
        run=services.assisted_sessions_retention_apply,
    ),
]
