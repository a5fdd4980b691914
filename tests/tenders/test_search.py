"""Tender search: words in either language over reference, title, description, project and entity; region,
dates and sorting; bad values answered on their field."""
import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from trading.accounts.credit_code import synthetic
from trading.accounts.roles import OrganisationKind
from trading.tenders import clock

from tests.factories import make_organisation, make_user
from tests.tenders.builders import published_tender

pytestmark = pytest.mark.django_db


def entity_in(region, name):
    organisation = make_organisation(OrganisationKind.ENTITY, name=name, credit_code=synthetic(7, "11", region))
    return make_user("entity", organisation=organisation)


@pytest.fixture
def tenders():
    fuzhou = entity_in("350102", "Fuzhou Municipal Water Affairs Bureau")
    xiamen = entity_in("350203", "Xiamen Municipal Education Bureau")
    soon = clock.now() + dt.timedelta(days=25)
    return {
        "drain": published_tender(fuzhou, title="Gulou drainage network（鼓楼区排水管网）", deadline=soon,
                                  ceiling_price=Decimal("900000.00"), bid_security_amount=Decimal("9000.00")),
        "school": published_tender(xiamen, title="Siming school building（思明区学校建设）",
                                   description="New classrooms and a drainage ditch.",
                                   deadline=soon + dt.timedelta(days=5), ceiling_price=Decimal("1100000.00")),
        "lights": published_tender(fuzhou, title="Street lighting renewal", deadline=soon + dt.timedelta(days=9),
                                   ceiling_price=Decimal("300000.00"), bid_security_amount=Decimal("3000.00")),
    }


def titles(client, query):
    return [t["title"] for t in client.get(f"/api/tenders/?{query}").json()["results"]]


def test_words_in_either_language_over_every_field_all_must_match(tenders):
    api = APIClient()
    assert set(titles(api, "q=drainage")) == {tenders["drain"].title, tenders["school"].title}  # title, description
    assert titles(api, "q=drainage+water") == [tenders["drain"].title]  # the entity's name
    assert titles(api, "q=学校建设") == [tenders["school"].title]
    assert titles(api, f"q={tenders['lights'].reference}") == [tenders["lights"].title]
    page = APIClient().get("/tenders/?q=排水").content.decode()
    assert "鼓楼区排水管网" in page and "思明区学校建设" not in page


def test_region_dates_and_sorting(tenders):
    api = APIClient()
    assert set(titles(api, "region=3501")) == {tenders["drain"].title, tenders["lights"].title}
    assert titles(api, "region=350203") == [tenders["school"].title]
    after = (tenders["school"].deadline - dt.timedelta(days=1)).date().isoformat()
    assert set(titles(api, f"deadline_from={after}")) == {tenders["school"].title, tenders["lights"].title}
    assert titles(api, "sort=deadline") == [tenders[k].title for k in ("drain", "school", "lights")]
    assert titles(api, "sort=-ceiling") == [tenders[k].title for k in ("school", "drain", "lights")]


def test_a_bad_region_or_date_is_answered_on_its_field(tenders, client):
    api = APIClient()
    for query, field in (("region=Fuzhou", "region"), ("deadline_from=tomorrow", "deadline_from"),
                         ("sort=price", "sort")):
        response = api.get(f"/api/tenders/?{query}")
        assert response.status_code == 400 and field in response.json(), query
    page = client.get("/tenders/?region=Fuzhou")
    assert page.status_code == 200 and "administrative division code" in page.content.decode()
