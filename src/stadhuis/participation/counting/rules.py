"""The counting rules: greedy (with and without skipping), the Method of Equal
Shares with the Add1 completion, and sequential Phragmén.

All rules are deterministic. Ties are broken the same way everywhere: more
votes first, then the lower cost, then the order of the projects in the file
(``Election.projects``); this reproduces the official outcomes of Świecie,
Wieliczka, Assen, Warszawa and Łódź (tests/participation/test_counting.py).

Greedy counts exactly (integers and fractions). Equal Shares and Phragmén work
with floats for speed (Warszawa: 61,668 voters); comparisons that decide a step
use a relative tolerance of ``EPS`` so that rounding noise cannot break a tie
the exact numbers would have, after which the tie-break above decides.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from collections.abc import Callable
from itertools import accumulate
from operator import itemgetter, mul

from . import explain as ex
from .model import CUMULATIVE, SCORING, Election, Number

EPS = 1e-9


class _Prepared:
    """Integer-indexed view of an election, shared by the rules.

    Projects are numbered in file order; a ballot becomes a tuple of project
    numbers (a project named twice counts once) and, for approval-like ballots,
    a bitmask, so that "which of the winners did this voter support" is one ``&``.
    """

    def __init__(self, election: Election) -> None:
        self.election = election
        self.pids = list(election.projects)
        self.cost: list[Number] = [election.projects[p].cost for p in self.pids]
        self.costf = [float(c) for c in self.cost]
        index = election.project_index
        m = len(self.pids)
        self.cardinal = election.vote_type in (CUMULATIVE, SCORING)
        self.approvers: list[list[int]] = [[] for _ in range(m)]
        self.weights: list[list[float]] = [[] for _ in range(m)]
        score: list[Number] = [0] * m
        masks: list[int] = []
        for v, voter in enumerate(election.voters):
            mask = 0
            if self.cardinal and voter.points is not None:
                for pid, pts in zip(voter.ballot, voter.points, strict=True):
                    j = index[pid]
                    if pts > 0 and not mask >> j & 1:
                        mask |= 1 << j
                        self.approvers[j].append(v)
                        self.weights[j].append(float(pts))
                        score[j] += pts
            else:
                for pid in voter.ballot:
                    j = index[pid]
                    if not mask >> j & 1:
                        mask |= 1 << j
                        self.approvers[j].append(v)
                        score[j] += 1
            masks.append(mask)
        if not election.voters:
            # Only totals are known (paper results typed in): use the votes column.
            for j, pid in enumerate(self.pids):
                raw = election.projects[pid].fields.get("votes") or "0"
                score[j] = int(float(raw))
        self.masks = masks
        self.score = score
        self.n = len(election.voters)

    def ballots(self) -> list[tuple[int, ...]]:
        """Each voter's projects as numbers (from the bitmasks; built on demand)."""
        result = []
        for mask in self.masks:
            items = []
            while mask:
                low = mask & -mask
                items.append(low.bit_length() - 1)
                mask ^= low
            result.append(tuple(items))
        return result

    def order_key(self, j: int) -> tuple:
        """Tie-break: more votes, then lower cost, then file order."""
        return (-self.score[j], self.cost[j], j)


# --- greedy ----------------------------------------------------------------------------


def greedy(election: Election, *, skip: bool = True) -> ex.Outcome:
    """Fund projects in order of votes while the money lasts.

    ``skip=True`` (Pabulib ``greedy``): a project that no longer fits is passed
    over and the count goes on with cheaper ones. ``skip=False``
    (``greedy-no-skip``): the count stops at the first project that does not fit.

    Caps per neighbourhood or category (``Election.caps``) are respected: a
    project fits only if it also fits in the money left for each of its groups;
    without skipping, a group closes at its first project that does not fit. When
    the file says the money the caps left over is spent on further projects in
    vote order (Amsterdam's ``leftover_budget``), a second pass does that,
    ignoring the caps. When it says "Partially fund one additional project with
    highest score" (``Election.leftover_partial``), the best-placed project that did
    not fit then gets all the money left: it is funded (in ``Outcome.funded``, last)
    with ``amount`` less than its cost, and the budget is used exactly. A
    ``min_project_score_threshold`` (Warszawa, Łódź) makes projects with fewer votes
    ineligible.
    """
    prep = _Prepared(election)
    rule = "greedy" if skip else "greedy-noskip"
    budget = election.budget
    left: Number = budget
    caps = election.caps
    cap_left = {col: dict(groups) for col, groups in caps.items()}
    closed: set[tuple[str, str]] = set()
    threshold = election.score_threshold
    order = sorted(range(len(prep.pids)), key=prep.order_key)
    funded: list[int] = []
    info: dict[int, dict] = {}
    stopped = False

    for rank, j in enumerate(order, start=1):
        cost = prep.cost[j]
        base = {"rank": rank, "money_left": left}
        if threshold is not None and prep.score[j] < threshold:
            info[j] = {**base, "reason": ex.BELOW_THRESHOLD}
            continue
        if prep.score[j] == 0 and election.voters:
            info[j] = {**base, "reason": ex.NO_SUPPORT}
            continue
        if stopped:
            info[j] = {**base, "reason": ex.STOPPED}
            continue
        if cost > left:
            reason = ex.TOO_EXPENSIVE if cost > budget else ex.NO_MONEY_LEFT
            info[j] = {**base, "reason": reason}
            if not skip:
                stopped = True
            continue
        blocking = _blocking_group(election, prep.pids[j], cost, cap_left, closed)
        if blocking is not None:
            col, group = blocking
            info[j] = {
                **base,
                "reason": ex.CAP_REACHED,
                "group": group,
                "group_money_left": cap_left[col][group],
            }
            if not skip:
                closed.add(blocking)
            continue
        for col, group in _capped_groups(election, prep.pids[j], cap_left):
            cap_left[col][group] -= cost
        left -= cost
        funded.append(j)
        info[j] = {**base, "reason": ex.FUNDED}

    if caps and skip and "fund additional projects" in election.leftover.lower():
        for j in order:
            if info[j]["reason"] == ex.CAP_REACHED and prep.cost[j] <= left:
                info[j] = {"rank": info[j]["rank"], "money_left": left}
                info[j]["reason"] = ex.FUNDED_LEFTOVER
                left -= prep.cost[j]
                funded.append(j)

    if election.leftover_partial and left > 0:
        # The best-placed project that did not fit gets the money left (Amsterdam). It
        # must have been eligible and affordable from the whole budget; caps do not
        # bind this money, as they do not bind the leftover pass above. Without skipping,
        # projects after the stop are all STOPPED, even one dearer than the whole budget:
        # that one is passed over here too.
        for j in order:
            if (
                info[j]["reason"] in (ex.NO_MONEY_LEFT, ex.CAP_REACHED, ex.STOPPED)
                and prep.cost[j] <= budget
            ):
                amount = min(prep.cost[j], left)
                info[j] = {"rank": info[j]["rank"], "money_left": left}
                if amount < prep.cost[j]:
                    info[j].update(reason=ex.FUNDED_PARTIAL, amount=amount)
                else:  # a capped project that fits the money left: funded in full
                    info[j]["reason"] = ex.FUNDED_LEFTOVER
                left -= amount
                funded.append(j)
                break

    position = {j: k for k, j in enumerate(funded, start=1)}
    explanations = {
        prep.pids[j]: ex.ProjectExplanation(
            project_id=prep.pids[j],
            funded=j in position,
            votes=prep.score[j],
            cost=prep.cost[j],
            position=position.get(j),
            **info[j],
        )
        for j in range(len(prep.pids))
    }
    return ex.Outcome(
        rule=rule,
        funded=[prep.pids[j] for j in funded],
        explanations=explanations,
        budget=budget,
        budget_used=budget - left,
    )


def _capped_groups(
    election: Election, pid: str, cap_left: dict[str, dict[str, Number]]
) -> list[tuple[str, str]]:
    project = election.projects[pid]
    return [
        (col, group)
        for col, groups in cap_left.items()
        for group in project.groups(col)
        if group in groups
    ]


def _blocking_group(
    election: Election,
    pid: str,
    cost: Number,
    cap_left: dict[str, dict[str, Number]],
    closed: set[tuple[str, str]],
) -> tuple[str, str] | None:
    for col, group in _capped_groups(election, pid, cap_left):
        if (col, group) in closed or cost > cap_left[col][group]:
            return col, group
    return None


# --- Method of Equal Shares ---------------------------------------------------------------


class _MesRun:
    """One run of Equal Shares with a fixed amount per voter (approval, cost utility).

    Each voter gets ``per_voter``; a project is bought when its supporters can
    pay its cost, sharing it as equally as their money allows; of the projects
    that can be bought, the one whose supporters pay the least per euro of the
    project (the most *effective votes*, equalshares.net's term) goes first.

    Speed: voters who supported the same winners so far have exactly the same
    money left, so a project's supporters are handled as a few groups ("budget
    classes": the bitmask of winners they supported) instead of one by one. The
    class histogram of a project depends only on the *set* of winners so far,
    not on the money, so it is cached across the many runs Add1 makes.
    """

    def __init__(self, prep: _Prepared, hist_cache: dict) -> None:
        self.prep = prep
        self.hist_cache = hist_cache
        self.approver_masks = [[prep.masks[v] for v in appr] for appr in prep.approvers]
        # Classes get small numbers once (masks are 100+ bit ints, slow to hash), so a
        # run keeps its budgets in a plain list indexed by class number.
        self.class_number: dict[int, int] = {0: 0}
        self.children: dict[tuple[int, int], list[int]] = {}

    def _number(self, mask: int) -> int:
        number = self.class_number.get(mask)
        if number is None:
            number = self.class_number[mask] = len(self.class_number)
        return number

    def histogram(self, winners_mask: int, j: int) -> tuple[list[int], list[int]]:
        """The budget classes among project ``j``'s supporters: (class numbers, sizes)."""
        key = (winners_mask, j)
        hist = self.hist_cache.get(key)
        if hist is None:
            counter = Counter(map(winners_mask.__and__, self.approver_masks[j]))
            hist = ([self._number(m) for m in counter], list(counter.values()))
            self.hist_cache[key] = hist
        return hist

    def _children(self, winners_mask: int, w: int) -> list[int]:
        """For each class among ``w``'s supporters, the class its voters move to when
        ``w`` is bought (same order as ``histogram``)."""
        key = (winners_mask, w)
        children = self.children.get(key)
        if children is None:
            bit = 1 << w
            masks = Counter(map(winners_mask.__and__, self.approver_masks[w]))
            children = [self._number(m | bit) for m in masks]
            self.children[key] = children
        return children

    def run(self, per_voter: float, *, explain: bool = False) -> dict:
        prep = self.prep
        costf = prep.costf
        winners: list[int] = []
        wmask = 0
        budget: list[float] = [per_voter]  # class number -> money left per voter
        # project -> effective votes last time it was looked at (never grows)
        remaining: dict[int, float] = {}
        payments: dict[int, list[tuple[int, float]]] = {}
        dropped: dict[int, tuple[float, float]] = {}
        last_eff: dict[int, float] = {}
        for j in range(len(prep.pids)):
            if prep.approvers[j]:
                if costf[j] > 0:
                    remaining[j] = float(len(prep.approvers[j]))
                else:
                    # Free projects with support cost nobody anything: funded first.
                    winners.append(j)
                    wmask |= 1 << j
                    payments[j] = []
        if winners:
            for mask in self._all_classes(wmask):
                number = self._number(mask)
                budget.extend([0.0] * (number + 1 - len(budget)))
                budget[number] = per_voter

        while remaining:
            best: list[int] = []
            best_eff = 0.0
            seen: dict[int, list[float]] = {}
            for j in sorted(remaining, key=lambda c: (-remaining[c], c)):
                if remaining[j] < best_eff * (1 - EPS) and not explain:
                    break  # effective votes only go down: it cannot win this round
                cost = costf[j]
                numbers, counts = self.histogram(wmask, j)
                budgets = list(map(budget.__getitem__, numbers))
                seen[j] = budgets
                q, money = _equal_share(cost, budgets, counts)
                if q is None:
                    dropped[j] = (money, remaining[j])
                    del remaining[j]
                    continue
                eff = cost / q
                remaining[j] = eff
                if eff > best_eff * (1 + EPS):
                    best, best_eff = [j], eff
                elif eff >= best_eff * (1 - EPS):
                    best.append(j)
            if not best:
                break
            w = min(best, key=prep.order_key)
            q = costf[w] / best_eff
            numbers, counts = self.histogram(wmask, w)
            budgets = seen[w]
            children = self._children(wmask, w)
            if len(budget) < len(self.class_number):
                budget.extend([0.0] * (len(self.class_number) - len(budget)))
            limit = q * (1 + EPS)  # who has at most this pays all they have left
            # C-level scatter: budget[child] = money left after paying
            deque(
                map(budget.__setitem__, children, [b - q if b > limit else 0.0 for b in budgets]),
                maxlen=0,
            )
            paid_groups: list[tuple[int, float]] = []
            if explain:
                paid_groups = [
                    (cnt, q if b > limit else b) for b, cnt in zip(budgets, counts, strict=True)
                ]
            payments[w] = paid_groups
            last_eff[w] = best_eff
            winners.append(w)
            wmask |= 1 << w
            del remaining[w]
        return {
            "winners": winners,
            "payments": payments,
            "dropped": dropped,
            "effective": last_eff,
            "per_voter": per_voter,
        }

    def _all_classes(self, wmask: int) -> set[int]:
        return {m & wmask for m in self.prep.masks}


class _MesCardinalRun:
    """Equal Shares for cumulative/scoring ballots: a supporter's share is in
    proportion to the points they gave (additive utility, as pabutools).
    Voter by voter; these ballots are rare and small."""

    def __init__(self, prep: _Prepared) -> None:
        self.prep = prep

    def run(self, per_voter: float, *, explain: bool = False) -> dict:
        prep = self.prep
        budget = [per_voter] * prep.n
        remaining = {j for j in range(len(prep.pids)) if prep.approvers[j] and prep.costf[j] > 0}
        winners = [j for j in range(len(prep.pids)) if prep.approvers[j] and prep.costf[j] <= 0]
        payments: dict[int, list[tuple[int, float]]] = {j: [] for j in winners}
        dropped: dict[int, tuple[float, float]] = {}
        last_eff: dict[int, float] = {}
        while remaining:
            best: list[int] = []
            best_rho = math.inf
            for j in sorted(remaining):
                cost = prep.costf[j]
                appr, wts = prep.approvers[j], prep.weights[j]
                money = math.fsum(budget[v] for v in appr)
                if money < cost * (1 - EPS):
                    dropped[j] = (money, 0.0)
                    remaining.discard(j)
                    continue
                # smallest rho with sum(min(budget, rho * weight)) == cost
                pairs = sorted(zip(appr, wts, strict=True), key=lambda p: budget[p[0]] / p[1])
                paid, wsum = 0.0, math.fsum(wts)
                rho = cost / wsum
                for v, wt in pairs:
                    rho = (cost - paid) / wsum
                    if rho * wt > budget[v] * (1 + EPS):
                        paid += budget[v]
                        wsum -= wt
                    else:
                        break
                if rho < best_rho * (1 - EPS):
                    best, best_rho = [j], rho
                elif rho <= best_rho * (1 + EPS):
                    best.append(j)
            if not best:
                break
            w = min(best, key=prep.order_key)
            groups: Counter[float] = Counter()
            for v, wt in zip(prep.approvers[w], prep.weights[w], strict=True):
                pay = min(budget[v], best_rho * wt)
                budget[v] -= pay
                groups[round(pay, 6)] += 1
            payments[w] = [(cnt, pay) for pay, cnt in groups.items()]
            last_eff[w] = 1 / best_rho if best_rho > 0 else math.inf
            winners.append(w)
            remaining.discard(w)
        return {
            "winners": winners,
            "payments": payments,
            "dropped": dropped,
            "effective": last_eff,
            "per_voter": per_voter,
        }


def _equal_share(
    cost: float, budgets: list[float], counts: list[int]
) -> tuple[float | None, float]:
    """The payment ``q`` per supporter when ``cost`` is shared as equally as the
    supporters' money allows: those with less than ``q`` pay all they have, the
    others pay ``q``. Returns (q, money) or (None, money) when they cannot pay.

    ``budgets[i]`` is the money of each of ``counts[i]`` supporters. Sorted by
    budget with running sums, the first group that can pay the equal share of
    what is still open is found by bisection (the test is monotone), so the
    Python-level work is logarithmic; the rest runs in C.
    """
    n = len(budgets)
    if n == 1:
        money = budgets[0] * counts[0]
        if money < cost * (1 - EPS):
            return None, money
        return cost / counts[0], money
    total = sum(counts)
    if min(budgets) * (1 + EPS) >= cost / total:
        # Everyone can pay the equal share (the usual case early in a count): no sort.
        return cost / total, math.fsum(map(mul, budgets, counts))
    order = sorted(range(n), key=budgets.__getitem__)
    sb = itemgetter(*order)(budgets)
    sc = itemgetter(*order)(counts)
    paid_before = list(accumulate(map(mul, sb, sc), initial=0.0))
    count_before = list(accumulate(sc, initial=0))
    money = paid_before[-1]
    if money < cost * (1 - EPS):
        return None, money
    lo, hi = 0, n - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if cost - paid_before[mid] <= sb[mid] * (1 + EPS) * (total - count_before[mid]):
            hi = mid
        else:
            lo = mid + 1
    rest = total - count_before[lo]
    if rest == 0 or cost - paid_before[lo] > sb[lo] * (1 + EPS) * rest:
        return None, money
    return (cost - paid_before[lo]) / rest, money


def equal_shares(
    election: Election,
    *,
    completion: str = "add1",
    comparison: bool = False,
    integral: bool = False,
    exhaustive: bool = False,
    progress: Callable[[float], None] | None = None,
) -> ex.Outcome:
    """The Method of Equal Shares (equalshares.net), cost utility for approval ballots.

    ``completion``:
      - ``"none"``: one run with the real budget (usually leaves money unspent);
      - ``"add1"``: Add1, as decided Świecie, Wieliczka and Assen: raise every
        voter's money by 1 unit and count again, as long as the outcome still fits
        the real budget; the last outcome that fits is the result. ``exhaustive``
        stops earlier once no further project would fit (pabutools and
        equalshares.net do this); ``integral`` starts from a whole amount per voter
        (floor(budget / voters)) instead of budget / voters;
      - ``"add1u"``: Add1, then the money still left goes to projects in vote order.

    ``progress`` (optional) is called after each Add1 step with the share of the
    budget the current outcome spends (0..1), for a background job's progress bar.

    ``comparison``: the equalshares.net comparison step (Wieliczka): if more voters
    have more of their projects funded by greedy than by Equal Shares, greedy's
    outcome is taken (our ``greedy``: with the file's caps and threshold, if any),
    with greedy's explanations.
    """
    prep = _Prepared(election)
    budget = float(election.budget)
    n = prep.n
    rule = "mes" if completion == "none" else f"mes-{completion}"
    if comparison:
        rule += "-comparison"
    if n == 0:
        return _mes_outcome(prep, rule, {"winners": [], "payments": {}, "dropped": {}}, {})

    runner: _MesRun | _MesCardinalRun
    runner = _MesCardinalRun(prep) if prep.cardinal else _MesRun(prep, {})
    # Only projects somebody voted for can ever be bought by Equal Shares.
    supported = [j for j in range(len(prep.pids)) if prep.approvers[j]]
    steps = 0

    def cost_of(result: dict) -> float:
        return math.fsum(prep.costf[j] for j in result["winners"])

    # When all projects together fit the budget, equalshares.net skips Add1 (and
    # may leave supported projects unfunded); we let Add1 run, which then buys
    # every supported project, as pabutools does.
    if completion == "none":
        result = runner.run(budget / n, explain=True)
    elif completion in ("add1", "add1u"):
        per_voter = math.floor(budget / n) if integral else budget / n
        result = runner.run(per_voter)
        spent = cost_of(result)
        while True:
            if exhaustive:
                chosen = set(result["winners"])
                if not any(
                    spent + prep.costf[j] <= budget * (1 + EPS)
                    for j in supported
                    if j not in chosen
                ):
                    break
            elif len(result["winners"]) == len(supported):
                break  # everything is bought: more money changes nothing
            attempt = runner.run(per_voter + 1)
            attempt_cost = cost_of(attempt)
            if attempt_cost > budget * (1 + EPS):
                break
            steps += 1
            per_voter += 1
            result, spent = attempt, attempt_cost
            if progress is not None:
                progress(min(spent / budget, 1.0) if budget else 1.0)
        result = runner.run(per_voter, explain=True)
    else:
        raise ValueError(f"unknown completion {completion!r}")

    details: dict[str, object] = {"per_voter": result["per_voter"], "add1_steps": steps}
    completion_added: list[int] = []
    if completion == "add1u":
        completion_added = _utilitarian_fill(prep, result["winners"], budget)
        result["winners"] = result["winners"] + completion_added
    if comparison:
        greedy_pick = [prep.election.project_index[pid] for pid in greedy(election).funded]
        prefers_mes, prefers_greedy = _compare(prep, result["winners"], greedy_pick)
        details["prefers_mes"] = prefers_mes
        details["prefers_greedy"] = prefers_greedy
        if prefers_greedy > prefers_mes:
            # Greedy's outcome is taken, so are its explanations (rank, money left).
            details["greedy_taken"] = True
            chosen = greedy(election)
            return ex.Outcome(
                rule=rule,
                funded=chosen.funded,
                explanations=chosen.explanations,
                budget=chosen.budget,
                budget_used=chosen.budget_used,
                details=details,
            )
    return _mes_outcome(prep, rule, result, details, set(completion_added))


def _utilitarian_fill(prep: _Prepared, already: list[int], budget: float) -> list[int]:
    """Projects in vote order that still fit (equalshares.net's utilitarian completion)."""
    chosen = set(already)
    spent = math.fsum(prep.costf[j] for j in already)
    added = []
    for j in sorted(range(len(prep.pids)), key=prep.order_key):
        if j in chosen or not prep.approvers[j]:
            continue
        if spent + prep.costf[j] <= budget * (1 + EPS):
            added.append(j)
            spent += prep.costf[j]
    return added


def _compare(prep: _Prepared, mes: list[int], greedy_pick: list[int]) -> tuple[int, int]:
    """How many voters have more of their projects in each outcome."""
    mes_mask = sum(1 << j for j in mes)
    greedy_mask = sum(1 << j for j in greedy_pick)
    prefers_mes = prefers_greedy = 0
    for m in prep.masks:
        a, b = (m & mes_mask).bit_count(), (m & greedy_mask).bit_count()
        if a > b:
            prefers_mes += 1
        elif b > a:
            prefers_greedy += 1
    return prefers_mes, prefers_greedy


def _group_payments(groups: list[tuple[int, float]]) -> tuple[ex.PaymentGroup, ...]:
    """Merge supporters who paid the same (to the cent); at most five groups are
    shown: the largest ones, with the rest merged at their average."""
    merged: Counter[int] = Counter()
    totals: dict[int, float] = {}
    for cnt, pay in groups:
        cents = round(pay * 100)
        merged[cents] += cnt
        totals[cents] = totals.get(cents, 0.0) + cnt * pay
    rows = sorted(merged.items(), key=lambda kv: (-kv[1], -kv[0]))
    shown = [ex.PaymentGroup(cnt, round(totals[c] / cnt, 2)) for c, cnt in rows[:4] if c > 0]
    rest = [(c, cnt) for c, cnt in rows[4:] if c > 0]
    if rest:
        voters = sum(cnt for _, cnt in rest)
        total = sum(totals[c] for c, _ in rest)
        shown.append(ex.PaymentGroup(voters, round(total / voters, 2)))
    return tuple(sorted(shown, key=lambda g: -g.amount))


def _mes_outcome(
    prep: _Prepared, rule: str, result: dict, details: dict, completed: set[int] | None = None
) -> ex.Outcome:
    completed = completed or set()
    winners = result["winners"]
    position = {j: k for k, j in enumerate(winners, start=1)}
    rank = {j: k for k, j in enumerate(sorted(range(len(prep.pids)), key=prep.order_key), 1)}
    explanations = {}
    for j, pid in enumerate(prep.pids):
        base = {
            "project_id": pid,
            "votes": prep.score[j],
            "cost": prep.cost[j],
            "position": position.get(j),
            "rank": rank[j],
        }
        if j in position:
            explanations[pid] = ex.ProjectExplanation(
                **base,
                funded=True,
                reason=ex.FUNDED_LEFTOVER if j in completed else ex.FUNDED,
                payments=_group_payments(result["payments"].get(j, [])),
                effective_votes=result.get("effective", {}).get(j),
            )
            continue
        if not prep.approvers[j]:
            reason = ex.NO_SUPPORT
        elif prep.cost[j] > prep.election.budget:
            reason = ex.TOO_EXPENSIVE
        else:
            reason = ex.SUPPORTERS_OUT_OF_MONEY
        money, eff = result["dropped"].get(j, (None, None))
        explanations[pid] = ex.ProjectExplanation(
            **base, funded=False, reason=reason, supporters_money=money, effective_votes=eff
        )
    used = sum(prep.cost[j] for j in winners)
    return ex.Outcome(
        rule=rule,
        funded=[prep.pids[j] for j in winners],
        explanations=explanations,
        budget=prep.election.budget,
        budget_used=used,
        details=details,
    )


# --- sequential Phragmén -------------------------------------------------------------------


def phragmen(election: Election) -> ex.Outcome:
    """Sequential Phragmén for approval ballots.

    Every voter earns money at the same steady rate; a project is bought as soon
    as its supporters together have earned its cost, after which their earnings
    start again from zero. In "load" terms: buying project ``c`` raises the load
    of each supporter to ``(cost(c) + their loads) / supporters(c)``; the project
    with the smallest new load goes first. Counting stops when that project does
    not fit the budget (as in the literature and pabutools); projects that cost more
    than the whole budget are left out from the start.
    """
    prep = _Prepared(election)
    budget = election.budget
    load = [0.0] * prep.n
    # A project dearer than the whole budget can never be bought: not a candidate
    # (otherwise it could stop the count early).
    candidates = {j for j in range(len(prep.pids)) if prep.approvers[j] and prep.cost[j] <= budget}
    funded: list[int] = []
    loads: dict[int, float] = {}
    left: Number = budget
    stop_load: float | None = None
    # Sum of the supporters' loads per project, kept up to date as loads change
    # (only the supporters of the project just bought change): no full pass per round.
    load_sum = [0.0] * len(prep.pids)
    ballots = prep.ballots()
    while candidates:
        best: list[int] = []
        best_load = math.inf
        for j in sorted(candidates):
            new_load = (prep.costf[j] + load_sum[j]) / len(prep.approvers[j])
            if new_load < best_load * (1 - EPS):
                best, best_load = [j], new_load
            elif new_load <= best_load * (1 + EPS):
                best.append(j)
        w = min(best, key=prep.order_key)
        if prep.cost[w] > left:
            stop_load = best_load
            break
        for v in prep.approvers[w]:
            delta = best_load - load[v]
            if delta:
                for c in ballots[v]:
                    load_sum[c] += delta
                load[v] = best_load
        loads[w] = best_load
        funded.append(w)
        left -= prep.cost[w]
        candidates.discard(w)
    position = {j: k for k, j in enumerate(funded, start=1)}
    explanations = {}
    for j, pid in enumerate(prep.pids):
        if j in position:
            reason = ex.FUNDED
        elif not prep.approvers[j]:
            reason = ex.NO_SUPPORT
        elif prep.cost[j] > budget:
            reason = ex.TOO_EXPENSIVE
        else:
            reason = ex.STOPPED
        explanations[pid] = ex.ProjectExplanation(
            project_id=pid,
            funded=j in position,
            reason=reason,
            votes=prep.score[j],
            cost=prep.cost[j],
            position=position.get(j),
            load=loads.get(j),
        )
    return ex.Outcome(
        rule="phragmen",
        funded=[prep.pids[j] for j in funded],
        explanations=explanations,
        budget=budget,
        budget_used=budget - left,
        details={"stop_load": stop_load},
    )
