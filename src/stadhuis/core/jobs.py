"""Periodic background jobs, declared by each app in its ``tasks.py`` as ``PERIODIC``.

The worker (``stadhuis worker``) runs each job at its interval, one at a time, in its
own process. Jobs must be idempotent: running one twice, or after a crash half-way,
does no harm. Work that must never be lost (mail, later) lives in database tables
that a job drains, so a stopped worker delays work but never drops it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from stadhuis.core.discovery import app_modules

log = logging.getLogger("stadhuis.worker")


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every_seconds: float
    run: Callable[[], object]


def discover() -> list[PeriodicJob]:
    return [job for module in app_modules("tasks") for job in getattr(module, "PERIODIC", [])]
