import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from trading.accounts.caller import Caller
from trading.accounts.models import Organisation, User
from trading.accounts.services import register_contractor
from trading.audit.models import AuditEntry

from .builders import GOOD_CODE, other_code, registration

pytestmark = pytest.mark.django_db


def post(client, **overrides):
    return client.post(reverse("accounts:register"), registration(**overrides))


def assert_nothing_written():
    assert not Organisation.objects.exists()
    assert not User.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_company_registers_and_is_logged_in_as_its_first_contractor_user(client):
    response = post(client)
    assert response.status_code == 302 and response.url == reverse("accounts:profile")
    organisation = Organisation.objects.get()
    assert (organisation.kind, organisation.credit_code, organisation.legal_representative) == (
        "contractor", GOOD_CODE, "Lin Wei")
    assert organisation.bank_account == "6222 0210 0100 1234 567"
    user = User.objects.get()
    assert (user.username, user.role, user.organisation, user.is_staff) == ("minjiang", "contractor", organisation, False)
    assert user.check_password("Bridges-over-Minjiang-2024")
    entry = AuditEntry.objects.get(action="accounts.register_contractor")
    assert entry.object_id == str(organisation.pk) and entry.summary["first_user"] == "minjiang"
    assert entry.ip == "127.0.0.1"
    profile = client.get(reverse("accounts:profile"))
    assert "Minjiang Road &amp; Bridge Co., Ltd." in profile.content.decode()


def test_a_lower_case_code_is_accepted_and_stored_in_capitals(client):
    post(client, credit_code=GOOD_CODE.lower())
    assert Organisation.objects.get().credit_code == GOOD_CODE


@pytest.mark.parametrize("overrides, field, message", [
    ({"credit_code": "91350100M000100Y44"}, "credit_code", "not a valid unified social credit code"),
    ({"credit_code": "91350100M00010OY43"}, "credit_code", "not a valid unified social credit code"),
    ({"credit_code": "9135"}, "credit_code", "at least 18 characters"),
    ({"password": "password1", "password_again": "password1"}, "password", "too common"),
    ({"password": "Ab3$", "password_again": "Ab3$"}, "password", "too short"),
    ({"password_again": "something else entirely"}, "password_again", "The two passwords differ"),
    ({"legal_representative": ""}, "legal_representative", "This field is required"),
    ({"bank_account": "  "}, "bank_account", "This field is required"),
    ({"email": "not-an-address"}, "email", "valid email"),
    ({"username": "has spaces!"}, "username", "valid username"),
])
def test_bad_input_is_answered_on_its_field_and_writes_nothing(client, overrides, field, message):
    response = post(client, **overrides)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field], errors
    assert message in " ".join(errors[field])
    assert message in response.content.decode().replace("&#x27;", "'")
    assert_nothing_written()


def test_a_registered_credit_code_cannot_register_again(client):
    post(client)
    client.logout()
    response = post(client, username="someone-else", name="Copycat Ltd.")
    assert response.context["form"].errors == {
        "credit_code": ["An organisation with this unified social credit code is already registered."]}
    assert Organisation.objects.count() == 1 and User.objects.count() == 1


def test_a_taken_username_leaves_no_organisation_behind(client):
    post(client)
    client.logout()
    response = post(client, credit_code=other_code(), name="Second Co.")
    assert "username" in response.context["form"].errors
    assert Organisation.objects.count() == 1


def test_every_problem_is_reported_at_once():
    with pytest.raises(ValidationError) as caught:
        register_contractor(Caller.system(), registration(credit_code="91350100M000100Y44", password="123",
                                                          address=""))
    assert set(caught.value.message_dict) == {"credit_code", "password", "address"}
    assert_nothing_written()


def test_a_failure_after_the_checks_leaves_no_half_written_company(monkeypatch):
    def audit_fails(*args, **kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr("trading.accounts.services.record", audit_fails)
    with pytest.raises(RuntimeError):
        register_contractor(Caller.system(), registration())
    assert not Organisation.objects.exists() and not User.objects.exists()


def test_a_logged_in_user_cannot_register_another_company(client, contractor):
    with pytest.raises(PermissionDenied):
        register_contractor(Caller(user=contractor), registration())
    client.force_login(contractor)
    response = post(client)
    assert response.status_code == 302 and response.url == reverse("accounts:profile")
    assert Organisation.objects.count() == 1  # only the fixture's own
