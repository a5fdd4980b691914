"""The opening's event stream: stored with a per-tender sequence number, broadcast after commit.

Channel layers deliver at most once; the stored stream is the truth. Each
process's hub (trading/realtime/hub.py) fills gaps from the database.
"""
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from trading.tenders import clock

from .models import Audience, OpeningEvent

log = logging.getLogger(__name__)

# Which audiences each kind of viewer may see.
VISIBLE = {
    "official": {Audience.PUBLIC, Audience.PARTICIPANTS, Audience.OFFICIALS},
    "bidder": {Audience.PUBLIC, Audience.PARTICIPANTS},
    "public": {Audience.PUBLIC},
}


def group_name(tender_id):
    return f"opening.{tender_id}"


def append(session, kind, payload=None, audience=Audience.PUBLIC):
    """Store the next event of the session (whose row the caller holds locked) and broadcast it after commit."""
    session.last_seq += 1
    session.save(update_fields=["last_seq"])
    event = OpeningEvent.objects.create(tender_id=session.tender_id, seq=session.last_seq, kind=kind,
                                        payload=payload or {}, audience=audience, at=clock.now())
    message = event.as_message()
    transaction.on_commit(lambda: publish(session.tender_id, [message]))
    return event


def publish(tender_id, messages):
    try:
        async_to_sync(get_channel_layer().group_send)(
            group_name(tender_id), {"type": "opening.events", "tender": tender_id, "events": messages})
    except Exception:  # the stored stream stays complete; hubs catch up from the database
        log.exception("broadcast of opening events for tender %s failed", tender_id)
