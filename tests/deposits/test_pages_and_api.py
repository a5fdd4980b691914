"""Bid security in pages and API, per role: who sees the register when (a payment says who means to bid), who
declares, confirms, refunds and forfeits; bad input answered per field."""
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.bids.builders import submit
from tests.factories import make_user
from trading.deposits.models import SecurityPayment
from trading.tenders import clock

from .builders import confirm, declare

pytestmark = pytest.mark.django_db

ROLES = ["contractor", "entity", "supervisor", "discipline", "expert", "admin", "finance"]


def as_role(role, tender, contractor, entity_user):
    if role == "entity":
        return entity_user  # the tender's own entity
    if role == "contractor":
        return make_user("contractor")  # another bidder
    return make_user(role)


@pytest.mark.parametrize("role", ROLES + ["anonymous"])
def test_before_the_deadline_only_finance_and_the_bidder_see_a_payment(client, role, tender, contractor, entity_user):
    declare(contractor, tender, account="6222021044440000")
    if role != "anonymous":
        client.force_login(as_role(role, tender, contractor, entity_user))
    page = client.get(reverse("deposits:tender", args=[tender.pk])).content.decode()
    assert ("6222021044440000" in page) == (role == "finance")
    assert (contractor.organisation.name in page) == (role == "finance")
    if role != "anonymous":
        api = APIClient()
        api.force_authenticate(as_role(role, tender, contractor, entity_user))
        rows = api.get(f"/api/deposits/tenders/{tender.pk}/payments/").json()
        assert len(rows) == (1 if role == "finance" else 0)
    client.force_login(contractor)
    assert "6222021044440000" in client.get(reverse("deposits:tender", args=[tender.pk])).content.decode()


@pytest.mark.parametrize("role", ["entity", "supervisor", "discipline"])
def test_after_the_opening_the_entity_and_supervision_see_the_register(client, role, tender, contractor,
                                                                        entity_user):
    declare(contractor, tender, account="6222021044440000")
    tender.opened_at = clock.now()
    tender.save(update_fields=["opened_at"])
    client.force_login(as_role(role, tender, contractor, entity_user))
    assert "6222021044440000" in client.get(reverse("deposits:tender", args=[tender.pk])).content.decode()


def test_a_bidder_declares_by_form_and_api_with_field_errors(client, tender, contractor):
    client.force_login(contractor)
    bad = client.post(reverse("deposits:declare", args=[tender.pk]), {"paying_account": "12", "reference": "R"})
    assert bad.status_code == 400 and not SecurityPayment.objects.exists()
    ok = client.post(reverse("deposits:declare", args=[tender.pk]),
                     {"paying_account": "6222 0210 1111 2222", "reference": "R-1", "paying_bank": "ICBC"})
    assert ok.status_code == 302 and SecurityPayment.objects.get().paying_account == "6222021011112222"
    api = APIClient()
    api.force_authenticate(contractor)
    url = f"/api/deposits/tenders/{tender.pk}/payments/"
    assert api.post(url, {"paying_account": ["x"]}, format="json").status_code == 400
    assert api.post(url, {"paying_account": "6222021011113333", "reference": "R-2"}, format="json").status_code == 201
    assert api.post("/api/deposits/tenders/999999/payments/", {"paying_account": "6222021011113333",
                                                                "reference": "R-2"}, format="json").status_code == 404
    api.force_authenticate(make_user("finance"))
    assert api.post(url, {"paying_account": "6222021011113333", "reference": "R-3"}, format="json").status_code == 403


def test_finance_confirms_and_refunds_over_the_api_and_nobody_else_does(tender, contractor, finance):
    payment = declare(contractor, tender)
    api = APIClient()
    url = f"/api/deposits/payments/{payment.pk}/confirm/"
    body = {"received_at": clock.now().isoformat(), "amount": "20000.00"}
    for role in ("contractor", "entity", "supervisor", "admin"):
        api.force_authenticate(make_user(role))
        assert api.post(url, body, format="json").status_code == 403
    api.force_authenticate(finance)
    assert api.post(url, {"amount": "x"}, format="json").status_code == 400
    assert api.post(url, {**body, "amount": "1.00"}, format="json").status_code == 400
    assert api.post(url, body, format="json").status_code == 200
    forfeit = f"/api/deposits/payments/{payment.pk}/forfeit/"
    assert api.post(forfeit, {"ground": "refused_award", "reason": "x"}, format="json").status_code == 403
    # a firm that declared but never bid has its security back at once
    refund = api.post(f"/api/deposits/payments/{payment.pk}/refund/", {"refund_reference": "RF-1"}, format="json")
    assert refund.status_code == 200 and refund.json()["status"] == "refunded"


def test_a_refund_before_the_award_waits_while_the_bid_stands(tender, contractor, finance):
    submit(contractor, tender)
    payment = confirm(declare(contractor, tender), finance=finance)
    api = APIClient()
    api.force_authenticate(finance)
    answer = api.post(f"/api/deposits/payments/{payment.pk}/refund/", {"refund_reference": "RF-1"}, format="json")
    assert answer.status_code == 400 and "payment" in answer.json()


@pytest.mark.parametrize("role", ROLES)
def test_the_desks_follow_the_matrix(client, role):
    client.force_login(make_user(role))
    assert client.get(reverse("deposits:desk")).status_code == (200 if role == "finance" else 403)
    assert client.get(reverse("deposits:mine")).status_code == (200 if role == "contractor" else 403)


def test_anonymous_visitors_are_sent_to_log_in(client):
    for name in ("deposits:desk", "deposits:mine"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "login" in response.url
