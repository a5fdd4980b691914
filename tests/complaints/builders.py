"""Builders for the complaints room, through the real services.

    b = bidding()           # a published tender whose documents `b.reader` downloaded; `b.outsider` did not
    a = awarded()           # tests/award's reported() taken to an award of rank 1 (clock at the notice's end)
    c = complain(a, ...)    # a bidder of `a` complains; `supervisor()` handles it
"""
import datetime as dt
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.award.builders import Awarding, reported
from tests.factories import make_user
from tests.files import pdf
from tests.tenders.builders import published_tender
from trading.accounts.caller import Caller
from trading.complaints import services
from trading.tenders import clock
from trading.tenders import services as tender_services

PDF = pdf("evidence of the licence register 5e1b")


def call(user):
    return Caller(user=user, ip="127.0.0.1")


def evidence(name="register.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@dataclass
class Bidding:
    tender: object
    entity: object
    reader: object
    outsider: object

    def ask(self, text="Does item 4.2 include the temporary works?", user=None):
        return services.ask_question(call(user or self.reader), self.tender.pk, text)

    def object(self, text="Clause 7 requires a licence only one firm holds.", user=None):
        return services.file_document_objection(call(user or self.reader), self.tender.pk, text)

    def refresh(self):
        self.tender.refresh_from_db()
        return self.tender


def bidding(deadline_days=30):
    entity = make_user("entity")
    tender = published_tender(entity_user=entity, deadline=clock.now() + dt.timedelta(days=deadline_days),
                              title="Canal lock gates replacement")
    document = tender_services.upload_document(call(entity), tender, "Conditions", evidence("conditions.pdf"))
    reader, outsider = make_user("contractor"), make_user("contractor")
    tender_services.download_document(call(reader), document)
    return Bidding(tender=tender, entity=entity, reader=reader, outsider=outsider)


def supervisor():
    return make_user("supervisor")


def noticed(**kw):
    """A tender with its candidate notice published (objections running)."""
    a = reported(**kw)
    a.publish()
    return a


def awarded(**kw):
    """Rank 1 awarded after the notice; the clock stays at the notice's end for the caller."""
    a = noticed(**kw)
    with a.after_notice():
        a.award(a.bids[0])
    return a


def complain(a: Awarding, bidder_index=1, subject="award", against=None, known_at=None, files=(), **kw):
    text = kw.pop("text", "The winner's project manager is registered with another firm.")
    return services.file_complaint(call(a.bidders[bidder_index]), a.tender.pk, subject, text,
                                   known_at or clock.now() - dt.timedelta(hours=1), against, files)
