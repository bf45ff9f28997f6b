"""stadhuis worker: run the periodic background jobs until stopped (SIGTERM or Ctrl-C)."""

import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from stadhuis.core.jobs import discover, log


class Command(BaseCommand):
    help = "Run background jobs (processing-log sealing; later mail, deadlines, retention)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run every job once and stop")

    def handle(self, *args, **options):
        jobs = discover()
        stopping = False

        def stop(_signum, _frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        next_run = {job.name: 0.0 for job in jobs}
        self.stdout.write("worker started: " + ", ".join(job.name for job in jobs))
        while not stopping:
            now = time.monotonic()
            for job in jobs:
                if now >= next_run[job.name]:
                    close_old_connections()
                    try:
                        result = job.run()
                    except Exception:  # one failing job must not stop the others
                        log.exception("job %s failed; retrying next interval", job.name)
                    else:
                        if options["verbosity"] > 1:
                            self.stdout.write(f"{job.name}: {result}")
                    next_run[job.name] = time.monotonic() + job.every_seconds
            if options["once"]:
                break
            time.sleep(0.2)
        self.stdout.write("worker stopped")
