"""A contract from conclusion through an amendment to acceptance, walked in a browser.

The tender is awarded through the award room's services (tests/award/builders.py); then the entity concludes the
contract on its page, the public reads the contract notice, the project manager checks in from a phone (the
page fills the place from the phone's location), the entity records an amendment with its signed document (12%
on the price: beyond the policy's 10%), the supervisor finds it red among the contract's checks, and the entity
records the completion and the acceptance, which completes the tender.

Time stands still at one moment after the award (trading.tenders.clock is a module global: the live server's
thread sees it too).
"""
import datetime as dt

import pytest

from tests.award.builders import reported
from tests.e2e.browser import browse
from tests.factories import make_user
from tests.files import jpg
from trading.contracts.models import Contract, ContractStatus
from trading.tenders import clock
from trading.tenders.models import Tender, TenderStatus
from trading.tenders.money import format_amount

SITE = {"latitude": 26.0745, "longitude": 119.2965}


@pytest.mark.browser
def test_a_contract_from_conclusion_through_an_amendment_to_acceptance(live_server, chromium_path, tmp_path):
    a = reported()
    a.publish()
    with a.after_notice() as closed:
        made = a.award(a.bids[0])
    tender = a.tender
    assert tender.status == TenderStatus.AWARDED
    entity, winner, supervisor = a.entity, a.bidders[0], make_user("supervisor")
    agreement = tmp_path / "supplementary-agreement-1.txt"
    agreement.write_text("Supplementary agreement no. 1: drainage under the carriageway, signed by both parties.")

    with clock.frozen_at(closed + dt.timedelta(days=3)), browse(chromium_path, live_server.url) as walk:
        # --- the entity concludes the contract from the tender's page -------------------------------
        desk = walk.as_(entity)
        walk.go(desk, f"/tenders/{tender.pk}/")
        desk.click(f"a[href=\"/contracts/tender/{tender.pk}/\"]")
        desk.click("text=Conclude the contract")
        assert desk.input_value("input[name=price]") == str(made.amount)
        assert desk.input_value("input[name=project_manager]") == made.bid.project_manager
        desk.fill("textarea[name=scope]", "Resurfacing of the ring road, 3.2 km, with markings.")
        desk.fill("input[name=warranty_days]", "365")
        desk.fill("input[name=retention_amount]", "20000.00")
        desk.fill("input[name=subcontract_percent]", "10")
        desk.click("#conclude-form button[type=submit]")
        desk.wait_for_load_state()
        assert "The contract is concluded and its notice published." in desk.inner_text("main")
        contract = Contract.objects.get(tender=tender)
        assert contract.price == made.amount and contract.status == ContractStatus.CONCLUDED

        # --- the public reads the contract notice ---------------------------------------------------
        public = walk.as_(None)
        notice = walk.go(public, "/contracts/")
        assert contract.reference in notice
        public.click(f"text={contract.reference}")
        text = public.inner_text("#contract-notice")
        assert winner.organisation.name in text and made.bid.project_manager in text
        assert "Post-award checks" not in public.inner_text("main")

        # --- the project manager checks in from a phone -----------------------------------------------
        phone = walk.as_(winner, geolocation=SITE, permissions=["geolocation"],
                         viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        walk.go(phone, f"/contracts/{contract.pk}/check-in/")
        phone.wait_for_function("document.querySelector('input[name=latitude]').value !== ''")
        phone.set_input_files("input[name=photo]", files=[{
            "name": "site.jpg", "mimeType": "image/jpeg", "buffer": jpg()}])
        phone.click("#check-in-form button[type=submit]")
        phone.wait_for_load_state()
        assert "Checked in on site." in phone.inner_text("main")
        checked = contract.attendance.get()
        assert float(checked.latitude) == pytest.approx(SITE["latitude"]) and checked.photo_sha256

        # --- the entity records an amendment with its signed document --------------------------------
        walk.go(desk, f"/contracts/{contract.pk}/")
        new_price = (made.amount * 112 / 100).quantize(made.amount)
        desk.fill("#amend-form textarea[name=reason]", "Drainage found under the carriageway must be rebuilt.")
        desk.fill("#amend-form input[name=price]", str(new_price))
        desk.set_input_files("#amend-form input[name=documents]", str(agreement))
        desk.click("#amend-form button[type=submit]")
        desk.wait_for_load_state()
        assert "The amendment is recorded." in desk.inner_text("main")
        assert desk.inner_text("#current-price") == format_amount(new_price, "en")

        # --- the supervisor sees the change in red -----------------------------------------------------
        watcher = walk.as_(supervisor)
        walk.go(watcher, f"/contracts/{contract.pk}/")
        flags = watcher.inner_text("#flags")
        assert "12.0%" in flags and "at most 10%" in flags
        assert "supplementary-agreement-1.txt" in watcher.inner_text("#amendments")
        checkpoints = walk.go(watcher, "/tenders/checkpoints/")
        assert "Price changed by amendments" in checkpoints

        # --- completion and acceptance complete the tender ----------------------------------------------
        walk.go(desk, f"/contracts/{contract.pk}/")
        desk.click("#complete-form button[type=submit]")
        desk.wait_for_load_state()
        assert "The completion of the works is recorded." in desk.inner_text("main")
        desk.fill("#accept-form textarea[name=note]", "Accepted by the acceptance committee: no defects.")
        desk.click("#accept-form button[type=submit]")
        desk.wait_for_load_state()
        assert "The acceptance is recorded; the warranty runs." in desk.inner_text("main")
        assert "Accepted" in desk.inner_text("#acceptance")
        desk.select_option("#rate-form select[name=rating]", "4")
        desk.fill("#rate-form textarea[name=note]", "On time and clean; one large change of price.")
        desk.click("#rate-form button[type=submit]")
        desk.wait_for_load_state()
        assert "credit record" in desk.inner_text("main")
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACCEPTED and contract.rating == 4
    assert Tender.objects.get(pk=tender.pk).status == TenderStatus.COMPLETE
