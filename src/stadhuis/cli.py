"""The ``stadhuis`` command: one entry point for operators.

``stadhuis serve`` runs the production WSGI server (gunicorn); every other
sub-command is a Django management command, with dashes allowed in its name
(``stadhuis verify-log`` runs ``verify_log``).
"""

from __future__ import annotations

import os
import sys

USAGE = """usage: stadhuis <command> [options]

commands:
  serve          run the web server (gunicorn): --bind, --workers, --threads,
                 --worker-connections, --max-requests
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


def serve(argv: list[str]) -> int:
    import argparse

    from gunicorn.app.wsgiapp import WSGIApplication

    parser = argparse.ArgumentParser(prog="stadhuis serve")
    parser.add_argument("--bind", default=os.environ.get("STADHUIS_BIND", "127.0.0.1:8000"))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("STADHUIS_WORKERS", "2")))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("STADHUIS_THREADS", "4")))
    parser.add_argument(
        "--worker-connections",
        type=int,
        default=int(os.environ.get("STADHUIS_WORKER_CONNECTIONS", "0")),
        help="connections one worker holds at a time (default: --threads)",
    )
    parser.add_argument(
        "--max-requests",
        type=int,
        default=int(os.environ.get("STADHUIS_MAX_REQUESTS", "0")),
        help="restart a worker after this many requests, with 10%% jitter (0: never)",
    )
    parser.add_argument("--no-collectstatic", action="store_true")
    parser.add_argument(
        "--with-worker", action="store_true", help="also run the background worker (demo)"
    )
    args = parser.parse_args(argv)

    import django
    from django.core.management import call_command

    django.setup()
    if not args.no_collectstatic:
        call_command("collectstatic", interactive=False, verbosity=0)
    # gthread workers accept up to worker_connections keep-alive connections each (the
    # default is 1000): one worker could then hold most clients and serve them on one
    # core, under one GIL. Capped at the thread count, connections spread over workers.
    sys.argv = [
        "gunicorn",
        "--bind", args.bind,
        "--workers", str(args.workers),
        "--threads", str(args.threads),
        "--worker-connections", str(args.worker_connections or args.threads),
        "--access-logfile", "-",
    ]  # fmt: skip
    if args.max_requests > 0:
        # The jitter keeps the workers from restarting all at the same moment.
        sys.argv += [
            "--max-requests", str(args.max_requests),
            "--max-requests-jitter", str(max(1, args.max_requests // 10)),
        ]  # fmt: skip
    sys.argv.append("stadhuis.wsgi:application")
    worker = None
    if args.with_worker:
        import subprocess

        worker = subprocess.Popen([sys.executable, "-m", "stadhuis.cli", "worker"])
    try:
        WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]").run()
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
    if command == "serve":
        return serve(rest)
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["stadhuis", command.replace("-", "_"), *rest])
    except ImproperlyConfigured as exc:  # missing or placeholder keys: one line, no traceback
        print(f"stadhuis: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
