"""The published arithmetic of evaluation (评标), pure: no Django, no database.

Every rule the committee's result depends on is here, so it can be read, tested and re-run:

- **Money and scores** are Decimal, rounded half up to 0.01 (`cents`).
- **Abnormally low price** (`abnormally_low`): a bid whose price is below `percent`% of the
  arithmetic mean of the prices counted (the opened bids within the ceiling).
- **The committee's decision on a bid** (`committee_decision`): the bid is rejected when more than
  half of the members reject it, otherwise it passes (so a tie, impossible with an odd committee,
  passes). The ground is the one most rejecting members chose; between equally chosen grounds, the
  first in the statutory order.
- **Lowest evaluated price** (`rank_lowest_price`): valid bids by price, lowest first.
- **Comprehensive scoring** (`rank_scoring`): price score = price weight × lowest valid price ÷ price;
  every other criterion is scored by each member from 0 to its weight, and the committee's score is
  the arithmetic mean of the members' scores after dropping one highest and one lowest when five or
  more members scored (`trimmed_mean`); each rounded to 0.01; total = price score + criteria.
- **Ties** (both methods): the lower price first, then the earlier submission, then the lower bid id.
- **Candidates**: the first `CANDIDATES` (3) of the ranking.
"""
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
TRIM_FROM = 5  # members' scores: drop the highest and the lowest from this many on
CANDIDATES = 3
PRICE = "price"  # the criterion scored by the formula, not by the members


def cents(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def mean(values) -> Decimal:
    values = [Decimal(v) for v in values]
    if not values:
        raise ValueError("the mean of nothing")
    return sum(values, Decimal(0)) / len(values)


def trimmed_mean(scores) -> Decimal:
    """The committee's score on one criterion: the mean, without one highest and one lowest from TRIM_FROM on."""
    ordered = sorted(Decimal(s) for s in scores)
    if len(ordered) >= TRIM_FROM:
        ordered = ordered[1:-1]
    return cents(mean(ordered))


def abnormal_threshold(prices, percent) -> Decimal | None:
    """The price below which a bid is abnormally low (exact, not rounded); None with no prices."""
    prices = list(prices)
    if not prices:
        return None
    return mean(prices) * Decimal(percent) / 100


def abnormally_low(prices: dict, percent) -> set:
    """Keys of the prices below `percent`% of the mean of all the prices given."""
    threshold = abnormal_threshold(prices.values(), percent)
    return {key for key, price in prices.items() if threshold is not None and Decimal(price) < threshold}


def price_score(weight, lowest, price) -> Decimal:
    """The published formula: weight × lowest valid price ÷ this price, rounded to 0.01."""
    return cents(Decimal(weight) * Decimal(lowest) / Decimal(price))


@dataclass(frozen=True)
class Decision:
    passed: bool
    ground: str  # "" when passed
    rejecting: int
    passing: int


def committee_decision(verdicts, ground_order) -> Decision:
    """`verdicts`: one (passed, ground) per member. Rejected when more than half reject."""
    verdicts = list(verdicts)
    rejecting = [ground for passed, ground in verdicts if not passed]
    passing = len(verdicts) - len(rejecting)
    if not verdicts or 2 * len(rejecting) <= len(verdicts):
        return Decision(True, "", len(rejecting), passing)
    counts = Counter(rejecting)
    order = {ground: i for i, ground in enumerate(ground_order)}
    ground = min(counts, key=lambda g: (-counts[g], order.get(g, len(order)), g))
    return Decision(False, ground, len(rejecting), passing)


@dataclass(frozen=True)
class Offer:
    """A valid bid as the ranking sees it; `scores` maps each member-scored criterion to the members' scores."""
    key: int
    price: Decimal
    submitted_at: datetime
    scores: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Ranked:
    rank: int
    key: int
    price: Decimal
    price_score: Decimal | None
    criteria: dict  # criterion -> committee score
    total: Decimal | None


def _tie_break(offer):
    return (offer.price, offer.submitted_at, offer.key)


def rank_lowest_price(offers) -> list[Ranked]:
    ordered = sorted(offers, key=_tie_break)
    return [Ranked(i, o.key, o.price, None, {}, None) for i, o in enumerate(ordered, start=1)]


def rank_scoring(offers, weights) -> list[Ranked]:
    """Rank by total score, highest first; every offer must carry scores for every non-price criterion."""
    offers = list(offers)
    if not offers:
        return []
    lowest = min(o.price for o in offers)
    price_weight = Decimal(str(weights.get(PRICE, 0)))
    rows = []
    for offer in offers:
        criteria = {name: trimmed_mean(offer.scores[name]) for name in weights if name != PRICE}
        by_price = price_score(price_weight, lowest, offer.price)
        rows.append((offer, by_price, criteria, by_price + sum(criteria.values(), Decimal(0))))
    rows.sort(key=lambda row: (-row[3], *_tie_break(row[0])))
    return [Ranked(i, o.key, o.price, by_price, criteria, total)
            for i, (o, by_price, criteria, total) in enumerate(rows, start=1)]


def score_problem(value, weight) -> str | None:
    """Why a member's score is not acceptable ('number', 'range', 'decimals'), or None."""
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError:
        return "number"
    if isinstance(value, bool) or not number.is_finite():
        return "number"
    if not 0 <= number <= Decimal(str(weight)):
        return "range"
    if number != number.quantize(CENT):
        return "decimals"
    return None
