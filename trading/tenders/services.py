"""Every write to projects, tenders, documents and clarifications.

Services check the permission matrix and the caller's own organisation, validate
the whole input before writing anything, and run in one transaction with the
audit entry. Bad input raises ValidationError({field: message}).
"""
import secrets
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trading.accounts.models import HolderKey, Organisation
from trading.accounts.permissions import authorize
from trading.accounts.roles import OrganisationKind, Role
from trading.audit.services import record

from . import clock, documents, rules, selectors
from .money import format_amount
from .checkpoints import refresh_checkpoints
from .moves import copy_fields, move_tender
from .selectors import is_own
from .models import (Clarification, DocumentDownload, EvaluationMethod, Lot, ProcedureType, Project, ProjectType, Tender,
                     TenderDocument, TenderStatus)
from .signals import conditions_changed, tender_published

TENDER_FIELDS = (
    "title", "description", "reference", "procedure_type", "ceiling_price", "evaluation_method", "scoring_weights",
    "bid_security_amount", "documents_from", "documents_until", "deadline", *rules.ENTITY_PERIODS, "min_bids",
    "confirmation_minutes", "key_threshold", "is_public",
)


# --- who may touch what -------------------------------------------------------------

def check_own(user, tender):
    """Another organisation's draft does not exist for you; its published tender is not yours to change."""
    if is_own(user, tender):
        return
    if tender.status == TenderStatus.DRAFT:
        raise Http404(_("No such tender."))
    raise PermissionDenied(_("This tender belongs to another procuring entity."))


# --- input cleaning ----------------------------------------------------------------

def _clean_tender(project, data, current=None):
    """Validate a whole set of tender fields (current values + changes); return cleaned values."""
    errors = {}
    base = {f: getattr(current, f) for f in TENDER_FIELDS} if current else {}
    base.update(data)
    out = {}
    out["title"] = rules.text(errors, "title", base.get("title"), rules.MAX_TITLE)
    out["description"] = rules.text(errors, "description", base.get("description"), rules.MAX_TEXT, required=False)
    reference = base.get("reference")
    if reference:
        out["reference"] = rules.text(errors, "reference", reference, rules.MAX_REFERENCE)
        clash = Tender.objects.filter(reference=out["reference"])
        if current:
            clash = clash.exclude(pk=current.pk)
        if "reference" not in errors and clash.exists():
            errors["reference"] = _("Another tender already has this reference.")
    out["procedure_type"] = _procedure(errors, project, base.get("procedure_type"))
    out["ceiling_price"] = rules.amount(errors, "ceiling_price", base.get("ceiling_price"))
    if out["ceiling_price"] is not None and out["ceiling_price"] > project.budget:
        errors["ceiling_price"] = _("The ceiling price cannot exceed the project budget (%(budget)s).") % {
            "budget": format_amount(project.budget)}
    out["bid_security_amount"] = rules.amount(errors, "bid_security_amount", base.get("bid_security_amount", 0),
                                              positive=False)
    if (out["bid_security_amount"] is not None and out["ceiling_price"] is not None
            and out["bid_security_amount"] > out["ceiling_price"]):
        errors["bid_security_amount"] = _("The bid security cannot exceed the ceiling price.")
    method = base.get("evaluation_method") or EvaluationMethod.LOWEST_PRICE
    out["evaluation_method"] = rules.choice(errors, "evaluation_method", method, EvaluationMethod)
    out["scoring_weights"] = (rules.weights(errors, base.get("scoring_weights"))
                              if out["evaluation_method"] == EvaluationMethod.SCORING else {})
    for field in rules.ENTITY_PERIODS:
        out[field] = rules.integer(errors, field, base.get(field), 1, rules.MAX_PERIOD, required=False)
    for field, (low, high) in rules.COUNT_LIMITS.items():
        value = base.get(field, Tender._meta.get_field(field).default)
        out[field] = rules.integer(errors, field, value, low, high)
    if out["procedure_type"]:
        policy = selectors.current_policy(out["procedure_type"])
        errors.update({k: v for k, v in rules.period_choice_problems(policy, out).items() if k not in errors})
        if "bid_security_amount" not in errors:
            errors.update(rules.security_problems(policy, out["bid_security_amount"], out["ceiling_price"]))
    out["is_public"] = rules.yes_no(errors, "is_public", base.get("is_public", True))
    for field in ("documents_from", "documents_until", "deadline"):
        out[field] = rules.moment(errors, field, base.get(field))
    errors.update(rules.date_order_problems(out["documents_from"], out["documents_until"], out["deadline"],
                                            clock.now()))
    lots = None
    if "lots" in data:
        lots = rules.lots(errors, data["lots"], out["ceiling_price"])
    unknown = set(data) - set(TENDER_FIELDS) - {"lots"}
    for field in unknown:
        errors[field] = _("Unknown field.")
    if errors:
        raise ValidationError(errors)
    if not out.get("reference") and current is None:
        out.pop("reference", None)
    return out, lots


def _procedure(errors, project, value):
    """The project's own procedure unless the entity chose another it may choose (training, where enabled)."""
    allowed_types = selectors.procedures_for(project)
    if value in (None, ""):
        return allowed_types[0]
    if value not in allowed_types:
        errors["procedure_type"] = _("Choose one of: %(choices)s.") % {
            "choices": ", ".join(str(ProcedureType(t).label) for t in allowed_types)}
        return None
    return value


def _reference(prefix):
    while True:
        candidate = f"{prefix}-{secrets.token_hex(3).upper()}"
        if not Tender.objects.filter(reference=candidate).exists() and not Project.objects.filter(
                code=candidate).exists():
            return candidate


# --- projects and tenders ------------------------------------------------------------

def register_project(caller, *, name, project_type, budget, funding_source, code="", agency=None):
    """Project entry (进场登记) by a procuring entity or its agent for its own organisation."""
    authorize(caller.user, "tender.create")
    organisation = caller.organisation
    if organisation is None:
        raise PermissionDenied(_("Your account belongs to no organisation."))
    errors = {}
    cleaned = dict(
        name=rules.text(errors, "name", name, rules.MAX_TITLE),
        project_type=rules.choice(errors, "project_type", project_type, ProjectType),
        budget=rules.amount(errors, "budget", budget),
        funding_source=rules.text(errors, "funding_source", funding_source, rules.MAX_TITLE),
    )
    code = rules.text(errors, "code", code, rules.MAX_REFERENCE, required=False)
    if code and Project.objects.filter(code=code).exists():
        errors["code"] = _("Another project already has this code.")
    if agency is not None and not (isinstance(agency, Organisation) and agency.kind == OrganisationKind.AGENCY):
        errors["agency"] = _("Choose a tendering agency.")
    if errors:
        raise ValidationError(errors)
    # An agent registers on behalf of its client: the entity is then the client, not the agency.
    entity = organisation
    with transaction.atomic():
        project = Project.objects.create(entity=entity, agency=agency, code=code or _reference("P"),
                                         created_by=caller.user, **cleaned)
        record(caller, "tenders.register_project", project, code=project.code, budget=project.budget,
               project_type=project.project_type)
    return project


def create_tender(caller, project, **fields):
    authorize(caller.user, "tender.create")
    if not is_own(caller.user, project):
        raise Http404(_("No such project."))
    cleaned, lots = _clean_tender(project, fields)
    with transaction.atomic():
        tender = Tender.objects.create(project=project, reference=cleaned.pop("reference", None) or _reference("T"),
                                       **cleaned)
        for lot in lots or []:
            Lot.objects.create(tender=tender, **lot)
        record(caller, "tenders.create_tender", tender, reference=tender.reference,
               ceiling_price=tender.ceiling_price, lots=len(lots or []))
    return tender


def update_tender(caller, tender, **changes):
    """Change a draft; after publication only clarifications change a tender."""
    authorize(caller.user, "tender.edit")
    check_own(caller.user, tender)
    original = tender
    with transaction.atomic():
        tender = Tender.objects.select_for_update().get(pk=tender.pk)
        if tender.status != TenderStatus.DRAFT:
            raise ValidationError({"status": _("Only a draft can be edited; publish a clarification instead.")})
        cleaned, lots = _clean_tender(tender.project, changes, current=tender)
        changed = {f: v for f, v in cleaned.items() if getattr(tender, f) != v}
        for field, value in changed.items():
            setattr(tender, field, value)
        tender.save()
        if lots is not None:
            tender.lots.all().delete()
            for lot in lots:
                Lot.objects.create(tender=tender, **lot)
        record(caller, "tenders.update_tender", tender, changed=sorted(changed), lots=None if lots is None else len(lots))
    copy_fields(original, tender, *TENDER_FIELDS)
    return original


# Stages a tender reaches only through their own use case, with its checks, never by a bare move.
OWN_USE_CASE = {
    TenderStatus.PUBLISHED: gettext_lazy("Publish a tender through its publication form."),
    TenderStatus.OPENING: gettext_lazy("The opening starts in the opening room."),
    TenderStatus.EVALUATION: gettext_lazy("The evaluation starts with the signed opening record, or again when an "
                                          "objection is upheld."),
    TenderStatus.CANDIDATES: gettext_lazy("Publish the candidate notice from the signed evaluation report."),
    TenderStatus.AWARDED: gettext_lazy("Award a candidate after the candidate notice."),
    TenderStatus.FAILED: gettext_lazy("A procedure fails at the opening or on the evaluation report."),
    TenderStatus.COMPLETE: gettext_lazy("A tender is complete once the works of its contracts are accepted, in the "
                                        "contract room."),
}


def transition(caller, tender, to_status, reason=""):
    """An official of the tender's entity moves it to its next stage, or cancels it (a checked use case)."""
    if to_status not in TenderStatus.values:
        raise ValidationError({"status": _("There is no status %(status)r.") % {"status": to_status}})
    to_status = TenderStatus(to_status)
    authorize(caller.user, "tender.cancel" if to_status == TenderStatus.CANCELLED else "tender.advance")
    check_own(caller.user, tender)
    if to_status in OWN_USE_CASE:
        raise ValidationError({"status": OWN_USE_CASE[to_status]})
    reason = rules.text({}, "reason", reason, rules.MAX_REASON, required=False)[:rules.MAX_REASON]
    return move_tender(caller, tender, to_status, reason)


def _holders(errors, tender, key_holders, threshold):
    users, seen = [], set()
    for user in key_holders or []:
        if getattr(user, "pk", None) is None or user.pk in seen:
            continue
        seen.add(user.pk)
        if not user.is_active:
            errors["key_holders"] = _("%(user)s is not an active user.") % {"user": user.get_username()}
        elif not (user.role == Role.SUPERVISOR or (user.role == Role.ENTITY and is_own(user, tender))):
            errors["key_holders"] = _("%(user)s cannot hold a key share: holders are officials of this entity "
                                      "and supervisors.") % {"user": user.get_username()}
        elif not HolderKey.objects.filter(user=user).exists():
            errors["key_holders"] = _("%(user)s has not registered a personal key yet.") % {"user": user.get_username()}
        users.append(user)
    _key_policy(errors, users, threshold)
    return users


# The platform's key policy (issue 12): no single person or organisation opens bids alone, and one lost
# key does not lock a tender. Constants of the platform, not fields an entity (or its policy row) can lower.
MIN_KEY_THRESHOLD = 2
SPARE_HOLDERS = 1


def _key_policy(errors, users, threshold):
    if threshold is not None and "threshold" not in errors and threshold < MIN_KEY_THRESHOLD:
        errors["threshold"] = _("At least %(k)d key shares must be needed to open the bids: no single holder may "
                                "open them alone.") % {"k": MIN_KEY_THRESHOLD}
    if "key_holders" in errors:
        return
    k = max(threshold or MIN_KEY_THRESHOLD, MIN_KEY_THRESHOLD)
    if len(users) < k + SPARE_HOLDERS:
        errors["key_holders"] = _("Choose at least %(n)d key holders: one more than the %(k)d shares needed, so the "
                                  "bids can still be opened if a holder loses their key.") % {
                                      "n": k + SPARE_HOLDERS, "k": k}
    elif not any(user.role == Role.SUPERVISOR for user in users):
        errors["key_holders"] = _("At least one key holder must be a supervisor.")
    elif len({user.organisation_id for user in users}) < 2:
        errors["key_holders"] = _("Key holders must come from at least two organisations.")


def publish_tender(caller, tender, key_holders, threshold=None):
    """Announce the tender: check the statutory periods, seal its key to the holders (bids app), go public."""
    authorize(caller.user, "tender.publish")
    check_own(caller.user, tender)
    original = tender
    with transaction.atomic():
        tender = Tender.objects.select_for_update().select_related("project").get(pk=tender.pk)
        if tender.status != TenderStatus.DRAFT:
            raise ValidationError({"status": _("A tender cannot go from “%(from)s” to “%(to)s”.") % {
                "from": tender.get_status_display(), "to": TenderStatus.PUBLISHED.label}})
        errors = {}
        threshold = tender.key_threshold if threshold in (None, "") else threshold
        threshold = rules.integer(errors, "threshold", threshold, *rules.COUNT_LIMITS["key_threshold"])
        holders = _holders(errors, tender, key_holders, threshold)
        now = clock.now()
        if tender.documents_from is None or tender.documents_from < now:
            tender.documents_from = now
        if tender.documents_until is None:
            tender.documents_until = tender.deadline
        # The policy in force now binds the tender for good: a later change by the administrator does not move it.
        policy = selectors.current_policy(tender.procedure_type)
        if tender.procedure_type not in selectors.procedures_for(tender.project):
            errors["procedure_type"] = _("This procedure type is not available now.")
        choices = rules.entity_choices(tender)
        errors.update(rules.period_choice_problems(policy, choices))
        errors.update(rules.security_problems(policy, tender.bid_security_amount, tender.ceiling_price))
        errors.update(rules.publication_problems(policy, rules.chosen_periods(policy, choices), tender.documents_from,
                                                 tender.documents_until, tender.deadline, now))
        if errors:
            raise ValidationError(errors)
        tender.policy = policy.as_dict()
        tender.key_threshold = threshold
        tender.save(update_fields=["documents_from", "documents_until", "key_threshold", "policy"])
        move_tender(caller, tender, TenderStatus.PUBLISHED)
        # The bids app creates the tender key and its shares here; if it fails, nothing is published.
        tender_published.send(sender=Tender, tender=tender, key_holders=holders, threshold=threshold, caller=caller)
        record(caller, "tenders.publish_tender", tender, deadline=tender.deadline, threshold=threshold,
               holders=[u.get_username() for u in holders])
    copy_fields(original, tender, "status", "published_at", "documents_from", "documents_until", "key_threshold",
                "policy", "was_red")
    return original


def add_clarification(caller, tender, text, changes_conditions=False, new_deadline=None):
    """Answer or amend during bidding. A late change of conditions moves the deadline so the cut-off holds."""
    authorize(caller.user, "tender.clarify")
    check_own(caller.user, tender)
    errors = {}
    text = rules.text(errors, "text", text, rules.MAX_TEXT)
    rules.yes_no(errors, "changes_conditions", changes_conditions)
    new_deadline = rules.moment(errors, "new_deadline", new_deadline)
    if errors:
        raise ValidationError(errors)
    original = tender
    with transaction.atomic():
        tender = Tender.objects.select_for_update().get(pk=tender.pk)
        now = clock.now()
        if tender.status != TenderStatus.PUBLISHED or tender.deadline <= now:
            raise ValidationError({"status": _("Clarifications are possible only while bidding is open.")})
        before = tender.deadline
        deadline = before
        if new_deadline is not None:
            if new_deadline <= before:
                raise ValidationError({"new_deadline": _("A clarification can only move the deadline later.")})
            deadline = new_deadline
        if changes_conditions:
            policy = selectors.tender_policy(tender)
            cutoff = rules.chosen_periods(policy, rules.entity_choices(tender))["clarification_cutoff"]
            deadline = max(deadline, rules.earliest_deadline_after_change(policy, now, cutoff))
        if tender.documents_until == before or (tender.documents_until and tender.documents_until > deadline):
            tender.documents_until = deadline
        tender.deadline = deadline
        tender.save(update_fields=["deadline", "documents_until"])
        clarification = Clarification.objects.create(
            tender=tender, text=text, changes_conditions=changes_conditions, deadline_before=before,
            deadline_after=deadline, created_by=caller.user, created_at=now)
        if changes_conditions:
            # Submitted bids must be confirmed again by their bidders (bids app).
            conditions_changed.send(sender=Tender, tender=tender, caller=caller)
        record(caller, "tenders.add_clarification", clarification, tender=tender.reference,
               changes_conditions=changes_conditions, deadline_before=before, deadline_after=deadline)
        refresh_checkpoints(tender, caller)
    copy_fields(original, tender, "deadline", "documents_until", "was_red")
    return clarification


def cancel_tender(caller, tender, reason):
    errors = {}
    reason = rules.text(errors, "reason", reason, rules.MAX_REASON)
    authorize(caller.user, "tender.cancel")
    check_own(caller.user, tender)
    if errors:
        raise ValidationError(errors)
    return transition(caller, tender, TenderStatus.CANCELLED, reason)


def retender(caller, tender):
    """Tender a failed procedure (or its failed lots) again: a new draft with the same project, conditions and
    lots, linked both ways. The entity then adds the documents, reviews the dates and publishes it."""
    authorize(caller.user, "tender.create")
    check_own(caller.user, tender)
    with transaction.atomic():
        old = Tender.objects.select_for_update().get(pk=tender.pk)
        failed_lots = [lot for lot in old.lots.all() if lot.failed]
        if old.status != TenderStatus.FAILED and not failed_lots:
            raise ValidationError({"tender": _("Only a failed procedure, or a tender with failed lots, is tendered "
                                               "again.")})
        if old.retenders.exists():
            raise ValidationError({"tender": _("This tender was already tendered again as %(reference)s.") % {
                "reference": old.retenders.first().reference}})
        lots = list(old.lots.all()) if old.status == TenderStatus.FAILED else failed_lots
        new = Tender.objects.create(
            project=old.project, reference=_reference("T"), title=old.title, description=old.description,
            ceiling_price=sum((lot.ceiling_price for lot in lots), Decimal(0)) if lots else old.ceiling_price,
            evaluation_method=old.evaluation_method, scoring_weights=old.scoring_weights,
            bid_security_amount=old.bid_security_amount, procedure_type=old.procedure_type,
            min_bids=old.min_bids, is_public=old.is_public, key_threshold=old.key_threshold,
            confirmation_minutes=old.confirmation_minutes, retender_of=old)
        for number, lot in enumerate(lots, 1):
            Lot.objects.create(tender=new, number=number, title=lot.title, ceiling_price=lot.ceiling_price)
        record(caller, "tenders.retender", new, retender_of=old.reference, lots=[lot.number for lot in lots])
    return new


# --- documents -----------------------------------------------------------------------

def upload_document(caller, tender, title, upload):
    """Put a document on offer. The extension must be allowed and match the content; size is capped."""
    authorize(caller.user, "document.upload")
    check_own(caller.user, tender)
    errors = {}
    title = rules.text(errors, "title", title, rules.MAX_TITLE)
    documents.check_upload(errors, "file", upload)
    if tender.status not in (TenderStatus.DRAFT, TenderStatus.PUBLISHED) or (
            tender.status == TenderStatus.PUBLISHED and tender.deadline <= clock.now()):
        errors["tender"] = _("Documents can be added only before the deadline.")
    if errors:
        raise ValidationError(errors)
    sha = documents.sha256_of(upload)
    with transaction.atomic():
        Tender.objects.select_for_update().get(pk=tender.pk)
        latest = tender.documents.filter(title=title).order_by("-version").first()
        document = TenderDocument(tender=tender, title=title, filename=documents.safe_filename(upload.name),
                                  size=upload.size, sha256=sha, version=(latest.version + 1) if latest else 1,
                                  uploaded_by=caller.user, uploaded_at=clock.now())
        try:
            # Inside the try, with the name fixed first (under the tender lock, so no one else takes it):
            # a disk that fills up half-way through the write leaves no partial file behind.
            document.file.name = document.file.storage.get_available_name(
                document.file.field.generate_filename(document, document.filename))
            document.file.save(document.filename, upload, save=False)
            document.save()
            record(caller, "tenders.upload_document", document, tender=tender.reference, title=title,
                   version=document.version, sha256=sha, size=document.size)
        except BaseException:
            document.file.delete(save=False)
            raise
    return document


def _may_download(user, document):
    tender = document.tender
    if tender.status == TenderStatus.DRAFT and not is_own(user, tender):
        raise Http404(_("No such document."))
    if not selectors.may_download_documents(user, tender):
        raise PermissionDenied(_("The documents of this tender are not on offer now."))


def download_document(caller, document):
    """Hand out a document to a signed-in user and note who fetched it.

    The note is a DocumentDownload row, deliberately not an audit entry: the audit log is
    readable before the opening, and who downloaded the documents must stay secret until then.
    """
    user = caller.user
    if not user.is_authenticated:
        raise PermissionDenied(_("Log in to download tender documents."))
    authorize(user, "document.download")
    _may_download(user, document)
    with transaction.atomic():
        DocumentDownload.objects.create(document=document, user=user, organisation=user.organisation,
                                        ip=caller.ip or "", at=clock.now())
    return document
