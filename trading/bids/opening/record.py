"""The opening record: what happened, signed by the platform, published as a page and a PDF.

It publishes the tender private key, so anyone can open the stored ciphertexts
(whose SHA-256 the bidders hold in their receipts) and compare them with the
announced bids. Check a record with `verify_record(body, signature, public_key)`.

For each bid the body names the SHA-256 of its stored ciphertext and attachments as the opening found
them, its signed receipt, and whether its ciphertexts are published; the body also carries the latest
signed audit checkpoint, so every record anchors the audit log where others can keep a copy. The
ciphertexts themselves are served with the record as a bundle (selectors.record_bundle), which
scripts/verify_opening.py checks with no Django and no database.
"""
import io
from xml.sax.saxutils import escape

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from trading import platform_key, sealing
from trading.audit import checkpoints
from trading.bids.models import Bid, BidStatus, Receipt, TenderKey
from trading.tenders import clock
from trading.tenders.models import Lot
from trading.tenders.money import format_amount
from trading.tenders.rules import when_iso

from . import integrity, marks
from .labels import readable_record
from .models import OpeningEvent, OpeningRecord

FORMAT = "sunlight-opening-record/1"
FONT = "STSong-Light"
# Bids whose ciphertexts are published with the record: those the opening tried to open. The bids of a failed
# lot and lapsed bids stay sealed for good (the lot is tendered again), though the tender key is published.
PUBLISHED_STATUSES = (BidStatus.OPENED, BidStatus.REVOKED, BidStatus.WITHDRAWN_AT_OPENING, BidStatus.INVALID)  # a CID font built into reportlab: Chinese text without font files


def _iso(moment):
    return moment.isoformat() if moment else None


def build_body(session, tender):
    key = TenderKey.objects.filter(tender=tender).first()
    bids = list(Bid.objects.filter(tender=tender).exclude(status__in=(BidStatus.REPLACED, BidStatus.WITHDRAWN))
                .select_related("bidder", "lot").order_by("lot__number", "announce_order", "received_at", "id"))
    receipts_of = {r.bid_id: r.document() for r in Receipt.objects.filter(bid__in=bids)}
    marks_of = marks.of_tender(tender)  # e.g. bid security not confirmed (the rooms above bids register them)
    revealed = bool(key and key.revealed_private_key)
    return {
        "format": FORMAT,
        "tender": {"id": tender.pk, "reference": tender.reference, "title": tender.title,
                   "entity": tender.project.entity.name, "deadline": _iso(tender.deadline),
                   "min_bids": tender.min_bids, "ceiling_price": str(tender.ceiling_price),
                   "procedure_type": tender.procedure_type, "training": tender.is_training},
        "outcome": session.state,
        "failure_reason": session.failure_reason,
        "host": session.host.get_username() if session.host else "",
        "opened_at": _iso(session.opened_at),
        "closed_at": _iso(session.closed_at),
        "sign_ins": [{"bidder": s.bidder.name, "credit_code": s.bidder.credit_code, "at": _iso(s.at),
                      "confirmed_at": _iso(s.confirmed_at)} for s in session.sign_ins.select_related("bidder")],
        "lots": _lots(tender, bids),
        "bids": [{"order": b.announce_order, "bid_id": b.pk, "bidder": b.bidder.name,
                  "lot": b.lot.number if b.lot_id else None, "lot_title": b.lot.title if b.lot_id else "",
                  "credit_code": b.bidder.credit_code, "status": b.status,
                  "price": str(b.price) if b.price is not None else None, "duration_days": b.duration_days,
                  "quality": b.quality, "project_manager": b.project_manager,
                  "security_reference": b.security_reference, "marks": marks_of.get(b.bidder_id, []),
                  "version": b.version,
                  # As stored when the record was signed (not the stored digest fields), with the receipt to compare.
                  "ciphertext_sha256": integrity.content_digest(b) if b.sealed_content is not None else b.content_digest,
                  "attachments_sha256": integrity.attachment_digests(b), "receipt": receipts_of.get(b.pk),
                  "ciphertext_published": revealed and b.status in PUBLISHED_STATUSES,
                  "received_at": _iso(b.received_at), "note": b.opening_note} for b in bids],
        "objections": [{"bidder": o.bidder.name, "text": o.text, "raised_at": _iso(o.raised_at),
                        "answer": o.answer, "answered_by": o.answered_by.get_username() if o.answered_by else "",
                        "answered_at": _iso(o.answered_at)}
                       for o in session.objections.select_related("bidder", "answered_by")],
        "steps": [{"seq": e.seq, "kind": e.kind, "at": _iso(e.at), "payload": e.payload}
                  for e in OpeningEvent.objects.filter(tender=tender).order_by("seq")],
        "tender_public_key": bytes(key.public_key).hex() if key else "",
        "tender_private_key": bytes(key.revealed_private_key).hex() if key and key.revealed_private_key else "",
        "published_at": _iso(clock.now()),
        "audit_checkpoint": _audit_checkpoint(),
    }


def _audit_checkpoint():
    """The latest signed checkpoint of the audit log, signed now if entries were added since the last one."""
    checkpoints.sign_checkpoint(clock.now())
    latest = checkpoints.latest()
    return checkpoints.as_published(latest) if latest else None


def _lots(tender, bids):
    """Per lot: its ceiling, the bids it received and opened, and whether it failed ([] without lots)."""
    rows = []
    for lot in Lot.objects.filter(tender=tender).order_by("number"):
        own = [b for b in bids if b.lot_id == lot.pk]
        rows.append({"lot": lot.number, "lot_title": lot.title, "ceiling_price": str(lot.ceiling_price),
                     "bids": len(own), "opened": sum(b.status == BidStatus.OPENED for b in own),
                     "failed": lot.failed, "failed_at": _iso(lot.failed_at), "failure_reason": lot.failure_reason})
    return rows


def publish_record(session, tender):
    body = build_body(session, tender)
    opening_record = OpeningRecord(
        tender=tender, body=body, signature=platform_key.sign(body),
        platform_public_key=platform_key.public_key(), private_key_hex=body["tender_private_key"],
        published_at=clock.now())
    opening_record.pdf.save(f"opening-record-{tender.reference}.pdf", ContentFile(render_pdf(body)), save=False)
    opening_record.save()
    return opening_record


def verify_record(body, signature, public_key_hex):
    return sealing.verify_signature(public_key_hex, sealing.canonical(body), signature)


def font():
    """The Chinese-capable font of the platform's signed PDFs (registered once)."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def with_local_times(body):
    """The record's moments (stored in UTC, ISO 8601) in the platform's zone, to the minute, as pages show them."""
    def moments(row, *keys):
        return {**row, **{k: when_iso(row[k]) for k in keys if row.get(k)}}
    return {**moments(body, "opened_at", "closed_at"),
            "sign_ins": [moments(s, "at", "confirmed_at") for s in body.get("sign_ins", [])],
            "objections": [moments(o, "raised_at", "answered_at") for o in body.get("objections", [])],
            "steps": [moments(e, "at") for e in body.get("steps", [])],
            "audit_checkpoint": {**(body.get("audit_checkpoint") or {}),
                                 "body": moments((body.get("audit_checkpoint") or {}).get("body") or {}, "at")}}


def render_pdf(body):
    body = readable_record(with_local_times(body))
    text = ParagraphStyle("text", fontName=font(), fontSize=9, leading=12, wordWrap="CJK")
    heading = ParagraphStyle("heading", parent=text, fontSize=14, leading=18, spaceAfter=6)
    small = ParagraphStyle("small", parent=text, fontSize=7, leading=9, wordWrap="CJK")

    def p(value, style=text):
        return Paragraph(escape(str(value if value is not None else "")), style)

    tender = body["tender"]
    story = [p(_("Opening record") + f" · {tender['reference']}", heading)]
    if tender.get("training"):
        story.append(p(_("Demo / training procedure") + ": " + _(
            "periods run in minutes instead of days; this is not a real tender and nothing in it binds anyone."),
            heading))
    story += [p(tender["title"]),
             p(_("Procuring entity") + f": {tender['entity']}"),
             p(_("Outcome") + f": {body['outcome_label']} {body['failure_reason']}"),
             p(pgettext("time", "Opened") + f": {body['opened_at']}  " + pgettext("time", "Closed") + f": {body['closed_at']}"),
             p(_("Ceiling price") + f": {format_amount(tender['ceiling_price'])}"), Spacer(1, 8)]
    grid = TableStyle([("GRID", (0, 0), (-1, -1), 0.3, "#888888"), ("VALIGN", (0, 0), (-1, -1), "TOP")])
    if body["lots"]:
        lot_rows = [[p(h) for h in (_("Lot"), _("Ceiling price"), _("Bids received"), _("Bids opened"),
                                    _("Outcome"))]]
        lot_rows += [[p(lot["label"]), p(format_amount(lot["ceiling_price"])), p(lot["bids"]), p(lot["opened"]),
                      p(lot["failure_reason"] if lot["failed"] else _("Goes on to evaluation"))]
                     for lot in body["lots"]]
        lot_table = Table(lot_rows, repeatRows=1, colWidths=[150, 70, 50, 50, 180])
        lot_table.setStyle(grid)
        story += [p(_("Lots"), heading), lot_table, Spacer(1, 8)]
    rows = [[p(h) for h in (_("No."), _("Bidder"), _("Price"), _("Duration (days)"), _("Quality"),
                            _("Project manager"), _("Bid security"), _("Status"))]]
    rows += [[p(b["order"] or ""), p(f"{b['bidder']} · {b['lot_label']}" if b["lot_label"] else b["bidder"]),
              p(format_amount(b["price"]) if b["price"] else ""), p(b["duration_days"]), p(b["quality"]), p(b["project_manager"]),
              p(b["security_reference"]), p(f"{b['status_label']} {b['note']}")]
             for b in body["bids"]]
    table = Table(rows, repeatRows=1, colWidths=[24, 90, 60, 45, 70, 60, 60, 90])
    table.setStyle(grid)
    story += [p(_("Bids"), heading), table, Spacer(1, 8), p(_("Sign-in"), heading)]
    story += [p(f"{s['bidder']} · {s['at']} · " + _("confirmed") + f": {s['confirmed_at'] or '-'}")
              for s in body["sign_ins"]] or [p("-")]
    story += [Spacer(1, 8), p(_("Objections and answers"), heading)]
    story += [p(f"{o['bidder']} ({o['raised_at']}): {o['text']} — {o['answer']} ({o['answered_at']})")
              for o in body["objections"]] or [p("-")]
    story += [Spacer(1, 8), p(_("Every step"), heading)]
    story += [p(f"#{e['seq']} {e['at']} {e['label']}", small) for e in body["steps"]]
    story += [Spacer(1, 8), p(_("Tender private key"), heading), p(body["tender_private_key"] or "-", small),
              p(_("Tender public key") + f": {body['tender_public_key']}", small)]
    story += [p(f"{b['bidder']} · " + _("Ciphertext SHA-256") + f": {b.get('ciphertext_sha256', '')}", small)
              for b in body["bids"]]
    checkpoint = (body.get("audit_checkpoint") or {}).get("body")
    if checkpoint:
        story.append(p(_("Audit log checkpoint") + f": {checkpoint['size']} · {checkpoint['head']} · {checkpoint['at']}",
                       small))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=_("Opening record") + f" {tender['reference']}",
                      leftMargin=30, rightMargin=30).build(story)
    return buffer.getvalue()
