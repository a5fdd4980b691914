"""A contractor logs in, finds a tender in the public list, submits a sealed bid and sees its receipt."""
import os

import pytest
from django.urls import get_resolver
from playwright.sync_api import sync_playwright

from tests.bids.builders import give_holder_key
from tests.factories import PASSWORD, make_user
from tests.tenders.builders import published_tender
from trading.bids.models import Bid

# Playwright's sync API runs an event loop in this thread; the ORM calls of the test are still synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


@pytest.fixture(autouse=True)
def _platform_key(settings, tmp_path):
    settings.PLATFORM_SIGNING_KEY_FILE = tmp_path / "platform_signing.key"


@pytest.mark.browser
def test_contractor_submits_a_bid_and_sees_the_receipt(live_server, chromium_path, contractor):
    entity = make_user("entity")
    published_tender(entity_user=entity, holders=[give_holder_key(entity), give_holder_key(make_user("supervisor"))],
                     title="Riverside footbridge repainting")
    # Import every view module now (the collusion pages pull in scikit-learn), not on the browser's first request.
    get_resolver().check()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(20000)
            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("input[name=username]", contractor.username)
            page.fill("input[name=password]", PASSWORD)
            page.click("form.stacked button[type=submit]")
            page.wait_for_load_state()

            page.goto(f"{live_server.url}/tenders/")
            page.fill("form.filters input[name=q]", "footbridge")
            page.click("form.filters button[type=submit]")
            page.click("text=Riverside footbridge repainting")
            page.click("text=Submit a bid")

            page.fill("input[name=price]", "736200.50")
            page.fill("input[name=duration_days]", "95")
            page.fill("input[name=quality]", "Qualified")
            page.fill("input[name=project_manager]", "Li Na")
            page.fill("input[name=security_reference]", "BG-77")
            page.wait_for_function("document.querySelector('input[name=device_fingerprint]').value !== ''")
            page.click("#bid-form button[type=submit]")

            page.wait_for_selector("#receipt")
            text = page.inner_text("main")
        finally:
            browser.close()
    bid = Bid.objects.get()
    assert f"Bid receipt #{bid.receipt.seq}" in text and bid.content_digest in text
    assert bid.device_fingerprint.startswith("sha256:") and bid.bidder == contractor.organisation
