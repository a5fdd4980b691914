"""The credit record in public: pages and API per firm, the blacklist, and the supervisor's writes over the API."""
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import make_user
from trading.accounts.caller import Caller
from trading.credit import services
from trading.credit.models import Debarment
from trading.tenders import clock

from .builders import debar

pytestmark = pytest.mark.django_db


def referred_and_confirmed(firm):
    system = Caller.system()
    from django.db import transaction

    with transaction.atomic():
        services.note(system, firm, "collusion_referred", "Lead 17 referred to the discipline office.")
        services.note(system, firm, "collusion_confirmed", "Cartel in tenders T-1, T-2 confirmed.")
        services.note(system, firm, "performance", "Road works completed late.", rating=2)


def test_the_public_reads_debarments_with_their_dates_but_not_referred_collusion(client, contractor):
    firm = contractor.organisation
    debarment = debar(firm)
    referred_and_confirmed(firm)
    page = client.get(reverse("credit:firm", args=[firm.pk])).content.decode()
    # the page shows the local date (Beijing time): from 16:00 UTC it is already the next day there
    assert debarment.decision in page and timezone.localdate(debarment.ends_at).isoformat() in page
    assert "Cartel in tenders T-1, T-2 confirmed." in page and "Road works completed late." in page
    assert "Lead 17" not in page
    listed = client.get(reverse("credit:index")).content.decode()
    assert firm.name in listed and debarment.decision in listed
    body = APIClient().get(f"/api/credit/firms/{firm.pk}/").json()
    assert body["debarred"]["decision"] == debarment.decision
    assert {e["kind"] for e in body["entries"]} == {"debarment", "collusion_confirmed", "performance"}
    assert [d["firm"] for d in APIClient().get("/api/credit/debarments/").json()] == [firm.pk]


@pytest.mark.parametrize("role", ["own_firm", "entity", "supervisor", "discipline", "admin"])
def test_the_firm_itself_and_officials_see_referred_cases(client, contractor, role):
    referred_and_confirmed(contractor.organisation)
    client.force_login(contractor if role == "own_firm" else make_user(role))
    assert "Lead 17" in client.get(reverse("credit:firm", args=[contractor.organisation.pk])).content.decode()


def test_another_contractor_does_not_see_referred_cases(client, contractor, other_contractor):
    referred_and_confirmed(contractor.organisation)
    client.force_login(other_contractor)
    assert "Lead 17" not in client.get(reverse("credit:firm", args=[contractor.organisation.pk])).content.decode()


def test_a_supervisor_debars_and_lifts_over_the_api_with_field_errors_and_others_are_refused(supervisor, contractor):
    api = APIClient()
    url = f"/api/credit/firms/{contractor.organisation.pk}/debarments/"
    start = clock.now()
    good = {"decision": "D-9", "reason": "Fraud", "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(days=30)).isoformat()}
    for role in ("contractor", "entity", "admin", "finance"):
        api.force_authenticate(make_user(role))
        assert api.post(url, good, format="json").status_code == 403
    api.force_authenticate(None)
    assert api.post(url, good, format="json").status_code in (401, 403)
    api.force_authenticate(supervisor)
    bad = api.post(url, {**good, "ends_at": start.isoformat()}, format="json")
    assert bad.status_code == 400 and set(bad.json()) == {"ends_at"}
    assert api.post(url, {"decision": 5}, format="json").status_code == 400
    assert api.post("/api/credit/firms/999999/debarments/", good, format="json").status_code == 404
    made = api.post(url, good, format="json")
    assert made.status_code == 201
    lift = f"/api/credit/debarments/{made.json()['id']}/lift/"
    assert api.post(lift, {}, format="json").status_code == 400
    assert api.post(lift, {"lifted_reason": "Annulled"}, format="json").status_code == 200
    assert api.post(lift, {"lifted_reason": "Again"}, format="json").status_code == 400
    assert Debarment.objects.get().lifted_reason == "Annulled"


def test_the_supervisor_uses_the_forms_and_others_get_403(client, supervisor, contractor):
    firm = contractor.organisation
    start = clock.now()
    form = {"decision": "D-10", "reason": "Fraud", "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + dt.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")}
    client.force_login(contractor)
    assert client.post(reverse("credit:debar", args=[firm.pk]), form).status_code == 403
    client.force_login(supervisor)
    page = client.get(reverse("credit:firm", args=[firm.pk])).content.decode()
    assert reverse("credit:debar", args=[firm.pk]) in page
    assert client.post(reverse("credit:debar", args=[firm.pk]), {**form, "ends_at": ""}).status_code == 400
    assert client.post(reverse("credit:debar", args=[firm.pk]), form).status_code == 302
    debarment = Debarment.objects.get()
    assert client.post(reverse("credit:penalty", args=[firm.pk]),
                       {"decision": "P-3", "summary": "Fine of 50 000 yuan"}).status_code == 302
    assert client.post(reverse("credit:lift", args=[firm.pk, debarment.pk]),
                       {"lifted_reason": "Annulled on review"}).status_code == 302
    assert "Fine of 50 000 yuan" in client.get(reverse("credit:firm", args=[firm.pk])).content.decode()
