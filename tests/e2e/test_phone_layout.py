"""On a 390 px phone the public tender list and the entity's projects fit the screen: nothing scrolls sideways,
and the entity finds its form and its projects a page at a time."""
import os
from decimal import Decimal

import pytest
from django.urls import get_resolver
from playwright.sync_api import sync_playwright

from tests.factories import PASSWORD, make_user
from tests.tenders.builders import draft_tender, project, published_tender

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
FITS = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.mark.browser
def test_the_tender_list_and_my_projects_fit_a_phone(live_server, chromium_path):
    entity = make_user("entity")
    for n in range(3):
        published_tender(entity, title=f"Minjiang riverside footpath and cycle lane, section {n} with a long name")
    for n in range(12):
        draft_tender(entity, project_obj=project(entity, name=f"Project {n:02d}"), title=f"Draft {n}",
                     ceiling_price=Decimal("100000.00"), bid_security_amount=Decimal("1000.00"))
    get_resolver().check()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=ARGS)
        try:
            page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
            page.set_default_timeout(20000)
            page.goto(f"{live_server.url}/tenders/")
            assert page.locator("table.cards tbody tr").count() == 3
            assert page.evaluate(FITS), "the tender list scrolls sideways on a phone"
            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("input[name=username]", entity.username)
            page.fill("input[name=password]", PASSWORD)
            page.click("form.stacked button[type=submit]")
            page.wait_for_load_state()
            page.goto(f"{live_server.url}/tenders/my/")
            assert page.evaluate(FITS), "My projects scrolls sideways on a phone"
            assert page.locator("section.card h2").count() == 10  # a page at a time
            assert page.locator("#register summary").is_visible()  # the form is at the top, folded
            page.click("text=Older")
            assert page.locator("section.card h2").count() >= 2
        finally:
            browser.close()
