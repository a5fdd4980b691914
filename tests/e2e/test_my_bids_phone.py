"""My bids on a 390 px phone: one card per bid, nothing scrolls sideways, the actions are whole buttons a thumb
can press, a closed tender says so instead of offering them, and Withdraw asks first."""
import datetime as dt

import pytest

from tests.bids.builders import submit
from tests.e2e.browser import browse
from tests.factories import make_user
from tests.tenders.builders import published_tender
from trading.bids.models import BidStatus
from trading.tenders import clock

FITS = "document.documentElement.scrollWidth <= window.innerWidth"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}
LONG = "Minjiang riverside footpath, cycle lane and flood wall reinforcement between the two bridges"


@pytest.mark.browser
def test_my_bids_fit_a_phone_and_withdraw_asks_first(live_server, chromium_path):
    entity, supervisor, bidder = make_user("entity"), make_user("supervisor"), make_user("contractor")
    open_tender = published_tender(entity, holders=[entity, supervisor], title=LONG)
    lots = published_tender(entity, holders=[entity, supervisor], title=f"{LONG} (lots)",
                            lots=[{"title": "Section north of the ring road", "ceiling_price": "400000.00"},
                                  {"title": "Section south of the ring road", "ceiling_price": "400000.00"}])
    deadline = clock.now() - dt.timedelta(minutes=1)
    closed = published_tender(entity, holders=[entity, supervisor], title=f"{LONG} (closed)", deadline=deadline)
    bid = submit(bidder, open_tender).bid
    submit(bidder, lots, lot=1, price="390000.00")
    with clock.frozen_at(deadline - dt.timedelta(minutes=5)):
        submit(bidder, closed)

    with browse(chromium_path, live_server.url) as walk:
        page = walk.as_(bidder, **PHONE)
        walk.go(page, "/bids/mine/")
        assert page.evaluate(FITS), "My bids scrolls sideways on a phone"
        cards = page.locator("#my-bids tbody tr")
        assert cards.count() == 3
        assert not page.locator("#my-bids thead").is_visible()  # a card per bid, each value under its label
        width = page.evaluate("window.innerWidth")
        for n in range(3):
            box = cards.nth(n).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width
        card = page.locator(f'#my-bids tr[data-bid="{bid.pk}"]')
        for action in ("Replace", "Withdraw…"):
            button = card.get_by_role("link", name=action)
            box = button.bounding_box()
            assert box["height"] >= 32 and box["x"] + box["width"] <= width, action
        closed_card = page.locator("#my-bids tr", has_text="(closed)")
        assert "Bidding closed at" in closed_card.inner_text()
        assert closed_card.get_by_role("link", name="Withdraw…").count() == 0
        # Text in the cards is readable: not shrunk below 12 px.
        smallest = page.evaluate("Math.min(...[...document.querySelectorAll('#my-bids td')]"
                                 ".map(td => parseFloat(getComputedStyle(td).fontSize)))")
        assert smallest >= 12

        card.get_by_role("link", name="Withdraw…").click()
        page.wait_for_load_state()
        assert page.evaluate(FITS), "the withdrawal question scrolls sideways on a phone"
        assert "Withdraw your bid?" in page.inner_text("main")
        bid.refresh_from_db()
        assert bid.status == BidStatus.ACTIVE
        page.get_by_role("button", name="Yes, withdraw my bid").click()
        page.wait_for_load_state()
        assert "Your bid was withdrawn." in page.inner_text("main")
    bid.refresh_from_db()
    assert bid.status == BidStatus.WITHDRAWN
