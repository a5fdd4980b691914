"""API tokens: stored only as digests, expiring, revocable by their holder and by the administrator, dead
after a password change; websocket tickets instead of tokens in URLs."""
import datetime as dt

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from tests.factories import PASSWORD, make_user
from trading.accounts import tokens
from trading.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def obtain(user, password=PASSWORD):
    return Client().post("/api/token/", {"username": user.username, "password": password})


def works(token):
    return Client(HTTP_AUTHORIZATION=f"Token {token}").get("/api/bids/").status_code == 200


def test_a_token_is_issued_with_its_expiry_and_only_its_digest_is_stored(contractor):
    response = obtain(contractor)
    assert response.status_code == 200
    token, expiry = response.json()["token"], response.json()["expiry"]
    assert works(token)
    stored = AuthToken.objects.get(user=contractor)
    # A database dump holds no usable token: neither the token nor its tail is stored.
    assert token not in stored.digest and token[15:] not in stored.digest
    assert len(stored.digest) == 128 and stored.token_key == token[:15]
    assert 9 <= (dt.datetime.fromisoformat(expiry) - timezone.now()).total_seconds() / 3600 <= 10
    assert AuditEntry.objects.filter(action="accounts.token_issued", object_id=str(contractor.pk)).exists()


def test_a_wrong_password_gets_no_token(contractor):
    response = obtain(contractor, "wrong password")
    assert response.status_code == 400 and "non_field_errors" in response.json()
    assert not AuthToken.objects.exists()


def test_an_expired_token_is_refused(contractor):
    token = obtain(contractor).json()["token"]
    AuthToken.objects.filter(user=contractor).update(expiry=timezone.now() - dt.timedelta(seconds=1))
    assert not works(token)


def test_a_password_change_ends_every_token(contractor):
    first, second = obtain(contractor).json()["token"], obtain(contractor).json()["token"]
    assert works(first) and works(second)
    contractor.set_password("a brand new passphrase")
    contractor.save()
    assert not works(first) and not works(second)
    entry = AuditEntry.objects.get(action="accounts.tokens_revoked")
    assert entry.summary == {"tokens": 2, "reason": "password changed"}
    # Saving the user for anything else leaves a new token alone.
    third = obtain(contractor, "a brand new passphrase").json()["token"]
    contractor.first_name = "Li"
    contractor.save()
    assert works(third)


def test_deactivating_a_user_ends_their_tokens(contractor):
    token = obtain(contractor).json()["token"]
    contractor.is_active = False
    contractor.save()
    assert not AuthToken.objects.filter(user=contractor).exists() and not works(token)


def test_a_client_revokes_its_own_token_or_all_of_them(contractor):
    one, two, three = (obtain(contractor).json()["token"] for _ in range(3))
    assert Client(HTTP_AUTHORIZATION=f"Token {one}").post("/api/token/revoke/").status_code == 204
    assert not works(one) and works(two)
    revoked = Client(HTTP_AUTHORIZATION=f"Token {two}").post("/api/token/revoke-all/")
    assert revoked.json() == {"revoked": 2} and not works(two) and not works(three)


def test_the_administrator_revokes_a_users_tokens_and_it_is_audited(admin_client, admin_user, contractor):
    token = obtain(contractor).json()["token"]
    listing = admin_client.get(reverse("admin:knox_authtoken_changelist"))
    assert listing.status_code == 200 and contractor.username in listing.content.decode()
    assert token not in listing.content.decode()  # the administrator cannot read a token back either
    response = admin_client.post(reverse("admin:accounts_user_changelist"),
                                 {"action": "revoke_api_tokens", "_selected_action": [contractor.pk]})
    assert response.status_code == 302
    assert not works(token)
    entry = AuditEntry.objects.get(action="accounts.tokens_revoked")
    assert entry.actor == admin_user and entry.summary["reason"] == "revoked by the administrator"
    # One token at a time, from the token list.
    again = obtain(contractor).json()["token"]
    instance = AuthToken.objects.get(user=contractor)
    admin_client.post(reverse("admin:knox_authtoken_changelist"),
                      {"action": "revoke", "_selected_action": [instance.pk]})
    assert not works(again)


def test_nobody_but_the_administrator_revokes_another_users_tokens(contractor):
    from trading.accounts.caller import Caller

    other = make_user("contractor")
    obtain(other)
    with pytest.raises(PermissionDenied):
        tokens.revoke_all_tokens(Caller(user=contractor), other, "spite")
    assert AuthToken.objects.filter(user=other).exists()


def test_a_user_holds_at_most_twenty_tokens_the_oldest_going_first(contractor):
    issued = [obtain(contractor).json()["token"] for _ in range(21)]
    assert AuthToken.objects.filter(user=contractor).count() == 20
    assert not works(issued[0]) and works(issued[1]) and works(issued[-1])


def test_a_websocket_ticket_needs_a_login_and_is_short_lived(contractor, settings):
    assert Client().post("/api/ws-ticket/").status_code in (401, 403)
    token = obtain(contractor).json()["token"]
    answer = Client(HTTP_AUTHORIZATION=f"Token {token}").post("/api/ws-ticket/").json()
    assert answer["seconds"] == 60 and token not in answer["ticket"]
    assert tokens.redeem_ticket(answer["ticket"]) == contractor
    # Once only.
    assert not tokens.redeem_ticket(answer["ticket"]).is_authenticated
    # Not after its minute, not forged, not for a deactivated user.
    old = tokens.issue_ticket(contractor)
    settings.SUNLIGHT = {**settings.SUNLIGHT, "WS_TICKET_SECONDS": -1}
    assert not tokens.redeem_ticket(old).is_authenticated
    settings.SUNLIGHT = {**settings.SUNLIGHT, "WS_TICKET_SECONDS": 60}
    forged = signing.dumps({"u": contractor.pk, "n": "x"}, salt="another salt")
    assert not tokens.redeem_ticket(forged).is_authenticated
    ticket = tokens.issue_ticket(contractor)
    contractor.is_active = False
    contractor.save()
    assert not tokens.redeem_ticket(ticket).is_authenticated
