"""Every write of the contract room, one function per use case. Each checks the role and the party, cleans the
whole input into {field: message} before it writes, locks the contract (or the tender) row, and appends its
audit entry in the same transaction; the tender's checkpoints are refreshed before it returns.

- The entity concludes the contract of a live award: at the award amount with the bid's project manager, or with
  a stated reason for each difference (red to the supervisor). The hold registry is asked first.
- The entity records amendments (price, duration, scope, project manager) with a reason and documents; a new
  project manager waits for the supervisor's approval.
- The entity records milestones, payments, completion, acceptance (the tender is complete once every contract of
  it is accepted), final accounts, the release of the retention money after the warranty, and rates the
  contractor (the rating goes to its credit record).
- The project manager checks in on site from a phone (time, place, photo), or the site supervisor records the
  day; the contractor declares its subcontracts.
"""
import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from trading.accounts.models import Organisation
from trading.accounts.permissions import allowed, authorize
from trading.accounts.roles import OrganisationKind
from trading.audit.services import record
from trading.award.models import Award
from trading.bids import receipts
from trading.bids.content import as_row_id
from trading.credit import services as credit
from trading.credit.selectors import active_debarment
from trading.tenders import clock, documents, holds, rules
from trading.tenders.checkpoints import refresh_checkpoints
from trading.tenders.models import Tender, TenderStatus
from trading.tenders.money import format_amount
from trading.tenders.moves import move_tender
from trading.tenders.selectors import is_own

from . import notices
from .models import (
    Amendment,
    AmendmentDocument,
    Approval,
    Attendance,
    AttendanceSource,
    Contract,
    ContractStatus,
    Milestone,
    Payment,
    Subcontract,
    manager_key,
)

MAX_DOCUMENTS = 5
MAX_DURATION_DAYS = 3650
# The law's caps, not platform policy: the defect liability period is at most 24 months and the retention money
# at most 3% of the price (Measures on the quality guarantee deposit of construction works, 2017, arts. 2 and 7).
MAX_WARRANTY_DAYS = 730
MAX_RETENTION_SHARE = Decimal("0.03")
PHOTO_TYPES = (".jpg", ".png")


def _signed(body):
    return {"body": body, "signature": receipts.sign_payload(body),
            "platform_public_key": receipts.platform_public_key()}


def _lock_contract(contract_id):
    """The contract's tender row first, then the contract: every service takes them in this order (acceptance moves
    the tender; the checkpoints write to it), so two of them never wait on each other."""
    row_id = as_row_id(contract_id)
    tender_id = Contract.objects.filter(pk=row_id).values_list("tender_id", flat=True).first() if row_id else None
    if tender_id is not None:
        Tender.objects.select_for_update().filter(pk=tender_id).first()
    contract = (Contract.objects.select_for_update().select_related("tender__project", "award", "contractor")
                .filter(pk=row_id).first()) if row_id else None
    if contract is None:
        raise Http404(_("No such contract."))
    return contract


def _own_entity(caller, contract):
    if not is_own(caller.user, contract.tender):
        raise PermissionDenied(_("Only the tender's own entity may do this."))


def _the_contractor(caller, contract):
    if not caller.user.organisation_id or caller.user.organisation_id != contract.contractor_id:
        raise PermissionDenied(_("Only the contractor of this contract may do this."))


def _done(caller, contract):
    refresh_checkpoints(contract.tender, caller)


def _documents(errors, files, required):
    files = list(files or [])
    if required and not files:
        errors["documents"] = _("Attach the signed document (the supplementary agreement) that records the change.")
    if len(files) > MAX_DOCUMENTS:
        errors["documents"] = _("At most %(n)d documents.") % {"n": MAX_DOCUMENTS}
    for index, upload in enumerate(files[:MAX_DOCUMENTS]):
        documents.check_upload(errors, "documents", upload)
    return files


def _positive_days(errors, field, value, high, required=True):
    return rules.integer(errors, field, value, 1, high, required=required)


# --- conclusion -------------------------------------------------------------------------------

def conclude_contract(caller, award_id, price, project_manager, duration_days, scope, warranty_days,
                      retention_amount, subcontract_percent=0, price_reason="", manager_reason=""):
    """The entity concludes the contract of a live award and publishes the signed contract notice."""
    authorize(caller.user, "contract.conclude")
    row_id = as_row_id(award_id)
    tender_id = Award.objects.filter(pk=row_id).values_list("tender_id", flat=True).first() if row_id else None
    if tender_id is None:
        raise Http404(_("No such award."))
    errors = {}
    price = rules.amount(errors, "price", price)
    project_manager = rules.text(errors, "project_manager", project_manager, 100)
    duration_days = _positive_days(errors, "duration_days", duration_days, MAX_DURATION_DAYS)
    scope = rules.text(errors, "scope", scope, rules.MAX_TEXT)
    warranty_days = _positive_days(errors, "warranty_days", warranty_days, MAX_WARRANTY_DAYS)
    retention_amount = rules.amount(errors, "retention_amount", retention_amount, positive=False)
    subcontract_percent = rules.integer(errors, "subcontract_percent", subcontract_percent, 0, 100)
    price_reason = rules.text(errors, "price_reason", price_reason, rules.MAX_TEXT, required=False)
    manager_reason = rules.text(errors, "manager_reason", manager_reason, rules.MAX_TEXT, required=False)
    with transaction.atomic():
        tender = Tender.objects.select_for_update().select_related("project__entity").get(pk=tender_id)
        if not is_own(caller.user, tender):
            raise PermissionDenied(_("Only the tender's own entity may do this."))
        award = Award.objects.select_related("bid", "winner", "lot").get(pk=row_id)
        if award.revoked:
            raise ValidationError({"award": _("This award was revoked; it has no contract.")})
        if Contract.objects.filter(award=award).exists():
            raise ValidationError({"award": _("The contract of this award is already concluded.")})
        if tender.status != TenderStatus.AWARDED:
            raise ValidationError({"award": _("A contract is concluded once the tender is awarded.")})
        holds.check(tender, "contract")
        debarment = active_debarment(award.winner)
        if debarment is not None:
            raise ValidationError({"award": _("%(firm)s is debarred (%(decision)s) until %(until)s: no contract "
                                              "while it is.") % {"firm": award.winner.name,
                                                                "decision": debarment.decision,
                                                                "until": rules.when(debarment.ends_at)}})
        if price is not None and price != award.amount and not price_reason:
            errors["price_reason"] = _("The price differs from the award amount (%(amount)s): state why.") % {
                "amount": format_amount(award.amount)}
        if project_manager and manager_key(project_manager) != manager_key(award.bid.project_manager) \
                and not manager_reason:
            errors["manager_reason"] = _("The winning bid named %(name)s as project manager: state why another "
                                         "is named.") % {"name": award.bid.project_manager or "—"}
        if price is not None and retention_amount is not None and retention_amount > price * MAX_RETENTION_SHARE:
            errors["retention_amount"] = _("The retention money may be at most 3%% of the price (%(max)s).") % {
                "max": format_amount(price * MAX_RETENTION_SHARE)}
        if errors:
            raise ValidationError(errors)
        now = clock.now()
        number = f"{tender.reference}-C{award.lot.number if award.lot else 1}"
        if Contract.objects.filter(reference=number).exists():
            number = f"{number}-{award.pk}"
        contract = Contract(
            tender=tender, lot=award.lot, award=award, entity=tender.project.entity, contractor=award.winner,
            reference=number, price=price, project_manager=project_manager, duration_days=duration_days, scope=scope,
            warranty_days=warranty_days, retention_amount=retention_amount, subcontract_percent=subcontract_percent,
            price_reason=price_reason if price != award.amount else "",
            manager_reason=manager_reason if manager_key(project_manager) != manager_key(award.bid.project_manager)
            else "",
            concluded_at=now, concluded_by=caller.user, current_price=price, current_manager=project_manager,
            current_duration_days=duration_days, current_scope=scope)
        for field, value in _signed(notices.contract_notice_body(contract)).items():
            setattr(contract, field, value)
        contract.save()
        record(caller, "contracts.conclude", contract, tender=tender.reference, lot=award.lot and award.lot.number,
               contractor=award.winner.name, price=str(price), award_amount=str(award.amount),
               project_manager=project_manager, bid_manager=award.bid.project_manager,
               signature=contract.signature)
        _done(caller, contract)
    return contract


# --- amendments -------------------------------------------------------------------------------

def amend_contract(caller, contract_id, reason, price=None, duration_days=None, scope="", project_manager="",
                   files=()):
    """The entity records a change of the contract with its reason and the signed document."""
    authorize(caller.user, "contract.amend")
    errors = {}
    reason = rules.text(errors, "reason", reason, rules.MAX_TEXT)
    price = rules.amount(errors, "price", price, required=False)
    duration_days = _positive_days(errors, "duration_days", duration_days, MAX_DURATION_DAYS, required=False)
    scope = rules.text(errors, "scope", scope, rules.MAX_TEXT, required=False)
    project_manager = rules.text(errors, "project_manager", project_manager, 100, required=False)
    files = _documents(errors, files, required=True)
    with transaction.atomic():
        contract = _lock_contract(contract_id)
        _own_entity(caller, contract)
        if contract.reached(ContractStatus.ACCEPTED):
            raise ValidationError({"contract": _("The works are accepted: the contract is no longer amended.")})
        if price is not None and price == contract.current_price:
            price = None
        if duration_days is not None and duration_days == contract.current_duration_days:
            duration_days = None
        if scope and scope == contract.current_scope:
            scope = ""
        if project_manager and manager_key(project_manager) == manager_key(contract.current_manager):
            project_manager = ""
        if not errors and price is None and duration_days is None and not scope and not project_manager:
            errors["price"] = _("An amendment changes the price, the duration, the scope or the project manager: "
                                "give at least one new value.")
        if errors:
            raise ValidationError(errors)
        now = clock.now()
        amendment = Amendment.objects.create(
            contract=contract, number=contract.amendments.count() + 1, reason=reason,
            price_before=contract.current_price if price is not None else None, price_after=price,
            duration_before=contract.current_duration_days if duration_days is not None else None,
            duration_after=duration_days, scope_after=scope,
            manager_before=contract.current_manager if project_manager else "", manager_after=project_manager,
            recorded_at=now, recorded_by=caller.user,
            approval=Approval.PENDING if project_manager else Approval.NOT_NEEDED)
        saved = []
        try:
            for upload in files:
                document = AmendmentDocument(amendment=amendment, filename=documents.safe_filename(upload.name),
                                             size=upload.size, sha256=documents.sha256_of(upload))
                document.file.save(document.filename, upload, save=False)
                saved.append(document.file.name)
                document.save()
            fields = []
            if price is not None:
                contract.current_price, fields = price, fields + ["current_price"]
            if duration_days is not None:
                contract.current_duration_days, fields = duration_days, fields + ["current_duration_days"]
            if scope:
                contract.current_scope, fields = scope, fields + ["current_scope"]
            if project_manager:
                # The new manager takes the site at once; until the supervisor approves, the substitution is red.
                contract.current_manager, fields = project_manager, fields + ["current_manager"]
            contract.save(update_fields=fields)
            record(caller, "contracts.amend", amendment, contract=contract.reference, number=amendment.number,
                   price_before=str(amendment.price_before or ""), price_after=str(amendment.price_after or ""),
                   duration_after=duration_days, scope_changed=bool(scope), manager_before=amendment.manager_before,
                   manager_after=project_manager, documents=[d.sha256 for d in amendment.documents.all()])
            _done(caller, contract)
        except BaseException:
            for name in saved:
                AmendmentDocument.file.field.storage.delete(name)
            raise
    return amendment


def decide_amendment(caller, amendment_id, approve, note=""):
    """The supervisor approves or refuses the substitution of a project manager, once."""
    authorize(caller.user, "contract.approve")
    row_id = as_row_id(amendment_id)
    contract_id = Amendment.objects.filter(pk=row_id).values_list("contract_id", flat=True).first() if row_id else None
    if contract_id is None:
        raise Http404(_("No such amendment."))
    errors = {}
    if not isinstance(approve, bool):
        errors["approve"] = _("Choose yes or no.")
    note = rules.text(errors, "note", note, rules.MAX_TEXT, required=approve is False)
    with transaction.atomic():
        contract = _lock_contract(contract_id)
        amendment = Amendment.objects.select_for_update().get(pk=row_id)
        if amendment.approval != Approval.PENDING:
            errors["approve"] = (_("Only a substitution of the project manager needs approval.")
                                 if amendment.approval == Approval.NOT_NEEDED
                                 else _("This substitution was already decided on %(when)s.") % {
                                     "when": rules.when(amendment.decided_at)})
        if errors:
            raise ValidationError(errors)
        amendment.approval = Approval.APPROVED if approve else Approval.REFUSED
        amendment.decided_at, amendment.decided_by, amendment.decision_note = clock.now(), caller.user, note
        amendment.save(update_fields=["approval", "decided_at", "decided_by", "decision_note"])
        record(caller, "contracts.decide_amendment", amendment, contract=contract.reference,
               number=amendment.number, approval=amendment.approval, manager=amendment.manager_after)
        _done(caller, contract)
    return amendment


# --- progress ---------------------------------------------------------------------------------

def _progress(caller, contract_id):
    authorize(caller.user, "contract.progress")
    contract = _lock_contract(contract_id)
    _own_entity(caller, contract)
    return contract


def record_milestone(caller, contract_id, title, note=""):
    errors = {}
    title = rules.text(errors, "title", title, rules.MAX_TITLE)
    note = rules.text(errors, "note", note, rules.MAX_TEXT, required=False)
    with transaction.atomic():
        contract = _progress(caller, contract_id)
        if contract.reached(ContractStatus.ACCEPTED):
            errors["title"] = _("The works are accepted: milestones are behind.")
        if errors:
            raise ValidationError(errors)
        milestone = Milestone.objects.create(contract=contract, title=title, note=note, reached_at=clock.now(),
                                             recorded_by=caller.user)
        record(caller, "contracts.milestone", milestone, contract=contract.reference, title=title)
    return milestone


def _paid(contract):
    return sum((p.amount for p in contract.payments.all()), Decimal(0))


def record_payment(caller, contract_id, amount, reference, milestone=None):
    """A payment to the contractor; the payments never go beyond the price in force (the final accounts once
    agreed), less the retention money held until the warranty ends."""
    errors = {}
    amount = rules.amount(errors, "amount", amount)
    reference = rules.text(errors, "reference", reference, 100)
    with transaction.atomic():
        contract = _progress(caller, contract_id)
        found = None
        if milestone not in (None, ""):
            milestone_id = as_row_id(milestone)
            found = contract.milestones.filter(pk=milestone_id).first() if milestone_id else None
            if found is None:
                errors["milestone"] = _("This contract has no such milestone.")
        ceiling = (contract.final_amount if contract.final_amount is not None else contract.current_price)
        ceiling -= contract.retention_amount
        if amount is not None and _paid(contract) + amount > ceiling:
            errors["amount"] = _("Payments would reach %(total)s, beyond %(ceiling)s (the price in force less the "
                                 "retention money).") % {"total": format_amount(_paid(contract) + amount), "ceiling": format_amount(ceiling)}
        if errors:
            raise ValidationError(errors)
        payment = Payment.objects.create(contract=contract, milestone=found, amount=amount, reference=reference,
                                         paid_at=clock.now(), recorded_by=caller.user)
        record(caller, "contracts.payment", payment, contract=contract.reference, amount=str(amount),
               reference=reference)
    return payment


def _step(contract, before, after):
    if contract.status != before:
        raise ValidationError({"contract": _("The contract is “%(status)s”; this step follows “%(before)s”.") % {
            "status": contract.get_status_display(), "before": ContractStatus(before).label}})
    contract.status = after


def complete_works(caller, contract_id, note=""):
    errors = {}
    note = rules.text(errors, "note", note, rules.MAX_TEXT, required=False)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        contract = _progress(caller, contract_id)
        _step(contract, ContractStatus.CONCLUDED, ContractStatus.COMPLETED)
        contract.completed_at = clock.now()
        contract.save(update_fields=["status", "completed_at"])
        record(caller, "contracts.complete", contract, contract=contract.reference, note=note)
        _done(caller, contract)
    return contract


def accept_works(caller, contract_id, note):
    """Acceptance starts the warranty; once every contract of the tender is accepted, the tender is complete."""
    errors = {}
    note = rules.text(errors, "note", note, rules.MAX_TEXT)
    if errors:
        raise ValidationError(errors)
    authorize(caller.user, "contract.progress")
    with transaction.atomic():
        tender = Tender.objects.select_for_update().get(pk=_tender_of(contract_id))
        contract = _progress(caller, contract_id)
        _step(contract, ContractStatus.COMPLETED, ContractStatus.ACCEPTED)
        now = clock.now()
        contract.accepted_at, contract.acceptance_note = now, note
        contract.warranty_ends_at = now + dt.timedelta(days=contract.warranty_days)
        contract.save(update_fields=["status", "accepted_at", "acceptance_note", "warranty_ends_at"])
        record(caller, "contracts.accept", contract, contract=contract.reference,
               warranty_ends_at=contract.warranty_ends_at.isoformat())
        live = Award.objects.filter(tender=tender, revoked_at__isnull=True)
        accepted = Contract.objects.filter(award__in=live, accepted_at__isnull=False).count()
        if tender.status == TenderStatus.AWARDED and accepted == live.count():
            move_tender(caller, tender, TenderStatus.COMPLETE,
                        _("Contract %(reference)s accepted; every contract of the tender is.") % {
                            "reference": contract.reference})
        else:
            _done(caller, contract)
    return contract


def _tender_of(contract_id):
    row_id = as_row_id(contract_id)
    tender_id = Contract.objects.filter(pk=row_id).values_list("tender_id", flat=True).first() if row_id else None
    if tender_id is None:
        raise Http404(_("No such contract."))
    return tender_id


def settle_accounts(caller, contract_id, final_amount, note=""):
    """The final accounts against the contract price in force: above it, the note must say why (and it shows red)."""
    errors = {}
    final_amount = rules.amount(errors, "final_amount", final_amount)
    note = rules.text(errors, "note", note, rules.MAX_TEXT, required=False)
    with transaction.atomic():
        contract = _progress(caller, contract_id)
        if final_amount is not None and final_amount > contract.current_price and not note:
            errors["note"] = _("The final accounts exceed the contract price in force (%(price)s): state why.") % {
                "price": format_amount(contract.current_price)}
        if final_amount is not None and final_amount < _paid(contract):
            errors["final_amount"] = _("%(paid)s is already paid: the final accounts cannot be lower.") % {
                "paid": _paid(contract)}
        if errors:
            raise ValidationError(errors)
        _step(contract, ContractStatus.ACCEPTED, ContractStatus.SETTLED)
        contract.final_amount, contract.final_note, contract.settled_at = final_amount, note, clock.now()
        contract.save(update_fields=["status", "final_amount", "final_note", "settled_at"])
        record(caller, "contracts.settle", contract, contract=contract.reference, final_amount=str(final_amount),
               price=str(contract.current_price))
        _done(caller, contract)
    return contract


def release_retention(caller, contract_id, reference):
    """The retention money is paid back after the warranty period, never before."""
    errors = {}
    reference = rules.text(errors, "reference", reference, 100)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        contract = _progress(caller, contract_id)
        now = clock.now()
        if contract.status == ContractStatus.SETTLED and now < contract.warranty_ends_at:
            raise ValidationError({"contract": _("The warranty runs until %(until)s; the retention money is held "
                                                 "until then.") % {"until": rules.when(contract.warranty_ends_at)}})
        _step(contract, ContractStatus.SETTLED, ContractStatus.CLOSED)
        contract.retention_released_at = now
        contract.save(update_fields=["status", "retention_released_at"])
        if contract.retention_amount:
            Payment.objects.create(contract=contract, amount=contract.retention_amount, reference=reference,
                                   retention=True, paid_at=now, recorded_by=caller.user)
        record(caller, "contracts.release_retention", contract, contract=contract.reference,
               amount=str(contract.retention_amount), reference=reference)
        _done(caller, contract)
    return contract


def rate_contractor(caller, contract_id, rating, note):
    """At acceptance or after, the entity rates the contractor once (1-5); the rating joins its credit record."""
    authorize(caller.user, "contract.rate")
    errors = {}
    rating = rules.integer(errors, "rating", rating, 1, 5)
    note = rules.text(errors, "note", note, rules.MAX_REASON)
    with transaction.atomic():
        contract = _lock_contract(contract_id)
        _own_entity(caller, contract)
        if "rating" in errors:
            pass
        elif not contract.reached(ContractStatus.ACCEPTED):
            errors["rating"] = _("The contractor is rated once the works are accepted.")
        elif contract.rated_at is not None:
            errors["rating"] = _("The contractor was already rated on %(when)s.") % {
                "when": rules.when(contract.rated_at)}
        if errors:
            raise ValidationError(errors)
        contract.rating, contract.rating_note, contract.rated_at = rating, note, clock.now()
        contract.save(update_fields=["rating", "rating_note", "rated_at"])
        record(caller, "contracts.rate", contract, contract=contract.reference, rating=rating)
        credit.note(caller, contract.contractor, "performance",
                    _("Contract %(reference)s (%(tender)s): %(rating)d/5. %(note)s") % {
                        "reference": contract.reference, "tender": contract.tender.title, "rating": rating,
                        "note": note},
                    rating=rating, source=f"contracts.Contract:{contract.pk}")
    return contract


# --- post-award checks ------------------------------------------------------------------------

def _coordinate(errors, field, value, limit):
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        errors[field] = _("Enter a number.")
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors[field] = _("Enter a number.")
        return None
    if not number.is_finite() or not -limit <= number <= limit:
        errors[field] = _("Enter a number from %(low)d to %(high)d.") % {"low": -limit, "high": limit}
        return None
    return number.quantize(Decimal("0.000001"))


def record_attendance(caller, contract_id, latitude=None, longitude=None, photo=None, present=True, note=""):
    """The project manager checks in (the contractor's user, from the site: place and photo required), or the
    site supervisor records the day (present or absent). One record per contract and day."""
    check_in = allowed(caller.user, "contract.check_in")
    if not check_in:
        authorize(caller.user, "contract.attendance")
    errors = {}
    latitude = _coordinate(errors, "latitude", latitude, 90)
    longitude = _coordinate(errors, "longitude", longitude, 180)
    note = rules.text(errors, "note", note, rules.MAX_REASON, required=False)
    if check_in:
        present = True
        if "latitude" not in errors and latitude is None:
            errors["latitude"] = _("Allow the phone to share its location: a check-in records where it was made.")
        if "longitude" not in errors and longitude is None:
            errors["longitude"] = _("Allow the phone to share its location: a check-in records where it was made.")
        if photo is None:
            errors["photo"] = _("Take a photo on site.")
        else:
            documents.check_upload(errors, "photo", photo)
            if "photo" not in errors and documents.extension(photo.name) not in PHOTO_TYPES:
                errors["photo"] = _("The photo must be a JPEG or PNG image.")
    elif not isinstance(present, bool):
        errors["present"] = _("Choose yes or no.")
    with transaction.atomic():
        contract = _lock_contract(contract_id)
        if check_in:
            _the_contractor(caller, contract)
        elif not (allowed(caller.user, "contract.watch") or is_own(caller.user, contract.tender)):
            raise PermissionDenied(_("Only the tender's own entity and supervisors record attendance."))
        now = clock.now()
        day = timezone.localdate(now)
        if contract.reached(ContractStatus.COMPLETED):
            errors["contract"] = _("The works are completed: attendance is no longer recorded.")
        elif Attendance.objects.filter(contract=contract, day=day).exists():
            errors["contract"] = _("The attendance of %(day)s is already recorded for this contract.") % {"day": day}
        if errors:
            raise ValidationError(errors)
        attendance = Attendance(contract=contract, manager=contract.current_manager,
                                manager_key=manager_key(contract.current_manager), day=day, at=now, present=present,
                                source=AttendanceSource.CHECK_IN if check_in else AttendanceSource.SUPERVISOR,
                                latitude=latitude, longitude=longitude, note=note, recorded_by=caller.user)
        saved = None
        try:
            if check_in:
                attendance.photo_sha256 = documents.sha256_of(photo)
                attendance.photo.save(documents.safe_filename(photo.name), photo, save=False)
                saved = attendance.photo.name
            attendance.save()
            record(caller, "contracts.attendance", attendance, contract=contract.reference, day=day.isoformat(),
                   manager=attendance.manager, present=present, source=attendance.source,
                   latitude=str(latitude or ""), longitude=str(longitude or ""), photo=attendance.photo_sha256)
            # The same manager elsewhere today turns the other tender red too.
            others = (Attendance.objects.filter(day=day, manager_key=attendance.manager_key, present=True)
                      .exclude(contract=contract).select_related("contract__tender"))
            _done(caller, contract)
            for tender in {a.contract.tender for a in others if a.contract.tender_id != contract.tender_id}:
                refresh_checkpoints(tender, caller)
        except BaseException:
            if saved:
                Attendance.photo.field.storage.delete(saved)
            raise
    return attendance


def declare_subcontract(caller, contract_id, subcontractor, scope, amount):
    """The contractor declares a subcontract (the subcontractor by its unified social credit code). Beyond the
    share the contract allows, or to a firm that bid against the winner in the same tender, it is flagged: it is
    how cover bidders are paid."""
    authorize(caller.user, "contract.subcontract")
    errors = {}
    code = rules.text(errors, "subcontractor", subcontractor, 40)
    scope = rules.text(errors, "scope", scope, rules.MAX_TEXT)
    amount = rules.amount(errors, "amount", amount)
    with transaction.atomic():
        contract = _lock_contract(contract_id)
        _the_contractor(caller, contract)
        firm = Organisation.objects.filter(credit_code=code, kind=OrganisationKind.CONTRACTOR).first() if code else None
        if code and firm is None:
            errors["subcontractor"] = _("No contractor with this unified social credit code is registered.")
        elif firm is not None and firm.pk == contract.contractor_id:
            errors["subcontractor"] = _("A contractor does not subcontract to itself.")
        if contract.reached(ContractStatus.ACCEPTED):
            errors["contract"] = _("The works are accepted: nothing is subcontracted any more.")
        if errors:
            raise ValidationError(errors)
        before = sum((s.amount for s in contract.subcontracts.all()), Decimal(0))
        allowed_amount = contract.current_price * contract.subcontract_percent / 100
        losing = contract.tender.bids.filter(bidder=firm).exists()
        subcontract = Subcontract.objects.create(
            contract=contract, subcontractor=firm, scope=scope, amount=amount, declared_at=clock.now(),
            declared_by=caller.user, beyond_allowed=before + amount > allowed_amount, losing_bidder=losing)
        record(caller, "contracts.subcontract", subcontract, contract=contract.reference,
               subcontractor=firm.credit_code, amount=str(amount), beyond_allowed=subcontract.beyond_allowed,
               losing_bidder=losing)
        _done(caller, contract)
    return subcontract
