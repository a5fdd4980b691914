"""Every write to projects, tenders, documents and clarifications.

Services check the permission matrix and the caller's own organisation, validate
the whole input before writing anything, and run in one transaction with the
audit entry. Bad input raises ValidationError({field: message}).
"""
import datetime as dt
import secrets
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from trading.accounts.models import HolderKey, Organisation
from trading.accounts.permissions import authorize
from trading.accounts.roles import OrganisationKind, Role
from trading.audit.services import record

from . import clock, documents, selectors
from .checkpoints import refresh_checkpoints
from .moves import copy_fields, move_tender
from .models import (Clarification, DocumentDownload, EvaluationMethod, Lot, Project, ProjectType, Tender, TenderDocument, TenderStatus)
from .money import parse_amount
from .signals import conditions_changed, tender_published

MAX_PROCEDURE_DAYS = 365
MAX_TEXT = 10_000
TENDER_FIELDS = (
    "title", "description", "reference", "ceiling_price", "evaluation_method", "scoring_weights",
    "bid_security_amount", "documents_from", "documents_until", "deadline", "min_bidding_days",
    "min_document_days", "clarification_cutoff_days", "min_bids", "confirmation_minutes", "key_threshold",
    "is_public",
)
DAY_FIELDS = ("min_bidding_days", "min_document_days", "clarification_cutoff_days")
COUNT_FIELDS = {"min_bids": (1, 100), "confirmation_minutes": (1, 24 * 60), "key_threshold": (1, 20)}


# --- who may touch what -------------------------------------------------------------

def is_own(user, tender_or_project):
    project = getattr(tender_or_project, "project", tender_or_project)
    org_id = getattr(user, "organisation_id", None)
    return bool(org_id) and org_id in (project.entity_id, project.agency_id)


def check_own(user, tender):
    """Another organisation's draft does not exist for you; its published tender is not yours to change."""
    if is_own(user, tender):
        return
    if tender.status == TenderStatus.DRAFT:
        raise Http404(_("No such tender."))
    raise PermissionDenied(_("This tender belongs to another procuring entity."))


# --- input cleaning ----------------------------------------------------------------

def _amount(errors, field, value, *, required=True, positive=True):
    if value in (None, ""):
        if required:
            errors[field] = _("This field is required.")
        return None
    try:
        return parse_amount(value, positive=positive)
    except ValidationError as error:
        errors[field] = error.messages[0]
        return None


def _text(errors, field, value, max_length, *, required=True):
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[field] = _("Enter text.")
        return ""
    value = value.strip()
    if "\x00" in value:
        errors[field] = _("The text contains a null character.")
    elif required and not value:
        errors[field] = _("This field is required.")
    elif len(value) > max_length:
        errors[field] = _("At most %(n)d characters.") % {"n": max_length}
    return value


def _integer(errors, field, value, low, high):
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        errors[field] = _("Enter a whole number.")
        return None
    try:
        number = int(value)
    except ValueError:
        errors[field] = _("Enter a whole number.")
        return None
    if not low <= number <= high:
        errors[field] = _("Enter a number from %(low)d to %(high)d.") % {"low": low, "high": high}
        return None
    return number


def _moment(errors, field, value):
    if value in (None, ""):
        return None
    if not isinstance(value, dt.datetime):
        errors[field] = _("Enter a date and time.")
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _choice(errors, field, value, choices):
    if value not in choices.values:
        errors[field] = _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices.values)}
        return None
    return value


def _weights(errors, method, value):
    if method != EvaluationMethod.SCORING:
        return {}
    if not isinstance(value, dict) or not value:
        errors["scoring_weights"] = _("Comprehensive scoring needs weights, for example {\"price\": 60, \"technical\": 40}.")
        return {}
    cleaned = {}
    for name, weight in value.items():
        if not isinstance(name, str) or not name.strip() or len(name) > 50 or "\x00" in name:
            errors["scoring_weights"] = _("Each weight needs a name of 1 to 50 characters.")
            return {}
        if isinstance(weight, bool) or not isinstance(weight, (int, float, Decimal, str)):
            errors["scoring_weights"] = _("Each weight must be a number.")
            return {}
        try:
            number = Decimal(str(weight))
        except InvalidOperation:
            errors["scoring_weights"] = _("Each weight must be a number.")
            return {}
        if not number.is_finite() or number < 0:
            errors["scoring_weights"] = _("Weights cannot be negative.")
            return {}
        cleaned[name.strip()] = int(number) if number == number.to_integral_value() else float(number)
    if sum(Decimal(str(w)) for w in cleaned.values()) != 100:
        errors["scoring_weights"] = _("The weights must add up to 100.")
        return {}
    return cleaned


def _lots(errors, value, ceiling):
    if value in (None, ""):
        return []
    if not isinstance(value, (list, tuple)) or len(value) > 50:
        errors["lots"] = _("Give lots as a list of at most 50 items with a title and a ceiling price.")
        return []
    lots, lot_errors, total = [], {}, Decimal("0")
    for number, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            errors["lots"] = _("Lot %(n)d: give a title and a ceiling price.") % {"n": number}
            return []
        title = _text(lot_errors, "title", item.get("title"), 200)
        price = _amount(lot_errors, "ceiling_price", item.get("ceiling_price"))
        if lot_errors:
            errors["lots"] = _("Lot %(n)d: %(problem)s") % {"n": number, "problem": " ".join(lot_errors.values())}
            return []
        total += price
        lots.append({"number": number, "title": title, "ceiling_price": price})
    if ceiling is not None and total > ceiling:
        errors["lots"] = _("The lots' ceiling prices add up to more than the tender's ceiling price.")
    return lots


def _clean_tender(project, data, current=None):
    """Validate a whole set of tender fields (current values + changes); return cleaned values."""
    errors = {}
    base = {f: getattr(current, f) for f in TENDER_FIELDS} if current else {}
    base.update(data)
    out = {}
    out["title"] = _text(errors, "title", base.get("title"), 200)
    out["description"] = _text(errors, "description", base.get("description"), MAX_TEXT, required=False)
    reference = base.get("reference")
    if reference:
        out["reference"] = _text(errors, "reference", reference, 40)
        clash = Tender.objects.filter(reference=out["reference"])
        if current:
            clash = clash.exclude(pk=current.pk)
        if "reference" not in errors and clash.exists():
            errors["reference"] = _("Another tender already has this reference.")
    out["ceiling_price"] = _amount(errors, "ceiling_price", base.get("ceiling_price"))
    if out["ceiling_price"] is not None and out["ceiling_price"] > project.budget:
        errors["ceiling_price"] = _("The ceiling price cannot exceed the project budget (%(budget)s).") % {
            "budget": project.budget}
    out["bid_security_amount"] = _amount(errors, "bid_security_amount", base.get("bid_security_amount", 0),
                                         positive=False)
    if (out["bid_security_amount"] is not None and out["ceiling_price"] is not None
            and out["bid_security_amount"] > out["ceiling_price"]):
        errors["bid_security_amount"] = _("The bid security cannot exceed the ceiling price.")
    method = base.get("evaluation_method") or EvaluationMethod.LOWEST_PRICE
    out["evaluation_method"] = _choice(errors, "evaluation_method", method, EvaluationMethod)
    out["scoring_weights"] = _weights(errors, out["evaluation_method"], base.get("scoring_weights"))
    for field in DAY_FIELDS:
        value = base.get(field, Tender._meta.get_field(field).default)
        out[field] = _integer(errors, field, value, 0, MAX_PROCEDURE_DAYS)
    for field, (low, high) in COUNT_FIELDS.items():
        value = base.get(field, Tender._meta.get_field(field).default)
        out[field] = _integer(errors, field, value, low, high)
    is_public = base.get("is_public", True)
    if not isinstance(is_public, bool):
        errors["is_public"] = _("Choose yes or no.")
    out["is_public"] = is_public
    for field in ("documents_from", "documents_until", "deadline"):
        out[field] = _moment(errors, field, base.get(field))
    now = clock.now()
    if out["deadline"] and out["deadline"] <= now:
        errors["deadline"] = _("The deadline must be in the future.")
    if out["documents_from"] and out["documents_until"] and out["documents_until"] <= out["documents_from"]:
        errors["documents_until"] = _("Documents must be on offer until after they go on offer.")
    if out["documents_until"] and out["deadline"] and out["documents_until"] > out["deadline"]:
        errors["documents_until"] = _("Documents cannot be on offer after the deadline.")
    if out["documents_from"] and out["deadline"] and out["documents_from"] >= out["deadline"]:
        errors["documents_from"] = _("Documents must go on offer before the deadline.")
    lots = None
    if "lots" in data:
        lots = _lots(errors, data["lots"], out["ceiling_price"])
    unknown = set(data) - set(TENDER_FIELDS) - {"lots"}
    for field in unknown:
        errors[field] = _("Unknown field.")
    if errors:
        raise ValidationError(errors)
    if not out.get("reference") and current is None:
        out.pop("reference", None)
    return out, lots


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
        name=_text(errors, "name", name, 200),
        project_type=_choice(errors, "project_type", project_type, ProjectType),
        budget=_amount(errors, "budget", budget),
        funding_source=_text(errors, "funding_source", funding_source, 200),
    )
    code = _text(errors, "code", code, 40, required=False)
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


def transition(caller, tender, to_status, reason=""):
    """An official of the tender's entity moves it to its next stage, or cancels it (a checked use case)."""
    if to_status not in TenderStatus.values:
        raise ValidationError({"status": _("There is no status %(status)r.") % {"status": to_status}})
    to_status = TenderStatus(to_status)
    authorize(caller.user, "tender.cancel" if to_status == TenderStatus.CANCELLED else "tender.advance")
    check_own(caller.user, tender)
    if to_status == TenderStatus.PUBLISHED:
        raise ValidationError({"status": _("Publish a tender through its publication form.")})
    reason = _text({}, "reason", reason, 500, required=False)[:500]
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
    if "key_holders" not in errors and threshold is not None and len(users) < threshold:
        errors["key_holders"] = _("Choose at least %(n)d key holders.") % {"n": threshold}
    return users


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
        threshold = _integer(errors, "threshold", threshold, 1, 20)
        holders = _holders(errors, tender, key_holders, threshold)
        now = clock.now()
        if tender.documents_from is None or tender.documents_from < now:
            tender.documents_from = now
        if tender.deadline is None:
            errors["deadline"] = _("Set the bid deadline before publishing.")
        elif tender.deadline <= now:
            errors["deadline"] = _("The deadline must be in the future.")
        else:
            if tender.documents_until is None:
                tender.documents_until = tender.deadline
            if tender.deadline - tender.documents_from < dt.timedelta(days=tender.min_bidding_days):
                errors["deadline"] = _("The deadline must be at least %(n)d days after the documents go on offer "
                                       "(%(start)s).") % {"n": tender.min_bidding_days,
                                                          "start": timezone.localtime(tender.documents_from)
                                                          .strftime("%Y-%m-%d %H:%M")}
            if tender.documents_until > tender.deadline:
                errors["documents_until"] = _("Documents cannot be on offer after the deadline.")
            elif tender.documents_until - tender.documents_from < dt.timedelta(days=tender.min_document_days):
                errors["documents_until"] = _("Documents must be on offer for at least %(n)d days.") % {
                    "n": tender.min_document_days}
        if errors:
            raise ValidationError(errors)
        tender.key_threshold = threshold
        tender.save(update_fields=["documents_from", "documents_until", "key_threshold"])
        move_tender(caller, tender, TenderStatus.PUBLISHED)
        # The bids app creates the tender key and its shares here; if it fails, nothing is published.
        tender_published.send(sender=Tender, tender=tender, key_holders=holders, threshold=threshold, caller=caller)
        record(caller, "tenders.publish_tender", tender, deadline=tender.deadline, threshold=threshold,
               holders=[u.get_username() for u in holders])
    copy_fields(original, tender, "status", "published_at", "documents_from", "documents_until", "key_threshold",
          "was_red")
    return original


def add_clarification(caller, tender, text, changes_conditions=False, new_deadline=None):
    """Answer or amend during bidding. A late change of conditions moves the deadline so the cut-off holds."""
    authorize(caller.user, "tender.clarify")
    check_own(caller.user, tender)
    errors = {}
    text = _text(errors, "text", text, MAX_TEXT)
    if not isinstance(changes_conditions, bool):
        errors["changes_conditions"] = _("Choose yes or no.")
    new_deadline = _moment(errors, "new_deadline", new_deadline)
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
            earliest = now + dt.timedelta(days=tender.clarification_cutoff_days)
            deadline = max(deadline, earliest.replace(second=0, microsecond=0) + dt.timedelta(minutes=1))
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
    reason = _text(errors, "reason", reason, 500)
    authorize(caller.user, "tender.cancel")
    check_own(caller.user, tender)
    if errors:
        raise ValidationError(errors)
    return transition(caller, tender, TenderStatus.CANCELLED, reason)


def record_award(caller, tender, winner, amount):
    """Award the tender to the winning candidate after the candidate notice."""
    authorize(caller.user, "tender.advance")
    check_own(caller.user, tender)
    errors = {}
    amount = _amount(errors, "amount", amount)
    if not isinstance(winner, Organisation) or winner.kind != OrganisationKind.CONTRACTOR:
        errors["winner"] = _("Choose the winning contractor.")
    if amount is not None and amount > tender.ceiling_price:
        errors["amount"] = _("The awarded amount cannot exceed the ceiling price.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Tender.objects.select_for_update().get(pk=tender.pk)
        if locked.status != TenderStatus.CANDIDATES:
            raise ValidationError({"status": _("A tender cannot go from “%(from)s” to “%(to)s”.") % {
                "from": locked.get_status_display(), "to": TenderStatus.AWARDED.label}})
        locked.winner, locked.awarded_amount = winner, amount
        locked.save(update_fields=["winner", "awarded_amount"])
        tender.winner, tender.awarded_amount = winner, amount
        move_tender(caller, tender, TenderStatus.AWARDED, _("Awarded to %(winner)s") % {"winner": winner})
        record(caller, "tenders.record_award", locked, winner=winner.name, amount=amount)
    return tender


# --- documents -----------------------------------------------------------------------

def upload_document(caller, tender, title, upload):
    """Put a document on offer. The extension must be allowed and match the content; size is capped."""
    authorize(caller.user, "document.upload")
    check_own(caller.user, tender)
    errors = {}
    title = _text(errors, "title", title, 200)
    if upload is None or not hasattr(upload, "read"):
        errors["file"] = _("Choose a file.")
    else:
        ext = documents.extension(upload.name)
        allowed = settings.SUNLIGHT["DOCUMENT_EXTENSIONS"]
        limit = settings.SUNLIGHT["MAX_DOCUMENT_BYTES"]
        if ext not in allowed:
            errors["file"] = _("Allowed file types: %(types)s.") % {"types": ", ".join(allowed)}
        elif not upload.size:
            errors["file"] = _("The file is empty.")
        elif upload.size > limit:
            errors["file"] = _("The file is larger than %(mb).0f MB.") % {"mb": limit / 1024 / 1024}
        elif not documents.content_matches(ext, upload):
            errors["file"] = _("The content of the file is not a %(ext)s file.") % {"ext": ext}
        else:
            try:
                documents.check_archive(ext, upload)
            except documents.ArchiveTooLarge:
                errors["file"] = _("The archive is damaged, encrypted or expands too far (a zip bomb?); "
                                   "it was refused.")
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
    own = is_own(user, tender)
    if tender.status == TenderStatus.DRAFT:
        if not own:
            raise Http404(_("No such document."))
        return
    if own or user.role in (Role.SUPERVISOR, Role.DISCIPLINE, Role.ADMIN):
        return
    if selectors.documents_on_offer(tender):
        return
    # After the offer window only parties keep access: whoever fetched the documents while on offer.
    now = clock.now()
    fetched_before = user.organisation_id and DocumentDownload.objects.filter(
        document__tender=tender, organisation_id=user.organisation_id).exists()
    if tender.documents_until and now > tender.documents_until and fetched_before:
        return
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
