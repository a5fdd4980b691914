"""Finding 4 of issue 12: the key policy is the platform's (k >= 2, n >= k + 1, a supervisor, two organisations).

An entity chooses its holders and k, but cannot lower the policy: a draft may say k = 1, publication refuses it
by service, page and API alike, with the reason on its field, and nothing is published.
"""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import make_organisation, make_user
from trading.accounts.roles import OrganisationKind
from trading.bids.models import TenderKey
from trading.tenders import clock, services
from trading.tenders.models import TenderStatus

from .builders import draft_tender, ensure_holder_key
from .conftest import as_caller

pytestmark = pytest.mark.django_db


def refusal(entity_user, holders, threshold):
    tender = draft_tender(entity_user, deadline=clock.now() + dt.timedelta(days=30))
    with pytest.raises(ValidationError) as error:
        services.publish_tender(as_caller(entity_user), tender, holders, threshold)
    tender.refresh_from_db()
    assert tender.status == TenderStatus.DRAFT and not TenderKey.objects.filter(tender=tender).exists()
    return error.value.message_dict


def keyed(role, **fields):
    return ensure_holder_key(make_user(role, **fields))


def test_threshold_one_is_refused_even_with_enough_holders(entity_user):
    holders = [ensure_holder_key(entity_user), keyed("supervisor"), keyed("supervisor")]
    errors = refusal(entity_user, holders, 1)
    assert "no single holder may open them alone" in errors["threshold"][0]


def test_as_many_holders_as_shares_needed_is_refused_no_redundancy(entity_user):
    holders = [ensure_holder_key(entity_user), keyed("supervisor")]
    assert "at least 3 key holders" in refusal(entity_user, holders, 2)["key_holders"][0]
    holders.append(keyed("supervisor"))
    assert "at least 4 key holders" in refusal(entity_user, holders, 3)["key_holders"][0]


def test_the_entity_alone_cannot_hold_the_key(entity_user):
    colleagues = [keyed("entity", organisation=entity_user.organisation) for _ in range(2)]
    errors = refusal(entity_user, [ensure_holder_key(entity_user), *colleagues], 2)
    assert "must be a supervisor" in errors["key_holders"][0]


def test_supervisors_of_one_organisation_alone_are_refused(entity_user):
    authority = make_organisation(OrganisationKind.AUTHORITY)
    supervisors = [keyed("supervisor", organisation=authority) for _ in range(3)]
    errors = refusal(entity_user, supervisors, 2)
    assert "at least two organisations" in errors["key_holders"][0]


def test_a_lawful_set_publishes_and_every_holder_gets_a_share(entity_user):
    holders = [ensure_holder_key(entity_user), keyed("supervisor"), keyed("supervisor")]
    tender = draft_tender(entity_user, deadline=clock.now() + dt.timedelta(days=30), key_threshold=1)
    services.publish_tender(as_caller(entity_user), tender, holders, 2)
    tender.refresh_from_db()
    assert tender.status == TenderStatus.PUBLISHED and tender.key_threshold == 2
    assert TenderKey.objects.get(tender=tender).shares.count() == 3


def test_a_draft_saved_with_k_1_is_refused_at_publication_on_the_page_and_the_api(client, entity_user):
    holders = [ensure_holder_key(entity_user), keyed("supervisor"), keyed("supervisor")]
    tender = draft_tender(entity_user, deadline=clock.now() + dt.timedelta(days=30), key_threshold=1)
    client.force_login(entity_user)
    page = client.post(reverse("tenders:publish", args=[tender.pk]),
                       {"key_holders": [h.pk for h in holders], "threshold": 1})
    assert page.status_code == 400 and "no single holder may open them alone" in page.content.decode()
    api = APIClient()
    api.force_authenticate(entity_user)
    response = api.post(f"/api/tenders/{tender.pk}/publish/", {"key_holders": [h.pk for h in holders[:2]]},
                        format="json")
    assert response.status_code == 400
    body = response.json()
    assert "no single holder" in " ".join(body["threshold"]) or "at least 3 key holders" in " ".join(
        body["key_holders"])
    tender.refresh_from_db()
    assert tender.status == TenderStatus.DRAFT


def test_the_bids_app_refuses_a_key_without_redundancy_whoever_calls_it(entity_user):
    """Even if publication forgot the policy, the tender key is not made for k = 1 or n = k."""
    from trading.bids.keys import create_tender_key

    tender = draft_tender(entity_user, deadline=clock.now() + dt.timedelta(days=30))
    pair = [ensure_holder_key(entity_user), keyed("supervisor")]
    for holders, k in ((pair, 2), (pair, 1), ([*pair, keyed("supervisor")], 1)):
        with pytest.raises(ValidationError) as error:
            create_tender_key(tender, holders, k)
        assert "at least 2 and less than the number of holders" in error.value.message_dict["threshold"][0]
    assert not TenderKey.objects.filter(tender=tender).exists()
    assert create_tender_key(tender, [*pair, keyed("supervisor")], 2).shares.count() == 3
