"""Key material: from the environment in production, generated locally for debug and demo.

Production must set every key explicitly (the settings refuse to start otherwise).
In debug or demo mode a missing key is generated once and kept in
``<var>/dev-secrets.json`` (mode 0600), so a demo city's pseudonyms and log chain
stay valid across restarts without anyone copying keys around.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# A placeholder that must never be accepted as a real key.
INSECURE_MARKERS = ("insecure", "changeme", "change-me", "secret")


def _generate(kind: str) -> str:
    if kind == "fernet":
        return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    return secrets.token_urlsafe(48)


def resolve(name: str, value: str | None, *, kind: str, local_ok: bool, var_dir: Path) -> str:
    """Return the key for ``name``, generating a local one only when allowed."""
    if value:
        if not local_ok and (
            len(value) < 32 or any(marker in value.lower() for marker in INSECURE_MARKERS)
        ):
            raise ImproperlyConfigured(
                f"{name} looks like a placeholder; set a real random key of at least 32 characters"
            )
        return value
    if not local_ok:
        raise ImproperlyConfigured(
            f"{name} is not set. Stadhuis refuses to start outside debug or demo mode "
            "without its keys; see docs/configuration.md."
        )
    path = var_dir / "dev-secrets.json"
    stored: dict[str, str] = {}
    if path.exists():
        stored = json.loads(path.read_text())
    if name not in stored:
        stored[name] = _generate(kind)
        var_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(stored, handle, indent=2)
    return stored[name]
