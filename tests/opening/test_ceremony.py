"""The opening ceremony through its services: steps, keys, failures, time limits, pause, record."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from trading import sealing
from trading.bids.models import Bid, BidStatus
from trading.bids.opening import services
from trading.bids.opening.models import Objection, OpeningEvent, OpeningRecord, OpeningSession
from trading.bids.opening.record import verify_record
from trading.tenders import clock
from trading.tenders.models import TenderStatus

from tests.bids.builders import HOLDER_PASSPHRASE
from tests.factories import make_user
from tests.opening.builders import PRICES, ceremony, run_to, submit_sealed_as_is

pytestmark = pytest.mark.django_db


def kinds(tender):
    return list(OpeningEvent.objects.filter(tender=tender).order_by("seq").values_list("kind", flat=True))


def session_of(c):
    return OpeningSession.objects.get(tender=c.tender)


def test_a_whole_ceremony_ends_in_a_signed_record_whose_key_reopens_every_bid():
    c = ceremony()
    run_to(c, "closed")
    c.tender.refresh_from_db()
    assert c.tender.status == TenderStatus.EVALUATION
    assert session_of(c).state == "closed"
    seqs = list(OpeningEvent.objects.filter(tender=c.tender).values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert kinds(c.tender)[:1] == ["room_opened"] and kinds(c.tender)[-1] == "opening_closed"

    announced = [e.payload for e in OpeningEvent.objects.filter(tender=c.tender, kind="bid_announced")]
    assert [a["order"] for a in announced] == [1, 2, 3]
    assert sorted(a["price"] for a in announced) == sorted(PRICES[:3])
    ceiling = OpeningEvent.objects.get(tender=c.tender, kind="ceiling_announced").payload
    assert ceiling["ceiling_price"] == "1100000.00" and ceiling["order"] == 4

    opening_record = OpeningRecord.objects.get(tender=c.tender)
    assert verify_record(opening_record.body, opening_record.signature, opening_record.platform_public_key)
    tampered = {**opening_record.body, "outcome": "failed"}
    assert not verify_record(tampered, opening_record.signature, opening_record.platform_public_key)
    private_key = bytes.fromhex(opening_record.private_key_hex)
    for row in opening_record.body["bids"]:
        bid = Bid.objects.get(pk=row["bid_id"])
        assert sealing.digest(bytes(bid.sealed_content)) == row["ciphertext_sha256"]
        assert Decimal(sealing.unseal_json(private_key, bid.sealed_content)["price"]) == Decimal(row["price"])
    assert [s["kind"] for s in opening_record.body["steps"]][0] == "room_opened"
    with opening_record.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_the_room_opens_only_at_the_deadline_and_only_for_the_host():
    c = ceremony()
    with clock.frozen_at(c.tender.deadline - dt.timedelta(seconds=1)):
        with pytest.raises(ValidationError):
            services.open_room(c.call(c.host), c.tender.pk)
    for outsider in (make_user("entity"), c.bidders[0], c.supervisors[0]):
        with pytest.raises(PermissionDenied):
            services.open_room(c.call(outsider), c.tender.pk)
    assert kinds(c.tender) == []
    services.open_room(c.call(c.host), c.tender.pk)
    c.tender.refresh_from_db()
    assert c.tender.status == TenderStatus.OPENING
    with pytest.raises(ValidationError):
        services.open_room(c.call(c.host), c.tender.pk)
    assert kinds(c.tender) == ["room_opened"]


def test_fewer_bids_than_the_minimum_fail_the_procedure_and_the_record_says_so():
    c = ceremony(n_bids=2, min_bids=3)
    services.open_room(c.call(c.host), c.tender.pk)
    c.tender.refresh_from_db()
    assert c.tender.status == TenderStatus.FAILED
    assert session_of(c).state == "failed"
    assert kinds(c.tender) == ["room_opened", "opening_failed"]
    body = OpeningRecord.objects.get(tender=c.tender).body
    assert body["outcome"] == "failed" and "at least 3" in body["failure_reason"]
    with pytest.raises(ValidationError):
        services.sign_in(c.call(c.bidders[0]), c.tender.pk)


def test_k_of_n_shares_one_share_opens_nothing_and_a_wrong_passphrase_changes_nothing():
    c = ceremony(threshold=2)
    run_to(c, "signing_in")
    with pytest.raises(ValidationError) as wrong:
        services.present_share(c.call(c.host), c.tender.pk, "not the passphrase")
    assert "passphrase" in wrong.value.message_dict
    with pytest.raises(PermissionDenied):
        services.present_share(c.call(make_user("supervisor")), c.tender.pk, HOLDER_PASSPHRASE)
    assert session_of(c).state == "signing_in"

    services.present_share(c.call(c.host), c.tender.pk, HOLDER_PASSPHRASE)
    assert session_of(c).state == "decrypting"
    assert all(b.price is None and b.status == BidStatus.ACTIVE for b in Bid.objects.filter(tender=c.tender))
    with pytest.raises(ValidationError):
        services.present_share(c.call(c.host), c.tender.pk, HOLDER_PASSPHRASE)

    services.present_share(c.call(c.supervisors[0]), c.tender.pk, HOLDER_PASSPHRASE)
    assert session_of(c).state == "announcing"
    assert sorted(str(b.price) for b in Bid.objects.filter(tender=c.tender)) == sorted(PRICES[:3])
    assert not session_of(c).presented_shares.exists()  # the shares were dropped once the key was rebuilt


def test_an_undecryptable_bid_is_revoked_or_withdrawn_with_its_reason_and_the_rest_go_on():
    # Sealed so by the submitting client, so receipts and log name these bytes (a change in storage after the
    # receipt is another matter: tests/opening/test_integrity.py).
    c = ceremony(n_bids=4)
    public = bytes(c.tender.key.public_key)
    garbled = submit_sealed_as_is(c, 1, b"\x00" * 200)  # does not open with the tender key: not the bidder's fault
    invalid = submit_sealed_as_is(c, 2, sealing.seal_json(public, {"price": "lots"}))
    run_to(c, "announcing")
    garbled.refresh_from_db()
    invalid.refresh_from_db()
    assert garbled.status == BidStatus.WITHDRAWN_AT_OPENING and "not the bidder's fault" in garbled.opening_note
    assert invalid.status == BidStatus.REVOKED and "bidder's fault" in invalid.opening_note
    rejected = OpeningEvent.objects.filter(tender=c.tender, kind="bid_rejected")
    assert {e.payload["status"] for e in rejected} == {"withdrawn_opening", "revoked"}
    for _ in range(3):
        services.announce_next(c.call(c.host), c.tender.pk)
    assert OpeningEvent.objects.filter(tender=c.tender, kind="bid_announced").count() == 2
    assert session_of(c).state == "confirming"


def test_announcements_refuse_the_wrong_role_the_wrong_step_and_the_wrong_position():
    c = ceremony()
    run_to(c, "signing_in")
    with pytest.raises(ValidationError):
        services.announce_next(c.call(c.host), c.tender.pk)
    services.present_share(c.call(c.host), c.tender.pk, HOLDER_PASSPHRASE)
    services.present_share(c.call(c.supervisors[1]), c.tender.pk, HOLDER_PASSPHRASE)
    with pytest.raises(PermissionDenied):
        services.announce_next(c.call(c.bidders[0]), c.tender.pk)
    before = kinds(c.tender)
    with pytest.raises(ValidationError) as out_of_order:
        services.announce_next(c.call(c.host), c.tender.pk, position=2)
    assert "position" in out_of_order.value.message_dict
    assert kinds(c.tender) == before
    services.announce_next(c.call(c.host), c.tender.pk, position=1)
    assert Bid.objects.get(tender=c.tender, announce_order=1).price is not None


def test_confirmations_objections_and_answers_are_recorded_and_gate_the_close():
    c = ceremony()
    run_to(c, "confirming")
    t = c.tender.pk
    with pytest.raises(PermissionDenied):
        services.confirm(c.call(make_user("contractor")), t)
    services.confirm(c.call(c.bidders[0]), t)
    with pytest.raises(ValidationError):
        services.confirm(c.call(c.bidders[0]), t)
    objection = services.raise_objection(c.call(c.bidders[1]), t, "报价 2 was read out wrongly")
    with pytest.raises(ValidationError):
        services.close_opening(c.call(c.host), t)  # bidder 3 has not answered yet, the window is open
    with clock.shifted(dt.timedelta(minutes=31)):
        with pytest.raises(ValidationError):
            services.confirm(c.call(c.bidders[2]), t)  # the window has closed
        with pytest.raises(ValidationError):
            services.close_opening(c.call(c.host), t)  # an objection is unanswered
        with pytest.raises(PermissionDenied):
            services.answer_objection(c.call(c.bidders[0]), t, objection.pk, "no")
        services.answer_objection(c.call(c.host), t, objection.pk, "The price was checked against the ciphertext.")
        services.close_opening(c.call(c.host), t)
    body = OpeningRecord.objects.get(tender=c.tender).body
    assert body["objections"][0]["text"] == "报价 2 was read out wrongly"
    assert body["objections"][0]["answer"].startswith("The price was checked")
    closed = OpeningEvent.objects.get(tender=c.tender, kind="opening_closed").payload
    assert closed["deemed_confirmed"] == [c.bidders[2].organisation.name]
    assert Objection.objects.get().answered_by == c.host


def test_an_overrun_step_raises_one_alarm_for_supervisors_and_the_watchdog_finds_it():
    c = ceremony()
    run_to(c, "decrypting")
    with clock.shifted(dt.timedelta(minutes=61)):
        assert services.check_time_limits(c.tender.pk) == ["alarm"]
        assert services.check_time_limits(c.tender.pk) == []
    alarm = OpeningEvent.objects.get(tender=c.tender, kind="alarm")
    assert alarm.audience == "officials" and alarm.payload["step"] == "decrypting"

    late = ceremony(deadline_ago=dt.timedelta(minutes=45))  # nobody opened the room within 30 minutes
    call_command("opening_watchdog")
    assert OpeningEvent.objects.get(tender=late.tender, kind="alarm").payload["step"] == "waiting"


def test_a_sign_in_window_that_ends_closes_the_sign_in_and_the_ceremony_goes_on():
    c = ceremony()
    services.open_room(c.call(c.host), c.tender.pk)
    services.sign_in(c.call(c.bidders[0]), c.tender.pk)
    with clock.shifted(dt.timedelta(minutes=31)):
        with pytest.raises(ValidationError):
            services.sign_in(c.call(c.bidders[1]), c.tender.pk)
    assert session_of(c).state == "decrypting"
    assert "sign_in_closed" in kinds(c.tender)


def test_pause_stops_the_ceremony_and_its_clock_until_resumed_with_a_reason():
    c = ceremony()
    run_to(c, "announcing")
    t = c.tender.pk
    deadline = session_of(c).step_deadline
    with pytest.raises(PermissionDenied):
        services.pause(c.call(c.bidders[0]), t, "I want a break")
    with pytest.raises(ValidationError):
        services.pause(c.call(c.supervisors[0]), t, "  ")
    services.pause(c.call(c.supervisors[0]), t, "Network outage at the trading centre")
    with pytest.raises(ValidationError):
        services.announce_next(c.call(c.host), t)
    with clock.shifted(dt.timedelta(minutes=90)):
        assert services.check_time_limits(t) == []  # a paused step does not overrun
        with pytest.raises(PermissionDenied):
            services.resume(c.call(c.host), t, "We are back")  # a supervisor's pause is lifted by a supervisor
        services.resume(c.call(c.supervisors[1]), t, "Network restored")
        services.announce_next(c.call(c.host), t)
    session = session_of(c)
    assert not session.paused and session.step_deadline > deadline + dt.timedelta(minutes=89)
    paused = OpeningEvent.objects.get(tender=c.tender, kind="paused").payload
    assert paused == {"by": "supervisor", "reason": "Network outage at the trading centre"}
    services.pause(c.call(c.host), t, "Host checks the table")
    services.resume(c.call(c.host), t, "Checked")


def test_a_replayed_command_gets_its_first_result_and_changes_nothing():
    c = ceremony()
    services.open_room(c.call(c.host), c.tender.pk)
    first = services.run_command(c.call(c.bidders[0]), c.tender.pk, "cmd-1", "sign_in", {})
    again = services.run_command(c.call(c.bidders[0]), c.tender.pk, "cmd-1", "sign_in", {})
    assert first == {"ok": True, "command": "sign_in"}
    assert again == {**first, "replayed": True}
    assert kinds(c.tender).count("signed_in") == 1
    with pytest.raises(ValidationError):
        services.run_command(c.call(c.bidders[0]), c.tender.pk, "cmd-1", "confirm", {})
