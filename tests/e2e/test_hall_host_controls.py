"""The opening hall's host controls on a 390 px phone: one step at a time, each button with a sentence saying what
it does, whole-width buttons a thumb can press, and the page follows the ceremony (after "Open the room" that
button goes; in the announcing step only "Announce next" is offered), and the amounts it announces are written
as people write money."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import browse
from tests.opening.builders import ceremony, run_to
from tests.realtime.live import daphne

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.django_db(transaction=True),
              pytest.mark.timeout(180)]
FITS = "document.documentElement.scrollWidth <= window.innerWidth"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}
HOST_BUTTONS = ("#open-button", "#announce-button", "#close-button")


def visible_host_buttons(page):
    return [b for b in HOST_BUTTONS if page.locator(b).is_visible()]


def test_the_host_sees_the_button_of_the_step_it_is_in_clearly_labelled_on_a_phone(chromium_path):
    c = ceremony()
    with daphne() as port, browse(chromium_path, f"http://127.0.0.1:{port}") as walk:
        host = walk.as_(c.host, **PHONE)
        walk.go(host, f"/opening/{c.tender.pk}/")
        expect(host.locator("#connection")).to_have_class("badge green", timeout=30000)
        assert host.evaluate(FITS), "the hall scrolls sideways on a phone"
        assert visible_host_buttons(host) == ["#open-button"]
        open_button = host.locator("#open-button")
        # What the button does is said beside it, and tied to it for screen readers.
        hint = host.locator("#" + open_button.get_attribute("aria-describedby"))
        assert hint.is_visible() and "bidders sign in" in hint.inner_text()
        box = open_button.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 300 and box["x"] + box["width"] <= 390
        assert not host.locator("#resume-button").is_visible() and host.locator("#pause-button").is_visible()

        open_button.click()
        expect(open_button).to_be_hidden(timeout=20000)
        expect(host.locator("#wait-hint")).to_be_visible()
        assert visible_host_buttons(host) == []

        run_to(c, "announcing")
        walk.go(host, f"/opening/{c.tender.pk}/")
        expect(host.locator("#connection")).to_have_class("badge green", timeout=30000)
        assert visible_host_buttons(host) == ["#announce-button"]
        assert "next bid" in host.locator("#announce-hint").inner_text()
        assert host.evaluate(FITS)
        # The announced price is written as the platform writes money (tenders.money), not as stored.
        host.locator("#announce-button").click()
        expect(host.locator("#bids tbody tr").first).to_contain_text(re.compile(r"¥\d{3},\d{3}\.\d{2}"), timeout=20000)
