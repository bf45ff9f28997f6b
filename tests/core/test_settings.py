"""Configuration: refuse to start without real keys; every variable is documented."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from stadhuis.core import secrets
from stadhuis.core.config import REGISTRY

ROOT = Path(__file__).resolve().parents[2]


def start(env_overrides, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("STADHUIS_")}
    env.update({"STADHUIS_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "stadhuis.settings"})
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def test_production_refuses_to_start_without_keys(tmp_path):
    result = start({}, tmp_path)
    assert result.returncode != 0
    assert "STADHUIS_SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize("argv", [["check"], ["serve", "--no-collectstatic"]])
def test_the_command_says_what_is_missing_in_one_line(tmp_path, argv):
    env = {k: v for k, v in os.environ.items() if not k.startswith("STADHUIS_")}
    env.update({"STADHUIS_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "stadhuis.settings"})
    result = subprocess.run(  # noqa: S603 (our own command)
        [sys.executable, "-m", "stadhuis.cli", *argv],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("stadhuis: STADHUIS_SECRET_KEY is not set")


def test_production_refuses_a_placeholder_key(tmp_path):
    result = start({"STADHUIS_SECRET_KEY": "changeme-changeme-changeme-changeme-123"}, tmp_path)
    assert result.returncode != 0 and "placeholder" in result.stderr


def test_production_refuses_without_the_pseudonym_key(tmp_path):
    result = start({"STADHUIS_SECRET_KEY": "x7" * 30}, tmp_path)
    assert result.returncode != 0
    assert "STADHUIS_PSEUDONYM_KEY is not set" in result.stderr


def test_demo_mode_generates_local_keys_once(tmp_path):
    assert start({"STADHUIS_DEMO": "1"}, tmp_path).returncode == 0
    stored = (tmp_path / "dev-secrets.json").read_text()
    assert start({"STADHUIS_DEMO": "1"}, tmp_path).returncode == 0
    assert (tmp_path / "dev-secrets.json").read_text() == stored
    assert oct((tmp_path / "dev-secrets.json").stat().st_mode & 0o777) == "0o600"


def test_resolve_without_local_keys_raises(tmp_path):
    with pytest.raises(ImproperlyConfigured):
        secrets.resolve("X", None, kind="token", local_ok=False, var_dir=tmp_path)


def test_every_environment_variable_is_documented():
    from stadhuis.core.jobs import discover

    discover()  # the worker's jobs read their own variables
    documented = set(
        re.findall(r"`([A-Z][A-Z0-9_]+)`", (ROOT / "docs/configuration.md").read_text())
    )
    missing = set(REGISTRY) - documented
    assert not missing, f"document these in docs/configuration.md: {sorted(missing)}"
