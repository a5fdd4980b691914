"""Every write of the collusion app: reports and cases, audited."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from trading.accounts.permissions import authorize
from trading.audit.services import record

from .adapters import jsonable
from .conf import band_of
from .models import (BidderRisk, Case, CaseNote, CaseStatus, CollusionReport, Flag, GroupRisk, TenderRisk)
from .reporting import analyse

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
        report = CollusionReport.objects.create(
            created_by=caller.user if caller.user.is_authenticated else None,
            parameters=jsonable(analysis.parameters), summary=jsonable(analysis.summary))
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
    return report


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
