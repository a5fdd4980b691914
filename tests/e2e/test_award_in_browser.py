"""One tender from publication to award notice, walked in a browser by everyone who takes part in it.

The entity publishes the tender and later runs the award room; three contractors bid (one in the browser);
the opening ceremony runs through its services (its live hall is a websocket ceremony) and a supervisor
reads the signed opening record, the evaluation progress and the checkpoints; five drawn experts each sign
their sheet in their workspace (the entity sees the progress without their names); the public reads the candidate notice (candidates and committee) and the award announcement;
a bidder objects and the entity dismisses the objection; after the notice the entity awards rank 1;
the winner finds "Awarded to you" and its award notice PDF, a losing bidder its result.

Time moves with trading.tenders.clock: its frozen moment is a module global, so the live server's thread
sees the same clock as the test.
"""
import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection

from tests.bids.builders import give_holder_key, submit
from tests.e2e.browser import browse, send_sealed_bid
from tests.experts.builders import declare_all, draw, make_pool
from tests.factories import make_user
from tests.opening.builders import Ceremony, run_to
from tests.tenders.builders import draft_tender
from trading.accounts.caller import Caller
from trading.award.selectors import live_notice
from trading.bids.models import Bid
from trading.experts.models import SeatStatus
from trading.tenders import clock
from trading.tenders import services as tender_services
from trading.tenders.models import TenderStatus

TITLE = "Harbour road drainage renewal"


def _draft(entity):
    """The entity's draft tender (the draft form is another walk); its deadline 40 days after `start`."""
    tender = draft_tender(entity, title=TITLE, ceiling_price=Decimal("1100000.00"), min_bids=3, key_threshold=2,
                          confirmation_minutes=30, is_public=True)
    tender_services.update_tender(Caller(user=entity, ip="127.0.0.1"), tender,
                                  deadline=clock.now() + dt.timedelta(days=40))
    tender.refresh_from_db()
    return tender


def off_the_loop(function, *args):
    """Run a service in a thread of its own: Playwright's event loop in this thread would stop the opening's
    broadcasts (async_to_sync refuses to run inside a running loop)."""
    def work():
        try:
            return function(*args)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


@pytest.mark.browser
def test_one_tender_from_publication_to_award_notice(live_server, chromium_path):
    start = clock.now()
    entity = give_holder_key(make_user("entity"))
    supervisors = [give_holder_key(make_user("supervisor")), give_holder_key(make_user("supervisor"))]
    supervisor = supervisors[0]
    winner, second, third = (make_user("contractor") for _ in range(3))
    tender = _draft(entity)
    make_pool(7)

    with browse(chromium_path, live_server.url) as walk:
        # --- the entity publishes the tender on its manage page ------------------------------------
        with clock.frozen_at(start):
            desk = walk.as_(entity)
            walk.go(desk, f"/tenders/my/{tender.pk}/")
            for holder in (entity, *supervisors):
                desk.check(f"input[name=key_holders][value='{holder.pk}']")
            desk.fill("input[name=threshold]", "2")
            desk.click("text=Publish the tender")
            desk.wait_for_load_state()
            assert "The tender is published." in desk.inner_text("main")
        tender.refresh_from_db()
        assert tender.status == TenderStatus.PUBLISHED

        # --- three contractors bid: one in the browser, two through the service -----------------------
        with clock.frozen_at(tender.deadline - dt.timedelta(hours=2)):
            bidder = walk.as_(winner)
            walk.go(bidder, "/tenders/")
            bidder.fill("form.filters input[name=q]", "drainage")
            bidder.click("form.filters button[type=submit]")
            bidder.click(f"text={TITLE}")
            bidder.click("text=Submit a bid")
            send_sealed_bid(bidder, {"price": "970000.00", "duration_days": "120", "quality": "Qualified",
                                     "project_manager": "Chen Jie", "security_reference": "BG-4411"})
            bidder.wait_for_selector("#receipt")
            assert "Bid receipt #" in bidder.inner_text("main")
            submit(second, tender, price="995500.00", duration_days=130, project_manager="Liu Yang",
                   ip="198.51.100.21", device="fp-21")
            submit(third, tender, price="1010000.50", duration_days=140, project_manager="Zhao Min",
                   ip="198.51.100.22", device="fp-22")
        bids = list(Bid.objects.filter(tender=tender, status="active"))
        assert len(bids) == 3

        # --- the opening ceremony (services), the supervisor reads the signed record -------------------
        with clock.frozen_at(tender.deadline + dt.timedelta(minutes=1)):
            off_the_loop(run_to, Ceremony(tender, entity, supervisors, [winner, second, third], bids), "closed")
            tender.refresh_from_db()
            assert tender.status == TenderStatus.EVALUATION
            watcher = walk.as_(supervisor)
            record = walk.go(watcher, f"/opening/{tender.pk}/record/")
            assert "Opening record" in record
            for org in (winner, second, third):
                assert org.organisation.name in record
            assert "970,000.00" in record or "970000.00" in record

        # --- the committee: drawn and seated (services), each member signs in the workspace -----------
        evaluation_start = tender.deadline + dt.timedelta(hours=1)
        with clock.frozen_at(evaluation_start):
            committee = declare_all(draw(tender, by=entity))
            members = [s.user for s in committee.seats.filter(status=SeatStatus.SEATED)
                       .select_related("user").order_by("draw_round", "id")]
            assert len(members) == 5
            for member in members:
                sheet = walk.as_(member)
                text = walk.go(sheet, f"/evaluation/tender/{tender.pk}/")
                assert "Bid evaluation" in text and TITLE in text
                for bid in bids:
                    sheet.select_option(f"select[name=bid_{bid.pk}_verdict]", "pass")
                sheet.click("button[name=sign]")
                sheet.wait_for_load_state()
                assert "Your sheet is signed." in sheet.inner_text("main")
                sheet.context.close()
            # The supervisor follows the evaluation seat by seat, with the names; the entity without them.
            progress = walk.go(watcher, f"/evaluation/tender/{tender.pk}/overview/")
            assert "Evaluation progress" in progress and "not yet" not in progress
            assert all(m.expert_profile.full_name in progress for m in members)
            progress = walk.go(desk, f"/evaluation/tender/{tender.pk}/overview/")
            assert progress.count("(name not shown)") == 5
            assert not any(m.expert_profile.full_name in progress for m in members)

        # --- the entity publishes the candidate notice ----------------------------------------------------
        with clock.frozen_at(evaluation_start + dt.timedelta(hours=2)):
            room = walk.as_(entity)
            walk.go(room, f"/award/tender/{tender.pk}/")
            room.click("text=Publish the candidate notice")
            room.wait_for_load_state()
            assert "The candidate notice is published." in room.inner_text("main")
            tender.refresh_from_db()
            assert tender.status == TenderStatus.CANDIDATES

            # --- the public reads it: the candidates in rank order and the committee's names ----------
            public = walk.as_(None)
            walk.go(public, f"/award/tender/{tender.pk}/")
            notice = public.inner_text("#candidate-notice")
            assert "Notice running" in notice
            names = [winner.organisation.name, second.organisation.name, third.organisation.name]
            assert all(name in notice for name in names)
            assert notice.index(names[0]) < notice.index(names[1]) < notice.index(names[2])
            assert "Evaluation committee" in notice
            for seat in committee.seats.filter(status=SeatStatus.SEATED).select_related("user"):
                assert seat.user.expert_profile.full_name in notice

            # --- the third candidate objects; the supervisor sees the open objection ---------------------
            objector = walk.as_(third)
            walk.go(objector, f"/award/tender/{tender.pk}/")
            objector.fill("textarea[name=text]", "The first candidate's project manager holds no valid licence.")
            objector.click("text=File the objection")
            objector.wait_for_load_state()
            assert "Your objection is filed" in objector.inner_text("main")
            assert "Answer due by" in objector.inner_text("#objections")

            checkpoints = walk.go(watcher, "/tenders/checkpoints/")
            assert "awaiting an answer" in checkpoints

            # --- the entity dismisses it --------------------------------------------------------------
            walk.go(room, f"/award/tender/{tender.pk}/")
            assert "no valid licence" in room.inner_text("#objections")
            room.fill("#objections textarea[name=answer]", "The licence was checked with the registry: it is valid.")
            room.select_option("#objections select[name=decision]", "dismissed")
            room.click("text=Answer the objection")
            room.wait_for_load_state()
            assert "The objection is answered." in room.inner_text("main")
            assert "Dismissed" in room.inner_text("#objections")
            assert "Every objection was answered" in walk.go(watcher, "/tenders/checkpoints/")

        # --- after the notice period the entity awards rank 1 -----------------------------------------------
        with clock.frozen_at(live_notice(tender).closes_at + dt.timedelta(minutes=1)):
            walk.go(room, f"/award/tender/{tender.pk}/")
            assert "Notice period over" in room.inner_text("#candidate-notice")
            room.click("text=Award to rank 1")
            room.wait_for_load_state()
            assert "The award is recorded" in room.inner_text("main")

            # --- the public sees the award announcement -------------------------------------------------
            walk.go(public, f"/award/tender/{tender.pk}/")
            announcement = public.inner_text("#award")
            assert "Award announcement" in announcement and winner.organisation.name in announcement
            assert "970,000.00" in announcement

            # --- the winner's result notice and its award notice PDF; a losing bidder's result --------------
            text = walk.go(bidder, "/award/results/")
            assert "Awarded to you" in text and tender.reference in text
            pdf_link = bidder.get_attribute("text=Award notice (PDF)", "href")
            pdf = bidder.request.get(f"{live_server.url}{pdf_link}")
            assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
            assert pdf.body().startswith(b"%PDF")

            loser = walk.as_(second)
            text = walk.go(loser, "/award/results/")
            assert "Not awarded: ranked 2" in text and winner.organisation.name in text
    tender.refresh_from_db()
    assert tender.status == TenderStatus.AWARDED
