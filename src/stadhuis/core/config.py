"""Settings from environment variables, each read through one helper that records it.

Every variable the project reads is declared here with its meaning, so
``docs/configuration.md`` can be checked against the code (see the test that
compares them) and nothing is read from the environment in passing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Variable:
    name: str
    help: str
    default: str | None


REGISTRY: dict[str, Variable] = {}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env(name: str, default: str | None = None, *, help: str) -> str | None:
    """Read an environment variable and record that the project uses it."""
    REGISTRY[name] = Variable(name=name, help=help, default=default)
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False, *, help: str) -> bool:
    raw = env(name, "1" if default else "0", help=help)
    value = (raw or "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int, *, help: str) -> int:
    raw = env(name, str(default), help=help)
    try:
        return int(raw or default)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


def env_list(name: str, default: str = "", *, help: str) -> list[str]:
    raw = env(name, default, help=help) or ""
    return [item.strip() for item in raw.split(",") if item.strip()]
