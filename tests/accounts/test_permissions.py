"""Every role against every accounts action: allowed, or refused with 403 (pages) / PermissionDenied (services)."""
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from trading.accounts.caller import Caller
from trading.accounts.models import HolderKey, Organisation
from trading.accounts.services import register_holder_key, register_organisation
from trading.audit.models import AuditEntry

from .builders import other_code, registration

pytestmark = pytest.mark.django_db

ROLES = ["contractor", "entity", "supervisor", "discipline", "expert", "admin", "finance"]
PASSPHRASE = "a long opening passphrase"


@pytest.fixture
def user_of(request):
    fixture = {"contractor": "contractor", "entity": "entity_user", "supervisor": "supervisor",
               "discipline": "discipline", "expert": "expert", "admin": "admin_user",
               "finance": "finance"}
    return lambda role: request.getfixturevalue(fixture[role])


def run(service):
    """The outcome a user would notice: 'allowed' or 'denied'."""
    try:
        service()
    except PermissionDenied:
        return "denied"
    return "allowed"


@pytest.mark.parametrize("role", ROLES)
def test_only_opening_officials_register_a_key(role, user_of):
    user = user_of(role)
    outcome = run(lambda: register_holder_key(Caller(user=user), PASSPHRASE))
    assert outcome == ("allowed" if role in {"entity", "supervisor"} else "denied")
    assert HolderKey.objects.filter(user=user).exists() == (outcome == "allowed")


@pytest.mark.parametrize("role", ROLES)
def test_only_administrators_register_entities(role, user_of):
    user = user_of(role)
    before = Organisation.objects.count()
    outcome = run(lambda: register_organisation(Caller(user=user), "entity", "entity", registration(
        credit_code=other_code(), username="new-entity-user")))
    assert outcome == ("allowed" if role == "admin" else "denied")
    assert Organisation.objects.count() == before + (outcome == "allowed")


def test_the_anonymous_public_may_do_none_of_it():
    anonymous = Caller()
    assert run(lambda: register_holder_key(anonymous, PASSPHRASE)) == "denied"
    assert run(lambda: register_organisation(anonymous, "entity", "entity", registration())) == "denied"
    assert not AuditEntry.objects.exists()


PAGES = {
    # url name: roles that get the page; the others get 403 (or the admin's login page)
    "accounts:profile": set(ROLES),
    "accounts:register_organisation": {"admin"},
    "admin:index": {"admin"},
    "admin:accounts_organisation_changelist": {"admin"},
    "admin:accounts_user_changelist": {"admin"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_pages_follow_the_matrix(client, role, page, user_of, admin_user):
    admin_user.is_staff = True  # as register_organisation and the admin site make every administrator
    admin_user.save()
    client.force_login(user_of(role))
    response = client.get(reverse(page))
    if role in PAGES[page]:
        assert response.status_code == 200
    elif page.startswith("admin:"):
        assert response.status_code in (302, 403)
        assert response.status_code == 403 or "/admin/login/" in response.url
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, page):
    response = client.get(reverse(page))
    assert response.status_code == 302 and "login" in response.url


def test_only_the_anonymous_public_sees_the_registration_form(client, contractor):
    assert client.get(reverse("accounts:register")).status_code == 200
    client.force_login(contractor)
    assert client.get(reverse("accounts:register")).status_code == 302
