"""Every write of the evaluation: the members' sheets, justification queries and answers, the report, failure.

Each service locks the tender row first, so sheets, queries and the report never interleave: the last
member to sign computes the report in the same transaction, with every other sheet already signed.
Entries a member writes in the audit log name that member, so they carry the experts app's committee
embargo: readers of the log learn no member before the candidate notice.
"""
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from trading import sealing
from trading.accounts.permissions import authorize
from trading.audit.services import record
from trading.bids import receipts
from trading.bids.content import as_row_id
from trading.bids.models import Bid, BidAttachment, BidStatus, TenderKey
from trading.bids.services import open_attachment
from trading.experts.selectors import embargo_key
from trading.tenders import clock, documents, rules
from trading.tenders.models import Tender, TenderStatus
from trading.tenders.moves import move_tender
from trading.tenders.selectors import is_own, tender_policy

from . import report as reports
from . import selectors, sheets
from .models import Justification, Outcome, Report, Review, Sheet

MAX_TEXT = 5000


def _lock(tender_id):
    row_id = as_row_id(tender_id)
    tender = (Tender.objects.select_for_update().select_related("project__entity")
              .exclude(status=TenderStatus.DRAFT).filter(pk=row_id).first()) if row_id else None
    if tender is None:
        raise Http404(_("No such tender."))
    return tender


def _require_evaluating(tender):
    if selectors.signed_report(tender) is not None:
        raise ValidationError({"tender": _("The evaluation is over: the report is signed.")})
    if tender.status != TenderStatus.EVALUATION:
        raise ValidationError({"tender": _("This tender is not under evaluation (status: %(status)s).")
                               % {"status": tender.get_status_display()}})


def _open_sheet(caller, tender):
    """The member's sheet (made on first use), locked; refused once signed."""
    now = clock.now()
    sheet, _created = Sheet.objects.select_for_update().get_or_create(
        tender=tender, member=caller.user, round=selectors.current_round(tender),
        defaults={"created_at": now, "updated_at": now})
    if sheet.submitted:
        raise ValidationError({"sheet": _("You signed your sheet at %(when)s; it can no longer change.")
                               % {"when": rules.when(sheet.submitted_at)}})
    return sheet


def _member_at_work(caller, tender_id):
    """Lock the tender; the caller must sit on its committee, with the evaluation running."""
    authorize(caller.user, "evaluation.review")
    tender = _lock(tender_id)
    selectors.require_member(caller.user, tender)
    _require_evaluating(tender)
    return tender


def _write(sheet, reviews, now):
    sheet.reviews.all().delete()
    Review.objects.bulk_create([Review(sheet=sheet, bid_id=r.bid_id, verdict=r.verdict, ground=r.ground,
                                       reason=r.reason, scores=r.scores) for r in reviews])
    sheet.updated_at = now


def save_sheet(caller, tender_id, data):
    """Save the member's draft (replacing the previous one); it may be incomplete, but not wrong."""
    with transaction.atomic():
        tender = _member_at_work(caller, tender_id)
        sheet = _open_sheet(caller, tender)
        reviews, errors = sheets.clean_sheet(data, selectors.facts(tender), complete=False)
        if errors:
            raise ValidationError(errors)
        _write(sheet, reviews, clock.now())
        sheet.save(update_fields=["updated_at"])
        record(caller, "evaluation.save_sheet", sheet, embargo=embargo_key(tender), tender=tender.reference,
               reviews=len(reviews))
    return sheet


def submit_sheet(caller, tender_id, data=None):
    """Sign the member's sheet (the data given, or the saved draft): once, complete, then fixed.

    When every seated member has signed, the platform computes and signs the report in this transaction.
    """
    with transaction.atomic():
        tender = _member_at_work(caller, tender_id)
        sheet = _open_sheet(caller, tender)
        facts = selectors.facts(tender)
        now = clock.now()
        reviews, errors = sheets.clean_sheet(sheets.as_data(sheet) if data is None else data, facts,
                                             complete=True, now=now)
        if errors:
            raise ValidationError(errors)
        _write(sheet, reviews, now)
        sheet.submitted_at = now
        sheet.digest = sealing.digest(sealing.canonical(selectors.sheet_content(sheet)))
        sheet.save(update_fields=["updated_at", "submitted_at", "digest"])
        record(caller, "evaluation.submit_sheet", sheet, embargo=embargo_key(tender), tender=tender.reference,
               sheet_sha256=sheet.digest)
        _finish_if_all_signed(caller, tender, facts, now)
    return sheet


def _finish_if_all_signed(caller, tender, facts, now):
    seats = selectors.seated(tender)
    signed = {s.member_id: s for s in selectors.round_sheets(tender).filter(submitted_at__isnull=False)
              .prefetch_related("reviews")}
    committee = tender.committee
    if len(seats) < committee.size or any(seat.user_id not in signed for seat in seats):
        return None
    opening_signature = tender.opening_record.signature
    round_ = selectors.current_round(tender)
    body = reports.build_body(facts, seats, signed, selectors.seat_numbers(tender), selectors.min_valid_bids(tender),
                              opening_signature, now, round_)
    signed_report = Report(tender=tender, round=round_, outcome=body["outcome"], body=body,
                           signature=receipts.sign_payload(body), platform_public_key=receipts.platform_public_key(),
                           signed_at=now)
    signed_report.pdf.save(f"evaluation-report-{tender.reference}-{round_}.pdf", ContentFile(reports.render_pdf(body)),
                           save=False)
    signed_report.save()
    # The committee's rejections are the `disqualified` facts the collusion engine reads (a re-evaluation's
    # report replaces the earlier round's).
    rows = [row for section in body["lots"] for row in section["bids"]]
    Bid.objects.filter(pk__in=[row["bid_id"] for row in rows if not row["passed"]]).update(disqualified=True)
    Bid.objects.filter(pk__in=[row["bid_id"] for row in rows if row["passed"]]).update(disqualified=False)
    record(caller, "evaluation.report", signed_report, embargo=embargo_key(tender), tender=tender.reference,
           round=round_, outcome=body["outcome"],
           lots=[{"lot": section["lot"] and section["lot"]["number"], "valid_bids": section["valid_bids"],
                  "candidates": section["candidates"]} for section in body["lots"]],
           signature=signed_report.signature)
    return signed_report


def ask_justification(caller, bid_id, question):
    """A member asks the bidder of an abnormally low price to justify it; the policy sets the time limit."""
    authorize(caller.user, "evaluation.review")
    row_id = as_row_id(bid_id)
    tender_id = Bid.objects.filter(pk=row_id, status=BidStatus.OPENED).values_list("tender_id", flat=True).first() \
        if row_id else None
    if tender_id is None:
        raise Http404(_("No such bid."))
    with transaction.atomic():
        tender = _member_at_work(caller, tender_id)
        bid_facts = selectors.facts(tender).of(row_id)
        errors = {}
        mine = selectors.own_sheet(caller.user, tender)
        if mine is not None and mine.submitted:
            errors["bid"] = _("You signed your sheet; only members still reviewing ask for justifications.")
        elif not bid_facts.abnormally_low:
            errors["bid"] = _("This price is not abnormally low by the published test.")
        elif bid_facts.justification is not None:
            errors["bid"] = _("This bidder was already asked at %(when)s.") % {
                "when": rules.when(bid_facts.justification.asked_at)}
        question = rules.text(errors, "question", question, MAX_TEXT)
        if errors:
            raise ValidationError(errors)
        now = clock.now()
        justification = Justification.objects.create(
            tender=tender, bid=bid_facts.bid, question=question, asked_by=caller.user, asked_at=now,
            due_at=now + tender_policy(tender).delta("justification_answer"))
        record(caller, "evaluation.ask_justification", justification, embargo=embargo_key(tender),
               tender=tender.reference, bid=row_id, due_at=justification.due_at.isoformat())
    return justification


def answer_justification(caller, justification_id, answer):
    """The bidder's organisation answers its query once, before the time limit."""
    authorize(caller.user, "evaluation.justify")
    tender_id = selectors.own_justification(caller.user, justification_id).tender_id
    with transaction.atomic():
        tender = _lock(tender_id)
        justification = Justification.objects.select_for_update().get(pk=as_row_id(justification_id))
        errors = {}
        now = clock.now()
        if justification.answered:
            errors["answer"] = _("Your organisation answered at %(when)s; the answer cannot change.") % {
                "when": rules.when(justification.answered_at)}
        elif now > justification.due_at:
            errors["answer"] = _("The time limit for this justification ended at %(due)s: the answer comes too "
                                 "late and was not accepted.") % {"due": rules.when(justification.due_at)}
        elif tender.status != TenderStatus.EVALUATION:
            errors["answer"] = _("This tender is no longer under evaluation.")
        answer = rules.text(errors, "answer", answer, MAX_TEXT)
        if errors:
            raise ValidationError(errors)
        justification.answer, justification.answered_by, justification.answered_at = answer, caller.user, now
        justification.save(update_fields=["answer", "answered_by", "answered_at"])
        record(caller, "evaluation.answer_justification", justification, tender=tender.reference,
               bid=justification.bid_id)
    return justification


def open_bid_attachment(caller, attachment_id):
    """A member opens an attachment of an opened bid of their tender (name and data), noted in the audit log."""
    authorize(caller.user, "evaluation.review")
    row_id = as_row_id(attachment_id)
    attachment = (BidAttachment.objects.select_related("bid__tender").filter(pk=row_id, bid__status=BidStatus.OPENED)
                  .first()) if row_id else None
    if attachment is None:
        raise Http404(_("No such attachment."))
    selectors.require_member(caller.user, attachment.bid.tender)
    key = TenderKey.objects.filter(tender=attachment.bid.tender).values_list("revealed_private_key", flat=True).first()
    if key is None:
        raise PermissionDenied(_("The tender key is not revealed: the attachment stays sealed."))
    opened = open_attachment(attachment, bytes(key))
    # Sealed in the bidder's browser, the file could not be checked on arrival: it is checked now, as every upload
    # is, and one that is not what its name says is not handed to the committee.
    problem = documents.upload_problem(SimpleUploadedFile(opened.name, opened.data),
                                       limit=settings.SUNLIGHT["MAX_ATTACHMENT_BYTES"])
    with transaction.atomic():
        record(caller, "evaluation.open_attachment", attachment, embargo=embargo_key(attachment.bid.tender),
               tender=attachment.bid.tender.reference, bid=attachment.bid_id,
               **({"refused": problem} if problem else {}))
    if problem:
        raise PermissionDenied(_("This attachment is not served: %(problem)s The bidder's browser sealed it, so the "
                                 "platform could check it only once the bid was opened.") % {"problem": problem})
    return opened


def fail_for_too_few_bids(caller, tender_id):
    """The entity ends the procedure when the signed report finds fewer valid bids than the minimum."""
    authorize(caller.user, "tender.advance")
    with transaction.atomic():
        tender = _lock(tender_id)
        if not is_own(caller.user, tender):
            raise PermissionDenied(_("Only the tender's own entity may end its procedure."))
        signed_report = selectors.signed_report(tender)
        if signed_report is None or signed_report.outcome != Outcome.FAILED:
            raise ValidationError({"tender": _("Only a signed evaluation report that finds too few valid bids "
                                               "fails the procedure here.")})
        reason = _("Evaluation: %(valid)d valid bids, at least %(min)d required.") % {
            "valid": max(section["valid_bids"] for section in signed_report.body["lots"]),
            "min": signed_report.body["rules"]["min_valid_bids"]}
        move_tender(caller, tender, TenderStatus.FAILED, reason)
        record(caller, "evaluation.fail", tender, reason=reason, report=signed_report.pk)
    return tender


def reopen_evaluation(caller, tender, reason):
    """The committee evaluates again (an objection to the candidates was upheld): the report in force is
    superseded, kept as it was signed, and the members sign new sheets for the next round.

    For the service that decides it (the award app's objection answer), inside its transaction.
    """
    report = Report.objects.select_for_update().filter(tender=tender, superseded_at__isnull=True).first()
    if report is None:
        raise ValidationError({"tender": _("There is no signed evaluation report to re-evaluate.")})
    report.superseded_at, report.superseded_reason = clock.now(), reason[:500]
    report.save(update_fields=["superseded_at", "superseded_reason"])
    move_tender(caller, tender, TenderStatus.EVALUATION, reason)
    record(caller, "evaluation.reopen", report, tender=tender.reference, round=report.round + 1, reason=reason[:500])
    return report
