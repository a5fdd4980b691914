"""Every write of the complaints room: questions and their answers, objections to the documents and their
answers, complaints from filing to decision. Each service checks the matrix, cleans the whole input first
(one ValidationError with every problem, before anything is written), locks the tender row, writes in one
transaction with its audit entry, and refreshes the supervisor's checkpoints.
"""
import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from trading.accounts.caller import Caller
from trading.accounts.models import Organisation
from trading.accounts.permissions import authorize
from trading.audit.services import record
from trading.award.models import Award, CandidateNotice, PassOver
from trading.award.services import has_contract, revoke
from trading.bids.content import as_row_id
from trading.bids.models import Bid
from trading.credit import services as credit
from trading.evaluation.models import Report
from trading.evaluation.services import reopen_evaluation
from trading.tenders import clock, documents, rules
from trading.tenders.checkpoints import refresh_checkpoints
from trading.tenders.models import Tender, TenderStatus
from trading.tenders.moves import move_tender
from trading.tenders.selectors import is_own, tender_policy
from trading.tenders.services import add_clarification

from . import selectors
from .models import (
    Complaint,
    ComplaintStatus,
    Decision,
    DocumentObjection,
    Evidence,
    Question,
    Remedy,
    Subject,
)

MAX_EVIDENCE = 5


def _lock(tender_id):
    row_id = as_row_id(tender_id)
    tender = (Tender.objects.select_for_update().select_related("project__entity")
              .exclude(status=TenderStatus.DRAFT).filter(pk=row_id).first()) if row_id else None
    if tender is None:
        raise Http404(_("No such tender."))
    return tender


def _tender_of(model, row_id, missing):
    row_id = as_row_id(row_id)
    tender_id = model.objects.filter(pk=row_id).values_list("tender_id", flat=True).first() if row_id else None
    if tender_id is None:
        raise Http404(missing)
    return row_id, tender_id


def _organisation(caller):
    if caller.organisation is None:
        raise PermissionDenied(_("Your account belongs to no organisation; ask the administrator."))
    return caller.organisation


def _own(caller, tender):
    if not is_own(caller.user, tender):
        raise PermissionDenied(_("Only the tender's own entity may do this."))


def _bidding_open(errors, tender, now, what):
    if tender.status != TenderStatus.PUBLISHED or tender.deadline <= now:
        errors["tender"] = _("%(what)s are possible only while bidding is open.") % {"what": what}


def _ceil_minute(moment):
    rounded = moment.replace(second=0, microsecond=0)
    return rounded if rounded == moment else rounded + dt.timedelta(minutes=1)


# --- questions (提问) ------------------------------------------------------------------------

def ask_question(caller, tender_id, text):
    """A firm that obtained the documents asks about them; the entity sees the question, never who asked."""
    authorize(caller.user, "question.ask")
    organisation = _organisation(caller)
    errors = {}
    text = rules.text(errors, "text", text, rules.MAX_TEXT)
    with transaction.atomic():
        tender = _lock(tender_id)
        now = clock.now()
        _bidding_open(errors, tender, now, _("Questions about the documents"))
        if "tender" not in errors and not selectors.obtained_documents(organisation.pk, tender):
            errors["tender"] = _("Download the tender documents first: questions come from those who obtained "
                                 "them.")
        if errors:
            raise ValidationError(errors)
        question = Question.objects.create(tender=tender, asker=organisation, asked_by=caller.user, text=text,
                                           asked_at=now)
        # The asker is kept out of the entry's summary; the entry's actor stays for the auditors, and the entry
        # is hidden from log readers until bidding is over, like every entry that would tell who takes part.
        record(caller, "complaints.ask_question", question, embargo=f"tender:{tender.pk}", tender=tender.reference)
    return question


def answer_question(caller, question_id, answer, changes_conditions=False):
    """The entity answers with a clarification that every bidder reads; it names nobody."""
    authorize(caller.user, "question.answer")
    row_id, tender_id = _tender_of(Question, question_id, _("No such question."))
    errors = {}
    answer = rules.text(errors, "answer", answer, rules.MAX_TEXT - 2000)
    rules.yes_no(errors, "changes_conditions", changes_conditions)
    with transaction.atomic():
        tender = _lock(tender_id)
        _own(caller, tender)
        question = Question.objects.select_for_update().get(pk=row_id)
        now = clock.now()
        if question.answered:
            errors["answer"] = _("This question was answered at %(when)s.") % {"when": rules.when(question.answered_at)}
        _bidding_open(errors, tender, now, _("Answers to questions"))
        if errors:
            raise ValidationError(errors)
        clarification = add_clarification(
            caller, tender, _("Question: %(question)s\n\nAnswer: %(answer)s") % {
                "question": question.text, "answer": answer}, changes_conditions=changes_conditions)
        question.clarification, question.answered_at = clarification, now
        question.save(update_fields=["clarification", "answered_at"])
        record(caller, "complaints.answer_question", question, tender=tender.reference,
               clarification=clarification.pk, changes_conditions=changes_conditions)
    return question


# --- objections to the documents (异议) --------------------------------------------------------

def file_document_objection(caller, tender_id, text):
    """Up to the policy's cut-off before the deadline; the procedure is suspended until the entity answers."""
    authorize(caller.user, "document_objection.file")
    organisation = _organisation(caller)
    errors = {}
    text = rules.text(errors, "text", text, rules.MAX_TEXT - 2000)
    with transaction.atomic():
        tender = _lock(tender_id)
        now = clock.now()
        _bidding_open(errors, tender, now, _("Objections to the documents"))
        policy = tender_policy(tender)
        if "tender" not in errors:
            cutoff = tender.deadline - policy.delta("document_objection_cutoff")
            if not selectors.obtained_documents(organisation.pk, tender):
                errors["tender"] = _("Download the tender documents first: objections come from those who "
                                     "obtained them.")
            elif now > cutoff:
                errors["tender"] = _("Objections to the documents close %(period)s before the deadline, at "
                                     "%(cutoff)s: this one comes too late.") % {
                    "period": policy.describe("document_objection_cutoff"), "cutoff": rules.when(cutoff)}
        if errors:
            raise ValidationError(errors)
        objection = DocumentObjection.objects.create(
            tender=tender, objector=organisation, filed_by=caller.user, text=text, filed_at=now,
            answer_due=now + policy.delta("objection_answer"), deadline_at_filing=tender.deadline)
        record(caller, "complaints.file_objection", objection, embargo=f"tender:{tender.pk}",
               tender=tender.reference, answer_due=objection.answer_due.isoformat())
        if objection.answer_due >= tender.deadline:
            # Filed so close to the deadline that the answer may come after it: the procedure is suspended while
            # the objection waits, so the deadline moves past the answer's due time by the time bidders had left.
            _move_deadline(tender, _ceil_minute(objection.answer_due + (tender.deadline - now)), "filed")
        refresh_checkpoints(tender, caller)
    return objection


def _move_deadline(tender, deadline, why):
    """Move the bid deadline of the locked tender later because an objection to the documents holds the procedure;
    the platform's own step, audited without naming the objector (documents stay on offer until the deadline)."""
    before = tender.deadline
    if tender.documents_until == before or (tender.documents_until and tender.documents_until > deadline):
        tender.documents_until = deadline
    tender.deadline = deadline
    tender.save(update_fields=["deadline", "documents_until"])
    record(Caller.system(), "complaints.deadline_moved", tender, tender=tender.reference, objection=why,
           deadline_before=before.isoformat(), deadline_after=deadline.isoformat())


def answer_document_objection(caller, objection_id, answer, upheld, changes_conditions=False):
    """The entity answers once, as a clarification every bidder reads (naming nobody). The suspension stops the
    clock: bidders get back, from the answer, the time they had left when the objection was filed, so no bidder
    loses preparation time (an answer after the deadline, which the objection held, opens bidding again); a change
    of the conditions moves it further where the clarification cut-off requires."""
    authorize(caller.user, "document_objection.answer")
    row_id, tender_id = _tender_of(DocumentObjection, objection_id, _("No such objection."))
    errors = {}
    answer = rules.text(errors, "answer", answer, rules.MAX_TEXT - 2000)
    rules.yes_no(errors, "upheld", upheld)
    rules.yes_no(errors, "changes_conditions", changes_conditions)
    with transaction.atomic():
        tender = _lock(tender_id)
        _own(caller, tender)
        objection = DocumentObjection.objects.select_for_update().get(pk=row_id)
        now = clock.now()
        if objection.answered:
            errors["answer"] = _("This objection was answered at %(when)s; the answer cannot change.") % {
                "when": rules.when(objection.answered_at)}
        # An unanswered objection holds the opening, so the bidding it suspended is not over even if the deadline
        # has passed meanwhile: the answer is still taken, and the deadline moves again below.
        if tender.status != TenderStatus.PUBLISHED:
            errors["tender"] = _("%(what)s are possible only while bidding is open.") % {
                "what": _("Answers to objections")}
        if errors:
            raise ValidationError(errors)
        before = tender.deadline
        if objection.deadline_at_filing is not None:
            # Bidders get back the time they had left when the objection was filed, counted from the answer.
            moved = max(before, _ceil_minute(now + (objection.deadline_at_filing - objection.filed_at)))
        else:  # filed before the deadline at filing was kept: the deadline moves by the time it waited
            moved = _ceil_minute(before + (now - objection.filed_at))
        if before <= now:
            _move_deadline(tender, moved, "answered")  # bidding opens again before the answer is published
        verdict = _("The objection is upheld.") if upheld else _("The objection is dismissed.")
        clarification = add_clarification(
            caller, tender, _("Objection to the tender documents: %(objection)s\n\n%(verdict)s %(answer)s") % {
                "objection": objection.text, "verdict": verdict, "answer": answer},
            changes_conditions=changes_conditions, new_deadline=moved if moved > tender.deadline else None)
        objection.answer, objection.upheld, objection.answered_by, objection.answered_at = answer, upheld, \
            caller.user, now
        objection.clarification = clarification
        objection.save(update_fields=["answer", "upheld", "answered_by", "answered_at", "clarification"])
        record(caller, "complaints.answer_objection", objection, tender=tender.reference, upheld=upheld,
               late=now > objection.answer_due, deadline_before=before.isoformat(),
               deadline_after=clarification.deadline_after.isoformat())
        refresh_checkpoints(tender, caller)
    return objection


# --- complaints (投诉) -------------------------------------------------------------------------

def _moment(errors, field, value):
    if isinstance(value, str):
        try:
            value = parse_datetime(value.strip())
        except ValueError:
            value = None
        if value is None:
            errors[field] = _("Enter a date and time, e.g. 2026-05-04T09:30.")
            return None
    if value in (None, ""):
        errors[field] = _("This field is required.")
        return None
    return rules.moment(errors, field, value)


def file_complaint(caller, tender_id, subject, text, known_at, against=None, evidence=()):
    """A bidder, or a firm that obtained the documents, complains to the supervising department within the
    policy's window from the moment it knew; evidence attached."""
    authorize(caller.user, "complaint.file")
    organisation = _organisation(caller)
    errors = {}
    if subject not in Subject.values:
        errors["subject"] = _("Choose what the complaint is about.")
    text = rules.text(errors, "text", text, rules.MAX_TEXT)
    known_at = _moment(errors, "known_at", known_at)
    evidence = list(evidence or [])
    if len(evidence) > MAX_EVIDENCE:
        errors["evidence"] = _("At most %(n)d files.") % {"n": MAX_EVIDENCE}
    for index, upload in enumerate(evidence[:MAX_EVIDENCE]):
        documents.check_upload(errors, f"evidence.{index}" if len(evidence) > 1 else "evidence", upload)
    against_id = None
    if against not in (None, ""):
        against_id = as_row_id(against)
        if against_id is None:
            errors["against"] = _("Name a firm by its number.")
    with transaction.atomic():
        tender = _lock(tender_id)
        now = clock.now()
        policy = tender_policy(tender)
        if not selectors.interested(organisation.pk, tender):
            errors["tender"] = _("Only the bidders of this tender and firms that obtained its documents may "
                                 "complain about it.")
        if known_at is not None and "known_at" not in errors:
            closes = policy.due("complaint_window", known_at)
            if known_at > now:
                errors["known_at"] = _("This moment is in the future.")
            elif tender.published_at and known_at < tender.published_at:
                errors["known_at"] = _("The tender was published on %(when)s; nothing about it was known before.") % {
                    "when": rules.when(tender.published_at)}
            elif now > closes:
                errors["known_at"] = _("A complaint is filed within %(period)s of knowing: known since %(known)s, "
                                       "the window closed at %(closes)s.") % {
                    "period": policy.describe("complaint_window"), "known": rules.when(known_at),
                    "closes": rules.when(closes)}
        against_org = None
        if against_id is not None:
            against_org = Organisation.objects.filter(pk=against_id).first()
            if against_org is None or not Bid.objects.filter(tender=tender, bidder=against_org).exists():
                errors["against"] = _("Only a firm that bid in this tender can be named.")
            elif against_org.pk == organisation.pk:
                errors["against"] = _("A firm does not complain against itself.")
        if errors:
            raise ValidationError(errors)
        complaint = Complaint.objects.create(
            tender=tender, complainant=organisation, filed_by=caller.user, against=against_org, subject=subject,
            text=text, known_at=known_at, filed_at=now, acceptance_due=policy.due("complaint_acceptance", now))
        saved = []
        try:
            for upload in evidence:
                item = Evidence(complaint=complaint, filename=documents.safe_filename(upload.name), size=upload.size,
                                sha256=documents.sha256_of(upload))
                item.file.save(item.filename, upload, save=False)
                saved.append(item.file.name)
                item.save()
            record(caller, "complaints.file_complaint", complaint, embargo=f"tender:{tender.pk}",
                   tender=tender.reference, subject=subject,
                   against=against_org and against_org.credit_code, known_at=known_at.isoformat(),
                   acceptance_due=complaint.acceptance_due.isoformat(),
                   evidence=[item.sha256 for item in complaint.evidence.all()])
            refresh_checkpoints(tender, caller)
        except BaseException:
            for name in saved:
                Evidence.file.field.storage.delete(name)
            raise
    return complaint


def _handled(caller, complaint_id):
    """Lock the tender then the complaint, for a supervisor."""
    authorize(caller.user, "complaint.handle")
    row_id, tender_id = _tender_of(Complaint, complaint_id, _("No such complaint."))
    tender = _lock(tender_id)
    return tender, Complaint.objects.select_for_update().get(pk=row_id)


def _may_suspend(errors, tender):
    if tender.status in (TenderStatus.COMPLETE, TenderStatus.FAILED, TenderStatus.CANCELLED):
        errors["suspend"] = _("The procedure is over (%(status)s): there is nothing to suspend.") % {
            "status": tender.get_status_display()}


def _suspend(caller, tender, complaint, reason, now):
    complaint.suspended_at, complaint.suspension_reason, complaint.released_at = now, reason, None
    complaint.save(update_fields=["suspended_at", "suspension_reason", "released_at"])
    record(caller, "complaints.suspend", complaint, tender=tender.reference, reason=reason[:500])


def accept_complaint(caller, complaint_id, suspend=False, reason=""):
    """The supervisor accepts a filed complaint (the decision is then due within the policy's working days), and
    may suspend the procedure at once."""
    errors = {}
    rules.yes_no(errors, "suspend", suspend)
    reason = rules.text(errors, "reason", reason, rules.MAX_REASON, required=suspend is True)
    with transaction.atomic():
        tender, complaint = _handled(caller, complaint_id)
        if complaint.status != ComplaintStatus.FILED:
            errors["complaint"] = _("This complaint was already %(status)s.") % {
                "status": complaint.get_status_display().lower()}
        elif suspend is True:
            _may_suspend(errors, tender)
        if errors:
            raise ValidationError(errors)
        now = clock.now()
        complaint.status, complaint.accepted_at, complaint.handled_by = ComplaintStatus.ACCEPTED, now, caller.user
        complaint.decision_due = tender_policy(tender).due("complaint_decision", now)
        complaint.save(update_fields=["status", "accepted_at", "handled_by", "decision_due"])
        record(caller, "complaints.accept", complaint, tender=tender.reference, late=now > complaint.acceptance_due,
               decision_due=complaint.decision_due.isoformat())
        if suspend:
            _suspend(caller, tender, complaint, reason, now)
        refresh_checkpoints(tender, caller)
    return complaint


def refuse_complaint(caller, complaint_id, reason):
    """The supervisor refuses to accept a complaint (out of time, no standing, not a matter for complaint...),
    saying why; the refusal is published like a decision."""
    errors = {}
    reason = rules.text(errors, "reason", reason, rules.MAX_TEXT)
    with transaction.atomic():
        tender, complaint = _handled(caller, complaint_id)
        if complaint.status != ComplaintStatus.FILED:
            errors["complaint"] = _("This complaint was already %(status)s.") % {
                "status": complaint.get_status_display().lower()}
        if errors:
            raise ValidationError(errors)
        now = clock.now()
        complaint.status, complaint.refused_at, complaint.refusal_reason = ComplaintStatus.REFUSED, now, reason
        complaint.handled_by = caller.user
        complaint.save(update_fields=["status", "refused_at", "refusal_reason", "handled_by"])
        record(caller, "complaints.refuse", complaint, tender=tender.reference, late=now > complaint.acceptance_due)
        refresh_checkpoints(tender, caller)
    return complaint


def suspend_procedure(caller, complaint_id, reason):
    """While it reviews an accepted complaint the supervisor may suspend the procedure: nothing moves on (award
    and contract included) until it lifts the suspension or decides."""
    errors = {}
    reason = rules.text(errors, "reason", reason, rules.MAX_REASON)
    with transaction.atomic():
        tender, complaint = _handled(caller, complaint_id)
        if complaint.status != ComplaintStatus.ACCEPTED:
            errors["complaint"] = _("Only an accepted complaint under review suspends the procedure.")
        elif complaint.suspending:
            errors["complaint"] = _("The procedure is already suspended by this complaint.")
        else:
            _may_suspend(errors, tender)
        if errors:
            raise ValidationError(errors)
        _suspend(caller, tender, complaint, reason, clock.now())
    return complaint


def release_procedure(caller, complaint_id):
    """The supervisor lifts the suspension before deciding."""
    with transaction.atomic():
        tender, complaint = _handled(caller, complaint_id)
        if not complaint.suspending:
            raise ValidationError({"complaint": _("This complaint does not suspend the procedure.")})
        complaint.released_at = clock.now()
        complaint.save(update_fields=["released_at"])
        record(caller, "complaints.release", complaint, tender=tender.reference)
    return complaint


REMEDY_STATUSES = {
    Remedy.RE_EVALUATION: (TenderStatus.CANDIDATES, TenderStatus.AWARDED),
    Remedy.RE_TENDER: (TenderStatus.EVALUATION, TenderStatus.CANDIDATES, TenderStatus.AWARDED),
    Remedy.CANCEL_AWARD: (TenderStatus.CANDIDATES, TenderStatus.AWARDED),
}


def _remedy_problem(tender, remedy):
    """Why this remedy cannot apply to the tender as it stands, or None."""
    statuses = REMEDY_STATUSES.get(remedy)
    if statuses is None:
        return None
    if tender.status not in statuses:
        return _("This remedy does not apply to a tender that is %(status)s.") % {
            "status": tender.get_status_display().lower()}
    if remedy == Remedy.RE_EVALUATION and not Report.objects.filter(tender=tender, superseded_at__isnull=True).exists():
        return _("There is no signed evaluation report to evaluate again.")
    live = Award.objects.filter(tender=tender, revoked_at__isnull=True)
    if remedy == Remedy.CANCEL_AWARD and not live.exists():
        return _("The tender has no award to cancel.")
    # A concluded contract is the contracts room's to end; a remedy here would leave it on a revoked award.
    if any(has_contract(made) for made in live):
        return _("A contract is concluded on this award: the remedy cannot undo it here; record the finding and "
                 "order the entity to act on the contract.")
    return None


def _cancel_awards(caller, tender, complaint, reason, now):
    """The live awards are revoked as the award room revokes them (kept, marked; the candidate cannot be awarded
    again); an awarded tender goes back to its candidates, so the next one may be awarded."""
    for made in Award.objects.select_for_update().filter(tender=tender, revoked_at__isnull=True).select_related(
            "winner"):
        revoke(caller, tender, made, PassOver.DISQUALIFIED, reason, action="complaints.cancel_award",
               complaint=complaint.pk)


def _apply_remedy(caller, tender, complaint, now):
    reason = (_("Complaint no. %(number)d upheld: %(remedy)s") % {
        "number": complaint.pk, "remedy": complaint.get_remedy_display()})[:500]
    if complaint.remedy == Remedy.FINDING:
        return
    if complaint.remedy == Remedy.CANCEL_AWARD:
        _cancel_awards(caller, tender, complaint, reason, now)
        return
    _cancel_awards(caller, tender, complaint, reason, now)
    CandidateNotice.objects.filter(tender=tender, withdrawn_at__isnull=True).update(withdrawn_at=now,
                                                                                    withdrawn_reason=reason)
    if complaint.remedy == Remedy.RE_EVALUATION:
        reopen_evaluation(caller, tender, reason)
    else:
        move_tender(caller, tender, TenderStatus.FAILED, reason)


def decide_complaint(caller, complaint_id, decision, ruling, remedy=""):
    """The supervisor rules on an accepted complaint: dismissed, or upheld with a remedy that applies at once
    (re-evaluation, re-tender, the award cancelled, or the finding alone). The suspension ends; the decision
    notice is public; an upheld complaint against a firm goes on its credit record."""
    errors = {}
    ruling = rules.text(errors, "ruling", ruling, rules.MAX_TEXT)
    if decision not in Decision.values:
        errors["decision"] = _("Choose whether the complaint is upheld or dismissed.")
    elif decision == Decision.UPHELD and remedy not in Remedy.values:
        errors["remedy"] = _("An upheld complaint needs a remedy.")
    elif decision == Decision.DISMISSED and remedy:
        errors["remedy"] = _("A dismissed complaint changes nothing: leave the remedy empty.")
    with transaction.atomic():
        tender, complaint = _handled(caller, complaint_id)
        if complaint.status != ComplaintStatus.ACCEPTED:
            errors["complaint"] = _("Only an accepted complaint is decided (this one is %(status)s).") % {
                "status": complaint.get_status_display().lower()}
        elif decision == Decision.UPHELD and "remedy" not in errors:
            problem = _remedy_problem(tender, remedy)
            if problem:
                errors["remedy"] = problem
        if errors:
            raise ValidationError(errors)
        now = clock.now()
        complaint.status, complaint.decision, complaint.remedy = ComplaintStatus.DECIDED, decision, remedy or ""
        complaint.ruling, complaint.decided_at, complaint.handled_by = ruling, now, caller.user
        if complaint.suspending:
            complaint.released_at = now
        complaint.save(update_fields=["status", "decision", "remedy", "ruling", "decided_at", "handled_by",
                                      "released_at"])
        record(caller, "complaints.decide", complaint, tender=tender.reference, decision=decision,
               remedy=complaint.remedy, late=now > complaint.decision_due)
        if decision == Decision.UPHELD:
            _apply_remedy(caller, tender, complaint, now)
            if complaint.against_id:
                credit.note(caller, complaint.against, "complaint_upheld", _(
                    "Complaint no. %(number)d about tender %(tender)s upheld: %(ruling)s") % {
                    "number": complaint.pk, "tender": tender.reference, "ruling": ruling},
                    source=f"complaints.Complaint:{complaint.pk}")
        refresh_checkpoints(tender, caller)
    return complaint


def known_now():
    """The default 'known since' for a form: now, in local time, to the minute."""
    return timezone.localtime(clock.now()).replace(second=0, microsecond=0)
