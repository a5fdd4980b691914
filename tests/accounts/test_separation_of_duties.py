"""Finding 3 of issue 12: an administrator cannot put a user into an organisation nor move one between
organisations; the organisation's manager invites its people; an administrator's role or membership change
needs a second administrator and is shown to the organisation."""
import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, make_organisation, make_user
from trading.accounts.caller import Caller
from trading.accounts.models import RoleChange, RoleChangeStatus, User
from trading.accounts.roles import OrganisationKind
from trading.accounts.services import register_contractor
from trading.audit.models import AuditEntry

from .builders import registration

pytestmark = pytest.mark.django_db


def staff_client(user):
    user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


def test_the_admin_site_cannot_put_a_new_user_into_an_organisation(admin_client):
    firm = make_organisation(OrganisationKind.CONTRACTOR)
    response = admin_client.post(reverse("admin:accounts_user_add"), {
        "username": "planted", "password1": PASSWORD, "password2": PASSWORD, "usable_password": "true",
        "role": "contractor", "organisation": firm.pk})
    assert response.status_code == 200  # the form refuses a role that belongs to an organisation
    assert "role" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="planted").exists()
    response = admin_client.post(reverse("admin:accounts_user_add"), {
        "username": "planted", "password1": PASSWORD, "password2": PASSWORD, "usable_password": "true",
        "role": "expert", "organisation": firm.pk})
    assert response.status_code == 302
    planted = User.objects.get(username="planted")
    assert planted.organisation is None and not firm.users.exists()


def test_the_admin_site_cannot_move_a_user_between_organisations_nor_change_a_role(admin_client, contractor):
    firm = contractor.organisation
    other = make_organisation(OrganisationKind.CONTRACTOR)
    url = reverse("admin:accounts_user_change", args=[contractor.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="organisation"' not in page and 'name="role"' not in page
    admin_client.post(url, {"username": contractor.username, "first_name": "X", "last_name": "", "email": "",
                            "is_active": "on", "role": "entity", "organisation": other.pk,
                            "manages_organisation": "on"})
    contractor.refresh_from_db()
    assert contractor.organisation == firm and contractor.role == "contractor"
    assert not other.users.exists()


def test_a_role_change_by_an_administrator_waits_for_a_second_one_and_the_organisation_sees_it(client):
    first_admin, second_admin = make_user("admin"), make_user("admin")
    entity_org = make_organisation(OrganisationKind.ENTITY)
    official = make_user("entity", organisation=entity_org)
    colleague = make_user("entity", organisation=entity_org)
    asking = staff_client(first_admin)
    response = asking.post(reverse("accounts:role_changes"), {
        "username": official.username, "new_role": "supervisor", "reason": "Moved to supervision"})
    assert response.status_code == 400 and "cannot belong to this organisation" in response.content.decode()
    response = asking.post(reverse("accounts:role_changes"), {
        "username": official.username, "new_role": "expert", "leaves_organisation": "on",
        "reason": "Left the bureau, joins the expert pool"})
    assert response.status_code == 302
    change = RoleChange.objects.get(user=official)
    official.refresh_from_db()
    assert change.status == RoleChangeStatus.PENDING and official.role == "entity"

    # the organisation sees the asked change at once, with who asked and why
    client.force_login(colleague)
    page = client.get(reverse("accounts:organisation_users")).content.decode()
    assert "Left the bureau, joins the expert pool" in page and first_admin.username in page

    # the one who asked cannot approve it
    refused = asking.post(reverse("accounts:decide_role_change", args=[change.pk]), {"decision": "approve"})
    assert refused.status_code == 403 and "A second administrator must approve" in refused.content.decode()
    official.refresh_from_db()
    assert official.role == "entity" and official.organisation == entity_org

    approving = staff_client(second_admin)
    assert approving.post(reverse("accounts:decide_role_change", args=[change.pk]),
                          {"decision": "approve"}).status_code == 302
    official.refresh_from_db()
    assert official.role == "expert" and official.organisation is None
    page = client.get(reverse("accounts:organisation_users")).content.decode()
    assert "Approved and applied" in page and second_admin.username in page
    assert AuditEntry.objects.filter(action="accounts.decide_role_change", actor=second_admin).exists()


def test_the_organisation_manager_invites_its_people_and_nobody_else_can():
    caller = Caller(ip="127.0.0.1")
    firm, manager = register_contractor(caller, registration())
    assert manager.manages_organisation
    client = Client()
    client.force_login(manager)
    bad = client.post(reverse("accounts:organisation_users"), {
        "role": "supervisor", "username": "mole", "password": PASSWORD, "password_again": PASSWORD})
    assert bad.status_code == 400 and not User.objects.filter(username="mole").exists()
    good = client.post(reverse("accounts:organisation_users"), {
        "role": "contractor", "username": "bidclerk", "password": PASSWORD, "password_again": PASSWORD})
    assert good.status_code == 302
    clerk = User.objects.get(username="bidclerk")
    assert clerk.organisation == firm and not clerk.manages_organisation

    # neither a plain member nor an administrator invites into the firm
    for outsider in (clerk, make_user("admin")):
        other = Client()
        other.force_login(outsider)
        response = other.post(reverse("accounts:organisation_users"), {
            "role": "contractor", "username": "planted", "password": PASSWORD, "password_again": PASSWORD})
        assert response.status_code in (403, 404)
    assert not User.objects.filter(username="planted").exists()


def test_a_key_holder_of_a_tender_not_yet_opened_cannot_be_made_an_expert_until_it_is_opened():
    """One person, two conflicting parts in one tender: a key holder turned expert could be drawn to evaluate it."""
    from tests.tenders.builders import published_tender
    from trading.tenders.models import TenderStatus

    first_admin, second_admin = make_user("admin"), make_user("admin")
    entity = make_user("entity")
    holder = make_user("entity", organisation=entity.organisation)
    tender = published_tender(entity_user=entity, holders=[entity, holder])
    response = staff_client(first_admin).post(reverse("accounts:role_changes"), {
        "username": holder.username, "new_role": "expert", "leaves_organisation": "on", "reason": "Joins the pool"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "holds a key share of tenders not yet opened" in page and tender.reference in page
    assert not RoleChange.objects.exists()

    # asked before the publication, the change still cannot be applied while the share is live
    other = make_user("entity", organisation=entity.organisation)
    change = RoleChange.objects.create(user=other, organisation=other.organisation, old_role="entity",
                                       new_role="expert", leaves_organisation=True, reason="Joins the pool",
                                       requested_by=first_admin)
    published_tender(entity_user=entity, holders=[entity, other], title="Later tender")
    refused = staff_client(second_admin).post(reverse("accounts:decide_role_change", args=[change.pk]),
                                              {"decision": "approve"}, follow=True)
    assert "holds a key share of tenders not yet opened" in refused.content.decode()
    other.refresh_from_db()
    assert other.role == "entity" and other.organisation == entity.organisation

    # once the tender is no longer live (here cancelled), the change goes through
    tender.status = TenderStatus.CANCELLED
    tender.save(update_fields=["status"])
    assert staff_client(first_admin).post(reverse("accounts:role_changes"), {
        "username": holder.username, "new_role": "expert", "leaves_organisation": "on",
        "reason": "Joins the pool"}).status_code == 302
