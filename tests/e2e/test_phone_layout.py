"""On a 390 px phone the public tender list and the entity's projects fit the screen: nothing scrolls sideways,
and the entity finds its form and its projects a page at a time."""
from decimal import Decimal

import pytest

from tests.e2e.browser import browse
from tests.factories import make_user
from tests.tenders.builders import draft_tender, project, published_tender

FITS = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.mark.browser
def test_the_tender_list_and_my_projects_fit_a_phone(live_server, chromium_path):
    entity = make_user("entity")
    for n in range(3):
        published_tender(entity, title=f"Minjiang riverside footpath and cycle lane, section {n} with a long name")
    for n in range(12):
        draft_tender(entity, project_obj=project(entity, name=f"Project {n:02d}"), title=f"Draft {n}",
                     ceiling_price=Decimal("100000.00"), bid_security_amount=Decimal("1000.00"))
    with browse(chromium_path, live_server.url) as walk:
        page = walk.as_(None, viewport={"width": 390, "height": 844})
        page.goto(f"{live_server.url}/tenders/")
        assert page.locator("table.cards tbody tr").count() == 3
        assert page.evaluate(FITS), "the tender list scrolls sideways on a phone"
        walk.log_in(page, entity)
        page.goto(f"{live_server.url}/tenders/my/")
        assert page.evaluate(FITS), "My projects scrolls sideways on a phone"
        assert page.locator("section.card h2").count() == 10  # a page at a time
        assert page.locator("#register summary").is_visible()  # the form is at the top, folded
        page.click("text=Older")
        assert page.locator("section.card h2").count() >= 2
