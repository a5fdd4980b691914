"""A member's sheet from user input: every problem as {field: message}, for the form, the API and the service.

The sheet is a list of reviews, one per bid under review:
    {"reviews": [{"bid": 12, "verdict": "pass" | "reject", "ground": "<Ground>", "reason": "...",
                  "scores": {"technical": "25.50", ...}}]}
Field names in errors are those of the form: ``bid_12_verdict``, ``bid_12_ground``, ``bid_12_reason``,
``bid_12_score_<criterion>``.

A draft may leave anything out; what it gives must be right. A signed sheet must be complete:
- a verdict on every bid under review; a rejection names its ground and its reason;
- an abnormally low price passes only once its bidder answered the committee's query, and the member
  writes why the justification is accepted;
- with comprehensive scoring, every criterion but price is scored on every bid the member passes, from
  0 to its weight, with at most two decimals.
"""
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from trading.tenders import rules

from . import scoring
from .models import Ground, Verdict

MAX_REASON = 2000
# The platform itself rejects prices above the ceiling: a member's ground is one of the others.
MEMBER_GROUNDS = [g for g in Ground if g != Ground.ABOVE_CEILING]


def name(bid_id, part):
    return f"bid_{bid_id}_{part}"


def score_name(bid_id, criterion):
    return name(bid_id, f"score_{criterion}")


@dataclass
class Cleaned:
    bid_id: int
    verdict: str = ""
    ground: str = ""
    reason: str = ""
    scores: dict = field(default_factory=dict)


def _reviews_by_bid(data, facts, errors):
    if not isinstance(data, dict) or not isinstance(data.get("reviews", []), list):
        errors["reviews"] = _("Send the reviews as a list of objects, one per bid.")
        return {}
    under_review = {f.bid.pk for f in facts.under_review}
    found = {}
    for item in data.get("reviews", []):
        bid_id = item.get("bid") if isinstance(item, dict) else None
        if isinstance(bid_id, bool) or not isinstance(bid_id, int) or bid_id not in under_review:
            errors["reviews"] = _("Each review names a bid under review on this tender (field \"bid\").")
        elif bid_id in found:
            errors["reviews"] = _("Review each bid once.")
        else:
            found[bid_id] = item
    return found


def _clean_scores(bid_id, given, facts, errors):
    if given in (None, ""):
        return {}
    if not isinstance(given, dict) or not set(given) <= set(facts.criteria):
        errors[name(bid_id, "scores")] = _("Score only these criteria: %(criteria)s.") % {
            "criteria": ", ".join(facts.criteria) or "-"}
        return {}
    weights = facts.tender.scoring_weights
    scores = {}
    for criterion, value in given.items():
        if value in (None, ""):
            continue
        problem = scoring.score_problem(value, weights[criterion])
        if problem:
            errors[score_name(bid_id, criterion)] = {
                "number": _("Enter a number."),
                "range": _("Enter a score from 0 to %(weight)s.") % {"weight": weights[criterion]},
                "decimals": _("Use at most two decimal places."),
            }[problem]
        else:
            scores[criterion] = str(scoring.cents(str(value).strip()))
    return scores


def _clean_review(bid_facts, item, facts, errors):
    bid_id = bid_facts.bid.pk
    review = Cleaned(bid_id)
    verdict = item.get("verdict") or ""
    if verdict and verdict not in Verdict.values:
        errors[name(bid_id, "verdict")] = _("Choose pass or reject.")
    review.verdict = verdict if verdict in Verdict.values else ""
    ground = item.get("ground") or ""
    if ground and ground not in MEMBER_GROUNDS:
        errors[name(bid_id, "ground")] = _("Choose one of the statutory grounds.")
    elif verdict == Verdict.REJECT and ground == Ground.ABNORMALLY_LOW and not bid_facts.abnormally_low:
        errors[name(bid_id, "ground")] = _("This price is not abnormally low by the published test.")
    review.ground = ground if review.verdict == Verdict.REJECT and ground in MEMBER_GROUNDS else ""
    review.reason = rules.text(errors, name(bid_id, "reason"), item.get("reason"), MAX_REASON, required=False)
    if review.verdict != Verdict.REJECT:
        review.scores = _clean_scores(bid_id, item.get("scores"), facts, errors)
    return review


def _complete(bid_facts, review, facts, errors):
    """What a signed sheet needs beyond a well-formed draft."""
    bid_id = bid_facts.bid.pk
    if not review.verdict:
        errors.setdefault(name(bid_id, "verdict"), _("Pass or reject this bid."))
    elif review.verdict == Verdict.REJECT:
        if not review.ground:
            errors.setdefault(name(bid_id, "ground"), _("Name the statutory ground of the rejection."))
        if not review.reason:
            errors.setdefault(name(bid_id, "reason"), _("Write the reason for the rejection."))
        return
    justification = bid_facts.justification
    if bid_facts.abnormally_low:
        if justification is None or not justification.answered:
            errors.setdefault(name(bid_id, "verdict"), _(
                "This price is abnormally low: it passes only once its bidder has justified it in time."))
        elif not review.reason:
            errors.setdefault(name(bid_id, "reason"), _("Write why the justification is accepted."))
    for criterion in facts.criteria:
        if criterion not in review.scores:
            errors.setdefault(score_name(bid_id, criterion), _("Score this criterion."))


def clean_sheet(data, facts, *, complete, now=None):
    """(reviews, errors): the reviews as Cleaned, in bid order; errors as {field: message}."""
    errors = {}
    given = _reviews_by_bid(data, facts, errors)
    reviews = []
    for bid_facts in facts.under_review:
        item = given.get(bid_facts.bid.pk)
        review = _clean_review(bid_facts, item, facts, errors) if item else Cleaned(bid_facts.bid.pk)
        if complete:
            _complete(bid_facts, review, facts, errors)
        if item or complete:
            reviews.append(review)
    if complete:
        waiting = [f for f in facts.under_review if f.justification and f.justification.pending(now)]
        if waiting:
            errors["sheet"] = _("%(bidder)s may answer the justification query until %(due)s: sign your sheet "
                                "after the answer or the time limit.") % {
                "bidder": waiting[0].bid.bidder.name, "due": rules.when(waiting[0].justification.due_at)}
    return reviews, errors


def as_data(sheet):
    """A stored draft in the input format, to sign it as it stands."""
    return {"reviews": [{"bid": r.bid_id, "verdict": r.verdict, "ground": r.ground, "reason": r.reason,
                         "scores": dict(r.scores)} for r in sheet.reviews.all()]}
