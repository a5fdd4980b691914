"""The contract room's use cases: conclusion, amendments, progress, attendance, subcontracts, rating; and each red
flag the supervisor sees, with a test that fails without it."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import make_organisation, make_user
from trading.audit.models import AuditEntry
from trading.contracts import notices, selectors, services
from trading.contracts.models import Approval, Contract, ContractStatus
from trading.credit.models import CreditEntry, Debarment
from trading.tenders import clock, holds
from trading.tenders.checkpoints import refresh_checkpoints
from trading.tenders.models import Checkpoint, Tender, TenderStatus

from .builders import awarded, call, document, photo

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def errors_of(service, *args, **kwargs):
    with pytest.raises(ValidationError) as error:
        service(*args, **kwargs)
    return error.value.message_dict


def state(tender, code):
    found = Checkpoint.objects.filter(tender=tender, code=code).first()
    return found and found.state


def reason(tender, code):
    return Checkpoint.objects.get(tender=tender, code=code).reason


def test_a_contract_at_the_award_is_concluded_signed_audited_and_green():
    w = awarded()
    contract = w.conclude()
    assert (contract.price, contract.project_manager) == (w.award.amount, "Li Na")
    assert contract.contractor == w.winner.organisation and contract.status == ContractStatus.CONCLUDED
    assert notices.verify(contract.body, contract.signature, contract.platform_public_key)
    assert contract.body["price"] == "980000.00" and contract.body["award_signature"] == w.award.signature
    assert AuditEntry.objects.filter(action="contracts.conclude", object_id=str(contract.pk)).exists()
    assert state(w.tender, "contract_signing") == "green" and state(w.tender, "contract_terms") == "green"
    assert "already concluded" in errors_of(w.conclude)["award"][0]


def test_a_price_or_manager_other_than_the_award_needs_a_reason_and_shows_red():
    w = awarded()
    problems = errors_of(w.conclude, price="990000.00", project_manager="Qian Hao")
    assert "award amount (¥980,000.00)" in problems["price_reason"][0]
    assert "Li Na" in problems["manager_reason"][0]
    assert not Contract.objects.exists()
    contract = w.conclude(price="990000.00", price_reason="Quantities re-measured before signing.",
                          project_manager="Qian Hao", manager_reason="Li Na left the firm.")
    assert contract.price_reason and contract.manager_reason
    assert state(w.tender, "contract_terms") == "red"
    assert "Quantities re-measured" in reason(w.tender, "contract_terms")
    assert "Li Na left the firm" in reason(w.tender, "contract_terms")


def test_the_contract_deadline_follows_the_real_contract():
    w = awarded()
    assert state(w.tender, "contract_signing") == "green"
    with clock.shifted(29 * DAY):
        refresh_checkpoints(w.tender)
        assert state(w.tender, "contract_signing") == "yellow"
    with clock.shifted(31 * DAY):
        refresh_checkpoints(w.tender)
        assert state(w.tender, "contract_signing") == "red"
        assert "not concluded" in reason(w.tender, "contract_signing")
        w.conclude()
    checkpoint = Checkpoint.objects.get(tender=w.tender, code="contract_signing")
    assert checkpoint.state == "green" and checkpoint.was_red


def test_bad_input_gets_field_errors_and_writes_nothing():
    w = awarded()
    problems = errors_of(w.conclude, price="-5", project_manager="", duration_days="abc", scope="",
                         warranty_days=1000, retention_amount="1000000.00", subcontract_percent=120)
    assert set(problems) >= {"price", "project_manager", "duration_days", "scope", "warranty_days",
                             "subcontract_percent"}
    problems = errors_of(w.conclude, retention_amount="50000.00")
    assert "3%" in problems["retention_amount"][0]
    assert not Contract.objects.exists() and not AuditEntry.objects.filter(action="contracts.conclude").exists()


def test_only_the_own_entity_concludes_and_a_hold_or_debarment_stops_it():
    w = awarded()
    with pytest.raises(PermissionDenied):
        services.conclude_contract(call(make_user("entity")), w.award.pk, price="980000.00", project_manager="Li Na",
                                   duration_days=1, scope="x", warranty_days=1, retention_amount="0")
    with pytest.raises(PermissionDenied):
        services.conclude_contract(call(w.winner), w.award.pk, price="980000.00", project_manager="Li Na",
                                   duration_days=1, scope="x", warranty_days=1, retention_amount="0")

    def complaint(tender, step):
        return "A complaint suspends the procedure." if step == "contract" else None

    holds.register(complaint)
    try:
        assert errors_of(w.conclude)["tender"] == ["A complaint suspends the procedure."]
    finally:
        holds.SOURCES.remove(complaint)
    Debarment.objects.create(organisation=w.winner.organisation, decision="FZ-2026-7", reason="Collusion.",
                             starts_at=clock.now() - DAY, ends_at=clock.now() + 300 * DAY, recorded_by=w.entity,
                             recorded_at=clock.now())
    assert "debarred (FZ-2026-7)" in errors_of(w.conclude)["award"][0]
    assert not Contract.objects.exists()


def test_amendments_keep_the_contract_and_their_cumulative_price_change_beyond_policy_is_red():
    w = awarded()
    contract = w.conclude()
    first = w.amend(contract, price="1029000.00")  # +49,000: 5%
    assert (first.price_before, first.price_after, first.number) == (Decimal("980000.00"), Decimal("1029000.00"), 1)
    assert state(w.tender, "amendment_price") == "green"
    w.amend(contract, price="980000.00", reason="Drainage moved to another contract.")  # -49,000: 10% in all
    assert state(w.tender, "amendment_price") == "green"
    w.amend(contract, price="989800.00", reason="Extra kerbs.")  # +9,800: 11% in all, though the net change is 1%
    contract.refresh_from_db()
    assert contract.price == Decimal("980000.00") and contract.current_price == Decimal("989800.00")
    assert state(w.tender, "amendment_price") == "red"
    assert "11.0%" in reason(w.tender, "amendment_price") and "at most 10%" in reason(w.tender, "amendment_price")
    assert AuditEntry.objects.filter(action="contracts.amend").count() == 3


def test_an_amendment_needs_a_reason_a_document_and_a_change():
    w = awarded()
    contract = w.conclude()
    problems = errors_of(w.amend, contract, reason="", files=[])
    assert set(problems) == {"reason", "documents"}
    problems = errors_of(w.amend, contract, files=[document("agreement.exe", b"MZ")])
    assert "Allowed file types" in problems["documents"][0]
    assert "at least one new value" in errors_of(w.amend, contract, price="980000.00")["price"][0]
    assert not contract.amendments.exists()


def test_a_project_manager_substituted_without_approval_is_red_until_the_supervisor_approves():
    w = awarded()
    contract = w.conclude()
    amendment = w.amend(contract, project_manager="Zhou Qiang", reason="Li Na is on sick leave.")
    assert amendment.approval == Approval.PENDING and amendment.manager_before == "Li Na"
    assert state(w.tender, "manager_substitution") == "red"
    assert "Zhou Qiang" in reason(w.tender, "manager_substitution")
    with pytest.raises(PermissionDenied):
        services.decide_amendment(call(w.entity), amendment.pk, True)
    services.decide_amendment(call(w.supervisor), amendment.pk, True, "Zhou Qiang holds the licence.")
    checkpoint = Checkpoint.objects.get(tender=w.tender, code="manager_substitution")
    assert checkpoint.state == "green" and checkpoint.was_red
    assert "already decided" in errors_of(services.decide_amendment, call(w.supervisor), amendment.pk, False,
                                          "no")["approve"][0]
    refused = w.amend(contract, project_manager="Wu Gang", reason="Zhou Qiang moved on.")
    services.decide_amendment(call(w.supervisor), refused.pk, False, "Wu Gang holds no licence.")
    assert state(w.tender, "manager_substitution") == "red" and "Refused" in reason(w.tender, "manager_substitution")


def test_the_road_to_acceptance_completes_the_tender_and_the_rating_reaches_the_credit_record():
    w = awarded()
    contract = w.conclude()
    milestone = services.record_milestone(call(w.entity), contract.pk, "Base course laid")
    services.record_payment(call(w.entity), contract.pk, "500000.00", "PAY-1", milestone=milestone.pk)
    assert "beyond" in errors_of(services.record_payment, call(w.entity), contract.pk, "460000.00", "PAY-2")["amount"][0]
    assert "follows" in errors_of(services.accept_works, call(w.entity), contract.pk, "Too early.")["contract"][0]
    assert "accepted" in errors_of(services.rate_contractor, call(w.entity), contract.pk, 4, "Good.")["rating"][0]
    w.to_acceptance(contract)
    tender = Tender.objects.get(pk=w.tender.pk)
    assert tender.status == TenderStatus.COMPLETE
    services.rate_contractor(call(w.entity), contract.pk, 4, "On time, clean site.")
    entry = CreditEntry.objects.get(organisation=w.winner.organisation)
    assert (entry.kind, entry.rating, entry.source) == ("performance", 4, f"contracts.Contract:{contract.pk}")
    assert "already rated" in errors_of(services.rate_contractor, call(w.entity), contract.pk, 5, "x")["rating"][0]
    assert "1 to 5" in errors_of(services.rate_contractor, call(w.entity), contract.pk, 9, "x")["rating"][0]


def test_final_accounts_beyond_the_price_are_red_and_retention_waits_for_the_warranty():
    w = awarded()
    contract = w.conclude(warranty_days=30)
    w.to_acceptance(contract)
    assert "state why" in errors_of(services.settle_accounts, call(w.entity), contract.pk, "1000000.00")["note"][0]
    services.settle_accounts(call(w.entity), contract.pk, "1000000.00", "Unforeseen rock excavation.")
    assert state(w.tender, "final_accounts") == "red"
    assert state(w.tender, "retention_release") == "green"
    assert "held until" in errors_of(services.release_retention, call(w.entity), contract.pk, "RET-1")["contract"][0]
    with clock.shifted(31 * DAY):
        refresh_checkpoints(w.tender)
        assert state(w.tender, "retention_release") == "yellow"
        services.release_retention(call(w.entity), contract.pk, "RET-1")
    contract.refresh_from_db()
    assert contract.status == ContractStatus.CLOSED and contract.payments.get(retention=True).amount == Decimal(
        "29400.00")
    assert state(w.tender, "retention_release") == "green"


def _weekday(moment):
    while moment.weekday() >= 5:
        moment += DAY
    return moment


def test_a_manager_below_the_policy_rate_turns_red():
    start = _weekday(clock.now().replace(hour=9, minute=0, second=0, microsecond=0))
    with clock.frozen_at(start):
        w = awarded()
        contract = w.conclude()
        w.check_in(contract)
    day, present = start, 1
    for n in range(1, 10):  # two working weeks; on site three days of ten
        day = _weekday(day + DAY)
        with clock.frozen_at(day):
            if n in (3, 7):
                w.check_in(contract)
                present += 1
            elif n == 8:
                services.record_attendance(call(w.supervisor), contract.pk, present=False, note="Not on site.")
    with clock.frozen_at(day):
        refresh_checkpoints(w.tender)
        rate = selectors.attendance_rate(contract, day)
    assert (rate.present, rate.days) == (3, 10)
    assert state(w.tender, "manager_attendance") == "red"
    assert "3 of 10 working days (30%)" in reason(w.tender, "manager_attendance")
    rows = selectors.manager_rates([contract], day)
    assert rows[0]["manager"] == "Li Na" and rows[0]["percent"] == 30.0


def test_a_manager_on_two_sites_the_same_day_turns_red_on_both():
    first, second = awarded(), awarded(managers=["li  NA", "Ma Jun", "Fang Yu"])
    a, b = first.conclude(), second.conclude()
    first.check_in(a)
    assert state(first.tender, "manager_two_sites") == "green"
    second.check_in(b)
    for w in (first, second):
        assert state(w.tender, "manager_two_sites") == "red"
    assert a.reference in reason(second.tender, "manager_two_sites")


def test_a_check_in_needs_the_place_and_a_photo_and_comes_from_the_contractor_once_a_day():
    w = awarded()
    contract = w.conclude()
    problems = errors_of(w.check_in, contract, latitude="", longitude="200", photo=None)
    assert set(problems) == {"latitude", "longitude", "photo"}
    assert "JPEG or PNG" in errors_of(w.check_in, contract, photo=document())["photo"][0]
    with pytest.raises(PermissionDenied):
        w.check_in(contract, user=w.bidders[1])
    attendance = w.check_in(contract)
    assert attendance.photo_sha256 and attendance.latitude == Decimal("26.074500")
    assert "already recorded" in errors_of(w.check_in, contract)["contract"][0]
    with pytest.raises(PermissionDenied):
        services.record_attendance(call(make_user("entity")), contract.pk, present=True)


def test_subcontracting_beyond_the_contract_or_to_a_losing_bidder_is_flagged_and_reaches_collusion():
    w = awarded()
    contract = w.conclude()  # 20% may be subcontracted: 196,000
    outsider = make_organisation()
    ok = services.declare_subcontract(call(w.winner), contract.pk, outsider.credit_code, "Road markings", "96000.00")
    assert not ok.flagged and state(w.tender, "subcontracting") == "green"
    assert selectors.losing_bidder_subcontracts() == []
    loser = w.bidders[2].organisation
    cover = services.declare_subcontract(call(w.winner), contract.pk, loser.credit_code, "Kerbs", "50000.00")
    assert cover.losing_bidder and not cover.beyond_allowed
    assert state(w.tender, "subcontracting") == "red" and loser.name in reason(w.tender, "subcontracting")
    assert selectors.losing_bidder_subcontracts() == [(w.tender.pk, w.winner.organisation_id, loser.pk)]
    big = services.declare_subcontract(call(w.winner), contract.pk, outsider.credit_code, "Lighting", "60000.00")
    assert big.beyond_allowed and "20%" in reason(w.tender, "subcontracting")
    services.declare_subcontract(call(w.winner), contract.pk, loser.credit_code, "More kerbs", "1000.00")
    assert selectors.losing_bidder_subcontracts() == [(w.tender.pk, w.winner.organisation_id, loser.pk)]
    problems = errors_of(services.declare_subcontract, call(w.winner), contract.pk, "nope", "", "-1")
    assert set(problems) == {"subcontractor", "scope", "amount"}
    with pytest.raises(PermissionDenied):
        services.declare_subcontract(call(w.bidders[1]), contract.pk, outsider.credit_code, "x", "1.00")


def test_a_photo_is_read_by_the_parties_and_supervisors_only():
    w = awarded()
    contract = w.conclude()
    attendance = w.check_in(contract, photo=photo())
    for user in (w.winner, w.entity, w.supervisor, make_user("discipline")):
        assert selectors.attendance_photo_for(user, attendance.pk) == attendance
    for user in (w.bidders[1], make_user("entity"), make_user("expert")):
        with pytest.raises(PermissionDenied):
            selectors.attendance_photo_for(user, attendance.pk)


def test_the_watch_command_follows_a_complete_tender_until_its_retention_is_released():
    from io import StringIO

    from django.core.management import call_command

    w = awarded()
    contract = w.conclude(warranty_days=10)
    w.to_acceptance(contract)
    assert Tender.objects.get(pk=w.tender.pk).status == TenderStatus.COMPLETE
    with clock.shifted(11 * DAY):
        out = StringIO()
        call_command("contract_watch", stdout=out)
    assert "1 tender(s)" in out.getvalue() and state(w.tender, "retention_release") == "yellow"


def test_each_lot_has_its_contract_and_the_tender_completes_with_the_last_acceptance():
    w = awarded(lots=2)
    first, second = w.awards
    assert (first.lot.number, second.lot.number) == (1, 2) and first.winner != second.winner
    one = w.conclude(first)
    assert one.reference.endswith("-C1") and one.lot == first.lot
    refresh_checkpoints(w.tender)
    assert state(w.tender, "contract_signing") == "green" and "due by" in reason(w.tender, "contract_signing")
    two = w.conclude(second, retention_amount="0.00")
    assert two.reference.endswith("-C2") and two.contractor == second.winner
    w.to_acceptance(one)
    assert Tender.objects.get(pk=w.tender.pk).status == TenderStatus.AWARDED
    w.to_acceptance(two)
    assert Tender.objects.get(pk=w.tender.pk).status == TenderStatus.COMPLETE
