"""A complaint from filing to a public decision, walked in a browser: a bidder complains about the candidates
with evidence; the supervisor accepts it and suspends the procedure; the entity's award is refused with the
reason; the supervisor dismisses the complaint; the public reads the decision notice; the award goes through.

Time moves with trading.tenders.clock: its frozen moment is a module global, so the live server's thread sees
the same clock as the test.
"""
import datetime as dt
import re

import pytest

from tests.complaints.builders import PDF, noticed, supervisor
from tests.e2e.browser import browse
from trading.award.models import Award
from trading.award.selectors import live_notice
from trading.complaints.models import Complaint
from trading.tenders import clock
from trading.tenders.models import TenderStatus


@pytest.mark.browser
def test_a_complaint_suspends_the_award_until_its_public_decision(live_server, chromium_path):
    a = noticed()  # evaluation signed, candidate notice running (the ceremony runs before the browser starts)
    tender, entity, complainant, winner = a.tender, a.entity, a.bidders[1], a.bidders[0]
    head = supervisor()
    after_notice = live_notice(tender).closes_at + dt.timedelta(minutes=5)
    base = live_server.url

    with browse(chromium_path, base) as walk:
        # --- a bidder files a complaint against the first candidate, with evidence ------------------
        bidder = walk.as_(complainant)
        bidder.goto(f"{base}/tenders/{tender.pk}/")
        bidder.click("text=Questions, objections and complaints")
        bidder.select_option("#complaint-form select[name=subject]", "candidates")
        bidder.select_option("#complaint-form select[name=against]", str(winner.organisation_id))
        bidder.fill("#complaint-form textarea[name=text]",
                    "The first candidate's project manager is registered with another firm.")
        bidder.set_input_files("#complaint-form input[name=evidence]", files=[
            {"name": "register.pdf", "mimeType": "application/pdf", "buffer": PDF}])
        bidder.click("#complaint-form button[type=submit]")
        bidder.wait_for_selector("#complaint-status")
        assert "Filed, awaiting acceptance" in bidder.inner_text("#status")
        made = Complaint.objects.get()
        assert made.evidence.get().filename == "register.pdf"

        # --- the supervisor accepts it and suspends the procedure -------------------------------------
        desk = walk.as_(head)
        desk.goto(f"{base}/complaints/complaint/{made.pk}/")
        assert "register.pdf" in desk.inner_text("main")
        desk.check("#accept-form input[name=suspend]")
        desk.fill("#accept-form input[name=reason]", "The register must be checked before the award.")
        desk.click("#accept-form button[type=submit]")
        desk.wait_for_load_state()
        assert "Procedure suspended" in desk.inner_text("#complaint-status")

        with clock.frozen_at(after_notice):
            # --- the notice is over, but the award is refused while the complaint suspends it ----------
            room = walk.as_(entity)
            room.goto(f"{base}/award/tender/{tender.pk}/")
            room.click("text=Award to rank 1")
            room.wait_for_load_state()
            assert f"while it reviews complaint no. {made.pk}" in room.inner_text("main")
            assert not Award.objects.exists()
            bidder.goto(f"{base}/complaints/tender/{tender.pk}/")
            assert "Procedure suspended" in bidder.inner_text("#holds")

            # --- the supervisor dismisses it: the decision is public ----------------------------------
            desk.goto(f"{base}/complaints/complaint/{made.pk}/")
            desk.select_option("#decide-form select[name=decision]", "dismissed")
            desk.fill("#decide-form textarea[name=ruling]",
                      "The manager's registration moved to the candidate before the deadline.")
            desk.click("#decide-form button[type=submit]")
            desk.wait_for_load_state()
            assert "Dismissed" in desk.inner_text("#decision")

            public = walk.as_(None)
            public.goto(f"{base}/complaints/")
            stats = public.inner_text("#statistics")
            assert re.search(r"Complaints filed\s+1\b", stats) and re.search(r"Decided\s+1\b", stats)
            assert re.search(r"Upheld\s+0 \(0.0%\)", stats)
            public.click(f"#decisions a[href='/complaints/decision/{made.pk}/']")
            public.wait_for_selector("#decision-notice")
            notice = public.inner_text("#decision-notice")
            assert "Dismissed" in notice and "registration moved" in notice
            assert complainant.organisation.name in notice and winner.organisation.name in notice

            # --- the suspension is lifted: the award goes through -------------------------------------
            room.goto(f"{base}/award/tender/{tender.pk}/")
            room.click("text=Award to rank 1")
            room.wait_for_load_state()
            assert "The award is recorded" in room.inner_text("main")

            bidder.goto(f"{base}/complaints/complaint/{made.pk}/")
            assert "Decided" in bidder.inner_text("#status")
            assert "Dismissed" in bidder.inner_text("#decision")
    tender.refresh_from_db()
    assert tender.status == TenderStatus.AWARDED and Award.objects.get().winner == winner.organisation
