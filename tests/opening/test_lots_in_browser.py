"""Browser: the public watches the live hall of a tender in lots: bids under a heading per lot, a failed lot marked."""
import pytest
from playwright.sync_api import expect, sync_playwright

from tests.opening.builders import lot_ceremony, run_to
from tests.realtime.live import daphne

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.django_db(transaction=True),
              pytest.mark.timeout(120)]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]


def test_the_public_sees_the_bids_grouped_by_lot_each_lots_ceiling_and_the_failed_lot(chromium_path):
    c = lot_ceremony({1: 3, 2: 2, 3: 3}, min_bids=3)
    run_to(c, "confirming")
    with daphne() as port, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=ARGS)
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/opening/{c.tender.pk}/")
        expect(page.locator("#connection")).to_have_class("badge green", timeout=30000)

        for number, title in ((1, "Carriageway resurfacing"), (3, "Drainage")):
            body = page.locator(f'#bids tbody[data-lot="{number}"]')
            expect(body.locator("tr.lot-heading")).to_have_text(f"Lot {number}: {title}")
            expect(body.locator("tr[data-order]")).to_have_count(3)
        expect(page.locator('#bids tbody[data-lot="2"]')).to_have_count(0)
        orders = page.locator("#bids tbody").evaluate_all(
            "bodies => bodies.map(b => b.dataset.lot + ':' + [...b.querySelectorAll('tr[data-order]')]"
            ".map(r => r.dataset.order).join(','))")
        assert orders == ["1:1,2,3", "3:4,5,6"]

        expect(page.locator("#lot-2")).to_have_class("bad")
        expect(page.locator("#lot-2 .lot-status")).to_contain_text("at least 3")
        expect(page.locator("#lot-1 .lot-status")).to_have_text("3 bid(s)")
        expect(page.locator("#ceiling")).to_contain_text("Lot 1: Carriageway resurfacing ¥600,000.00")
        expect(page.locator("#ceiling")).to_contain_text("Lot 3: Drainage ¥100,000.00")
        browser.close()
