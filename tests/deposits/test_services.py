"""Bid security: the amount within policy, declared, confirmed by finance or by a bank's signed notification
(replay refused), refunded in time (checkpoint), forfeited only on a recorded statutory ground."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.bids.builders import submit
from tests.factories import make_user
from tests.tenders.builders import draft_tender, project
from trading.accounts.caller import Caller
from trading.audit.models import AuditEntry
from trading.award import services as award_services
from trading.bids.models import Bid, BidStatus
from trading.credit.models import CreditEntry
from trading.deposits import selectors, services
from trading.deposits.models import BankNotification, SecurityPayment
from trading.tenders import clock
from trading.tenders import services as tender_services
from trading.tenders.checkpoints import refresh_checkpoints
from trading.tenders.models import Checkpoint, ProcedurePolicy

from .builders import account_of, bank, confirm, declare, notification, secured_reported, signed

pytestmark = pytest.mark.django_db


def fields(exc_info):
    return set(exc_info.value.message_dict)


# --- the amount -----------------------------------------------------------------------------

def test_the_security_asked_is_at_most_the_policys_share_of_the_ceiling(entity_user):
    with pytest.raises(ValidationError) as too_much:
        draft_tender(entity_user, bid_security_amount=Decimal("20000.01"))  # ceiling 1 000 000.00, 2%
    assert fields(too_much) == {"bid_security_amount"} and "2%" in too_much.value.messages[0]
    assert draft_tender(entity_user, bid_security_amount=Decimal("20000.00")).bid_security_amount == 20000


def test_a_draft_made_under_a_looser_policy_is_checked_again_at_publication(entity_user):
    tender = draft_tender(entity_user, bid_security_amount=Decimal("20000.00"))
    ProcedurePolicy.objects.filter(procedure_type=tender.procedure_type).update(bid_security_percent=1)
    with pytest.raises(ValidationError) as refused:
        tender_services.publish_tender(Caller(user=entity_user), tender, [entity_user], threshold=2)
    assert "bid_security_amount" in fields(refused)


def test_not_even_the_administrator_sets_the_share_above_the_law():
    policy = ProcedurePolicy.objects.exclude(procedure_type="training").first()
    policy.bid_security_percent = 3
    with pytest.raises(ValidationError) as beyond:
        policy.full_clean()
    assert "bid_security_percent" in fields(beyond)


# --- declared and confirmed -----------------------------------------------------------------

def test_finance_confirms_a_declared_payment_with_the_account_on_the_statement(tender, contractor, finance):
    payment = declare(contractor, tender, account="6222-0210-0000-0001")
    assert payment.status == "declared" and payment.paying_account == "6222021000000001"
    declare(contractor, tender, account="6222021000000002", reference="BS-CORRECTED")  # corrected before confirmation
    payment.refresh_from_db()
    assert payment.reference == "BS-CORRECTED"
    confirmed = confirm(payment, finance=finance, paying_account="6222 0210 7777 0001")
    assert confirmed.status == "confirmed" and confirmed.confirmed_via == "finance"
    assert (confirmed.paying_account, confirmed.declared_account) == ("6222021077770001", "6222021000000002")
    with pytest.raises(ValidationError):
        declare(contractor, tender)  # confirmed: no more corrections
    entries = AuditEntry.objects.filter(action__startswith="deposits.")
    assert entries.count() == 3 and all(e.embargo == f"tender:{tender.pk}" for e in entries)


def test_bad_declarations_and_confirmations_are_answered_per_field(tender, contractor, finance):
    with pytest.raises(ValidationError) as bad:
        declare(contractor, tender, account="12", reference="   ")
    assert fields(bad) == {"paying_account", "reference"}
    payment = declare(contractor, tender)
    with pytest.raises(ValidationError) as bad:
        services.confirm_payment(Caller(user=finance), payment.pk, received_at="yesterday", amount="-5",
                                 paying_account="x")
    assert fields(bad) == {"received_at", "amount", "paying_account"}
    with pytest.raises(ValidationError) as short:
        confirm(payment, finance=finance, amount=Decimal("19999.99"))
    assert fields(short) == {"amount"}
    with pytest.raises(ValidationError) as late:
        confirm(payment, finance=finance, received_at=tender.deadline + dt.timedelta(seconds=1))
    assert fields(late) == {"received_at"}
    payment.refresh_from_db()
    assert payment.status == "declared"


@pytest.mark.parametrize("role", ["contractor", "entity", "supervisor", "discipline", "expert", "admin"])
def test_only_finance_staff_confirm(tender, contractor, role):
    payment = declare(contractor, tender)
    with pytest.raises(PermissionDenied):
        confirm(payment, finance=make_user(role))


def test_declaring_is_for_contractors_before_the_deadline(tender, contractor, finance):
    with pytest.raises(PermissionDenied):
        declare(finance, tender)
    with clock.frozen_at(tender.deadline):
        with pytest.raises(ValidationError) as late:
            declare(contractor, tender)
    assert fields(late) == {"tender"}
    assert not SecurityPayment.objects.exists()


# --- the bank's signed notification ------------------------------------------------------------

def test_a_signed_notification_confirms_with_the_account_the_bank_saw(tender, contractor):
    bank()
    payment = declare(contractor, tender)
    raw, signature = signed(notification(payment))
    note = services.receive_bank_notification(Caller(), raw, signature)
    payment.refresh_from_db()
    assert note.outcome == "confirmed" and payment.status == "confirmed" and payment.confirmed_via == "bank"
    assert payment.paying_account == "6222021099999999" and payment.declared_account == account_of(contractor)\
        .replace(" ", "")


def test_a_forged_replayed_or_stale_notification_is_refused(tender, contractor):
    bank()
    payment = declare(contractor, tender)
    raw, signature = signed(notification(payment))
    forged_raw, forged = signed(notification(payment), seed=bytes(32))  # another key
    with pytest.raises(PermissionDenied):
        services.receive_bank_notification(Caller(), forged_raw, forged)
    with pytest.raises(PermissionDenied):  # the body changed after signing
        services.receive_bank_notification(Caller(), raw.replace(b"6222021099999999", b"6222021011111111"),
                                           signature)
    with pytest.raises(PermissionDenied):
        services.receive_bank_notification(Caller(), *signed({**notification(payment), "bank": "nobody"}))
    stale_raw, stale = signed(notification(payment, notification_id="N-old",
                                           sent_at=(clock.now() - dt.timedelta(minutes=6)).isoformat()))
    with pytest.raises(ValidationError) as too_old:
        services.receive_bank_notification(Caller(), stale_raw, stale)
    assert fields(too_old) == {"sent_at"}
    payment.refresh_from_db()
    assert payment.status == "declared" and not BankNotification.objects.exists()
    services.receive_bank_notification(Caller(), raw, signature)
    with pytest.raises(ValidationError) as replay:
        services.receive_bank_notification(Caller(), raw, signature)
    assert fields(replay) == {"notification_id"}
    assert BankNotification.objects.count() == 1


def test_a_short_late_or_unknown_payment_is_kept_but_confirms_nothing(tender, contractor):
    bank()
    payment = declare(contractor, tender)
    outcomes = []
    for n, changes in enumerate([{"amount": "100.00"}, {"reference": "NOT-DECLARED"},
                                 {"credited_at": (tender.deadline + dt.timedelta(hours=1)).isoformat()}]):
        outcomes.append(services.receive_bank_notification(
            Caller(), *signed(notification(payment, notification_id=f"N-{n}", **changes))).outcome)
    assert outcomes == ["short", "unmatched", "late"]
    payment.refresh_from_db()
    assert payment.status == "declared"


def test_the_notification_endpoint_answers_bad_input_with_4xx_never_500(tender, contractor, client):
    bank()
    payment = declare(contractor, tender)
    url = "/api/deposits/bank-notifications/"
    assert client.post(url, b"not json", content_type="application/json",
                       HTTP_X_BANK_SIGNATURE="00" * 64).status_code == 400
    assert client.post(url, b"[1, 2]", content_type="application/json").status_code == 400
    raw, signature = signed(notification(payment))
    assert client.post(url, raw, content_type="application/json", HTTP_X_BANK_SIGNATURE="zz").status_code == 403
    ok = client.post(url, raw, content_type="application/json", HTTP_X_BANK_SIGNATURE=signature)
    assert ok.status_code == 201 and ok.json()["outcome"] == "confirmed"
    again = client.post(url, raw, content_type="application/json", HTTP_X_BANK_SIGNATURE=signature)
    assert again.status_code == 400 and "notification_id" in again.json()


# --- what the opening and collusion read ------------------------------------------------------------

def test_bids_without_confirmed_security_are_marked_and_paying_accounts_appear_after_the_bidding(
        tender, contractor, other_contractor, finance):
    submit(contractor, tender)
    submit(other_contractor, tender, ip="198.51.100.99")
    confirm(declare(contractor, tender, account="6222021055550000"), finance=finance)
    declare(other_contractor, tender, account="6222021055550000")  # declared only
    assert selectors.security_missing(tender) == {other_contractor.organisation_id}
    assert selectors.paying_accounts() == []  # bidding not over: who bid stays secret
    tender.opened_at = clock.now()
    tender.save(update_fields=["opened_at"])
    assert selectors.paying_accounts() == [{"tender_id": tender.pk, "bidder_id": contractor.organisation_id,
                                            "paying_account": "6222021055550000"}]


def test_two_bidders_paying_from_one_account_share_it_in_the_rows():
    a = secured_reported(accounts={0: "6222021012345678", 1: "6222021012345678"})
    rows = selectors.paying_accounts([a.tender.pk])
    same = [r["bidder_id"] for r in rows if r["paying_account"] == "6222021012345678"]
    assert sorted(same) == sorted([a.bidders[0].organisation_id, a.bidders[1].organisation_id])


# --- refund and forfeiture -----------------------------------------------------------------

def test_refunds_wait_for_the_award_and_the_checkpoint_turns_red_when_late(finance):
    a = secured_reported()
    payments = list(SecurityPayment.objects.filter(tender=a.tender))
    with pytest.raises(ValidationError):  # bids still stand, no award yet
        services.refund(Caller(user=finance), payments[1].pk, refund_reference="RF-1")
    a.publish()
    with a.after_notice() as moment:
        a.award(a.bids[0])
        refresh_checkpoints(a.tender)
        assert Checkpoint.objects.get(tender=a.tender, code="security_refund").state == "yellow"
        services.refund(Caller(user=finance), payments[1].pk, refund_reference="RF-1")
    with clock.frozen_at(moment + dt.timedelta(days=5, minutes=1)):
        refresh_checkpoints(a.tender)
        assert Checkpoint.objects.get(tender=a.tender, code="security_refund").state == "red"
        for p in payments:
            if p.pk != payments[1].pk:
                services.refund(Caller(user=finance), p.pk, refund_reference=f"RF-{p.pk}")
        mark = Checkpoint.objects.get(tender=a.tender, code="security_refund")
        assert mark.state == "green" and mark.was_red
    with pytest.raises(ValidationError):
        services.refund(Caller(user=finance), payments[1].pk, refund_reference="RF-again")


def test_forfeiture_needs_the_recorded_ground_and_goes_on_the_credit_record():
    a = secured_reported()
    a.publish()
    winner = a.bids[0]
    payment = SecurityPayment.objects.get(tender=a.tender, bidder=winner.bidder)
    entity = Caller(user=a.entity)
    with pytest.raises(ValidationError) as no_ground:  # nobody recorded that the winner failed to sign
        services.forfeit(entity, payment.pk, ground="failed_to_sign", reason="Did not sign.")
    assert fields(no_ground) == {"ground"}
    with pytest.raises(PermissionDenied):
        services.forfeit(Caller(user=make_user("entity")), payment.pk, ground="failed_to_sign", reason="x")
    with pytest.raises(PermissionDenied):
        services.forfeit(Caller(user=make_user("finance")), payment.pk, ground="failed_to_sign", reason="x")
    with a.after_notice():
        made = a.award(winner)
        award_services.revoke_award(entity, made.pk, "failed_to_sign", "No signature within 30 days.")
        forfeited = services.forfeit(entity, payment.pk, ground="failed_to_sign", reason="No signature.")
    assert forfeited.status == "forfeited"
    entry = CreditEntry.objects.get(organisation=winner.bidder)
    assert entry.kind == "security_forfeited" and entry.source == f"deposits.SecurityPayment:{payment.pk}"
    with pytest.raises(ValidationError):  # forfeited security is not refunded
        services.refund(Caller(user=make_user("finance")), payment.pk, refund_reference="RF-9")
    with pytest.raises(ValidationError) as other:  # the others neither withdrew late nor refused
        other_payment = SecurityPayment.objects.get(tender=a.tender, bidder=a.bids[1].bidder)
        services.forfeit(entity, other_payment.pk, ground="withdrawn_late", reason="x")
    assert fields(other) == {"ground"}


def test_a_project_with_no_security_asks_nothing(entity_user, contractor, tender):
    free = draft_tender(entity_user, project_obj=project(entity_user), bid_security_amount=0)
    assert free.bid_security_amount == 0
    assert selectors.security_missing(free) == set()


def test_once_a_contract_is_concluded_the_refund_period_runs_from_it(finance):
    from trading.contracts import services as contracts

    a = secured_reported()
    a.publish()
    with a.after_notice() as moment:
        made = a.award(a.bids[0])
    with clock.frozen_at(moment + dt.timedelta(days=4)) as signed_at:
        contracts.conclude_contract(
            Caller(user=a.entity), made.pk, price=str(made.amount), project_manager=made.bid.project_manager,
            duration_days=240, scope="Resurfacing of the ring road.", warranty_days=365, retention_amount="29400.00")
    assert selectors.refund_start(a.tender) == signed_at
    with clock.frozen_at(moment + dt.timedelta(days=6)):  # past 5 days from the award, not from the contract
        refresh_checkpoints(a.tender)
        assert Checkpoint.objects.get(tender=a.tender, code="security_refund").state == "yellow"
    with clock.frozen_at(signed_at + dt.timedelta(days=5, minutes=1)):
        refresh_checkpoints(a.tender)
        assert Checkpoint.objects.get(tender=a.tender, code="security_refund").state == "red"


def test_the_security_of_a_bid_set_aside_at_the_opening_is_refunded_without_waiting_for_the_award(finance):
    a = secured_reported()
    victim = a.bids[1]
    Bid.objects.filter(pk=victim.pk).update(status=BidStatus.INVALID)  # as the opening's receipt check leaves it
    payment = SecurityPayment.objects.get(tender=a.tender, bidder=victim.bidder)
    services.refund(Caller(user=finance), payment.pk, refund_reference="RF-set-aside")
    payment.refresh_from_db()
    assert payment.status == "refunded"
    other = SecurityPayment.objects.get(tender=a.tender, bidder=a.bids[0].bidder)
    with pytest.raises(ValidationError):
        services.refund(Caller(user=finance), other.pk, refund_reference="RF-standing")
