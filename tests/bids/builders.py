"""Builders for bid tests: holder keys, submissions, the opening's key rebuild."""
import datetime as dt
import functools

from tests.factories import api_token
from rest_framework.test import APIClient

from trading import sealing
from trading.accounts.caller import Caller
from trading.accounts.models import HolderKey
from trading.bids import content as bid_content
from trading.bids import services
from trading.bids.models import KeyShare, TenderKey
from trading.tenders import clock

HOLDER_PASSPHRASE = "shared passphrase of the test officials"


@functools.cache
def _holder_key():
    # Argon2 is slow on purpose; one key pair serves every official in these tests.
    return sealing.new_holder_key(HOLDER_PASSPHRASE)


def give_holder_key(user):
    public, locked = _holder_key()
    HolderKey.objects.update_or_create(user=user, defaults={"public_key": public, "locked_private_key": locked})
    return user


# Two lots whose ceilings add up to less than the builders' tender ceiling (1 000 000.00).
LOTS = [{"title": "Carriageway resurfacing", "ceiling_price": "600000.00"},
        {"title": "Street lighting", "ceiling_price": "350000.00"}]

CONTENT = dict(price="1250000.00", duration_days=180, quality="Qualified, national standard GB 50300",
               project_manager="Wang Lei", security_reference="BG-2026-0001")


def submit(user, tender, client_key="", attachments=(), ip="198.51.100.7", device="fp-1", lot=None, arrived=None,
           **changes):
    """Submit as the bid form does; `lot` is the lot's number for a tender with lots; `arrived` the epoch seconds
    at which the request reached the server (default: when the service is called).

    The bidder's side checks the fields and seals the content and attachments to the tender key (PyNaCl, as an
    API client does; the browser does the same with libsodium), so the service receives only sealed boxes. A
    tender without a key gets the plain fields, which the service refuses for want of a key.
    """
    caller = Caller(user=user, ip=ip, user_agent="pytest-browser/1.0", device=device, arrived=arrived)
    public_key = TenderKey.objects.filter(tender_id=tender.pk).values_list("public_key", flat=True).first()
    if public_key is None:
        return services.submit_bid(caller, tender.pk, {**CONTENT, **changes}, attachments, client_key, lot=lot)
    sealed, sealed_files = bid_content.seal_bid(bytes(public_key), {**CONTENT, **changes}, attachments)
    return services.submit_bid(caller, tender.pk, attachments=sealed_files, client_key=client_key, lot=lot,
                               sealed_content=sealed)


def rebuild_key(tender, k=2):
    """What the opening ceremony does: k officials unlock their shares and the key is rebuilt in memory."""
    holder_private = sealing.unlock_holder_key(_holder_key()[1], HOLDER_PASSPHRASE)
    shares = [sealing.open_share(bytes(s.sealed_share), holder_private)
              for s in KeyShare.objects.filter(tender_key__tender=tender).order_by("id")[:k]]
    return sealing.rebuild_private_key(shares, bytes(tender.key.public_key))


def after_deadline(tender):
    return clock.frozen_at(tender.deadline + dt.timedelta(seconds=1))


def api_client(user=None):
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


def sealed_form(tender, attachments=(), **changes):
    """What bids/seal.js posts from the bid form: the content and attachments sealed to the tender key, no plain field."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    sealed, files = bid_content.seal_bid(bytes(tender.key.public_key), {**CONTENT, **changes}, attachments)
    return {"sealed_content": sealed,
            "sealed_attachments": [SimpleUploadedFile(f"sealed-{n}.bin", box) for n, box in enumerate(files, 1)]}
