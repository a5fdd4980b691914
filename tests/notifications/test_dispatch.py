"""People hear of what concerns them, once, in the inbox and by e-mail, whether or not a page is open."""
import datetime as dt

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from tests.award.builders import reported
from tests.bids.builders import submit
from tests.factories import make_user
from tests.tenders.builders import draft_tender, published_tender
from trading.accounts.caller import Caller
from trading.notifications import services
from trading.notifications.dispatch import dispatch
from trading.notifications.models import Notification
from trading.tenders import clock
from trading.tenders import services as tender_services

pytestmark = pytest.mark.django_db


def kinds(user):
    return sorted(Notification.objects.filter(user=user).values_list("kind", flat=True))


def subscribe(user, **fields):
    values = {"project_types": [], "regions": [], "keywords": "", "email": True, **fields}
    return services.subscribe(Caller(user=user), **values)


def test_a_new_tender_reaches_the_contractors_whose_subscription_it_matches_once_and_by_mail(mailoutbox):
    entity = make_user("entity")
    region = entity.organisation.credit_code[2:6]
    fits = make_user("contractor", email="bids@fits.example.cn")
    other_type, other_word = make_user("contractor"), make_user("contractor")
    subscribe(fits, project_types=["works"], regions=[region], keywords="drainage bridge")
    subscribe(other_type, project_types=["goods"])
    subscribe(other_word, keywords="hospital")
    tender = published_tender(entity, title="Riverside drainage upgrade")
    dispatch(clock.now())
    dispatch(clock.now())
    assert kinds(fits) == ["tender_published"] and kinds(other_type) == kinds(other_word) == []
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["bids@fits.example.cn"]
    assert tender.reference in mailoutbox[0].subject + mailoutbox[0].body
    assert "Riverside drainage upgrade" in mailoutbox[0].body


def test_bidders_hear_of_the_notice_the_answer_to_their_objection_and_the_result():
    a = reported()
    a.publish()
    objection = a.object(bidder_index=2)
    a.answer(objection)
    with a.after_notice():
        a.award(a.bids[0])
    dispatch(clock.now())
    assert kinds(a.bidders[0]) == ["award", "candidate_notice"]
    assert kinds(a.bidders[2]) == ["award", "candidate_notice", "objection_answered"]
    result = Notification.objects.get(user=a.bidders[1], kind="award")
    assert result.params["winner"] == a.bids[0].bidder.name and result.url == "/award/results/"


def test_a_change_of_conditions_asks_the_bidders_to_confirm_again():
    entity = make_user("entity")
    tender = published_tender(entity)
    bidder = make_user("contractor")
    submit(bidder, tender)
    tender_services.add_clarification(Caller(user=entity), tender, "The bill of quantities changes.",
                                      changes_conditions=True, new_deadline=tender.deadline + dt.timedelta(days=20))
    dispatch(clock.now())
    assert kinds(bidder) == ["clarification", "reconfirm"]


def test_supervisors_hear_of_a_red_checkpoint_and_the_opening_soon_reaches_bidders_and_key_holders():
    supervisor = make_user("supervisor")
    entity = make_user("entity")
    tender = published_tender(entity, deadline=clock.now() + dt.timedelta(minutes=40))
    bidder = make_user("contractor")
    submit(bidder, tender)
    dispatch(clock.now())
    assert "opening_soon" in kinds(bidder) and "opening_soon" in kinds(entity)
    holders = tender.key.shares.values_list("holder_id", flat=True)
    assert Notification.objects.filter(kind="opening_soon", user_id__in=holders).count() == len(holders)
    with clock.frozen_at(tender.deadline + dt.timedelta(hours=3)):
        call_command("checkpoint_watch")  # the opening did not start: red, and the watcher tells
    assert "checkpoint" in kinds(supervisor)
    red = Notification.objects.get(user=supervisor, kind="checkpoint")
    assert red.params["state"] == "red" and red.params["reference"] == tender.reference
    assert kinds(bidder).count("opening_soon") == 1


def test_a_draft_tells_nobody_and_the_inbox_is_ones_own(client):
    entity = make_user("entity")
    watcher = make_user("contractor")
    subscribe(watcher)
    draft_tender(entity)
    dispatch(clock.now())
    assert kinds(watcher) == []
    published_tender(entity)
    dispatch(clock.now())
    mine = Notification.objects.get(user=watcher)
    client.force_login(make_user("contractor"))
    assert client.post(f"/notifications/{mine.pk}/read/").status_code == 404
    client.force_login(watcher)
    page = client.get("/notifications/").content.decode()
    assert "New tender" in page and "(1)" in page
    assert client.post(f"/notifications/{mine.pk}/read/").status_code == 302
    mine.refresh_from_db()
    assert mine.read


def test_the_subscription_api_refuses_bad_values_with_a_field_error():
    contractor = make_user("contractor")
    api = APIClient()
    api.force_authenticate(contractor)
    bad = api.put("/api/notifications/subscription/", {"regions": ["Fuzhou"], "project_types": ["works"]},
                  format="json")
    assert bad.status_code == 400 and "regions" in bad.json()
    good = api.put("/api/notifications/subscription/", {"regions": ["3501"], "keywords": "road"}, format="json")
    assert good.status_code == 200 and good.json()["regions"] == ["3501"]
    api.force_authenticate(make_user("entity"))
    assert api.put("/api/notifications/subscription/", {}, format="json").status_code == 403


def test_an_opening_nobody_started_alarms_the_supervisors_with_no_page_open():
    from tests.opening.builders import ceremony

    late = ceremony(deadline_ago=dt.timedelta(minutes=45))  # nobody opened the room within 30 minutes
    call_command("opening_watchdog")  # what `make demo` and the production stack run in the background
    call_command("checkpoint_watch")
    alarms = Notification.objects.filter(kind="alarm", tender=late.tender)
    assert {n.user for n in alarms} >= set(late.supervisors)
    assert all(n.user.role == "supervisor" for n in alarms)


def test_a_swapped_sealed_bid_reaches_the_supervisors_inbox_as_what_it_is():
    from trading.bids.models import Bid
    from trading.notifications import messages

    from tests.opening.builders import ceremony, planted_bid, run_to, sha

    c = ceremony(n_bids=4)
    planted = planted_bid(c)
    Bid.objects.filter(pk=c.bids[1].pk).update(sealed_content=planted, content_digest=sha(planted))
    run_to(c, "closed")
    dispatch(clock.now())
    [alarm] = Notification.objects.filter(user=c.supervisors[0], kind="integrity")
    assert c.bids[1].bidder.name in messages.body(alarm) and "minutes" not in messages.body(alarm)


def test_an_entry_still_under_an_embargo_tells_nobody():
    from django.db import transaction

    from trading.audit.services import record
    from trading.experts.selectors import embargo_key

    from tests.evaluation.builders import evaluating

    e = evaluating()  # the committee is seated: its embargo stands until the candidate notice
    with transaction.atomic():
        record(Caller.system(), "award.publish_notice", e.tender, embargo=embargo_key(e.tender),
               tender=e.tender.reference, closes_at=clock.now().isoformat())
    dispatch(clock.now())
    assert not Notification.objects.filter(tender=e.tender, kind="candidate_notice").exists()
