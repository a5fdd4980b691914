"""Every write of the collusion app: reports, risk at the opening and cases, audited."""
import io
import logging
import pickle
import struct

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from trading.accounts.caller import Caller
from trading.accounts.permissions import authorize
from trading.sealing import SealingError
from trading.audit.services import record
from trading.bids.models import BidAttachment, BidStatus, TenderKey
from trading.tenders.models import Tender

from . import documents, reporting
from .adapters import DatabaseBids, jsonable
from .conf import band_of
from .models import (
    AttachmentFingerprint,
    BidderRisk,
    Case,
    CaseNote,
    CaseStatus,
    CollusionReport,
    Flag,
    GroupRisk,
    OpeningRisk,
    TenderRisk,
)
from .reporting import analyse

log = logging.getLogger(__name__)

TRANSITIONS = {
    CaseStatus.OPEN: {CaseStatus.REVIEWING},
    CaseStatus.REVIEWING: {CaseStatus.REFERRED, CaseStatus.DISMISSED},
    CaseStatus.REFERRED: set(),
    CaseStatus.DISMISSED: set(),
}


def run_report(caller):
    """Analyse every counted bid in the database and store a dated report."""
    if not caller.is_system:  # the collusion command runs as the platform itself (an operator at the shell)
        authorize(caller.user, "collusion.report")
    analysis = analyse()   # the heavy part runs outside the transaction
    source = analysis.source
    with transaction.atomic():
        previous = CollusionReport.objects.order_by("-created_at", "-id").first()
        report = CollusionReport.objects.create(
            created_by=caller.user if caller.user.is_authenticated else None,
            parameters=jsonable(analysis.parameters), summary=jsonable(analysis.summary))
        identify_groups(analysis.groups, previous, report.created_at)
        TenderRisk.objects.bulk_create(
            [TenderRisk(report=report, tender_id=source.tender_of.get(t["reference"]), **t) for t in analysis.tenders],
            batch_size=1000)
        groups = GroupRisk.objects.bulk_create(
            [GroupRisk(report=report, member_ids=[source.organisation_of.get(m) for m in g["members"]], **g)
             for g in analysis.groups], batch_size=500)
        by_number = {g.number: g for g in GroupRisk.objects.filter(report=report)}
        by_members = {frozenset(g.members): g for g in by_number.values()}
        BidderRisk.objects.bulk_create(
            [BidderRisk(report=report, organisation_id=source.organisation_of.get(b["label"]), label=b["label"],
                        risk=b["risk"], band=b["band"], group=by_number.get(b["group_number"]))
             for b in analysis.bidders], batch_size=1000)
        Flag.objects.bulk_create(
            [Flag(report=report, kind=f.kind, severity=f.score, band=band_of(f.score),
                  tenders=jsonable(f.tenders), bidders=jsonable(f.bidders), figures=jsonable(f.figures),
                  sentence=f.sentence, group=by_members.get(frozenset(f.bidders)) if f.kind == "group" else None)
             for f in analysis.flags], batch_size=1000)
        record(caller, "collusion.report", report, **analysis.summary, groups_stored=len(groups))
    if analysis.index is not None:
        _store_index(report, analysis.index)
    return report


SAME_GROUP = 0.5   # Jaccard overlap of members above which two reports' groups are one group


def identify_groups(groups, previous, now):
    """Give each group row (dicts for GroupRisk) the identity of the previous report's group
    whose members it shares best (Jaccard >= SAME_GROUP, each identity used once), or a
    new identity."""
    old = list(previous.groups.exclude(identity=None).values("identity", "since", "members")) if previous else []
    pairs = []
    for i, g in enumerate(groups):
        members = set(g["members"])
        for o in old:
            union = members | set(o["members"])
            overlap = len(members & set(o["members"])) / len(union) if union else 0.0
            if overlap >= SAME_GROUP:
                pairs.append((overlap, i, o["identity"], o["since"]))
    taken, used = {}, set()
    for _overlap, i, identity, since in sorted(pairs, key=lambda p: -p[0]):
        if i not in taken and identity not in used:
            taken[i] = (identity, since)
            used.add(identity)
    last = GroupRisk.objects.exclude(identity=None).order_by("-identity").values_list("identity", flat=True).first()
    next_identity = (last or 0) + 1
    for i, g in enumerate(groups):
        if i in taken:
            g["identity"], g["since"] = taken[i]
        else:
            g["identity"], g["since"] = next_identity, now
            next_identity += 1


def _store_index(report, index):
    """Keep the report's market index (without its per-tender table) to score new
    tenders at their opening against this market."""
    slim = pickle.loads(pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
    slim.table = slim.table.iloc[0:0]
    buffer = io.BytesIO()
    pickle.dump(slim, buffer, protocol=pickle.HIGHEST_PROTOCOL)
    report.index_file.save(f"report-{report.pk}.pickle", ContentFile(buffer.getvalue()), save=True)


def stored_index():
    """(report, market index) of the latest report that kept one, else (None, None).  The
    file is the platform's own, written by ``run_report``: never a user upload."""
    report = CollusionReport.objects.exclude(index_file="").first()
    if report is None:
        return None, None
    try:
        with report.index_file.open("rb") as fh:
            return report, pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        log.warning("collusion: the market index of report %s cannot be read", report.pk)
        return None, None


def take_fingerprints(tender):
    """Open each attachment of the tender's opened bids with the revealed tender key and
    keep the digest of its plaintext and its document metadata.  Returns how many were
    taken.  The plaintext itself is never stored."""
    from trading.bids.services import open_attachment

    key = TenderKey.objects.filter(tender=tender).values_list("revealed_private_key", flat=True).first()
    if not key:
        return 0
    done = set(AttachmentFingerprint.objects.filter(bid__tender=tender).values_list("attachment_id", flat=True))
    taken = 0
    for attachment in (BidAttachment.objects.filter(bid__tender=tender, bid__status=BidStatus.OPENED)
                       .exclude(pk__in=done).select_related("bid__tender")):
        try:
            opened = open_attachment(attachment, bytes(key))
        except (SealingError, ValidationError, OSError, ValueError, struct.error):
            # a file that does not open is the opening's business, not a signal
            log.warning("collusion: attachment %s of tender %s does not open", attachment.pk, tender.pk)
            continue
        fp = documents.fingerprint(opened.name, opened.data)
        AttachmentFingerprint.objects.create(attachment=attachment, bid_id=attachment.bid_id, digest=fp.digest,
                                             author=fp.author, application=fp.application, template=fp.template)
        taken += 1
    return taken


def assess_opening(tender_id):
    """When a tender's opening record is signed: fingerprint its attachments, score it
    against the stored market (``engine.score_tender``, ~30 ms) and keep its card with the
    flags' sentences for discipline staff.  Runs as the platform."""
    tender = Tender.objects.filter(pk=tender_id).first()
    if tender is None:
        return None
    with transaction.atomic():
        fingerprints = take_fingerprints(tender)
    assessed = reporting.assess_tender(DatabaseBids(tender_ids=[tender.pk]), *stored_index())
    if assessed is None:
        return None
    with transaction.atomic():
        opening, _created = OpeningRisk.objects.update_or_create(
            tender=tender, defaults={"reference": tender.reference, **assessed})
        record(Caller.system(), "collusion.opening_risk", opening, tender=tender.reference, risk=opening.risk,
               band=opening.band, flags=len(opening.flags), fingerprints=fingerprints)
    return opening


def on_opening_record(tender_id):
    """After the commit of an opening record: a failure here must never touch the opening."""
    try:
        assess_opening(tender_id)
    except Exception:  # whatever fails here, the signed opening record stands
        log.exception("collusion: tender %s could not be scored at its opening", tender_id)


def _check_case_manager(caller):
    authorize(caller.user, "case.manage")


def open_case(caller, *, title="", note="", flag=None, group=None, tender_risk=None):
    """Open a case from a flag, a group or a tender of a report."""
    _check_case_manager(caller)
    sources = [s for s in (flag, group, tender_risk) if s is not None]
    if len(sources) != 1:
        raise ValidationError({"source": _("Open a case from exactly one flag, group or tender.")})
    if flag is not None:
        report, group = flag.report, flag.group
        default_title = flag.text
    elif group is not None:
        report = group.report
        default_title = _("Group %(number)s: %(members)s") % {"number": group.number,
                                                            "members": ", ".join(group.members[:6])}
    else:
        report = tender_risk.report
        default_title = _("Tender %(reference)s") % {"reference": tender_risk.reference}
    title = (title or "").strip() or default_title
    with transaction.atomic():
        case = Case.objects.create(title=title[:300], report=report, flag=flag, group=group,
                                   tender_risk=tender_risk, opened_by=caller.user)
        if note and note.strip():
            CaseNote.objects.create(case=case, author=caller.user, text=note.strip())
        record(caller, "collusion.case_open", case, title=case.title, report=report.pk,
               flag=getattr(flag, "pk", None), group=getattr(group, "pk", None),
               tender=getattr(tender_risk, "reference", None))
    return case


def add_note(caller, case, text):
    _check_case_manager(caller)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the note first.")})
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        note = CaseNote.objects.create(case=case, author=caller.user, text=text)
        case.save(update_fields=["updated_at"])
        record(caller, "collusion.case_note", case, note=note.pk, length=len(text))
    return note


def change_status(caller, case, status, note=""):
    _check_case_manager(caller)
    if status not in CaseStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if status not in TRANSITIONS[case.status]:
            raise ValidationError({"status": _("A case that is %(current)s cannot become %(new)s.") % {
                "current": case.get_status_display().lower(), "new": CaseStatus(status).label.lower()}})
        old = case.status
        case.status = status
        case.save(update_fields=["status", "updated_at"])
        CaseNote.objects.create(case=case, author=caller.user, text=(note or "").strip(),
                                status_from=old, status_to=status)
        record(caller, "collusion.case_status", case, status_from=old, status_to=status)
    return case
