"""PDF and CSV exports of a report and of a case."""
import base64
import csv
import io
import re
import zlib

import pytest
from django.urls import reverse
from reportlab.pdfbase import pdfmetrics

from trading.accounts.caller import Caller
from trading.collusion.exports import FONT, _styles
from trading.collusion.services import add_note, change_status, open_case

from .builders import small_report


def pdf_text_streams(data: bytes) -> bytes:
    """The decoded content streams of a PDF written by reportlab (ASCII85 + Flate)."""
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    out = []
    for raw in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        raw = raw.strip()
        if raw.endswith(b"~>"):
            raw = base64.a85decode(raw[:-2])
        out.append(zlib.decompress(raw))
    return b"\n".join(out)


def pdf_has(data: bytes, text: str) -> bool:
    _styles()
    encoded = pdfmetrics.getFont(FONT).formatForPdf(text)
    return encoded.encode("latin-1") in pdf_text_streams(data)


@pytest.fixture
def case(db, discipline):
    o = small_report()
    me = Caller(user=discipline)
    case = open_case(me, flag=o["flag"], title="围标 Alpha ring", note="保证金来自同一账户")
    add_note(me, case, "Bank statements requested.")
    change_status(me, case, "reviewing", "Evidence gathered")
    return case


def test_case_pdf_holds_the_lead_and_notes_in_chinese_and_english(client, case, discipline):
    client.force_login(discipline)
    response = client.get(reverse("collusion:case_pdf", args=[case.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert f"collusion-case-{case.pk}.pdf" in response["Content-Disposition"]
    data = response.content
    assert b"/STSong-Light" in data
    assert pdf_has(data, "围标 Alpha ring") and pdf_has(data, "保证金来自同一账户")
    assert pdf_has(data, "Bank statements requested.")


def test_case_csv_lists_fields_and_notes(client, case, discipline):
    client.force_login(discipline)
    response = client.get(reverse("collusion:case_csv", args=[case.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    fields = {r[0]: r[1] for r in rows[1:] if r[0] != "note"}
    assert fields["Title"] == "围标 Alpha ring" and fields["Status"] == "Under review"
    assert "Alpha Works" in fields["Bidders"]
    notes = [r[2] for r in rows if r[0] == "note"]
    assert notes == ["保证金来自同一账户", "Bank statements requested.", "[open → reviewing] Evidence gathered"]


def test_report_exports_list_groups_tenders_and_flags(client, case, discipline):
    client.force_login(discipline)
    report = case.report
    rows = list(csv.reader(io.StringIO(
        client.get(reverse("collusion:report_csv", args=[report.pk])).content.decode("utf-8-sig"))))
    sections = {r[0] for r in rows[1:]}
    assert sections == {"group", "tender", "bidder", "flag"}
    group = next(r for r in rows if r[0] == "group")
    assert group[1:4] == ["0.9300", "red", "0"] and "Beta Builders" in group[4]
    assert any(r[0] == "flag" and "evenly shared" in r[4] for r in rows)
    data = client.get(reverse("collusion:report_pdf", args=[report.pk])).content
    assert pdf_has(data, "Groups by risk") and pdf_has(data, "T-1")


def test_case_exports_carry_the_evidence_not_only_the_group_name(client, discipline):
    o = small_report()
    case = open_case(Caller(user=discipline), group=o["group"])
    client.force_login(discipline)
    rows = list(csv.reader(io.StringIO(
        client.get(reverse("collusion:case_csv", args=[case.pk])).content.decode("utf-8-sig"))))
    values = [r[1] for r in rows[1:] if r[0] != "note"]
    evidence = [r[1] for r in rows if r[0] == "Evidence"]
    assert evidence and "wins inside the group are evenly shared" in evidence[0] and "High" in evidence[0]
    assert any("bank account 6222-1: Alpha Works, Beta Builders" in v for v in values)
    assert any(r[0] != "note" and r[1] == "6" for r in rows)           # the shared tenders figure
    data = client.get(reverse("collusion:case_pdf", args=[case.pk])).content
    assert pdf_has(data, "evenly shared")
