"""A group, tender or bidder with many flags shows its most severe ones and links to
all of them, page by page."""
import re

import pytest
from django.urls import reverse

from trading.collusion.models import Flag

from .builders import small_report


@pytest.fixture
def crowded(db):
    o = small_report()
    members = o["group"].members
    Flag.objects.bulk_create(
        Flag(report=o["report"], kind="shared_identity_market", severity=0.5 - i / 1000, band="blue",
             tenders=["T-1"], bidders=members[:2], figures={},
             sentence=f"Bidders {members[0]}, {members[1]} used the same phone (+86 {i:04d}) in 2 tenders.")
        for i in range(64))
    return o


def rows(page):
    return re.findall(r'href="/collusion/flags/\d+/"', page)


# the group flag names the members but no tender: it is on the group and bidder pages only
@pytest.mark.parametrize("about,total", [("group", 65), ("tender", 64), ("bidder", 65)])
def test_a_page_shows_the_twenty_most_severe_flags_and_links_to_all(client, discipline, crowded, about, total):
    client.force_login(discipline)
    obj = crowded[about]
    page = client.get(reverse(f"collusion:{about}", args=[obj.pk])).content.decode()
    assert len(rows(page)) == 20
    assert page.index("+86 0000") < page.index("+86 0010")      # most severe first
    assert "+86 0020" not in page and "+86 0063" not in page
    link = reverse("collusion:flag_list", args=[crowded["report"].pk]) + f"?{about}={obj.pk}"
    assert f'href="{link.replace("&", "&amp;")}"' in page and f"Show all {total} flags" in page

    first = client.get(link).content.decode()
    assert len(rows(first)) == 50 and f"{total} flags, most severe first." in first and "Page 1 of 2" in first
    second = client.get(link + "&page=2").content.decode()
    assert len(rows(second)) == total - 50 and "+86 0063" in second and "+86 0000" not in second


def test_a_page_with_few_flags_has_no_show_all_link(client, discipline, db):
    o = small_report()
    client.force_login(discipline)
    page = client.get(reverse("collusion:group", args=[o["group"].pk])).content.decode()
    assert len(rows(page)) == 1 and "Show all" not in page


def test_the_flag_list_refuses_an_object_of_another_report_or_a_bad_id(client, discipline, crowded):
    other = small_report()
    client.force_login(discipline)
    url = reverse("collusion:flag_list", args=[crowded["report"].pk])
    assert client.get(f"{url}?group={other['group'].pk}").status_code == 404
    assert client.get(f"{url}?tender=abc").status_code == 404
