"""A discipline officer opens a flagged group, sees its co-bidding graph, and opens a case."""
import os

import pytest

from tests.collusion.builders import build_market
from tests.e2e.browser import browse
from trading.accounts.caller import Caller
from trading.collusion.models import Case
from trading.collusion.services import run_report


@pytest.mark.browser
def test_discipline_officer_opens_a_flagged_group_and_a_case(live_server, chromium_path, discipline):
    market = build_market()
    report = run_report(Caller.system())
    ring = next(g for g in report.groups.all() if set(g.members) == market.ring_names)
    with browse(chromium_path, live_server.url) as walk:
        page = walk.log_in(walk.as_(None), discipline, next_path="/collusion/")
        page.wait_for_selector("table#groups")

        page.click(f"table#groups a[href='/collusion/groups/{ring.pk}/']")
        page.wait_for_selector("#cobid-graph[data-ready='1'] svg")
        nodes = page.locator("#cobid-graph svg g.node")
        assert nodes.count() == 4
        assert page.locator("#cobid-graph svg circle").count() == 4
        assert page.locator("#cobid-graph svg line").count() == 6
        labels = sorted(nodes.nth(i).get_attribute("data-id") for i in range(4))
        assert labels == sorted(market.ring_names)
        # the layout settled inside the drawing, and a firm can be dragged
        box = nodes.first.bounding_box()
        graph = page.locator("#cobid-graph").bounding_box()
        assert graph["x"] <= box["x"] <= graph["x"] + graph["width"]
        before = nodes.first.get_attribute("transform")
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.down()
        page.mouse.move(graph["x"] + graph["width"] / 2, graph["y"] + 20, steps=5)
        page.mouse.up()
        assert nodes.first.get_attribute("transform") != before
        if os.environ.get("COLLUSION_SCREENSHOT"):
            page.screenshot(path=os.environ["COLLUSION_SCREENSHOT"], full_page=True)
        assert page.locator("#win-timeline td.win").count() == 14

        page.click("form.open-case button")
        page.wait_for_selector("#case-status")
        status = page.inner_text("#case-status")
        title = page.inner_text("#case-title")
    case = Case.objects.get()
    assert status == "Open" and case.group == ring and case.opened_by == discipline
    assert f"Case {case.pk}: Group {ring.number}" in title
