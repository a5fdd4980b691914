"""The supervisor's home shows what needs an eye now, and only supervisors open it."""
import datetime as dt

import pytest
from django.core.management import call_command

from tests.award.builders import reported
from tests.factories import make_user
from tests.opening.builders import ceremony
from tests.tenders.builders import published_tender
from trading.tenders import clock

pytestmark = pytest.mark.django_db


def test_the_desk_shows_openings_alarms_red_checkpoints_and_waiting_objections(client):
    supervisor = make_user("supervisor")
    soon = published_tender(deadline=clock.now() + dt.timedelta(days=2), title="Harbour crane overhaul")
    late = ceremony(deadline_ago=dt.timedelta(minutes=45))  # nobody opened the room: an alarm
    call_command("opening_watchdog")
    with clock.frozen_at(late.tender.deadline + dt.timedelta(hours=2)):
        call_command("checkpoint_watch")  # the opening overran: the checkpoint is red
    a = reported()
    a.publish()
    a.object()
    client.force_login(supervisor)
    page = client.get("/supervision/").content.decode()
    assert soon.reference in page.split('id="openings"')[1].split("</section>")[0]
    assert late.tender.reference in page.split('id="alarms"')[1].split("</section>")[0]
    assert late.tender.reference in page.split('id="red"')[1].split("</section>")[0]
    assert a.tender.reference in page.split('id="objections"')[1].split("</section>")[0]


@pytest.mark.parametrize("role", ["contractor", "entity", "discipline", "expert", "admin"])
def test_only_supervisors_open_the_desk(client, role):
    client.force_login(make_user(role))
    assert client.get("/supervision/").status_code == 403
