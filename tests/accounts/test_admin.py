import pytest
from django.contrib import admin
from django.urls import reverse

from trading.accounts.models import Organisation, User
from trading.audit.models import AuditEntry
from tests.factories import make_organisation

from .builders import other_code

pytestmark = pytest.mark.django_db


def test_an_administrator_edits_an_organisation_and_the_edit_is_audited(admin_client, admin_user):
    organisation = make_organisation(name="Old Name Co.")
    url = reverse("admin:accounts_organisation_change", args=[organisation.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update(name="New Name Co.", kind="contractor")
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    organisation.refresh_from_db()
    assert organisation.name == "New Name Co."
    entry = AuditEntry.objects.get(action="accounts.admin_change_organisation")
    assert entry.actor == admin_user and entry.object_id == str(organisation.pk)
    assert entry.summary["changes"] == {"name": "New Name Co."}


def test_a_bad_credit_code_in_the_admin_is_a_field_error(admin_client):
    response = admin_client.post(reverse("admin:accounts_organisation_add"), {
        "kind": "entity", "name": "Bureau", "credit_code": "not a code"})
    assert response.status_code == 200
    assert "credit_code" in response.context["adminform"].form.errors
    assert not Organisation.objects.filter(name="Bureau").exists()
    assert not AuditEntry.objects.exists()


def test_adding_users_gives_staff_access_to_administrators_only(admin_client):
    for username, role in (("new-admin", "admin"), ("new-expert", "expert")):
        response = admin_client.post(reverse("admin:accounts_user_add"), {
            "username": username, "password1": "Quite-long-pass-42", "password2": "Quite-long-pass-42",
            "role": role, "organisation": ""})
        assert response.status_code == 302
    assert User.objects.get(username="new-admin").is_staff
    assert not User.objects.get(username="new-expert").is_staff
    assert not User.objects.filter(is_superuser=True).exists()
    assert AuditEntry.objects.filter(action="accounts.admin_add_user").count() == 2


def test_the_admin_registers_organisations_and_users_but_nothing_about_bids():
    labels = {model._meta.label for model in admin.site._registry}
    assert {"accounts.Organisation", "accounts.User"} <= labels
    assert not {label for label in labels if label.startswith("bids.")}
    assert "accounts.HolderKey" not in labels


def test_nothing_can_be_deleted_from_the_admin(admin_client, contractor):
    response = admin_client.post(reverse("admin:accounts_user_delete", args=[contractor.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert User.objects.filter(pk=contractor.pk).exists()


def test_an_entity_is_registered_on_the_admin_page_with_its_first_user(admin_client):
    response = admin_client.post(reverse("accounts:register_organisation"), {
        "kind": "entity", "role": "entity", "name": "Fuzhou Water Bureau", "credit_code": other_code(31),
        "username": "water-bureau", "password": "Clean-water-for-all-9", "password_again": "Clean-water-for-all-9"})
    assert response.status_code == 302
    user = User.objects.get(username="water-bureau")
    assert (user.role, user.organisation.name, user.organisation.kind) == ("entity", "Fuzhou Water Bureau", "entity")
    assert AuditEntry.objects.filter(action="accounts.register_organisation").count() == 1


def test_a_role_that_cannot_belong_to_the_kind_is_refused(admin_client):
    response = admin_client.post(reverse("accounts:register_organisation"), {
        "kind": "entity", "role": "supervisor", "name": "Odd", "credit_code": other_code(32),
        "username": "odd", "password": "Clean-water-for-all-9", "password_again": "Clean-water-for-all-9"})
    assert "role" in response.context["form"].errors
    assert not User.objects.filter(username="odd").exists()
