"""Every write after the evaluation report: the candidate notice, objections and their answers, the award and
its revocation. Each service locks the tender row first, so an award never races an objection.
"""
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from trading.accounts.permissions import authorize
from trading.audit.services import record
from trading.bids import receipts
from trading.bids.content import as_row_id
from trading.bids.models import Bid, BidStatus
from trading.credit.selectors import active_debarment, debarment_refusal
from trading.evaluation import selectors as evaluation
from trading.evaluation.models import Outcome
from trading.evaluation.services import reopen_evaluation
from trading.experts.selectors import committee_of, seat_rows
from trading.tenders import clock, documents, holds, rules
from trading.tenders.checkpoints import refresh_checkpoints
from trading.tenders.models import Lot, Tender, TenderStatus
from trading.tenders.moves import move_tender
from trading.tenders.selectors import is_own, tender_policy

from . import notices, selectors
from .models import (Award, CandidateNotice, Decision, Objection, ObjectionAttachment, PassOver, Remedy)

MAX_ATTACHMENTS = 5


def _lock(tender_id):
    row_id = as_row_id(tender_id)
    tender = (Tender.objects.select_for_update().select_related("project__entity")
              .exclude(status=TenderStatus.DRAFT).filter(pk=row_id).first()) if row_id else None
    if tender is None:
        raise Http404(_("No such tender."))
    return tender


def _lock_own(caller, tender_id, action="tender.advance"):
    authorize(caller.user, action)
    tender = _lock(tender_id)
    if not is_own(caller.user, tender):
        raise PermissionDenied(_("Only the tender's own entity may do this."))
    return tender


def _signed(body):
    return {"body": body, "signature": receipts.sign_payload(body),
            "platform_public_key": receipts.platform_public_key()}


# --- the candidate notice -------------------------------------------------------------------

def publish_candidate_notice(caller, tender_id):
    """The entity publishes the candidates of the signed report for the policy's notice period.

    Lots the report found with too few valid bids fail here; the committee's names become public."""
    with transaction.atomic():
        tender = _lock_own(caller, tender_id)
        report = evaluation.signed_report(tender)
        if tender.status != TenderStatus.EVALUATION or report is None:
            raise ValidationError({"tender": _("The candidate notice follows a signed evaluation report.")})
        if report.outcome != Outcome.RANKED:
            raise ValidationError({"tender": _("The report finds too few valid bids: the procedure fails instead "
                                               "of publishing candidates.")})
        now = clock.now()
        closes_at = now + tender_policy(tender).delta("candidate_notice")
        for section in report.body["lots"]:
            if section["lot"] and section["outcome"] == Outcome.FAILED:
                Lot.objects.filter(tender=tender, number=section["lot"]["number"]).update(
                    failed_at=now, failure_reason=_("Evaluation: %(valid)d valid bids, at least %(min)d required.")
                    % {"valid": section["valid_bids"], "min": report.body["rules"]["min_valid_bids"]})
        committee = committee_of(tender)
        members = [(row.number, row.name, row.seat.is_representative)
                   for row in seat_rows(committee, names=True) if row.seat.status == "seated"] if committee else []
        body = notices.candidate_notice_body(tender, report, members, now, closes_at)
        notice = CandidateNotice.objects.create(tender=tender, report=report, published_at=now, closes_at=closes_at,
                                                published_by=caller.user, **_signed(body))
        move_tender(caller, tender, TenderStatus.CANDIDATES,
                    _("Candidate notice published until %(until)s.") % {"until": rules.when(closes_at)})
        record(caller, "award.publish_notice", notice, tender=tender.reference, closes_at=closes_at.isoformat(),
               candidates=[[c["bid_id"] for c in part["candidates"]] for part in body["lots"]],
               signature=notice.signature)
    return notice


# --- objections -----------------------------------------------------------------------------

def _objecting_bidder(caller, tender, lot_number):
    organisation = caller.organisation
    if organisation is None:
        raise PermissionDenied(_("Your account belongs to no organisation; ask the administrator."))
    bids = Bid.objects.filter(tender=tender, bidder=organisation, status=BidStatus.OPENED)
    if not bids.exists():
        raise PermissionDenied(_("Only the bidders of this tender may object to its candidates."))
    if lot_number in (None, ""):
        return organisation, None
    lot = tender.lots.filter(number=rules.integer({}, "lot", lot_number, 1, 10_000) or 0).first()
    if lot is None:
        raise ValidationError({"lot": _("This tender has no lot %(number)s.") % {"number": lot_number}})
    if not bids.filter(lot=lot).exists():
        raise ValidationError({"lot": _("Your organisation did not bid for lot %(number)s.") % {"number": lot.number}})
    return organisation, lot


def file_objection(caller, tender_id, text, lot=None, attachments=()):
    """A bidder objects to the candidates while the notice runs; the entity must answer within the policy."""
    authorize(caller.user, "candidate.object")
    errors = {}
    text = rules.text(errors, "text", text, rules.MAX_TEXT)
    attachments = list(attachments or [])
    if len(attachments) > MAX_ATTACHMENTS:
        errors["attachments"] = _("At most %(n)d attachments.") % {"n": MAX_ATTACHMENTS}
    for index, upload in enumerate(attachments[:MAX_ATTACHMENTS]):
        documents.check_upload(errors, f"attachments.{index}" if len(attachments) > 1 else "attachments", upload)
    with transaction.atomic():
        tender = _lock(tender_id)
        organisation, lot = _objecting_bidder(caller, tender, lot)
        notice = selectors.live_notice(tender)
        now = clock.now()
        if notice is None or tender.status != TenderStatus.CANDIDATES:
            errors["tender"] = _("Objections to the candidates are filed while a candidate notice runs.")
        elif now >= notice.closes_at:
            errors["tender"] = _("The candidate notice closed at %(when)s: the objection comes too late.") % {
                "when": rules.when(notice.closes_at)}
        if errors:
            raise ValidationError(errors)
        objection = Objection.objects.create(
            notice=notice, tender=tender, lot=lot, bidder=organisation, filed_by=caller.user, text=text,
            filed_at=now, answer_due=now + tender_policy(tender).delta("objection_answer"))
        saved = []
        try:
            for upload in attachments:
                attachment = ObjectionAttachment(objection=objection, filename=documents.safe_filename(upload.name),
                                                 size=upload.size, sha256=documents.sha256_of(upload))
                attachment.file.save(attachment.filename, upload, save=False)
                saved.append(attachment.file.name)
                attachment.save()
            record(caller, "award.file_objection", objection, tender=tender.reference,
                   lot=lot and lot.number, answer_due=objection.answer_due.isoformat(),
                   attachments=[a.sha256 for a in objection.attachments.all()])
            refresh_checkpoints(tender, caller)
        except BaseException:
            for name in saved:
                ObjectionAttachment.file.field.storage.delete(name)
            raise
    return objection


def answer_objection(caller, objection_id, answer, decision, remedy=""):
    """The entity answers an objection once. Upheld, its remedy applies at once: the notice is withdrawn and the
    committee evaluates again, or the procedure fails (to be tendered again)."""
    row_id = as_row_id(objection_id)
    tender_id = Objection.objects.filter(pk=row_id).values_list("tender_id", flat=True).first() if row_id else None
    if tender_id is None:
        raise Http404(_("No such objection."))
    errors = {}
    answer = rules.text(errors, "answer", answer, rules.MAX_TEXT)
    if decision not in Decision.values:
        errors["decision"] = _("Choose whether the objection is upheld or dismissed.")
    if decision == Decision.UPHELD and remedy not in Remedy.values:
        errors["remedy"] = _("An upheld objection needs a remedy: evaluate again, or tender again.")
    if decision == Decision.DISMISSED and remedy:
        errors["remedy"] = _("A dismissed objection changes nothing: leave the remedy empty.")
    with transaction.atomic():
        tender = _lock_own(caller, tender_id)
        objection = Objection.objects.select_for_update().get(pk=row_id)
        if objection.answered:
            raise ValidationError({"answer": _("This objection was answered at %(when)s; the answer cannot change.")
                                   % {"when": rules.when(objection.answered_at)}})
        if decision == Decision.UPHELD and (objection.notice.withdrawn or tender.status != TenderStatus.CANDIDATES):
            errors["remedy"] = _("The candidate notice was already withdrawn: this objection can only be answered, "
                                 "not upheld with a remedy.")
        if errors:
            raise ValidationError(errors)
        now = clock.now()
        objection.answer, objection.decision, objection.remedy = answer, decision, remedy
        objection.answered_by, objection.answered_at = caller.user, now
        objection.save(update_fields=["answer", "decision", "remedy", "answered_by", "answered_at"])
        record(caller, "award.answer_objection", objection, tender=tender.reference, decision=decision,
               remedy=remedy, late=now > objection.answer_due)
        if decision == Decision.UPHELD:
            _apply_remedy(caller, tender, objection, now)
        refresh_checkpoints(tender, caller)
    return objection


def _apply_remedy(caller, tender, objection, now):
    reason = _("Objection of %(bidder)s upheld: %(remedy)s") % {
        "bidder": objection.bidder.name, "remedy": objection.get_remedy_display()}
    notice = objection.notice
    notice.withdrawn_at, notice.withdrawn_reason = now, reason[:500]
    notice.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    if objection.remedy == Remedy.RE_EVALUATION:
        reopen_evaluation(caller, tender, reason)
    else:
        move_tender(caller, tender, TenderStatus.FAILED, reason)


# --- the award ------------------------------------------------------------------------------

def _candidate(report, bid_id):
    """(section, ranking row) of a candidate bid in the report; (None, None) when it is not a candidate."""
    for section in report.body["lots"]:
        if bid_id in section["candidates"]:
            return section, next(r for r in section["ranking"] if r["bid_id"] == bid_id)
    return None, None


def award(caller, tender_id, bid_id, pass_over="", reason=""):
    """The entity awards a candidate after the notice, at the bid's price: the first-ranked one, or the next only
    when the ones before it declined, failed to sign or were disqualified, with the reason recorded."""
    errors = {}
    reason = rules.text(errors, "reason", reason, rules.MAX_TEXT, required=bool(pass_over))
    if pass_over and pass_over not in PassOver.values:
        errors["pass_over"] = _("Choose why the higher-ranked candidates were passed over.")
    with transaction.atomic():
        tender = _lock_own(caller, tender_id)
        notice = selectors.live_notice(tender)
        now = clock.now()
        if tender.status != TenderStatus.CANDIDATES or notice is None:
            raise ValidationError({"tender": _("A tender is awarded after its candidate notice.")})
        if now < notice.closes_at:
            raise ValidationError({"tender": _("The candidate notice runs until %(until)s; no award before.")
                                   % {"until": rules.when(notice.closes_at)}})
        holds.check(tender, "award")
        waiting = notice.objections.filter(answered_at__isnull=True).first()
        if waiting is not None:
            raise ValidationError({"tender": _("The objection of %(bidder)s filed on %(when)s awaits its answer; no "
                                               "award before.") % {"bidder": waiting.bidder.name,
                                                                   "when": rules.when(waiting.filed_at)}})
        row_id = as_row_id(bid_id)
        section, row = _candidate(notice.report, row_id)
        if row is None:
            errors["bid"] = _("Only a candidate of the notice may be awarded.")
            raise ValidationError(errors)
        lot = tender.lots.get(number=section["lot"]["number"]) if section["lot"] else None
        live = selectors.live_awards(tender).filter(lot=lot).first()
        earlier = selectors.revoked_awards(tender).filter(lot=lot, bid_id=row_id).first()
        if live is not None:
            errors["bid"] = _("This is already awarded to %(winner)s.") % {"winner": live.winner.name}
        elif earlier is not None:
            errors["bid"] = _("This candidate's award was revoked (%(why)s); it cannot be awarded again.") % {
                "why": earlier.get_revoked_because_display()}
        elif row["rank"] > 1 and not pass_over:
            errors["pass_over"] = _("The first-ranked candidate is awarded unless it declined, failed to sign or "
                                    "was disqualified: say which, and why.")
        elif row["rank"] == 1 and pass_over:
            errors["pass_over"] = _("The first-ranked candidate passes nobody over: leave this empty.")
        if errors:
            raise ValidationError(errors)
        bid = Bid.objects.select_related("bidder", "lot").get(pk=row_id)
        debarment = active_debarment(bid.bidder, now)
        if debarment is not None:
            raise ValidationError({"bid": debarment_refusal(debarment)})
        made = Award(tender=tender, lot=lot, report=notice.report, bid=bid, winner=bid.bidder, amount=bid.price,
                     rank=row["rank"], pass_over=pass_over, reason=reason, awarded_at=now, awarded_by=caller.user)
        for field, value in _signed(notices.award_notice_body(made, notice)).items():
            setattr(made, field, value)
        made.save()
        Bid.objects.filter(pk=bid.pk).update(is_winner=True)
        record(caller, "award.award", made, tender=tender.reference, lot=lot and lot.number, winner=bid.bidder.name,
               amount=str(made.amount), rank=made.rank, pass_over=pass_over, signature=made.signature)
        _award_tender_when_complete(caller, tender, notice)
    return made


def _award_tender_when_complete(caller, tender, notice):
    """The tender is awarded once every lot that has candidates (or the tender itself) is."""
    ranked = [s for s in notice.report.body["lots"] if s["outcome"] == Outcome.RANKED]
    awards = list(selectors.live_awards(tender).select_related("winner"))
    if len(awards) < len(ranked):
        return
    tender.winner = awards[0].winner if len(awards) == 1 and awards[0].lot_id is None else None
    tender.awarded_amount = sum((a.amount for a in awards), Decimal(0))
    tender.save(update_fields=["winner", "awarded_amount"])
    move_tender(caller, tender, TenderStatus.AWARDED, ", ".join(
        _("Awarded to %(winner)s") % {"winner": a.winner.name} for a in awards))


def has_contract(made):
    """True when a contract is concluded on the award (the contracts room, above this one, adds the relation)."""
    return hasattr(Award, "contract") and Award.objects.filter(pk=made.pk, contract__isnull=False).exists()


def revoke(caller, tender, made, because, reason, action="award.revoke", **summary):
    """Revoke one live award (kept, marked; its candidate is not awarded again) and send an awarded tender back
    to its candidates. For the use cases that decided it, inside their transaction, with the tender locked."""
    made.revoked_at, made.revoked_because, made.revoked_reason = clock.now(), because, reason
    made.save(update_fields=["revoked_at", "revoked_because", "revoked_reason"])
    Bid.objects.filter(pk=made.bid_id).update(is_winner=False)
    record(caller, action, made, tender=tender.reference, winner=made.winner.name, because=because, **summary)
    if tender.status == TenderStatus.AWARDED:
        tender.winner, tender.awarded_amount = None, None
        tender.save(update_fields=["winner", "awarded_amount"])
        move_tender(caller, tender, TenderStatus.CANDIDATES,
                    _("Award to %(winner)s revoked: %(why)s") % {"winner": made.winner.name,
                                                                 "why": made.get_revoked_because_display()})
    return made


def revoke_award(caller, award_id, because, reason):
    """The winner declined, failed to sign or was found disqualified: the award is revoked (kept, marked) and the
    next candidate may be awarded. A concluded contract is ended in the contract room, not here."""
    row_id = as_row_id(award_id)
    tender_id = Award.objects.filter(pk=row_id).values_list("tender_id", flat=True).first() if row_id else None
    if tender_id is None:
        raise Http404(_("No such award."))
    errors = {}
    reason = rules.text(errors, "reason", reason, rules.MAX_TEXT)
    if because not in PassOver.values:
        errors["because"] = _("Choose why the award is revoked.")
    with transaction.atomic():
        tender = _lock_own(caller, tender_id)
        made = Award.objects.select_for_update().select_related("winner").get(pk=row_id)
        if made.revoked:
            errors["award"] = _("This award was already revoked.")
        elif tender.status not in (TenderStatus.CANDIDATES, TenderStatus.AWARDED):
            errors["award"] = _("An award is revoked before the procedure is complete.")
        elif has_contract(made):
            errors["award"] = _("A contract is concluded on this award: end it in the contract room; the award "
                                "stays as it was made.")
        if errors:
            raise ValidationError(errors)
        return revoke(caller, tender, made, because, reason)
