"""Risk at the opening: when the opening record is signed, the tender is scored against the
stored market and its attachments are fingerprinted from their plaintext."""
import datetime as dt
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.bids.builders import submit
from tests.opening import builders as opening
from trading.accounts.caller import Caller
from trading.audit.models import AuditEntry
from trading.bids.models import BidAttachment
from trading.collusion import documents
from trading.collusion.models import AttachmentFingerprint, OpeningRisk
from trading.collusion.services import run_report
from trading.tenders import clock

BILL = ("bill of quantities.txt", b"Item 1: asphalt 12,000 m2 at 85.00\nItem 2: kerbs 3,400 m at 41.50\n")


def _resubmit_with(c, i, attachment):
    """Bidder i replaces its bid, before the deadline, by one with ``attachment``."""
    with clock.frozen_at(c.tender.deadline - dt.timedelta(minutes=2)):
        c.bids[i] = submit(c.bidders[i], c.tender, price=opening.PRICES[i],
                           attachments=[SimpleUploadedFile(*attachment)]).bid


def test_identical_files_from_two_bidders_raise_the_shared_file_flag_after_the_opening(
        db, market, django_capture_on_commit_callbacks):
    run_report(Caller.system())             # a stored market to score against
    c = opening.ceremony(n_bids=3)
    _resubmit_with(c, 0, BILL)
    _resubmit_with(c, 1, BILL)               # the same file, sealed again: another ciphertext
    _resubmit_with(c, 2, ("method.txt", b"Our own method statement."))
    with django_capture_on_commit_callbacks(execute=True):
        opening.run_to(c, "closed")
    # the stored digests are of randomised ciphertext: they never match
    assert BidAttachment.objects.filter(bid__tender=c.tender).values("digest").distinct().count() == 3
    prints = list(AttachmentFingerprint.objects.filter(bid__tender=c.tender))
    assert len(prints) == 3 and len({p.digest for p in prints}) == 2
    card = OpeningRisk.objects.get(tender=c.tender)
    shared = [f for f in card.flags if f["kind"] == "shared_identity_tender" and "attachment" in f["sentence"]]
    assert len(shared) == 1
    names = {c.bidders[0].organisation.name, c.bidders[1].organisation.name}
    assert set(shared[0]["bidders"]) == names
    assert card.band in {"yellow", "red"} and card.report is not None
    assert AuditEntry.objects.filter(action="collusion.opening_risk").count() == 1


def test_discipline_staff_see_the_card_by_tender_reference(
        db, market, client, discipline, django_capture_on_commit_callbacks):
    c = opening.ceremony(n_bids=3)
    with django_capture_on_commit_callbacks(execute=True):
        opening.run_to(c, "closed")            # no report yet: scored against the whole market
    card = OpeningRisk.objects.get(tender=c.tender)
    client.force_login(discipline)
    page = client.get(reverse("collusion:opening", args=[c.tender.reference]))
    assert page.status_code == 200
    assert c.tender.reference in page.content.decode()
    dashboard = client.get(reverse("collusion:dashboard")).content.decode()
    assert reverse("collusion:opening", args=[card.reference]) in dashboard


def _docx(author, template):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("docProps/core.xml",
                   '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
                   'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
                   f"<dc:creator>{author}</dc:creator></cp:coreProperties>")
        z.writestr("docProps/app.xml",
                   '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
                   f"<Template>{template}</Template><Application>Microsoft Office Word</Application></Properties>")
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_document_metadata_names_the_author_and_a_private_template_but_not_defaults():
    fp = documents.fingerprint("offer.docx", _docx("Li Wei", "Huaxin bid template.dotx"))
    assert (fp.author, fp.template, fp.application) == ("Li Wei", "Huaxin bid template.dotx", "Microsoft Office Word")
    default = documents.fingerprint("offer.docx", _docx("Administrator", "Normal.dotm"))
    assert (default.author, default.template) == ("", "")
    pdf = documents.fingerprint("offer.pdf", b"%PDF-1.7\n1 0 obj << /Author (Zhang San) /Creator (WPS) >>")
    assert (pdf.author, pdf.application) == ("Zhang San", "WPS")
    assert documents.fingerprint("x.docx", b"PK\x03\x04 broken").author == ""
