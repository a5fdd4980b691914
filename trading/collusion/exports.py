"""PDF and CSV exports of a report or a case, for the file and for referral."""
import csv
import io
from xml.sax.saxutils import escape

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from trading.tenders.money import format_amount

from . import selectors
from .models import CaseStatus
from .sentences import figure_rows, kind_label, signal_label

FONT = "STSong-Light"   # built into reportlab: Latin and Chinese without a font file


def _styles():
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    base = getSampleStyleSheet()
    for name in ("Title", "Heading2", "BodyText"):
        base[name].fontName = FONT
    return base


def _table(rows, widths=None):
    t = Table([[Paragraph(escape(str(c)), _styles()["BodyText"]) for c in r] for r in rows],
              colWidths=widths, repeatRows=1)
    t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                           ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                           ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return t


def _pdf(title, blocks):
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, title=title, leftMargin=1.5 * cm, rightMargin=1.5 * cm)
    st = _styles()
    story = [Paragraph(escape(title), st["Title"])]
    for heading, content in blocks:
        if heading:
            story.append(Paragraph(escape(heading), st["Heading2"]))
        for item in content:
            story.append(Paragraph(escape(item), st["BodyText"]) if isinstance(item, str) else item)
        story.append(Spacer(1, 0.3 * cm))
    doc.build(story)
    return buf.getvalue()


def _attachment(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv(rows):
    buf = io.StringIO()
    buf.write("\ufeff")   # spreadsheet programs then read UTF-8 (Chinese names) correctly
    csv.writer(buf).writerows(rows)
    return buf.getvalue().encode("utf-8")


def _report_rows(report):
    rows = [[_("section"), _("risk"), _("band"), _("subject"), _("detail")]]
    for g in report.groups.all():
        rows.append(["group", f"{g.risk:.4f}", g.band, g.shown, "; ".join(g.members)])
    for t in report.tender_risks.filter(band__in=["red", "yellow"]):
        rows.append(["tender", f"{t.risk:.4f}", t.band, t.reference, t.n_bids])
    for b in report.bidder_risks.filter(band__in=["red", "yellow"]):
        rows.append(["bidder", f"{b.risk:.4f}", b.band, b.label, b.group.shown if b.group else ""])
    for f in report.flags.all():
        rows.append(["flag", f"{f.severity:.4f}", f.band, kind_label(f.kind), f.text])
    return rows


@login_required
def report_csv(request, pk):
    report = selectors.report_or_latest(request.user, pk)
    return _attachment(_csv(_report_rows(report)), "text/csv; charset=utf-8", f"collusion-report-{report.pk}.csv")


@login_required
def report_pdf(request, pk):
    report = selectors.report_or_latest(request.user, pk)
    s = report.summary
    summary = _("%(bids)s bids in %(tenders)s tenders by %(bidders)s bidders; %(groups)s groups; %(red)s tenders "
                "at high risk.") % {k: s.get(k, 0) for k in ("bids", "tenders", "bidders", "groups", "red")}
    groups = [[_("Risk"), _("Group"), _("Members"), _("Shared tenders"), _("Rotation")]] + [
        [f"{g.risk:.2f}", g.shown, ", ".join(g.members), g.figures.get("shared_tenders"),
         f"{g.figures.get('rotation') or 0:.2f}"] for g in selectors.top_groups(report)]
    tenders = [[_("Risk"), _("Tender"), _("Bids")]] + [
        [f"{t.risk:.2f}", t.reference, t.n_bids] for t in selectors.flagged_tenders(report)]
    flags = [f"[{f.severity:.2f}] {kind_label(f.kind)}: {f.text}" for f in report.flags.all()[:100]]
    content = _pdf(str(report), [
        (None, [summary, _("Printed %(now)s. A match is a lead for people to review, never an automatic "
                           "disqualification.") % {"now": timezone.localtime().strftime("%Y-%m-%d %H:%M")}]),
        (_("Groups by risk"), [_table(groups, [1.5 * cm, 1.5 * cm, 9 * cm, 2.5 * cm, 2 * cm])]),
        (_("Flagged tenders"), [_table(tenders)]),
        (_("Flags"), flags),
    ])
    return _attachment(content, "application/pdf", f"collusion-report-{report.pk}.pdf")


def _case_lines(case):
    lines = [(_("Title"), case.title), (_("Status"), case.get_status_display()),
             (_("Opened by"), case.opened_by.get_username()),
             (pgettext("case", "Opened"), timezone.localtime(case.opened_at).strftime("%Y-%m-%d %H:%M"))]
    if case.report:
        lines.append((_("Report"), str(case.report)))
    if case.flag:
        lines.append((_("Flag"), f"{kind_label(case.flag.kind)}: {case.flag.text}"))
        lines.append((_("Tenders"), ", ".join(map(str, case.flag.tenders))))
        lines.append((_("Bidders"), ", ".join(map(str, case.flag.bidders))))
    if case.group:
        g = case.group
        group_line = f"{g.shown}: {', '.join(g.members)} ({_('risk')} {g.risk:.2f}, {g.get_band_display()})"
        lines.append((_("Group"), group_line))
        lines += figure_rows({k: v for k, v in g.figures.items() if k != "shared_identities"})
        for i in g.figures.get("shared_identities") or []:
            shared = f"{signal_label(i['signal'])} {i['value']}: {', '.join(i['bidders'])}"
            lines.append((_("Shared identifier"), shared))
    if case.tender_risk:
        t = case.tender_risk
        lines.append((_("Tender"), f"{t.reference} ({_('risk')} {t.risk:.2f}, {t.get_band_display()})"))
        names = {"cv": _("Coefficient of variation"), "spd": _("Spread (highest / lowest − 1)"),
                 "diffp": _("Gap between the two lowest (DIFFP)"), "rd": _("Relative distance (RD)"),
                 "screen_risk": _("Screens (mean suspicion)"), "pattern_evidence": _("Price patterns"),
                 "signal_evidence": _("Submission signals (shared address, device, account…)"),
                 "grp_score": _("Co-bidding group")}
        for key, name in names.items():
            if t.features.get(key) is not None:
                lines.append((name, f"{t.features[key]:.4f}"))
        lines += [(_("Bid"), f"{b.get('bidder') or '-'}: {format_amount(b['amount'])}"
                   + (f" ({_('winner')})" if b.get("is_winner") else "")) for b in t.bids]
    for flag in selectors.case_evidence_flags(case):
        evidence = f"[{flag.severity:.2f} {flag.get_band_display()}] {kind_label(flag.kind)}: {flag.text}"
        lines.append((_("Evidence"), evidence))
    return lines


def _status_label(code):
    try:
        return CaseStatus(code).label
    except ValueError:
        return code


def _note_line(note, words=False):
    """(when, who, text) of a note; `words`: statuses in the reader's words (the PDF), else their codes (the CSV)."""
    shown = _status_label if words else str
    change = f"[{shown(note.status_from)} → {shown(note.status_to)}] " if note.status_to else ""
    return (timezone.localtime(note.created_at).strftime("%Y-%m-%d %H:%M"), note.author.get_username(),
            change + note.text)


@login_required
def case_csv(request, pk):
    case = selectors.get_case(request.user, pk)
    rows = [[_("field"), _("value"), ""]] + [[k, v, ""] for k, v in _case_lines(case)]
    rows += [[_("note"), f"{when} {who}", text] for when, who, text in map(_note_line, case.notes.all())]
    return _attachment(_csv(rows), "text/csv; charset=utf-8", f"collusion-case-{case.pk}.csv")


@login_required
def case_pdf(request, pk):
    case = selectors.get_case(request.user, pk)
    facts = _table([[_("Field"), _("Value")]] + [list(line) for line in _case_lines(case)], [4 * cm, 13 * cm])
    notes = [_table([[_("When"), _("Who"), _("Note")]] + [list(_note_line(n, words=True)) for n in case.notes.all()],
                    [3.5 * cm, 3 * cm, 10.5 * cm])]
    content = _pdf(str(case), [(None, [facts]), (_("Notes and status changes"), notes)])
    return _attachment(content, "application/pdf", f"collusion-case-{case.pk}.pdf")
