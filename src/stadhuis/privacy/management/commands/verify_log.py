"""stadhuis verify-log: check the whole processing log; exit 1 and name the first problem."""

import time

from django.core.management.base import BaseCommand, CommandError

from stadhuis.privacy import chain


class Command(BaseCommand):
    help = "Verify the processing log's hashes and block chain."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="report every problem, not only the first"
        )

    def handle(self, *args, **options):
        started = time.perf_counter()
        result = chain.verify(stop_at_first=not options["all"])
        elapsed = time.perf_counter() - started
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(f"BROKEN: {problem}")
            raise CommandError(
                f"processing log is NOT intact: first problem: {result.first_problem}"
            )
        unsealed = result.entries - result.sealed_entries
        self.stdout.write(
            f"processing log intact: {result.entries} entries, {result.blocks} blocks, "
            f"{unsealed} not yet sealed; head {result.head} ({elapsed:.1f} s)"
        )
