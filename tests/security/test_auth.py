"""CSRF on forms, session fixation, login throttling, and client-chosen addresses."""
import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from tests.bids.builders import CONTENT, sealed_form
from tests.factories import PASSWORD, make_user
from trading.audit.models import AuditEntry
from trading.bids.models import Bid

LOGIN = "/accounts/login/"


def login_form(client, username, password, **extra):
    page = client.get(LOGIN)
    token = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else client.cookies["csrftoken"].value
    return client.post(LOGIN, {"username": username, "password": password, "csrfmiddlewaretoken": token}, **extra)


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def test_forms_without_a_csrf_token_are_refused(csrf_client, contractor, tender_for_bids):
    assert csrf_client.post(LOGIN, {"username": contractor.username, "password": PASSWORD}).status_code == 403
    assert SESSION_KEY not in csrf_client.session
    csrf_client.force_login(contractor)
    url = reverse("bids:submit", args=[tender_for_bids.pk])
    assert csrf_client.post(url, sealed_form(tender_for_bids)).status_code == 403
    # The API with a session cookie is a browser too: DRF checks the token there as well.
    assert csrf_client.post("/api/bids/", {"tender": tender_for_bids.pk, **CONTENT},
                            content_type="application/json").status_code == 403
    assert csrf_client.post(reverse("accounts:logout")).status_code == 403
    assert not Bid.objects.exists()
    # With the token taken from the form, the same submission goes through.
    token = csrf_client.get(url).context["csrf_token"]
    response = csrf_client.post(url, {**sealed_form(tender_for_bids), "csrfmiddlewaretoken": str(token)})
    assert response.status_code == 302 and Bid.objects.count() == 1


def test_the_session_key_changes_at_login_and_dies_at_logout(contractor):
    client = Client()
    client.get(LOGIN)
    client.session.save()
    planted = client.session.session_key  # what an attacker could have fixed in the victim's browser
    assert login_form(client, contractor.username, PASSWORD).status_code == 302
    assert client.session.session_key != planted
    assert client.session[SESSION_KEY] == str(contractor.pk)
    attacker = Client()
    attacker.cookies["sessionid"] = planted
    assert attacker.get(reverse("bids:my_bids")).status_code == 302  # the planted key logs nobody in
    logged_in_key = client.session.session_key
    client.post(reverse("accounts:logout"))
    replay = Client()
    replay.cookies["sessionid"] = logged_in_key
    assert replay.get(reverse("bids:my_bids")).status_code == 302


def test_repeated_failed_logins_lock_that_username_from_that_address(settings, contractor):
    settings.SUNLIGHT = {**settings.SUNLIGHT, "LOGIN_FAILURE_LIMIT": 3, "LOGIN_LOCKOUT_MINUTES": 15}
    client = Client()
    for _ in range(3):
        response = login_form(client, contractor.username, "wrong password")
        assert response.status_code == 200 and SESSION_KEY not in client.session
    # Now even the right password is refused, with a message saying why and for how long.
    response = login_form(client, contractor.username, PASSWORD)
    assert SESSION_KEY not in client.session
    assert "Too many failed logins" in response.content.decode() and "15 minutes" in response.content.decode()
    # The API token endpoint and a differently written username are locked too.
    locked = Client().post("/api/token/", {"username": contractor.username, "password": PASSWORD})
    assert locked.status_code == 429 and "Too many failed logins" in locked.json()["non_field_errors"][0]
    assert SESSION_KEY not in client.session
    assert "Too many failed logins" in login_form(Client(), contractor.username.upper(), PASSWORD).content.decode()
    # The same user from another address is not locked out: a guesser cannot lock the owner out.
    elsewhere = Client(REMOTE_ADDR="203.0.113.50")
    assert login_form(elsewhere, contractor.username, PASSWORD).status_code == 302
    # Another user from the locked address still logs in.
    other = make_user("contractor")
    assert login_form(Client(), other.username, PASSWORD).status_code == 302


def test_a_successful_login_clears_the_count(settings, contractor):
    settings.SUNLIGHT = {**settings.SUNLIGHT, "LOGIN_FAILURE_LIMIT": 3}
    client = Client()
    for _ in range(2):
        login_form(client, contractor.username, "wrong password")
    assert login_form(client, contractor.username, PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(2):
        login_form(client, contractor.username, "wrong password")
    assert login_form(client, contractor.username, PASSWORD).status_code == 302


def test_a_client_cannot_choose_the_address_the_audit_log_records(contractor, tender_for_bids):
    client = Client(REMOTE_ADDR="198.51.100.20")
    client.force_login(contractor)
    url = reverse("bids:submit", args=[tender_for_bids.pk])
    client.post(url, sealed_form(tender_for_bids), HTTP_X_FORWARDED_FOR="10.9.9.9")
    bid = Bid.objects.get()
    assert bid.ip == "198.51.100.20"
    assert AuditEntry.objects.filter(action="bids.submit").get().ip == "198.51.100.20"


def test_rotating_addresses_does_not_give_unlimited_guesses_at_one_account(settings, contractor):
    settings.SUNLIGHT = {**settings.SUNLIGHT, "LOGIN_FAILURE_LIMIT": 3, "LOGIN_ACCOUNT_FAILURE_LIMIT": 10}
    # Ten guessers, one failure each from a different address: no single pair reaches its limit of three.
    for n in range(10):
        login_form(Client(REMOTE_ADDR=f"198.51.100.{n + 1}"), contractor.username, f"guess {n}")
    # The account itself is now locked from a fresh address, even with the right password, with the reason.
    fresh = Client(REMOTE_ADDR="192.0.2.77")
    response = login_form(fresh, contractor.username, PASSWORD)
    assert response.status_code == 200 and SESSION_KEY not in fresh.session
    assert "from several addresses" in response.content.decode()
    api = Client(REMOTE_ADDR="192.0.2.78").post("/api/token/", {"username": contractor.username, "password": PASSWORD})
    assert api.status_code == 429 and "from several addresses" in api.json()["non_field_errors"][0]
    # Other accounts are untouched.
    assert login_form(Client(REMOTE_ADDR="192.0.2.77"), make_user("contractor").username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_one_password_sprayed_over_many_accounts_from_one_address_is_stopped(settings):
    settings.SUNLIGHT = {**settings.SUNLIGHT, "LOGIN_FAILURE_LIMIT": 3, "LOGIN_ADDRESS_FAILURE_LIMIT": 8}
    victims = [make_user("contractor") for _ in range(10)]
    sprayer = "203.0.113.9"
    for victim in victims[:8]:  # one try each: no account sees more than one failure
        login_form(Client(REMOTE_ADDR=sprayer), victim.username, "Summer2026!")
    # The ninth account, even with its right password, is refused from that address; it says why.
    response = login_form(Client(REMOTE_ADDR=sprayer), victims[8].username, PASSWORD)
    assert response.status_code == 200 and "from your address, over several accounts" in response.content.decode()
    assert Client(REMOTE_ADDR=sprayer).post("/api/token/", {"username": victims[9].username,
                                                             "password": PASSWORD}).status_code == 429
    # The same account logs in from its owner's own address.
    assert login_form(Client(REMOTE_ADDR="192.0.2.10"), victims[8].username, PASSWORD).status_code == 302
