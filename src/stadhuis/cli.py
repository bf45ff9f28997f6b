"""The ``stadhuis`` command: one entry point for operators.

``stadhuis serve`` runs the production WSGI server (granian); every other
sub-command is a Django management command, with dashes allowed in its name
(``stadhuis verify-log`` runs ``verify_log``).
"""

from __future__ import annotations

import os
import sys

USAGE = """usage: stadhuis <command> [options]

commands:
  serve          run the web server (granian): --bind, --workers, --threads,
                 --max-memory
  migrate        create or update the database
  demo           generate the demo city: --residents N --seed S
  verify-log     check the processing log's hash chain; non-zero exit when broken
  seal-log       seal new processing-log entries into chained blocks
  createstaff    add a staff member with roles and a TOTP second factor
  worker         run the background worker (log sealing, mail, retention, vote counting)
  openapi        write (or --check) the committed OpenAPI document
  dossier-schema write (or --check) the JSON Schema of the dossier export
  budget         count a citizens' budget: budget count FILE.pb --rule mes-add1
  ...            any other Django management command
"""


def positive_int(text: str) -> int:
    """A whole number >= 1 (argparse turns the ValueError into a usage message)."""
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


WORKERS_KILL_TIMEOUT = 10  # seconds a server worker gets to stop before it is killed


def serve(argv: list[str]) -> int:
    import argparse

    # String defaults from the environment go through ``type`` too, so a bad value there
    # gives the same one-line usage error (exit 2) as a bad option.
    env = os.environ.get
    parser = argparse.ArgumentParser(prog="stadhuis serve")
    parser.add_argument("--bind", default=env("STADHUIS_BIND", "127.0.0.1:8000"))
    parser.add_argument("--workers", type=positive_int, default=env("STADHUIS_WORKERS", "2"))
    parser.add_argument(
        "--threads",
        type=positive_int,
        default=env("STADHUIS_THREADS", "4"),
        help="threads per worker that run requests",
    )
    parser.add_argument(
        "--max-memory",
        type=int,
        default=env("STADHUIS_MAX_MEMORY_MB", "0"),
        help="restart a worker that uses more than this many MiB (0: never)",
    )
    parser.add_argument("--no-collectstatic", action="store_true")
    parser.add_argument(
        "--with-worker", action="store_true", help="also run the background worker (demo)"
    )
    args = parser.parse_args(argv)
    host, _, port = args.bind.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        parser.error(f"--bind: expected HOST:PORT, got {args.bind!r}")
    if args.max_memory < 0:
        parser.error("--max-memory: expected 0 (never) or a number of MiB")

    import django
    from django.core.management import call_command
    from granian.constants import Interfaces
    from granian.server import Server

    django.setup()
    if not args.no_collectstatic:
        call_command("collectstatic", interactive=False, verbosity=0)
    server = Server(
        "stadhuis.wsgi:application",
        address=host.strip("[]"),
        port=int(port),
        interface=Interfaces.WSGI,
        websockets=False,  # WSGI has none; granian would say so at every start
        workers=args.workers,
        blocking_threads=args.threads,
        log_access=True,
        respawn_failed_workers=True,
        workers_max_rss=args.max_memory or None,
        # Ctrl-C reaches the workers too (the whole process group); a worker that then
        # does not stop when told kept the server running until a second Ctrl-C.
        workers_kill_timeout=WORKERS_KILL_TIMEOUT,
    )
    worker = None
    if args.with_worker:
        import subprocess

        worker = subprocess.Popen([sys.executable, "-m", "stadhuis.cli", "worker"])
    try:
        server.serve()
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=10)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stadhuis.settings")
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return 0
    command, rest = argv[0], argv[1:]
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        if command == "serve":
            return serve(rest)
        execute_from_command_line(["stadhuis", command.replace("-", "_"), *rest])
    except ImproperlyConfigured as exc:  # missing or placeholder keys: one line, no traceback
        print(f"stadhuis: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
