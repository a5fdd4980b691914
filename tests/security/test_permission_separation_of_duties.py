"""Rows of the permission matrix for separation of duties (issue 12, finding 3): who reaches the role-change
pages and who invites into an organisation, for every role, on the pages themselves (not only the links)."""
import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, make_user
from trading.accounts.caller import Caller
from trading.accounts.models import RoleChange, User
from trading.accounts.services import request_role_change

pytestmark = pytest.mark.django_db
ROLES = ["contractor", "entity", "supervisor", "discipline", "expert", "admin", "finance"]


def client_for(user):
    client = Client()
    if user is not None:
        user.is_staff = user.role == "admin"
        user.save()
        client.force_login(user)
    return client


@pytest.mark.parametrize("role", [*ROLES, None])
def test_only_administrators_ask_for_or_decide_role_changes(role):
    asker = make_user("admin")
    target = make_user("entity")
    change = request_role_change(Caller(user=asker), target, "expert", "Joins the pool", leaves_organisation=True)
    user = make_user(role) if role else None
    client = client_for(user)
    page = client.get(reverse("accounts:role_changes"))
    ask = client.post(reverse("accounts:role_changes"), {"username": target.username, "new_role": "supervisor",
                                                         "reason": "x"})
    decide = client.post(reverse("accounts:decide_role_change", args=[change.pk]), {"decision": "approve"})
    change.refresh_from_db()
    if role == "admin":
        assert page.status_code == 200 and decide.status_code == 302 and change.status == "approved"
        assert ask.status_code == 400 and "already waits for approval" in ask.content.decode()  # per field, no 500
    else:
        expected = {302} if role is None else {403}
        assert {page.status_code, ask.status_code, decide.status_code} == expected
        assert change.status == "pending" and RoleChange.objects.count() == 1


@pytest.mark.parametrize("role", [*ROLES, None])
def test_only_an_organisations_manager_invites_into_it(role):
    user = make_user(role) if role else None
    client = client_for(user)
    response = client.post(reverse("accounts:organisation_users"), {
        "role": role or "contractor", "username": "invited", "password": PASSWORD, "password_again": PASSWORD})
    if role is None:
        assert response.status_code == 302 and "/login/" in response["Location"]
    elif user.organisation is None:
        assert response.status_code == 404
    else:
        assert response.status_code == 403
        assert client.get(reverse("accounts:organisation_users")).status_code == 200  # members read it
    assert not User.objects.filter(username="invited").exists()
    if user is not None and user.organisation is not None:
        user.manages_organisation = True
        user.save()
        response = client.post(reverse("accounts:organisation_users"), {
            "role": role, "username": "invited", "password": PASSWORD, "password_again": PASSWORD})
        if role == "admin":  # not even an administrator marked as manager puts anyone into an organisation
            assert response.status_code == 403 and not User.objects.filter(username="invited").exists()
            return
        assert response.status_code == 302
        assert User.objects.get(username="invited").organisation == user.organisation
