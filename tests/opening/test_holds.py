"""A procedure held by an objection to the documents or a complaint's suspension does not open until released."""
import pytest
from django.core.exceptions import ValidationError

from trading.bids.opening import services
from trading.tenders import holds
from trading.tenders.models import TenderStatus

from tests.opening.builders import ceremony

pytestmark = pytest.mark.django_db


def test_the_hall_waits_while_a_hold_stands_and_opens_once_it_is_lifted():
    c = ceremony()
    held = {c.tender.pk: "The supervising department suspended the procedure while it reviews a complaint."}

    def complaint(tender, step):
        return held.get(tender.pk) if step == "opening" else None

    holds.register(complaint)
    try:
        with pytest.raises(ValidationError) as refused:
            services.open_room(c.call(c.host), c.tender.pk)
        assert "suspended the procedure" in str(refused.value)
        c.tender.refresh_from_db()
        assert c.tender.status == TenderStatus.PUBLISHED and c.tender.opened_at is None
        held.clear()
        services.open_room(c.call(c.host), c.tender.pk)
    finally:
        holds.SOURCES.remove(complaint)
    c.tender.refresh_from_db()
    assert c.tender.status == TenderStatus.OPENING
