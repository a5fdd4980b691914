"""Browser: a bidder confirms and objects in the opening hall; the supervisor sees both live; the host answers."""
import pytest
from django.test import Client
from playwright.sync_api import expect, sync_playwright

from tests.factories import PASSWORD
from tests.opening.builders import ceremony, run_to
from tests.realtime.live import daphne

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.django_db(transaction=True),
              pytest.mark.timeout(120)]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]


def session_cookie(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client.cookies["sessionid"].value


def test_a_bidder_confirms_and_objects_the_supervisor_sees_it_live_and_the_host_answers(chromium_path):
    c = ceremony(is_public=False)
    run_to(c, "confirming")
    bidder, supervisor, host = c.bidders[0], c.supervisors[0], c.host
    cookies = {user.pk: session_cookie(user) for user in (bidder, supervisor, host)}  # before playwright's loop runs
    objection = "The duration of bid 2 was read as 151 days; our file says 150."
    with daphne() as port, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=ARGS)
        base = f"http://127.0.0.1:{port}"

        def page_for(user, path):
            context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone screen
            context.add_cookies([{"name": "sessionid", "value": cookies[user.pk], "url": base}])
            page = context.new_page()
            page.goto(base + path)
            expect(page.locator("#connection")).to_have_class("badge green", timeout=30000)
            return page

        hall = f"/opening/{c.tender.pk}/"
        bidder_page = page_for(bidder, hall)
        supervisor_page = page_for(supervisor, hall + "supervise/")
        host_page = page_for(host, hall)
        expect(bidder_page.locator("#bids tbody tr")).to_have_count(3)

        bidder_page.click("#confirm-button")
        expect(supervisor_page.locator("#confirmations")).to_contain_text(bidder.organisation.name, timeout=15000)
        bidder_page.fill("#objection-text", objection)
        bidder_page.click("#object-button")
        expect(supervisor_page.locator("#objections .objection")).to_contain_text(objection, timeout=15000)

        host_page.locator(".answer-text").first.fill("Checked against the ciphertext: 150 days. Corrected.")
        host_page.locator(".answer-button").first.click()
        for page in (supervisor_page, bidder_page):
            expect(page.locator("#objections .answered")).to_contain_text("Corrected.", timeout=15000)
        browser.close()


def test_the_supervisor_sees_a_sealed_bid_set_aside_among_the_alarms(chromium_path):
    from trading.bids.models import Bid

    from tests.opening.builders import planted_bid, sha

    c = ceremony(n_bids=4, is_public=False)
    planted = planted_bid(c)
    Bid.objects.filter(pk=c.bids[1].pk).update(sealed_content=planted, content_digest=sha(planted))
    run_to(c, "confirming")
    supervisor = c.supervisors[0]
    cookie = session_cookie(supervisor)
    with daphne() as port, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=ARGS)
        base = f"http://127.0.0.1:{port}"
        context = browser.new_context()
        context.add_cookies([{"name": "sessionid", "value": cookie, "url": base}])
        page = context.new_page()
        page.goto(f"{base}/opening/{c.tender.pk}/supervise/")
        expect(page.locator("#connection")).to_have_class("badge green", timeout=30000)
        expect(page.locator("#alarms")).to_contain_text(c.bids[1].bidder.name, timeout=15000)
        expect(page.locator("#alarms")).to_contain_text("receipt", timeout=15000)
        browser.close()
