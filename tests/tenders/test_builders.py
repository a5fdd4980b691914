import datetime as dt

from trading.audit.models import AuditEntry
from trading.tenders import clock
from trading.tenders.models import TenderStatus
from trading.tenders.selectors import tender_policy

from .builders import published_tender


def test_published_tender_is_public_and_lawful(db):
    tender = published_tender()
    assert tender.status == TenderStatus.PUBLISHED
    assert tender.deadline - tender.documents_from >= tender_policy(tender).delta("bidding_period")
    assert AuditEntry.objects.filter(action="tenders.publish_tender", object_id=str(tender.pk)).exists()


def test_published_tender_with_a_deadline_in_minutes_or_in_the_past(db):
    soon = published_tender(deadline=clock.now() + dt.timedelta(minutes=5))
    assert soon.status == TenderStatus.PUBLISHED and soon.deadline > clock.now()
    gone = published_tender(deadline=clock.now() - dt.timedelta(hours=1))
    assert gone.status == TenderStatus.PUBLISHED and gone.deadline < clock.now()
    assert gone.deadline - gone.documents_from >= tender_policy(gone).delta("bidding_period")
