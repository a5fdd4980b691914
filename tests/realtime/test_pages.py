"""The opening hall, supervision and record pages."""
import pytest
from django.urls import reverse
from django.utils import translation

from trading.bids.models import BidStatus
from trading.bids.opening.labels import EVENT_KINDS
from trading.bids.opening.models import OpeningState

from tests.factories import PASSWORD, make_user
from tests.opening.builders import ceremony, run_to

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_hall_shows_each_viewer_its_controls_and_refuses_outsiders_of_a_closed_tender(client):
    c = ceremony(is_public=False)
    url = reverse("realtime:hall", args=[c.tender.pk])
    assert client.get(url).status_code == 403
    assert login(client, make_user("contractor")).get(url).status_code == 403
    page = login(client, c.bidders[0]).get(url).content.decode()
    assert 'id="confirm-button"' in page and 'id="object-button"' in page and 'data-command="announce_next"' not in page
    page = login(client, c.host).get(url).content.decode()
    assert 'data-command="announce_next"' in page and 'id="share-button"' in page
    assert f'data-ws-path="/ws/opening/{c.tender.pk}/"' in page
    assert login(client, c.supervisors[0]).get(reverse("realtime:supervise", args=[c.tender.pk])).status_code == 200
    assert login(client, c.bidders[0]).get(reverse("realtime:supervise", args=[c.tender.pk])).status_code == 403


def test_the_hall_speaks_chinese(client):
    c = ceremony()
    client.cookies["django_language"] = "zh-hans"
    page = client.get(reverse("realtime:hall", args=[c.tender.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<html lang="zh-hans">' in page


def test_the_published_record_page_and_pdf(client):
    c = ceremony()
    assert client.get(reverse("realtime:record", args=[c.tender.pk])).status_code == 404
    run_to(c, "closed")
    page = client.get(reverse("realtime:record", args=[c.tender.pk])).content.decode()
    c.tender.key.refresh_from_db()
    assert bytes(c.tender.key.revealed_private_key).hex() in page
    assert c.bidders[0].organisation.name in page
    response = client.get(reverse("realtime:record_pdf", args=[c.tender.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_the_record_page_names_outcome_statuses_and_steps_in_the_readers_language(client):
    c = ceremony()
    run_to(c, "closed")
    client.cookies["django_language"] = "zh-hans"
    page = client.get(reverse("realtime:record", args=[c.tender.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for code in ("room_opened", "bid_announced", "opening_closed"):
        assert f"· {code}</li>" not in page
    assert ">closed</span>" not in page and "<td>opened " not in page
    with translation.override("zh-hans"):
        words = [str(OpeningState.CLOSED.label), str(BidStatus.OPENED.label), str(EVENT_KINDS["bid_announced"])]
    for word in words:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in word), word  # really translated
        assert word in page
