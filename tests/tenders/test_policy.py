"""Statutory periods are platform policy: entities may lengthen them, never shorten them; the administrator
sets them within the law, every change audited; a tender keeps the policy it was published under."""
import datetime as dt

import pytest
from django.urls import reverse
from tests.factories import api_token
from rest_framework.test import APIClient

from tests.factories import PASSWORD, make_user
from trading.audit.models import AuditEntry
from trading.tenders import clock, services
from trading.tenders.checkpoints import refresh_checkpoints
from trading.tenders.models import Checkpoint, ProcedurePolicy, ProcedureType, Tender, TenderStatus

from .builders import draft_tender, project, published_tender
from .conftest import as_caller
from .test_services import errors_of

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
LAW = {"document_offer": 5, "bidding_period": 20, "clarification_cutoff": 15, "document_objection_cutoff": 10,
       "notice_after_report": 3, "candidate_notice": 3, "objection_answer": 3, "contract_signing": 30, "min_bids": 3,
       "committee_size": 5}


def api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


def test_every_real_procedure_starts_with_the_law_and_training_starts_switched_off():
    for procedure in ProcedureType:
        policy = ProcedurePolicy.objects.get(procedure_type=procedure)
        if procedure == ProcedureType.TRAINING:
            assert not policy.enabled
        else:
            assert policy.enabled and {k: getattr(policy, k) for k in LAW} == LAW


@pytest.mark.parametrize("field, value, message", [
    ("bidding_period", 10, "At least 20 days"),
    ("document_offer", 2, "At least 5 days"),
    ("clarification_cutoff", 14, "At least 15 days"),
    ("min_bids", 2, "At least 3 bids"),
])
def test_a_period_below_policy_is_refused_by_service_form_and_api_alike(client, entity_user, field, value,
                                                                         message):
    own = project(entity_user)
    deadline = clock.now() + 30 * DAY
    assert message in errors_of(lambda: draft_tender(entity_user, project_obj=own, deadline=deadline,
                                                     **{field: value}))[field][0]

    assert client.login(username=entity_user.username, password=PASSWORD)
    form = {"title": "Short cut", "ceiling_price": "100000", "bid_security_amount": "0",
            "evaluation_method": "lowest_price", "deadline": deadline.strftime("%Y-%m-%dT%H:%M"), "min_bids": 3,
            "key_threshold": 2, field: value}
    page = client.post(reverse("tenders:create", args=[own.pk]), form)
    assert page.status_code == 200 and message in page.content.decode()

    response = api(entity_user).post("/api/tenders/", {
        "project": own.pk, "title": "Short cut", "ceiling_price": "100000", "deadline": deadline.isoformat(),
        field: value}, format="json")
    assert response.status_code == 400 and message in response.json()[field][0]
    assert not Tender.objects.filter(project=own).exists()
    # A longer period is the entity's to choose.
    longer = draft_tender(entity_user, project_obj=own, **{field: value + 10})
    assert getattr(longer, field) == value + 10


def test_a_draft_made_under_a_weaker_policy_is_checked_again_at_publication(entity_user, holders):
    draft = draft_tender(entity_user, deadline=clock.now() + 22 * DAY)
    ProcedurePolicy.objects.filter(procedure_type=ProcedureType.OPEN_WORKS).update(bidding_period=25)
    errors = errors_of(lambda: services.publish_tender(as_caller(entity_user), draft, holders))
    assert "at least 25 days" in errors["deadline"][0]


def test_the_checkpoint_reads_the_policy_stored_at_publication(entity_user):
    tender = published_tender(entity_user, deadline=clock.now() + 21 * DAY)
    assert tender.policy["periods"]["bidding_period"] == 20 and tender.policy["procedure_type"] == "open_works"
    # The administrator lengthens the period later: a tender already published keeps the rule it was announced with.
    ProcedurePolicy.objects.filter(procedure_type=ProcedureType.OPEN_WORKS).update(bidding_period=30)
    refresh_checkpoints(tender)
    period = Checkpoint.objects.get(tender=tender, code="bidding_period")
    assert period.state == "green" and "at least 20 days" in period.reason
    # Numbers the entity typed do not move the checkpoint either; only the stored policy does.
    Tender.objects.filter(pk=tender.pk).update(bidding_period=None,
                                               policy=dict(tender.policy, periods=dict(tender.policy["periods"],
                                                                                       bidding_period=25)))
    tender.refresh_from_db()
    refresh_checkpoints(tender)
    period.refresh_from_db()
    assert period.state == "red" and "at least 25 days" in period.reason


def _policy_form(admin_client, policy, **changes):
    url = reverse("admin:tenders_procedurepolicy_change", args=[policy.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form.initial.get(name) for name in form.fields}
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    data.update(changes)
    return url, data


@pytest.mark.parametrize("field, value, message", [
    ("bidding_period", 19, "The law requires at least 20 days."),
    ("document_offer", 4, "The law requires at least 5 days."),
    ("contract_signing", 31, "The law allows at most 30 days."),
    ("objection_answer", 5, "The law allows at most 3 days."),
    ("min_bids", 2, "Enter a whole number from 3 to 100."),
    ("committee_size", 3, "Enter a whole number from 5 to 25."),
    ("committee_size", 6, "Enter an odd number."),
    ("notice_after_report", 4, "The law allows at most 3 days."),
])
def test_not_even_the_administrator_goes_beyond_the_law(admin_client, field, value, message):
    policy = ProcedurePolicy.objects.get(procedure_type=ProcedureType.OPEN_GOODS)
    url, data = _policy_form(admin_client, policy, **{field: value})
    response = admin_client.post(url, data)
    assert response.status_code == 200 and message in response.content.decode()
    policy.refresh_from_db()
    assert getattr(policy, field) == LAW[field]
    assert not AuditEntry.objects.filter(action="accounts.admin_change_procedurepolicy").exists()


def test_the_administrator_lengthens_a_period_and_the_change_is_audited(admin_client, admin_user):
    policy = ProcedurePolicy.objects.get(procedure_type=ProcedureType.OPEN_GOODS)
    url, data = _policy_form(admin_client, policy, bidding_period=25)
    response = admin_client.post(url, data)
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.bidding_period == 25
    entry = AuditEntry.objects.get(action="accounts.admin_change_procedurepolicy")
    assert entry.actor == admin_user and entry.summary["changes"] == {"bidding_period": "25"}


@pytest.mark.parametrize("role", ["entity", "supervisor", "discipline", "contractor", "expert"])
def test_nobody_but_the_administrator_reaches_the_policy(client, role):
    user = make_user(role, is_staff=True)  # even with the admin site's door open by mistake
    client.force_login(user)
    policy = ProcedurePolicy.objects.get(procedure_type=ProcedureType.OPEN_WORKS)
    url = reverse("admin:tenders_procedurepolicy_change", args=[policy.pk])
    assert client.get(url).status_code in (302, 403)
    data = {"enabled": "on", **{k: 1 for k in LAW}}
    client.post(url, data)
    policy.refresh_from_db()
    assert policy.bidding_period == 20


def test_a_real_procedure_cannot_be_switched_off(admin_client):
    policy = ProcedurePolicy.objects.get(procedure_type=ProcedureType.OPEN_WORKS)
    url, data = _policy_form(admin_client, policy)
    data.pop("enabled")
    response = admin_client.post(url, data)
    assert response.status_code == 200 and "Only the training procedure can be switched off." in \
        response.content.decode()


def _training_tender(entity_user, **fields):
    ProcedurePolicy.objects.filter(procedure_type=ProcedureType.TRAINING).update(enabled=True)
    return published_tender(entity_user, procedure_type="training", deadline=clock.now() + dt.timedelta(minutes=20),
                            **fields)


def test_a_training_tender_runs_in_minutes_once_the_administrator_enables_it(entity_user, holders):
    errors = errors_of(lambda: draft_tender(entity_user, procedure_type="training"))
    assert "procedure_type" in errors
    tender = _training_tender(entity_user, holders=holders)
    assert tender.status == TenderStatus.PUBLISHED and tender.policy["training"]
    assert tender.deadline - tender.documents_from < DAY
    # Even in training the policy holds, in minutes.
    short = draft_tender(entity_user, procedure_type="training", deadline=clock.now() + dt.timedelta(minutes=10))
    errors = errors_of(lambda: services.publish_tender(as_caller(entity_user), short, holders))
    assert "at least 15 minutes" in errors["deadline"][0]


def test_every_page_of_a_training_tender_says_so(client, entity_user, contractor, supervisor, holders):
    tender = _training_tender(entity_user, holders=holders)
    real = published_tender(entity_user, title="A real tender", holders=holders)
    banner = "Demo / training procedure"
    pages = [(None, reverse("tenders:detail", args=[tender.pk])),
             (entity_user, reverse("tenders:manage", args=[tender.pk])),
             (contractor, reverse("bids:submit", args=[tender.pk])),
             (supervisor, reverse("realtime:hall", args=[tender.pk])),
             (supervisor, reverse("realtime:supervise", args=[tender.pk]))]
    for user, url in pages:
        client.logout()
        if user:
            client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and banner in response.content.decode(), url
        assert banner not in client.get(url.replace(str(tender.pk), str(real.pk))).content.decode(), url


def test_the_opening_record_of_a_training_tender_says_so(client):
    from tests.opening.builders import ceremony, run_to
    from trading.bids.opening.models import OpeningRecord

    ProcedurePolicy.objects.filter(procedure_type=ProcedureType.TRAINING).update(enabled=True)
    c = ceremony(procedure_type="training")
    run_to(c, "closed")
    record = OpeningRecord.objects.get(tender=c.tender)
    assert record.body["tender"]["training"] is True and record.body["tender"]["procedure_type"] == "training"
    page = client.get(reverse("realtime:record", args=[c.tender.pk])).content.decode()
    assert "Demo / training procedure" in page


def test_the_tender_page_leads_to_the_committee_after_the_opening_and_to_the_report_after_the_award(client):
    from tests.opening.builders import ceremony, run_to

    c = ceremony()
    committee = reverse("experts:committee", args=[c.tender.pk])
    report = reverse("evaluation:report", args=[c.tender.pk])
    page = client.get(reverse("tenders:detail", args=[c.tender.pk])).content.decode()
    assert committee not in page
    run_to(c, "closed")
    page = client.get(reverse("tenders:detail", args=[c.tender.pk])).content.decode()
    assert committee in page and report not in page
    assert client.get(committee).status_code == 200
