"""The evaluation report (评标报告): the committee's result from the signed sheets, signed by the platform.

The body keeps codes and numbers (signed as canonical JSON, like the opening record); pages and the PDF
put labels in the reader's language beside them (`readable_report`). Check a report with
`verify_report(body, signature, public_key)`.
"""
import io
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from trading import sealing
from trading.bids.opening.record import font
from trading.tenders.models import EvaluationMethod
from trading.tenders.money import format_amount
from trading.tenders.rules import when_iso

from . import scoring
from .labels import AUTOMATIC, JUSTIFICATION_OUTCOMES, label
from .models import Ground, Outcome, Verdict

FORMAT = "sunlight-evaluation-report/2"


def _iso(moment):
    return moment.isoformat() if moment else None


def _money(value):
    return str(value) if value is not None else None


def _justification(j, passed):
    if j is None:
        return None
    outcome = "lapsed" if not j.answered else ("accepted" if passed else "rejected")
    return {"question": j.question, "asked_at": _iso(j.asked_at), "due_at": _iso(j.due_at), "answer": j.answer,
            "answered_at": _iso(j.answered_at), "outcome": outcome}


def _decide(bid_facts, votes):
    """(passed, ground, automatic) for one bid; `votes` are (seat, review) of the members' signed sheets."""
    if bid_facts.above_ceiling:
        return False, Ground.ABOVE_CEILING, "above_ceiling"
    decision = scoring.committee_decision([(r.verdict == Verdict.PASS, r.ground) for _seat, r in votes],
                                          Ground.values)
    j = bid_facts.justification
    if j is not None and not j.answered:
        return False, Ground.ABNORMALLY_LOW, "no_justification"
    return decision.passed, decision.ground, ""


def _bid_row(bid_facts, votes):
    bid = bid_facts.bid
    passed, ground, automatic = _decide(bid_facts, votes)
    verdict = Verdict.PASS if passed else Verdict.REJECT
    return {
        "bid_id": bid.pk, "bidder": bid.bidder.name, "credit_code": bid.bidder.credit_code,
        "price": _money(bid.price), "received_at": _iso(bid.received_at),
        "above_ceiling": bid_facts.above_ceiling, "abnormally_low": bid_facts.abnormally_low,
        "passed": passed, "ground": ground, "automatic": automatic,
        "votes": {"pass": sum(r.verdict == Verdict.PASS for _s, r in votes),
                  "reject": sum(r.verdict == Verdict.REJECT for _s, r in votes)},
        "reviews": [{"seat": seat, "verdict": r.verdict, "ground": r.ground, "reason": r.reason}
                    for seat, r in votes],
        "dissent": [seat for seat, r in votes if r.verdict != verdict],
        "justification": _justification(bid_facts.justification, passed),
    }


def _ranking(facts, section, rows, votes_by_bid):
    valid = [f for f in section.bids if rows[f.bid.pk]["passed"]]
    offers = []
    for f in valid:
        passers = [(seat, r) for seat, r in votes_by_bid[f.bid.pk] if r.verdict == Verdict.PASS]
        offers.append(scoring.Offer(f.bid.pk, f.bid.price, f.bid.received_at,
                                    {c: [r.scores[c] for _s, r in passers] for c in facts.criteria}))
    if facts.tender.evaluation_method == EvaluationMethod.SCORING:
        ranked = scoring.rank_scoring(offers, facts.tender.scoring_weights)
    else:
        ranked = scoring.rank_lowest_price(offers)
    by_id = {f.bid.pk: f for f in valid}
    return [{
        "rank": r.rank, "bid_id": r.key, "bidder": by_id[r.key].bid.bidder.name, "price": _money(r.price),
        "price_score": _money(r.price_score), "criteria": {c: str(v) for c, v in r.criteria.items()},
        "member_scores": {c: [{"seat": seat, "score": review.scores[c]} for seat, review in votes_by_bid[r.key]
                              if review.verdict == Verdict.PASS] for c in facts.criteria},
        "total": _money(r.total),
    } for r in ranked]


def _section(facts, section, votes_by_bid, min_valid):
    """One lot's result (or the tender's, without lots): every bid's decision, the ranking, the candidates."""
    rows = {f.bid.pk: _bid_row(f, votes_by_bid[f.bid.pk]) for f in section.bids}
    valid = sum(row["passed"] for row in rows.values())
    failed = valid < min_valid
    ranking = [] if failed else _ranking(facts, section, rows, votes_by_bid)
    lot = section.lot
    return {
        "lot": lot and {"number": lot.number, "title": lot.title},
        "ceiling_price": str(section.ceiling),
        "abnormal_threshold": _money(scoring.cents(section.threshold)) if section.threshold else None,
        "bids": [rows[f.bid.pk] for f in section.bids],
        "valid_bids": valid,
        "outcome": Outcome.FAILED if failed else Outcome.RANKED,
        "ranking": ranking,
        "candidates": [row["bid_id"] for row in ranking[:scoring.CANDIDATES]],
    }


def build_body(facts, seats, sheets, numbers, min_valid, opening_signature, now, round_=1):
    """The report from the facts, the seated members' signed sheets and seat numbers (both by member id)."""
    tender = facts.tender
    votes_by_bid = {f.bid.pk: [] for f in facts.bids}
    for seat in seats:
        for review in sheets[seat.user_id].reviews.all():
            votes_by_bid.setdefault(review.bid_id, []).append((numbers[seat.user_id], review))
    sections = [_section(facts, section, votes_by_bid, min_valid) for section in facts.sections]
    return {
        "format": FORMAT,
        "round": round_,
        "tender": {"id": tender.pk, "reference": tender.reference, "title": tender.title,
                   "entity": tender.project.entity.name, "ceiling_price": str(tender.ceiling_price),
                   "evaluation_method": tender.evaluation_method, "scoring_weights": tender.scoring_weights or {},
                   "procedure_type": tender.procedure_type, "training": tender.is_training},
        "opening_record_signature": opening_signature,
        "rules": {"decision": "majority", "trim_from": scoring.TRIM_FROM, "candidates": scoring.CANDIDATES,
                  "abnormal_price_percent": facts.percent, "min_valid_bids": min_valid},
        "committee": [{"seat": numbers[s.user_id], "representative": s.is_representative,
                       "signed_at": _iso(sheets[s.user_id].submitted_at), "sheet_sha256": sheets[s.user_id].digest}
                      for s in seats],
        "lots": sections,
        # Ranked when at least one lot has candidates; failed when every lot (or the tender) has too few.
        "outcome": Outcome.RANKED if any(s["outcome"] == Outcome.RANKED for s in sections) else Outcome.FAILED,
        "signed_at": _iso(now),
    }


def verify_report(body, signature, public_key_hex):
    return sealing.verify_signature(public_key_hex, sealing.canonical(body), signature)


# --- for readers ----------------------------------------------------------------------------

def _readable_bid(b):
    return {**b, "ground_label": label(Ground, b["ground"]) if b["ground"] else "",
            "automatic_label": str(AUTOMATIC.get(b["automatic"], "")),
            "reviews": [{**r, "verdict_label": label(Verdict, r["verdict"]),
                         "ground_label": label(Ground, r["ground"]) if r["ground"] else ""} for r in b["reviews"]],
            "justification": b["justification"] and {
                **b["justification"], "asked_at": when_iso(b["justification"]["asked_at"]),
                "answered_at": when_iso(b["justification"]["answered_at"]),
                "outcome_label": str(JUSTIFICATION_OUTCOMES.get(b["justification"]["outcome"], ""))}}


def _readable_section(section, criteria):
    ranking = [{**r, "scored": [{"criterion": c, "score": r["criteria"].get(c),
                                 "members": r["member_scores"].get(c, [])} for c in criteria]}
               for r in section["ranking"]]
    return {**section, "bids": [_readable_bid(b) for b in section["bids"]], "ranking": ranking,
            "outcome_label": label(Outcome, section["outcome"]),
            "heading": (_("Lot %(number)s: %(title)s") % section["lot"]) if section["lot"] else ""}


def readable_report(body, names=None):
    """A copy of a report body with a label beside every stored code, the dissent by member, and the members'
    names by seat where `names` (seat -> name) gives them."""
    names = names or {}
    scored = body["tender"]["evaluation_method"] == EvaluationMethod.SCORING
    criteria = [c for c in body["tender"]["scoring_weights"] if c != scoring.PRICE] if scored else []
    sections = [_readable_section(section, criteria) for section in body["lots"]]
    dissent = {}
    for section in sections:
        for b in section["bids"]:
            for seat in b["dissent"]:
                dissent.setdefault(seat, []).append(b)
    return {**body, "lots": sections, "outcome_label": label(Outcome, body["outcome"]),
            "method_label": label(EvaluationMethod, body["tender"]["evaluation_method"]),
            "dissent": sorted(dissent.items()), "scoring": scored, "criteria": criteria,
            "committee": [{**m, "name": names.get(m["seat"], ""), "signed_at": when_iso(m["signed_at"])}
                          for m in body["committee"]]}


def render_pdf(body):
    body = readable_report(body)
    text = ParagraphStyle("text", fontName=font(), fontSize=9, leading=12, wordWrap="CJK")
    heading = ParagraphStyle("heading", parent=text, fontSize=14, leading=18, spaceAfter=6)

    def p(value, style=text):
        return Paragraph(escape(str(value if value is not None else "")), style)

    def table(rows, widths):
        grid = Table([[p(cell) for cell in row] for row in rows], repeatRows=1, colWidths=widths)
        grid.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, "#888888"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        return grid

    tender, rules = body["tender"], body["rules"]
    story = [p(_("Evaluation report") + f" · {tender['reference']}", heading), p(tender["title"]),
             p(_("Procuring entity") + f": {tender['entity']}"),
             p(_("Evaluation method") + f": {body['method_label']}"),
             p(_("Round") + f": {body['round']}"),
             p(_("Outcome") + f": {body['outcome_label']}"), Spacer(1, 8)]
    criteria, scored = body["criteria"], body["scoring"]
    for section in body["lots"]:
        if section["heading"]:
            story += [p(section["heading"], heading)]
        story += [p(_("Outcome") + f": {section['outcome_label']}"),
                  p(_("Valid bids") + f": {section['valid_bids']} / " + _("required") + f": {rules['min_valid_bids']}"),
                  Spacer(1, 4)]
        if section["ranking"]:
            head = [_("Rank"), _("Bidder"), _("Price")] + ([_("Price score"), *criteria, _("Total")] if scored else [])
            rows = [[r["rank"], r["bidder"], format_amount(r["price"])]
                    + ([r["price_score"], *(r["criteria"][c] for c in criteria), r["total"]] if scored else [])
                    for r in section["ranking"]]
            story += [p(_("Ranking (the first three are the candidates)")), table([head, *rows], None), Spacer(1, 8)]
        rows = [[b["bidder"], format_amount(b["price"]), b["votes"]["pass"], b["votes"]["reject"],
                 _("Pass") if b["passed"] else f"{b['ground_label']} {b['automatic_label']}",
                 "; ".join(f"#{r['seat']} {r['verdict_label']} {r['ground_label']}: {r['reason']}"
                           for r in b["reviews"])]
                for b in section["bids"]]
        story += [p(_("Review of every bid")),
                  table([[_("Bidder"), _("Price"), _("Pass"), _("Reject"), _("Decision"), _("Members' reasons")],
                         *rows], [90, 60, 30, 30, 90, 230]), Spacer(1, 8)]
    story += [p(_("Dissent"), heading)]
    story += [p(_("Member %(seat)s disagreed on: %(bids)s") % {
        "seat": seat, "bids": ", ".join(b["bidder"] for b in bids)}) for seat, bids in body["dissent"]] or [p("-")]
    story += [Spacer(1, 8), p(_("Committee"), heading)]
    story += [p(f"#{m['seat']} · {m['signed_at']} · SHA-256 {m['sheet_sha256']}") for m in body["committee"]]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=_("Evaluation report") + f" {tender['reference']}",
                      leftMargin=30, rightMargin=30).build(story)
    return buffer.getvalue()
