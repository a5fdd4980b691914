"""The change feed as a reuser polls it: every change exactly once, in order, page after page, however the
changes and the reads interleave; and the bulk record pages."""
import pytest
from rest_framework.test import APIClient

from tests.opendata.ocds import assert_valid
from tests.tenders.builders import published_tender
from trading.accounts.caller import Caller
from trading.opendata.models import Release
from trading.opendata.services import publish_all
from trading.tenders import services as tender_services

pytestmark = pytest.mark.django_db


def read(client, since, limit):
    response = client.get("/api/ocds/releases/", {"since": since, "limit": limit})
    assert response.status_code == 200, response.content
    package = response.json()
    if package["releases"]:
        assert_valid("release-package", package)
    assert package["links"]["next"].endswith(f"?since={package['cursor']}&limit={limit}")
    return package["releases"], int(package["cursor"])


def cancel(tender):
    entity = tender.project.created_by
    tender_services.cancel_tender(Caller(user=entity, ip="127.0.0.1"), tender, "The budget was withdrawn.")


@pytest.mark.parametrize("limit", [1, 2, 5])
def test_the_feed_gives_every_change_once_in_order_however_reads_and_changes_interleave(committed, limit):
    client = APIClient()
    seen, cursor, tenders = [], 0, []
    for n in range(4):
        with committed():
            tenders.append(published_tender(title=f"Feed tender {n}"))
        page, cursor = read(client, cursor, limit)
        seen += page
        if n % 2:  # a change to a tender first published before the cursor
            with committed():
                cancel(tenders[n - 1])
    while True:  # drain
        page, cursor = read(client, cursor, limit)
        if not page:
            break
        seen += page
    stored = list(Release.objects.order_by("seq").values_list("release_id", flat=True))
    assert [r["id"] for r in seen] == stored
    assert len(stored) == len(set(stored)) == 6  # four tenders, two cancelled
    cancelled = [r for r in seen if r["tag"] == ["tenderCancellation"]]
    assert {r["tender"]["title"] for r in cancelled} == {"Feed tender 0", "Feed tender 2"}
    assert all(r["tender"]["status"] == "cancelled" for r in cancelled)
    # Polling again from the last cursor repeats nothing; the next change comes, once.
    assert read(client, cursor, limit)[0] == []
    with committed():
        cancel(tenders[3])
    page, cursor = read(client, cursor, limit)
    assert [r["tender"]["title"] for r in page] == ["Feed tender 3"]
    assert read(client, cursor, limit)[0] == []


def test_following_the_next_links_walks_the_whole_feed(committed):
    with committed():
        for n in range(3):
            published_tender(title=f"Linked tender {n}")
    client, url, titles = APIClient(), "/api/ocds/releases/?limit=2", []
    for _ in range(5):
        package = client.get(url).json()
        titles += [r["tender"]["title"] for r in package["releases"]]
        url = package["links"]["next"].replace("http://127.0.0.1:8000", "")
    assert titles == ["Linked tender 0", "Linked tender 1", "Linked tender 2"]


def test_publishing_again_changes_nothing_in_the_feed(committed):
    with committed():
        published_tender()
    before = list(Release.objects.values_list("seq", "release_id"))
    assert publish_all() == 0
    assert list(Release.objects.values_list("seq", "release_id")) == before


def test_bulk_records_come_a_page_of_tenders_at_a_time(committed):
    with committed():
        tenders = [published_tender(title=f"Bulk tender {n}") for n in range(3)]
    with committed():
        cancel(tenders[0])
    client, url, records = APIClient(), "/api/ocds/records/?limit=2", []
    for _ in range(3):
        package = client.get(url).json()
        if package["records"]:
            assert_valid("record-package", package)
        records += package["records"]
        url = package["links"]["next"].replace("http://127.0.0.1:8000", "")
    assert [r["compiledRelease"]["tender"]["title"] for r in records] == ["Bulk tender 0", "Bulk tender 1",
                                                                         "Bulk tender 2"]
    assert [len(r["releases"]) for r in records] == [2, 1, 1]
    assert records[0]["compiledRelease"]["tender"]["status"] == "cancelled"
    assert records[0]["releases"][1]["url"].endswith(f"/api/ocds/releases/{records[0]['ocid']}/#"
                                                     f"{Release.objects.filter(tender=tenders[0]).last().release_id}")


@pytest.mark.parametrize("query, field", [({"since": "-1"}, "since"), ({"since": "abc"}, "since"),
                                          ({"limit": "0"}, "limit"), ({"limit": "1001"}, "limit"),
                                          ({"since": "9" * 40}, "since")])
def test_a_bad_cursor_or_page_size_is_refused_with_its_reason(query, field):
    response = APIClient().get("/api/ocds/releases/", query)
    assert response.status_code == 400 and field in response.json()


def test_an_unknown_contracting_process_is_not_found():
    client = APIClient()
    assert client.get("/api/ocds/releases/ocds-xxxxxx-999999/").status_code == 404
    assert client.get("/api/ocds/records/ocds-xxxxxx-999999/").status_code == 404
