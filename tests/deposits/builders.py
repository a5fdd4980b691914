"""Bid security through its services: declared by the bidder, confirmed by finance staff or a bank."""
import contextlib
import datetime as dt
import json

from nacl.signing import SigningKey

from tests.award.builders import reported
from tests.evaluation import builders as evaluation_builders
from tests.factories import make_user
from trading.accounts.caller import Caller
from trading.deposits import services
from trading.deposits.models import Bank
from trading.tenders import clock

BANK_SEED = bytes(range(32))


def account_of(user):
    return f"6222 0210 {user.organisation_id:08d}"


def declare(user, tender, reference=None, account=None, **kw):
    return services.declare_payment(Caller(user=user, ip="198.51.100.20"), tender.pk,
                                    paying_account=account or account_of(user),
                                    reference=reference or f"BS-{tender.pk}-{user.organisation_id}", **kw)


def confirm(payment, finance=None, received_at=None, amount=None, paying_account=""):
    finance = finance or make_user("finance")
    return services.confirm_payment(Caller(user=finance, ip="10.0.0.5"), payment.pk,
                                    received_at=received_at or clock.now(), amount=amount or payment.amount,
                                    paying_account=paying_account)


def pay_all(c, accounts=None):
    """Every bidder of a ceremony declares and has its security confirmed, minutes before the deadline."""
    finance = make_user("finance")
    with clock.frozen_at(c.tender.deadline - dt.timedelta(minutes=4)):
        for i, user in enumerate(c.bidders):
            account = (accounts or {}).get(i)
            confirm(declare(user, c.tender, account=account), finance=finance)


@contextlib.contextmanager
def secured(accounts=None):
    """Ceremonies built inside pay every bidder's security before the deadline (for the award builders)."""
    original = evaluation_builders.ceremony

    def with_security(*args, **kwargs):
        c = original(*args, **kwargs)
        pay_all(c, accounts)
        return c

    evaluation_builders.ceremony = with_security
    try:
        yield
    finally:
        evaluation_builders.ceremony = original


def secured_reported(accounts=None, **kw):
    with secured(accounts):
        return reported(**kw)


def bank(code="icbc-hz"):
    key = SigningKey(BANK_SEED)
    return Bank.objects.create(code=code, name="ICBC Hangzhou", public_key=bytes(key.verify_key).hex())


def signed(body, seed=BANK_SEED):
    raw = json.dumps(body).encode()
    return raw, SigningKey(seed).sign(raw).signature.hex()


def notification(payment, notification_id="N-1", **changes):
    now = clock.now()
    body = {"bank": "icbc-hz", "notification_id": notification_id, "sent_at": now.isoformat(),
            "tender": payment.tender_id, "reference": payment.reference, "payer_account": "6222021099999999",
            "amount": str(payment.amount), "credited_at": (now - dt.timedelta(minutes=1)).isoformat()}
    body.update(changes)
    return body
