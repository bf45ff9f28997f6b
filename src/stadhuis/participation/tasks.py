"""Background work of participation: counting budget votes that staff queued."""

from stadhuis.core.jobs import PeriodicJob
from stadhuis.participation import services

COUNT_INTERVAL_SECONDS = 5  # a queued count starts within seconds; idle runs are one query

PERIODIC = [
    PeriodicJob(
        name="count-budget-votes", every_seconds=COUNT_INTERVAL_SECONDS, run=services.counts_run_due
    ),
]
