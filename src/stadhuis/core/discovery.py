"""Find a conventional module (``activities``, ``tasks``, ...) in each Stadhuis app."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module
from types import ModuleType

from django.apps import apps


def app_modules(name: str) -> Iterator[ModuleType]:
    """Yield ``<app>.<name>`` for every installed Stadhuis app that has one."""
    for config in apps.get_app_configs():
        if not config.name.startswith("stadhuis."):
            continue
        dotted = f"{config.name}.{name}"
        try:
            yield import_module(dotted)
        except ModuleNotFoundError as exc:
            if exc.name != dotted:
                raise
