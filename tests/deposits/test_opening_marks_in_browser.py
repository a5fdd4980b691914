"""Browser: the public watching the live hall sees, in the bid security column, which announced bids have no
confirmed bid security."""
import pytest
from playwright.sync_api import expect

from tests.e2e.browser import browse
from tests.opening.builders import run_to
from tests.realtime.live import daphne

from .test_opening_marks import MARK, paid_one_declared_one_silent

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.django_db(transaction=True),
              pytest.mark.timeout(180)]


def test_the_hall_marks_the_bids_whose_security_is_not_confirmed(chromium_path):
    c = paid_one_declared_one_silent()
    run_to(c, "confirming")
    paid = c.bidders[0].organisation.name
    with daphne() as port, browse(chromium_path, f"http://127.0.0.1:{port}") as walk:
        page = walk.as_()
        page.goto(f"{walk.base}/opening/{c.tender.pk}/")
        expect(page.locator("#connection")).to_have_class("badge green", timeout=30000)
        rows = page.locator("#bids tbody tr[data-order]")
        expect(rows).to_have_count(3)
        expect(rows.filter(has_text=MARK)).to_have_count(2)
        expect(rows.filter(has_text=paid)).not_to_contain_text(MARK)
        expect(rows.filter(has_text=paid)).to_contain_text("BG-2026-0001")
