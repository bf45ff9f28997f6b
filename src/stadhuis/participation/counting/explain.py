"""What a count returns: the funded projects and, per project, why.

Structured data first (the results page and the API render it as they like),
plus ``describe()``: one short Dutch sentence per project (B1 level), translated
through gettext like every other text of the site.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .model import Number

# Why a project was (not) funded. Stable codes: the template and the API use them.
FUNDED = "funded"
FUNDED_LEFTOVER = "funded_leftover"  # greedy: in the pass that spends what the caps left
FUNDED_PARTIAL = "funded_partial"  # greedy: gets the money left, less than its cost
NO_MONEY_LEFT = "no_money_left"  # greedy: did not fit in the money left
CAP_REACHED = "cap_reached"  # greedy: did not fit in its neighbourhood's/category's money
STOPPED = "stopped"  # greedy without skipping, Phragmén: counting stopped earlier
BELOW_THRESHOLD = "below_threshold"  # fewer votes than the minimum the file sets
NO_SUPPORT = "no_support"  # nobody voted for it
TOO_EXPENSIVE = "too_expensive"  # costs more than the whole budget
SUPPORTERS_OUT_OF_MONEY = "supporters_out_of_money"  # Equal Shares: supporters' money ran out
REASONS = (
    FUNDED,
    FUNDED_LEFTOVER,
    FUNDED_PARTIAL,
    NO_MONEY_LEFT,
    CAP_REACHED,
    STOPPED,
    BELOW_THRESHOLD,
    NO_SUPPORT,
    TOO_EXPENSIVE,
    SUPPORTERS_OUT_OF_MONEY,
)


@dataclass(frozen=True)
class PaymentGroup:
    """``voters`` supporters who each paid ``amount`` for a project (Equal Shares).

    Supporters with the same share are one group, so a project with 5,000
    supporters has a handful of groups, not 5,000 rows.
    """

    voters: int
    amount: float


@dataclass(frozen=True)
class ProjectExplanation:
    """Why one project was or was not funded. Fields that do not apply to the rule are None.

    - greedy: ``rank`` (place in the vote order), ``money_left`` when its turn came,
      for capped groups ``group`` and ``group_money_left``, and for a project funded
      in part (``funded_partial``) ``amount``, what the budget pays of its cost;
    - Equal Shares: ``payments`` (who paid what), ``effective_votes`` (its votes
      counted as far as the supporters could still pay an equal share) and, for an
      unfunded project, ``supporters_money`` (what its supporters had left) at the
      moment it dropped out;
    - Phragmén: ``load`` (money per supporter at which it was bought).
    """

    project_id: str
    funded: bool
    reason: str
    votes: Number
    cost: Number
    position: int | None = None  # 1-based place in the funding order
    rank: int | None = None
    money_left: Number | None = None
    group: str | None = None
    group_money_left: Number | None = None
    payments: tuple[PaymentGroup, ...] = ()
    effective_votes: float | None = None
    supporters_money: float | None = None
    load: float | None = None
    amount: Number | None = None  # paid from the budget, when less than the cost


@dataclass(frozen=True)
class Outcome:
    """The result of a count. ``funded`` is in funding order and includes a project
    funded in part (it is carried out; see ``partial`` for what the budget pays)."""

    rule: str
    funded: list[str]
    explanations: dict[str, ProjectExplanation]
    budget: Number
    budget_used: Number
    details: dict[str, object] = field(default_factory=dict)

    @property
    def partial(self) -> dict[str, Number]:
        """Funded projects the budget pays only in part: id -> the amount it pays."""
        return {
            pid: e.amount
            for pid, e in self.explanations.items()
            if e.funded and e.amount is not None
        }


def _money(value: Number | float | None) -> str:
    """Euros the Dutch way, no cents when whole: 12.500 or 12.500,50."""
    if value is None:
        return "-"
    cents = round(float(value) * 100)
    whole, rest = divmod(abs(cents), 100)
    text = f"{whole:,}".replace(",", ".")
    if rest:
        text += f",{rest:02d}"
    return ("-" if cents < 0 else "") + text


def _number(value: Number | float | None) -> int:
    """The number that picks the plural form: gettext needs a whole number; a fraction
    (points can be decimal in a file) takes the form of 2 ("1,5 stemmen", "1.5 votes")."""
    if value is None:
        return 0
    return int(value) if value == int(value) else 2


def describe(explanation: ProjectExplanation) -> str:
    """One plain Dutch sentence (English when the active language is English)."""
    e = explanation
    values = {
        "votes": _money(e.votes),
        "cost": _money(e.cost),
        "rank": e.rank or 0,
        "left": _money(e.money_left),
        "group": e.group or "",
        "group_left": _money(e.group_money_left),
        "supporters_money": _money(e.supporters_money),
        "load": _money(e.load),
        "amount": _money(e.amount),
    }
    votes = _number(e.votes)
    if e.reason == FUNDED_PARTIAL:
        return (
            ngettext(
                "Gedeeltelijk betaald: %(amount)s van %(cost)s euro. Plaats %(rank)s met "
                "%(votes)s stem. Het paste niet meer helemaal; het geld dat over was, "
                "gaat naar dit project.",
                "Gedeeltelijk betaald: %(amount)s van %(cost)s euro. Plaats %(rank)s met "
                "%(votes)s stemmen. Het paste niet meer helemaal; het geld dat over was, "
                "gaat naar dit project.",
                votes,
            )
            % values
        )
    if e.reason in (FUNDED, FUNDED_LEFTOVER):
        if e.payments:
            parts = [
                ngettext(
                    "%(voters)s stemmer betaalde %(amount)s",
                    "%(voters)s stemmers betaalden elk %(amount)s",
                    _number(g.voters),
                )
                % {"voters": _money(g.voters), "amount": _money(g.amount)}
                for g in e.payments
            ]
            return _("Gekozen. Betaald door de stemmers: %(parts)s.") % {"parts": "; ".join(parts)}
        if e.load is not None:
            return _("Gekozen toen elke voorstander %(load)s had bijgedragen.") % values
        if e.reason == FUNDED_LEFTOVER:
            return (
                ngettext(
                    "Gekozen met het geld dat over was: plaats %(rank)s met %(votes)s stem.",
                    "Gekozen met het geld dat over was: plaats %(rank)s met %(votes)s stemmen.",
                    votes,
                )
                % values
            )
        return (
            ngettext(
                "Gekozen: plaats %(rank)s met %(votes)s stem; er was nog %(left)s over.",
                "Gekozen: plaats %(rank)s met %(votes)s stemmen; er was nog %(left)s over.",
                votes,
            )
            % values
        )
    if e.reason == NO_MONEY_LEFT:
        return (
            ngettext(
                "Niet gekozen: plaats %(rank)s met %(votes)s stem, maar het kost %(cost)s "
                "en er was nog maar %(left)s over.",
                "Niet gekozen: plaats %(rank)s met %(votes)s stemmen, maar het kost %(cost)s "
                "en er was nog maar %(left)s over.",
                votes,
            )
            % values
        )
    if e.reason == CAP_REACHED:
        return (
            _("Niet gekozen: het kost %(cost)s en voor %(group)s was nog maar %(group_left)s over.")
            % values
        )
    if e.reason == SUPPORTERS_OUT_OF_MONEY:
        return (
            _(
                "Niet gekozen: het kost %(cost)s, maar de stemmers op dit project hadden samen "
                "nog maar %(supporters_money)s over."
            )
            % values
        )
    if e.reason == BELOW_THRESHOLD:
        return _("Niet gekozen: te weinig stemmen (%(votes)s).") % values
    if e.reason == NO_SUPPORT:
        return _("Niet gekozen: niemand stemde op dit project.")
    if e.reason == TOO_EXPENSIVE:
        return _("Niet gekozen: het kost %(cost)s, meer dan het hele budget.") % values
    return _("Niet gekozen: het geld was op voordat dit project aan de beurt was.")
