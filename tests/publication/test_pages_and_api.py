"""The public statistics, the small-project register and the integrity index over HTTP: what each role reads and
does on the pages and the API, downloads in both formats and languages, field errors (400) instead of 500s."""
import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook
from rest_framework.test import APIClient

from tests.factories import make_user
from trading.accounts.caller import Caller
from trading.accounts.permissions import MATRIX
from trading.accounts.roles import Role
from trading.audit.models import AuditEntry
from trading.publication import services
from trading.publication.models import Feedback, SmallProject

from .builders import market, small

pytestmark = pytest.mark.django_db
NEW_ACTIONS = {"smallproject.file": {Role.ENTITY}, "integrity.feedback": {Role.ENTITY}}
FILING = dict(name="Fence of the depot", project_type="goods", amount="150000.00", method="invited",
              decision_reference="Meeting 2026-7", decision_date="2026-03-02", decision_body="Office meeting",
              supplier="")


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_the_matrix_names_every_new_action_with_exactly_these_roles():
    assert {action: MATRIX[action] for action in NEW_ACTIONS} == NEW_ACTIONS


@pytest.mark.parametrize("role", list(Role))
def test_every_write_refuses_the_roles_the_matrix_leaves_out(role):
    user = make_user(role)
    for action, write in {"smallproject.file": lambda: services.file_small_project(Caller(user=user), **FILING),
                          "integrity.feedback": lambda: services.write_feedback(Caller(user=user), "Noted.")}.items():
        if role in MATRIX[action]:
            assert write() is not None
        else:
            with pytest.raises(PermissionDenied):
                write()


def test_an_entity_agency_user_without_an_entity_organisation_is_refused():
    agent = make_user("entity", organisation=make_user("contractor").organisation)
    with pytest.raises(PermissionDenied):
        services.file_small_project(Caller(user=agent), **FILING)


def test_a_filing_at_the_threshold_or_with_bad_fields_is_refused_per_field_and_writes_nothing():
    entity = make_user("entity")
    with pytest.raises(ValidationError) as refused:
        services.file_small_project(Caller(user=entity), **{**FILING, "amount": "2000000.00"})  # goods: 2 million
    assert "must be tendered" in refused.value.message_dict["amount"][0]
    with pytest.raises(ValidationError) as refused:
        services.file_small_project(Caller(user=entity), name="", project_type="land", amount="-1", method="bribe",
                                    decision_reference="", decision_date="2999-01-01", decision_body="")
    assert set(refused.value.message_dict) == {"name", "project_type", "amount", "method", "decision_reference",
                                               "decision_date", "decision_body"}
    assert not SmallProject.objects.exists()
    project = services.file_small_project(Caller(user=entity), **{**FILING, "amount": "1999999.99"})
    assert AuditEntry.objects.filter(action="publication.file_small_project", object_id=str(project.pk)).exists()


def test_statistics_page_shows_the_figures_charts_and_its_method(client, tmp_path):
    market(tmp_path)
    page = client.get("/statistics/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "170,000.00 (8.9%)" in text  # savings with history
    assert "2 imported history tenders" in text
    assert text.count("<svg") == 4 and "cdn" not in text.lower()
    assert "How the figures are counted" in text
    left_out = client.get("/statistics/?history=exclude&group=type").content.decode()
    assert "120,000.00 (10.9%)" in left_out and "Figures by Procurement type" in left_out


def test_statistics_page_reports_bad_filters_on_their_fields(client):
    page = client.get("/statistics/?date_from=yesterday&region=33&project_type=ships&entity=x&group=colour")
    assert page.status_code == 200
    text = page.content.decode()
    for message in ("Enter a date as YYYY-MM-DD.", "six-digit administrative division code",
                    "Select a valid choice"):
        assert message in text


def test_chinese_statistics_page_speaks_chinese(client):
    page = client.get("/statistics/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200 and 'lang="zh-hans"' in page.content.decode().lower()


def test_downloads_in_csv_and_excel_carry_the_same_figures(client, tmp_path):
    market(tmp_path)
    text = client.get("/statistics/export.csv?group=type").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Group", "Tenders", "of which history"]
    assert rows[-1][0] == "All" and rows[-1][6] == "170000.00"
    workbook = load_workbook(io.BytesIO(client.get("/statistics/export.xlsx?group=type").content))
    sheet = workbook.active
    assert [c.value for c in sheet[1]][:2] == ["Group", "Tenders"]
    last = [c.value for c in sheet[sheet.max_row]]
    assert last[0] == "All" and Decimal(str(last[6])) == Decimal("170000")
    integrity = client.get("/statistics/integrity/export.csv").content.decode("utf-8-sig")
    assert integrity.splitlines()[0].startswith("Procuring entity,Warning,Points")
    assert client.get("/statistics/export.pdf").status_code == 404


def test_a_spreadsheet_formula_in_a_name_is_written_as_text(client):
    entity = make_user("entity")
    entity.organisation.name = "=HYPERLINK(\"http://evil\")"
    entity.organisation.save()
    from tests.contracts.builders import awarded
    awarded(entity=entity)
    text = client.get("/statistics/integrity/export.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_small_project_register_page_shows_the_splitting_lead_and_takes_filings_from_entities(client, tmp_path):
    m = market(tmp_path)
    page = client.get("/statistics/small-projects/").content.decode()
    assert "Likely splitting" in page and "4,200,000.00" in page and "Roof repair of the school" in page
    assert "File a project under the threshold" not in page
    client.force_login(m.entity)
    assert "File a project under the threshold" in client.get("/statistics/small-projects/").content.decode()
    refused = client.post("/statistics/small-projects/", {**FILING, "amount": "2500000.00"})
    assert refused.status_code == 400 and "must be tendered" in refused.content.decode()
    done = client.post("/statistics/small-projects/", FILING)
    assert done.status_code == 302 and SmallProject.objects.filter(name="Fence of the depot").exists()
    client.force_login(make_user("contractor"))
    assert client.post("/statistics/small-projects/", FILING).status_code == 403


def test_integrity_pages_show_colours_figures_notice_and_feedback_form_to_the_entity_alone(client):
    from tests.contracts.builders import awarded
    w = awarded()
    w.amend(w.conclude(), price="1100000.00")
    entity = w.tender.project.entity
    index = client.get("/statistics/integrity/").content.decode()
    assert entity.name in index and "Yellow warning" in index and "<svg" in index
    page = client.get(f"/statistics/integrity/{entity.pk}/").content.decode()
    assert "Yellow warning" in page and "supervision checkpoints went red" in page
    assert "Publish the feedback" not in page
    client.force_login(make_user("entity"))  # another entity's official
    assert "Publish the feedback" not in client.get(f"/statistics/integrity/{entity.pk}/").content.decode()
    assert client.post(f"/statistics/integrity/{entity.pk}/", {"text": "Not ours."}).status_code == 403
    client.force_login(w.entity)
    assert client.post(f"/statistics/integrity/{entity.pk}/", {"text": ""}).status_code == 400
    assert client.post(f"/statistics/integrity/{entity.pk}/",
                       {"text": "The price rise was the drainage found under the road."}).status_code == 302
    client.logout()
    assert "drainage found under the road" in client.get(f"/statistics/integrity/{entity.pk}/").content.decode()
    assert client.get("/statistics/integrity/999999/").status_code == 404
    contractor = make_user("contractor").organisation
    assert client.get(f"/statistics/integrity/{contractor.pk}/").status_code == 404


def test_the_public_nav_links_the_statistics(client):
    assert 'href="/statistics/"' in client.get("/tenders/").content.decode()


def test_api_statistics_register_and_index(tmp_path):
    m = market(tmp_path)
    body = api().get("/api/statistics/?group=region").json()
    assert body["total"]["savings"] == "170000.00" and body["total"]["savings_percent"] == 8.9
    assert {row["key"] for row in body["rows"]} == {m.t1.project.entity.credit_code[2:8], "990000"}
    bad = api().get("/api/statistics/?date_from=2026-13-01&history=maybe&group=colour")
    assert bad.status_code == 400 and {"date_from", "history"} <= set(bad.json())
    assert api().get("/api/statistics/?group=colour").status_code == 400
    register = api().get("/api/statistics/small-projects/").json()
    assert len(register["projects"]) == 4 and register["splitting"][0]["total"] == "4200000.00"
    index = api().get("/api/statistics/integrity/").json()
    mine = next(r for r in index if r["entity"] == m.t1.project.entity_id)
    assert (mine["tenders"], mine["single_bid"], mine["bidding_over"]) == (2, 1, 2)
    one = api().get(f"/api/statistics/integrity/{m.t1.project.entity_id}/").json()
    assert one["name"] == m.t1.project.entity.name and "notice" in one


def test_api_filing_and_feedback_for_the_entity_with_field_errors(tmp_path):
    entity = make_user("entity")
    assert api().post("/api/statistics/small-projects/", FILING, format="json").status_code in (401, 403)
    assert api(make_user("contractor")).post("/api/statistics/small-projects/", FILING,
                                             format="json").status_code == 403
    bad = api(entity).post("/api/statistics/small-projects/", {**FILING, "amount": "lots"}, format="json")
    assert bad.status_code == 400 and "amount" in bad.json()
    made = api(entity).post("/api/statistics/small-projects/", FILING, format="json")
    assert made.status_code == 201 and made.json()["amount"] == "150000.00"
    assert api(entity).post("/api/statistics/integrity/feedback/", {"text": ""}, format="json").status_code == 400
    done = api(entity).post("/api/statistics/integrity/feedback/", {"text": "We agree."}, format="json")
    assert done.status_code == 201 and Feedback.objects.get().entity == entity.organisation
    assert api(make_user("supervisor")).post("/api/statistics/integrity/feedback/", {"text": "x"},
                                             format="json").status_code == 403


def test_small_filings_of_other_entities_do_not_make_a_splitting_lead():
    one, two = make_user("entity"), make_user("entity")
    small(one, "Hall roof", "works", "2100000.00", "direct", 0)
    small(two, "Hall walls", "works", "2100000.00", "direct", 5)
    from trading.publication.selectors import splitting_flags
    assert splitting_flags() == []


def test_the_demo_register_has_a_splitting_lead_and_history_gives_the_figures_substance():
    from fixtures import demo
    from trading.publication.selectors import Filters, splitting_flags, statistics

    demo.load(seed=5, contractors=30, tenders=60, live=False)
    flags = splitting_flags()
    assert len(flags) == 1 and flags[0]["total"] == Decimal("4130000.00")  # 1,980,000 + 2,150,000
    total = statistics(Filters())["total"]
    assert (total["tenders"], total["history_tenders"], total["small_projects"]) == (60, 60, 5)
    assert total["savings"] > 0 and total["entry_rate_count"] == 92.3  # 60 / 65
