"""The signed notices of the award room: their bodies (codes and numbers, signed as canonical JSON), the
labels beside them for readers, and the award notice as a PDF.

Check one with `verify(body, signature, public_key)`, as the opening record and the evaluation report.
"""
import io
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from trading import sealing
from trading.bids.opening.record import font
from trading.evaluation.labels import label
from trading.evaluation.models import Ground, Outcome, Verdict
from trading.tenders.money import format_amount
from trading.tenders.rules import when_iso

from .models import PassOver

CANDIDATE_NOTICE = "sunlight-candidate-notice/1"
AWARD_NOTICE = "sunlight-award-notice/1"


def _tender(tender):
    return {"id": tender.pk, "reference": tender.reference, "title": tender.title,
            "entity": tender.project.entity.name, "training": tender.is_training}


def _rejected(row):
    return {"bid_id": row["bid_id"], "bidder": row["bidder"], "credit_code": row["credit_code"], "ground": row["ground"],
            "automatic": row["automatic"],
            "reasons": [r["reason"] for r in row["reviews"] if r["verdict"] == Verdict.REJECT and r["reason"]]}


def _lot_part(section):
    rows = {row["bid_id"]: row for row in section["bids"]}
    candidates = [{"rank": r["rank"], "bid_id": r["bid_id"], "bidder": r["bidder"],
                   "credit_code": rows[r["bid_id"]]["credit_code"], "price": r["price"], "total": r["total"]}
                  for r in section["ranking"] if r["bid_id"] in section["candidates"]]
    return {"lot": section["lot"], "outcome": section["outcome"], "valid_bids": section["valid_bids"],
            "candidates": candidates, "rejected": [_rejected(row) for row in section["bids"] if not row["passed"]]}


def candidate_notice_body(tender, report, committee, published_at, closes_at):
    """`committee`: [(seat number, name, representative)] — public from this notice on."""
    return {
        "format": CANDIDATE_NOTICE,
        "tender": _tender(tender),
        "report": {"round": report.round, "signed_at": report.signed_at.isoformat(), "signature": report.signature},
        "published_at": published_at.isoformat(), "closes_at": closes_at.isoformat(),
        "lots": [_lot_part(section) for section in report.body["lots"]],
        "committee": [{"seat": seat, "name": name, "representative": representative}
                      for seat, name, representative in committee],
    }


def award_notice_body(award, notice):
    bid = award.bid
    return {
        "format": AWARD_NOTICE,
        "tender": _tender(award.tender),
        "lot": award.lot and {"number": award.lot.number, "title": award.lot.title},
        "winner": {"name": award.winner.name, "credit_code": award.winner.credit_code},
        "amount": str(award.amount), "rank": award.rank,
        "duration_days": bid.duration_days, "project_manager": bid.project_manager, "quality": bid.quality,
        "pass_over": award.pass_over, "reason": award.reason,
        "awarded_at": award.awarded_at.isoformat(),
        "report_signature": award.report.signature, "candidate_notice_signature": notice.signature,
    }


def verify(body, signature, public_key_hex):
    return sealing.verify_signature(public_key_hex, sealing.canonical(body), signature)


# --- for readers ----------------------------------------------------------------------------

def readable_notice(body):
    lots = []
    body = {**body, "published_at": when_iso(body["published_at"]), "closes_at": when_iso(body["closes_at"])}
    for part in body["lots"]:
        lots.append({**part, "outcome_label": label(Outcome, part["outcome"]),
                     "heading": (_("Lot %(number)s: %(title)s") % part["lot"]) if part["lot"] else "",
                     "rejected": [{**r, "ground_label": label(Ground, r["ground"]) if r["ground"] else ""}
                                  for r in part["rejected"]]})
    return {**body, "lots": lots}


def readable_award(body):
    return {**body, "awarded_at": when_iso(body["awarded_at"]), "pass_over_label": label(PassOver, body["pass_over"]) if body["pass_over"] else "",
            "lot_heading": (_("Lot %(number)s: %(title)s") % body["lot"]) if body["lot"] else ""}


def award_notice_pdf(body):
    body = readable_award(body)
    text = ParagraphStyle("text", fontName=font(), fontSize=10, leading=14, wordWrap="CJK")
    heading = ParagraphStyle("heading", parent=text, fontSize=16, leading=22, spaceAfter=10)

    def p(value, style=text):
        return Paragraph(escape(str(value if value is not None else "")), style)

    tender = body["tender"]
    story = [p(_("Award notice"), heading),
             p(_("To: %(winner)s (unified social credit code %(code)s)") % {
                 "winner": body["winner"]["name"], "code": body["winner"]["credit_code"]}), Spacer(1, 6),
             p(_("Your bid for %(title)s (tender %(reference)s) of %(entity)s is awarded.") % tender)]
    if body["lot_heading"]:
        story.append(p(body["lot_heading"]))
    story += [p(_("Award amount") + f": {format_amount(body['amount'])}"),
              p(_("Duration (days)") + f": {body['duration_days'] or '-'}"),
              p(_("Project manager") + f": {body['project_manager'] or '-'}"),
              p(_("Rank in the evaluation") + f": {body['rank']}")]
    if body["pass_over"]:
        story.append(p(_("Higher-ranked candidates passed over") + f": {body['pass_over_label']} — {body['reason']}"))
    story += [Spacer(1, 6), p(_("Awarded on") + f": {body['awarded_at']}"),
              p(_("Sign the contract within the period the procedure sets; the platform records it.")),
              Spacer(1, 10), p(_("Evaluation report signature") + f": {body['report_signature']}"),
              p(_("Candidate notice signature") + f": {body['candidate_notice_signature']}")]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=_("Award notice") + f" {tender['reference']}",
                      leftMargin=40, rightMargin=40).build(story)
    return buffer.getvalue()
