"""Fetched in Chinese, the platform's PDFs (opening record, evaluation report, award notice, collusion case) are
Chinese: no English of the platform's own is left, only what people typed (names, titles) and codes."""
import re

import pytest
from django.urls import reverse
from django.utils import translation

from tests.collusion.builders import small_report
from tests.complaints.builders import awarded
from tests.i18n.english import typed_strings
from tests.i18n.pdftext import pdf_text
from trading.accounts.caller import Caller
from trading.award import notices
from trading.award.models import Award
from trading.bids.opening import record
from trading.bids.opening.models import OpeningRecord
from trading.collusion.services import change_status, open_case
from trading.evaluation import report
from trading.evaluation.models import Report

pytestmark = pytest.mark.django_db

# Not English of ours: names of standards and codes.
ALLOWED = {"SHA"}


def english_left(pdf, body):
    # What people typed may wrap anywhere in a table cell: compare with no white space at all.
    flat = re.sub(r"\s+", "", pdf_text(pdf))
    for typed in sorted({re.sub(r"\s+", "", t) for t in typed_strings(body)}, key=len, reverse=True):
        if len(typed) > 1:
            flat = flat.replace(typed, "|")
    flat = re.sub(r"[0-9a-f]{16,}", "|", flat)
    return sorted({w for w in re.findall(r"[A-Za-z]{3,}", flat) if w not in ALLOWED})


@pytest.fixture
def done(settings, tmp_path):
    settings.PLATFORM_SIGNING_KEY_FILE = tmp_path / "platform_signing.key"
    return awarded()


def test_the_opening_record_evaluation_report_and_award_notice_are_chinese(done):
    opening = OpeningRecord.objects.get(tender=done.tender)
    evaluation = Report.objects.get(tender=done.tender)
    award = Award.objects.get(tender=done.tender)
    with translation.override("zh-hans"):
        pdfs = {"opening record": (record.render_pdf(opening.body), opening.body),
                "evaluation report": (report.render_pdf(evaluation.body), evaluation.body),
                "award notice": (notices.award_notice_pdf(award.body), award.body)}
    texts = {name: pdf_text(pdf) for name, (pdf, _body) in pdfs.items()}
    assert "开标记录" in texts["opening record"] and "评标报告" in texts["evaluation report"]
    assert "中标通知书" in texts["award notice"]
    # Money as Chinese readers write it, times in the platform's zone to the minute (no UTC, no microseconds).
    assert "980,000.00元" in texts["award notice"] and "980,000.00元" in texts["opening record"]
    assert "+00:00" not in texts["opening record"] and not re.search(r"\d{2}:\d{2}:\d{2}\.\d", texts["opening record"])
    for name, (pdf, body) in pdfs.items():
        assert english_left(pdf, body) == [], name


def test_the_same_pdf_in_english_keeps_english(done):
    award = Award.objects.get(tender=done.tender)
    with translation.override("en"):
        text = pdf_text(notices.award_notice_pdf(award.body))
    assert "Award notice" in text and "¥980,000.00" in text


def test_the_collusion_case_pdf_names_statuses_in_words(zh_as, discipline):
    me = Caller(user=discipline)
    case = open_case(me, flag=small_report()["flag"], title="围标线索", note="保证金来自同一账户")
    change_status(me, case, "reviewing", "已调取银行流水")
    text = pdf_text(zh_as(discipline).get(f"/collusion/cases/{case.pk}/export.pdf").content)
    assert "[待核查 → 核查中] 已调取银行流水" in text.replace("\n", "")
    assert "reviewing" not in text


def test_the_stored_record_and_report_are_served_in_the_readers_language(done, zh_client, client):
    tender = done.tender
    paths = {"开标记录": reverse("realtime:record_pdf", args=[tender.pk]),
             "评标报告": reverse("evaluation:report_pdf", args=[tender.pk])}
    for heading, path in paths.items():
        chinese = zh_client.get(path)
        assert chinese["Content-Type"] == "application/pdf"
        assert heading in pdf_text(b"".join(chinese.streaming_content)), path
    english = pdf_text(b"".join(client.get(paths["开标记录"]).streaming_content))
    assert "Opening record" in english and "开标记录" not in english
