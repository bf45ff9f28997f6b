"""``stadhuis serve``: its options reach granian, bad ones are refused, and it serves."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from stadhuis import cli

ROOT = Path(__file__).resolve().parents[2]


class FakeServer:
    made: list[dict] = []

    def __init__(self, target, **options):
        self.made.append({"target": target, **options})

    def serve(self):
        pass


@pytest.fixture
def fake_server(monkeypatch):
    import granian.server

    FakeServer.made = []
    monkeypatch.setattr(granian.server, "Server", FakeServer)
    for name in ("STADHUIS_BIND", "STADHUIS_WORKERS", "STADHUIS_THREADS", "STADHUIS_MAX_MEMORY_MB"):
        monkeypatch.delenv(name, raising=False)
    return FakeServer.made


def test_options_reach_the_server(fake_server):
    argv = ["--bind", "192.0.2.1:9000", "--workers", "3", "--threads", "5", "--max-memory", "512"]
    assert cli.serve([*argv, "--no-collectstatic"]) == 0
    (made,) = fake_server
    assert made["target"] == "stadhuis.wsgi:application"
    assert (made["address"], made["port"]) == ("192.0.2.1", 9000)
    assert (made["workers"], made["blocking_threads"]) == (3, 5)
    assert made["workers_max_rss"] == 512
    assert made["interface"].value == "wsgi" and made["websockets"] is False
    # A worker that does not stop on Ctrl-C is killed, so one Ctrl-C ends the server.
    assert made["workers_kill_timeout"] == cli.WORKERS_KILL_TIMEOUT > 0


def test_defaults_come_from_the_environment(fake_server, monkeypatch):
    monkeypatch.setenv("STADHUIS_BIND", "[::1]:8123")
    monkeypatch.setenv("STADHUIS_WORKERS", "6")
    assert cli.serve(["--no-collectstatic"]) == 0
    (made,) = fake_server
    assert (made["address"], made["port"], made["workers"]) == ("::1", 8123, 6)
    assert made["blocking_threads"] == 4 and made["workers_max_rss"] is None


@pytest.mark.parametrize(
    ("argv", "env", "says"),
    [
        (["--bind", "8000"], {}, "--bind: expected HOST:PORT"),
        (["--bind", "127.0.0.1:99999"], {}, "--bind: expected HOST:PORT"),
        (["--workers", "0"], {}, "--workers: invalid"),
        ([], {"STADHUIS_THREADS": "vier"}, "--threads: invalid"),
        (["--max-memory", "-1"], {}, "--max-memory"),
    ],
)
def test_bad_options_are_refused_in_one_line(fake_server, monkeypatch, capsys, argv, env, says):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit) as exit_:
        cli.serve([*argv, "--no-collectstatic"])
    assert exit_.value.code == 2
    assert says in capsys.readouterr().err
    assert fake_server == []


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_it_serves_the_site(tmp_path):
    """The real server, with the production settings: a page and a static file."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("STADHUIS_")}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        STADHUIS_VAR_DIR=str(tmp_path),
        PYTHONPATH=str(ROOT),
    )
    server = subprocess.Popen(  # noqa: S603 (our own command)
        [
            sys.executable,
            "-m",
            "stadhuis.cli",
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "2",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as r:
                    body = r.read().decode()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"server did not start: {server.stderr.read().decode()[-2000:]}")
                time.sleep(0.3)
        assert '<html lang="nl"' in body
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/web/stadhuis.css") as r:
            assert r.status == 200 and "text/css" in r.headers["Content-Type"]
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=20)
