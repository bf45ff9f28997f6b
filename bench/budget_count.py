"""Benchmark: parse and count big citizens' budgets with every rule.

Counts ``Poland_Warszawa_2026.pb`` (61,668 voters, 83 projects) and
``Poland_Lodz_2022.pb`` (90,494 voters, 160 projects) from ``../shared/data/pabulib``
with each rule, several times, and prints the median times as a Markdown table.
With ``--pabutools`` it also counts Equal Shares with Add1 once with pabutools
(the GPL reference library, a dev dependency only), to completion, and reports the
ratio of the CPU times and whether both fund the same projects.

pabutools runs in a child process (``--pabutools-nice``, default 19, so that it
yields the shared machine to everyone else), started before our own counts so that
both are measured in the same run; its CPU time is the child's own
``time.process_time`` (parse and count apart) and, as a check, the child's total
user + system time from ``os.wait4``. There is no cut-off unless
``--pabutools-cpu-limit SECONDS`` is given (then the child is stopped by the kernel
at that much CPU time and the ratio is reported as "at least").

    .venv/bin/python bench/budget_count.py
    .venv/bin/python bench/budget_count.py --repeat 5 --pabutools
    nice -n 19 .venv/bin/python bench/budget_count.py --files Poland_Warszawa_2026.pb \
        --rules mes-add1 "mes-add1 (stop when exhaustive)" --repeat 3 --pabutools
    .venv/bin/python bench/budget_count.py --repeat 1 --rules greedy --pabutools-tail

pabutools' Add1 stops raising the voters' money at the first outcome to which
nothing more can be added ("exhaustive"); the official Add1 (Świecie, Wieliczka)
goes on while the outcome fits. Our ``mes-add1`` is the official one; the row
``mes-add1 (stop when exhaustive)`` is pabutools' definition and is the one to
compare with pabutools.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import signal
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


def pabutools_mes(path: Path, progress: bool = False) -> dict:
    """Equal Shares with Add1 by pabutools, exact fractions, to the end.

    With ``progress`` every count of its Add1 loop is reported on stderr, and the
    result says where the time went (set-up before the first count, the counts,
    and what follows the last one): thin wrappers around its inner count (one
    extra Python call per selected project) and around its Add1 loop (one call)."""
    from pabutools.election import Cost_Sat, parse_pabulib
    from pabutools.rules import method_of_equal_shares
    from pabutools.rules.mes import mes_rule

    marks: dict[str, float] = {}
    clock = [0.0]  # process time at which the count proper starts (after parsing)
    if progress:
        inner, scheme = mes_rule.mes_inner_algo, mes_rule.method_of_equal_shares_scheme
        counts, depth = [0], [0]

        def counted(*args, **kwargs):
            # The inner count calls itself once per selected project: report only
            # the outermost call, once per amount per voter.
            depth[0] += 1
            per_voter = 0.0
            if depth[0] == 1:
                marks.setdefault("first_count_start", time.process_time() - clock[0])
                per_voter = float(args[2][0].budget) if args[2] else 0.0
            try:
                return inner(*args, **kwargs)
            finally:
                depth[0] -= 1
                if depth[0] == 0:
                    counts[0] += 1
                    marks["last_count_end"] = time.process_time() - clock[0]
                    marks["counts"] = counts[0]
                    print(
                        f"pabutools count {counts[0]} at {per_voter:.2f} per voter done:",
                        f"{marks['last_count_end']:.0f} CPU s into MES",
                        file=sys.stderr,
                        flush=True,
                    )

        def add1_loop(*args, **kwargs):
            result = scheme(*args, **kwargs)
            marks["add1_loop_end"] = time.process_time() - clock[0]
            return result

        mes_rule.mes_inner_algo = counted
        mes_rule.method_of_equal_shares_scheme = add1_loop

    start = time.process_time()
    instance, profile = parse_pabulib(str(path))
    parsed = time.process_time() - start
    clock[0] = start = time.process_time()
    outcome = method_of_equal_shares(
        instance, profile.as_multiprofile(), sat_class=Cost_Sat, voter_budget_increment=1
    )
    return {
        "parse_s": parsed,
        "mes_s": time.process_time() - start,
        "marks": marks,
        "funded": sorted(p.name for p in outcome),
        "cost": str(sum(p.cost for p in outcome)),
    }


def start_pabutools(path: Path, niceness: int, cpu_limit: int | None) -> subprocess.Popen:
    """Start the pabutools count of ``path`` in a child process (niced, optionally
    CPU-limited); its result comes as one JSON line on its stdout."""

    def limit() -> None:
        os.nice(niceness)
        if cpu_limit:
            resource.setrlimit(resource.RLIMIT_CPU, (cpu_limit, cpu_limit + 5))

    return subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--pabutools-child", str(path)],
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=limit,
    )


def finish_pabutools(child: subprocess.Popen) -> tuple[dict | None, float, int]:
    """Wait for the child; its result (None if it did not finish), its total CPU
    seconds (user + system, from the kernel) and its wait status. The 1-minute load
    average is sampled every 30 s meanwhile and summarised at the end."""
    loads, ticks = [], 0
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        if ticks % 30 == 0:
            loads.append(os.getloadavg()[0])
        ticks += 1
        time.sleep(1)
    out = child.stdout.read() if child.stdout else ""
    if loads:
        print(
            f"(1-minute load average while pabutools ran: min {min(loads):.1f}, "
            f"median {statistics.median(loads):.1f}, max {max(loads):.1f}, "
            f"{len(loads)} samples)"
        )
    child.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    lines = [line for line in out.splitlines() if line.startswith("{")]
    return (json.loads(lines[-1]) if lines and child.returncode == 0 else None), cpu, status


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
    parser.add_argument(
        "--pabutools", action="store_true", help="also time pabutools to completion (long)"
    )
    parser.add_argument(
        "--pabutools-nice", type=int, default=19, help="niceness of the pabutools child"
    )
    parser.add_argument(
        "--pabutools-cpu-limit",
        type=int,
        default=None,
        help="stop pabutools after this many CPU seconds (default: no cut-off)",
    )
    parser.add_argument("--pabutools-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--pabutools-tail",
        action="store_true",
        help="run pabutools' Add1 only from one raise before our final amount per voter",
    )
    args = parser.parse_args()
    if args.pabutools_child:
        print(json.dumps(pabutools_mes(args.pabutools_child, progress=True)), flush=True)
        return

    print(f"Machine: {machine()}")
    print(f"Load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"Repetitions: {args.repeat} (median shown)\n")
    print("| file | voters | projects | step | median CPU s | funded | budget used |")
    print("|---|---:|---:|---|---:|---:|---:|")
    for name in args.files:
        path = args.data / name
        # pabutools first, in its own niced process: it runs while we count.
        child = (
            start_pabutools(path, args.pabutools_nice, args.pabutools_cpu_limit)
            if args.pabutools
            else None
        )
        parse_s, election = timed(lambda path=path: parse_file(path), args.repeat)
        voters, projects = len(election.voters), len(election.projects)
        print(f"| {name} | {voters} | {projects} | parse | {parse_s:.2f} | | |")
        ours_exhaustive: set[str] = set()
        exhaustive_s: float | None = None
        for rule in args.rules:
            if rule == PABUTOOLS_EXHAUSTIVE:

                def run(e=election):
                    return equal_shares(e, completion="add1", exhaustive=True)
            else:

                def run(e=election, r=rule):
                    return count(e, r)

            seconds, outcome = timed(run, args.repeat)
            if rule == PABUTOOLS_EXHAUSTIVE:
                ours_exhaustive, exhaustive_s = set(outcome.funded), seconds
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
        if child is not None:
            if exhaustive_s is None:
                exhaustive_s, ours = timed(
                    lambda e=election: equal_shares(e, completion="add1", exhaustive=True),
                    args.repeat,
                )
                ours_exhaustive = set(ours.funded)
            result, child_cpu, status = finish_pabutools(child)
            report_pabutools(name, voters, projects, result, child_cpu, status)
            # Ours again, now that the machine has been loaded for as long as pabutools
            # ran: the slower of the two medians is the one the ratio is taken with.
            after_s, _ = timed(
                lambda e=election: equal_shares(e, completion="add1", exhaustive=True),
                args.repeat,
            )
            print(
                f"| {name} | {voters} | {projects} | {PABUTOOLS_EXHAUSTIVE}, "
                f"again after pabutools | {after_s:.2f} | | |"
            )
            exhaustive_s = max(exhaustive_s, after_s)
            ours_total = parse_s + exhaustive_s
            if result is None:
                print(
                    f"\npabutools did not finish ({describe_status(status)}) after "
                    f"{child_cpu:.0f} CPU s: ratio at least {child_cpu / ours_total:.0f}x "
                    f"(parse + count, against ours {ours_total:.2f} CPU s)"
                )
                continue
            same = set(result["funded"]) == ours_exhaustive
            theirs_total = result["parse_s"] + result["mes_s"]
            print(
                f"\n{name}: pabutools MES + Add1 {result['mes_s']:.1f} CPU s, "
                f"ours (stop when exhaustive, slower median) {exhaustive_s:.2f} CPU s: "
                f"ratio {result['mes_s'] / exhaustive_s:.0f}x for the count; "
                f"with parsing {theirs_total:.1f} against {ours_total:.2f} CPU s: "
                f"{theirs_total / ours_total:.0f}x; "
                f"funded sets {'EQUAL' if same else 'DIFFERENT'} "
                f"({len(result['funded'])} and {len(ours_exhaustive)} projects)"
            )
            if not same:
                only_p = sorted(set(result["funded"]) - ours_exhaustive)
                only_o = sorted(ours_exhaustive - set(result["funded"]))
                print(f"only pabutools: {only_p}; only ours: {only_o}")
    print(f"\nLoad average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def describe_status(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"


def report_pabutools(name, voters, projects, result, child_cpu, status) -> None:
    if result is None:
        print(
            f"| {name} | {voters} | {projects} | pabutools MES + Add1 | "
            f">= {child_cpu:.0f} (unfinished, {describe_status(status)}) | | |"
        )
        return
    print(
        f"| {name} | {voters} | {projects} | pabutools parse | {result['parse_s']:.2f} | | |\n"
        f"| {name} | {voters} | {projects} | pabutools MES + Add1 | {result['mes_s']:.1f} | "
        f"{len(result['funded'])} | {result['cost']} |\n"
        f"| {name} | {voters} | {projects} | pabutools process total (kernel) | "
        f"{child_cpu:.1f} | | |"
    )
    marks = result.get("marks") or {}
    if marks:
        print(
            f"(pabutools, CPU s into MES: first count starts at "
            f"{marks.get('first_count_start', 0):.1f}, count {marks.get('counts')} ends at "
            f"{marks.get('last_count_end', 0):.1f}, its Add1 loop returns at "
            f"{marks.get('add1_loop_end', 0):.1f}, MES returns at {result['mes_s']:.1f})"
        )


if __name__ == "__main__":
    main()
