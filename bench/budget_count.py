"""Benchmark: parse and count big citizens' budgets with every rule.

Counts ``Poland_Warszawa_2026.pb`` (61,668 voters, 83 projects) and
``Poland_Lodz_2022.pb`` (90,494 voters, 160 projects) from ``../shared/data/pabulib``
with each rule, several times, and prints the median times as a Markdown table.
With ``--pabutools`` it also counts Equal Shares with Add1 once with pabutools
(the GPL reference library, a dev dependency only) and reports the ratio and
whether both fund the same projects.

    .venv/bin/python bench/budget_count.py
    .venv/bin/python bench/budget_count.py --repeat 5 --pabutools
    .venv/bin/python bench/budget_count.py --repeat 1 --rules greedy --pabutools-tail

pabutools' Add1 stops raising the voters' money at the first outcome to which
nothing more can be added ("exhaustive"); the official Add1 (Świecie, Wieliczka)
goes on while the outcome fits. Our ``mes-add1`` is the official one; the row
``mes-add1 (stop when exhaustive)`` is pabutools' definition and is the one to
compare with pabutools.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

from stadhuis.participation.counting import RULES, count, parse_file  # noqa: E402
from stadhuis.participation.counting.rules import equal_shares  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "pabulib"
FILES = ("Poland_Warszawa_2026.pb", "Poland_Lodz_2022.pb")
PABUTOOLS_EXHAUSTIVE = "mes-add1 (stop when exhaustive)"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                cpu = line.split(":", 1)[1].strip()
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs (nproc), Python {platform.python_version()}"


def timed(fn, repeat: int) -> tuple[float, object]:
    """Median CPU seconds of ``repeat`` calls (CPU time, not wall time: the benchmark
    machine is shared, and other jobs would otherwise inflate the figures)."""
    times, result = [], None
    for _ in range(repeat):
        start = time.process_time()
        result = fn()
        times.append(time.process_time() - start)
    return statistics.median(times), result


def pabutools_mes(path: Path) -> tuple[float, float, set[str]]:
    from pabutools.election import Cost_Sat, parse_pabulib
    from pabutools.rules import method_of_equal_shares

    start = time.process_time()
    instance, profile = parse_pabulib(str(path))
    parsed = time.process_time() - start
    start = time.process_time()
    outcome = method_of_equal_shares(
        instance, profile.as_multiprofile(), sat_class=Cost_Sat, voter_budget_increment=1
    )
    return parsed, time.process_time() - start, {p.name for p in outcome}


def pabutools_tail(path: Path, raises: int) -> tuple[float, set[str]]:
    """pabutools' own Add1 loop started ``raises`` units per voter above budget / voters
    (our final amount minus one): a few counts instead of hundreds, to compare the
    funded set and the cost of one pabutools count when the full run takes too long."""
    from pabutools.election import Cost_Sat, parse_pabulib
    from pabutools.fractions import frac
    from pabutools.rules.budgetallocation import BudgetAllocation
    from pabutools.rules.mes.mes_rule import method_of_equal_shares_scheme
    from pabutools.tiebreaking import lexico_tie_breaking

    instance, profile = parse_pabulib(str(path))
    multi = profile.as_multiprofile()
    start = frac(instance.budget_limit, profile.num_ballots()) + raises
    begin = time.process_time()
    outcome = method_of_equal_shares_scheme(
        instance,
        multi,
        multi.as_sat_profile(Cost_Sat),
        start,
        BudgetAllocation(),
        lexico_tie_breaking,
        voter_budget_increment=1,
        binary_sat=True,
    )
    return time.process_time() - begin, {p.name for p in outcome}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--files", nargs="*", default=list(FILES))
    parser.add_argument("--rules", nargs="*", default=[*RULES, PABUTOOLS_EXHAUSTIVE])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pabutools", action="store_true", help="also time pabutools (minutes)")
    parser.add_argument(
        "--pabutools-tail",
        action="store_true",
        help="run pabutools' Add1 only from one raise before our final amount per voter",
    )
    args = parser.parse_args()

    print(f"Machine: {machine()}")
    print(f"Repetitions: {args.repeat} (median shown)\n")
    print("| file | voters | projects | step | median CPU s | funded | budget used |")
    print("|---|---:|---:|---|---:|---:|---:|")
    for name in args.files:
        path = args.data / name
        parse_s, election = timed(lambda path=path: parse_file(path), args.repeat)
        voters, projects = len(election.voters), len(election.projects)
        print(f"| {name} | {voters} | {projects} | parse | {parse_s:.2f} | | |")
        ours_exhaustive: set[str] = set()
        for rule in args.rules:
            if rule == PABUTOOLS_EXHAUSTIVE:

                def run(e=election):
                    return equal_shares(e, completion="add1", exhaustive=True)
            else:

                def run(e=election, r=rule):
                    return count(e, r)

            seconds, outcome = timed(run, args.repeat)
            if rule == PABUTOOLS_EXHAUSTIVE:
                ours_exhaustive = set(outcome.funded)
            print(
                f"| {name} | {voters} | {projects} | {rule} | {seconds:.2f} | "
                f"{len(outcome.funded)} | {outcome.budget_used} of {election.budget} |"
            )
        if args.pabutools_tail:
            ours = equal_shares(election, completion="add1", exhaustive=True)
            seconds, funded = pabutools_tail(path, ours.details["add1_steps"] - 1)
            same = "same" if funded == set(ours.funded) else "DIFFERENT"
            print(
                f"| {name} | {voters} | {projects} | pabutools Add1, last 3 counts | "
                f"{seconds:.1f} | {len(funded)} ({same} set) | |"
            )
        if args.pabutools:
            p_parse, p_mes, funded = pabutools_mes(path)
            ours_s, _ = timed(
                lambda e=election: equal_shares(e, completion="add1", exhaustive=True), 1
            )
            same = "same" if funded == ours_exhaustive else "DIFFERENT"
            print(
                f"| {name} | {voters} | {projects} | pabutools parse | {p_parse:.2f} | | |\n"
                f"| {name} | {voters} | {projects} | pabutools MES + Add1 | {p_mes:.1f} | "
                f"{len(funded)} ({same} set) | ratio {p_mes / ours_s:.0f}x |"
            )


if __name__ == "__main__":
    main()
