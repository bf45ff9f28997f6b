"""stadhuis budget: count a citizens' budget from a Pabulib file.

    stadhuis budget count FILE.pb --rule greedy|greedy-noskip|mes-add1|mes-add1-comparison|phragmen
    stadhuis budget count FILE.pb --rule official     # the rule the file says the city used
    stadhuis budget count FILE.pb --rule mes-add1 --explain

Prints the funded project ids, one per line, in funding order (with
``--explain``: id, a tab, and why). A project funded in part (the file's
``leftover_budget`` says "Partially fund one additional project") is funded: it
is listed, last; ``--explain`` says how much of its cost the budget pays. A file
that cannot be read or an unknown rule gives exit status 2 and one line on
stderr, never a traceback.
"""

from __future__ import annotations

import contextlib
import os
import sys

from django.core.management.base import BaseCommand, CommandError

from stadhuis.participation.counting import (
    RULES,
    PabulibError,
    count,
    describe,
    official_rule,
    parse_file,
)


class Command(BaseCommand):
    help = "Count a citizens' budget (Pabulib .pb file) and print the funded project ids."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        counting = sub.add_parser("count", help="count a .pb file and print the funded ids")
        counting.add_argument("file", help="a Pabulib .pb file")
        counting.add_argument(
            "--rule",
            default="official",
            help=f"one of {', '.join(RULES)}, or 'official' (the file's own rule; default)",
        )
        counting.add_argument(
            "--explain", action="store_true", help="add why each project was (not) funded"
        )

    def handle(self, *args, **options):
        rule = options["rule"]
        if rule != "official" and rule not in RULES:
            raise CommandError(
                f"unknown rule {rule!r}; choose from {', '.join(RULES)} or official",
                returncode=2,
            )
        try:
            election = parse_file(options["file"])
        except PabulibError as exc:
            raise CommandError(f"{options['file']}: {exc}", returncode=2) from None
        if rule == "official":
            rule = official_rule(election)
            if rule is None:
                raise CommandError(
                    f"{options['file']}: the file's rule {election.rule!r} is not one we count; "
                    "choose one with --rule",
                    returncode=2,
                )
        outcome = count(election, rule)
        if options["explain"]:
            lines = [
                f"{'+' if e.funded else '-'} {pid}\t{describe(e)}"
                for pid, e in outcome.explanations.items()
            ]
        else:
            lines = outcome.funded
        try:
            for line in lines:
                self.stdout.write(line)
            self.stdout.flush()
        except BrokenPipeError:
            # The reader went away (``| head``): stop quietly, as Unix tools do.
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise SystemExit(1) from None
