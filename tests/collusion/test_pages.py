"""Pages for discipline staff and administrators; everyone else is refused."""
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import make_user
from trading.accounts.caller import Caller
from trading.collusion.models import Case, CollusionReport
from trading.collusion.sentences import FIGURE_LABELS
from trading.collusion.services import open_case

from .builders import small_report


@pytest.fixture
def stored(db, discipline):
    objects = small_report()
    objects["case"] = open_case(Caller(user=discipline), flag=objects["flag"], note="First look")
    return objects


def page_urls(o):
    return [
        reverse("collusion:dashboard"),
        reverse("collusion:report", args=[o["report"].pk]),
        reverse("collusion:tender", args=[o["tender"].pk]),
        reverse("collusion:group", args=[o["group"].pk]),
        reverse("collusion:group_graph", args=[o["group"].pk]),
        reverse("collusion:bidder", args=[o["bidder"].pk]),
        reverse("collusion:flag", args=[o["flag"].pk]),
        reverse("collusion:flag_list", args=[o["report"].pk]) + f"?group={o['group'].pk}",
        reverse("collusion:cases"),
        reverse("collusion:case", args=[o["case"].pk]),
        reverse("collusion:report_pdf", args=[o["report"].pk]),
        reverse("collusion:report_csv", args=[o["report"].pk]),
        reverse("collusion:case_pdf", args=[o["case"].pk]),
        reverse("collusion:case_csv", args=[o["case"].pk]),
    ]


def post_urls(o):
    return [
        (reverse("collusion:run_report"), {}),
        (reverse("collusion:case_open"), {"group": o["group"].pk}),
        (reverse("collusion:case_note", args=[o["case"].pk]), {"text": "hello"}),
        (reverse("collusion:case_status", args=[o["case"].pk]), {"status": "reviewing"}),
    ]


@pytest.mark.parametrize("role", ["discipline", "admin"])
def test_discipline_staff_and_admins_see_every_page(client, stored, role):
    client.force_login(make_user(role))
    for url in page_urls(stored):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", ["contractor", "entity", "supervisor", "expert"])
def test_other_roles_are_refused_everywhere(client, stored, role):
    client.force_login(make_user(role))
    for url in page_urls(stored):
        assert client.get(url).status_code == 403, url
    for url, data in post_urls(stored):
        assert client.post(url, data).status_code == 403, url
    assert CollusionReport.objects.count() == 1 and Case.objects.count() == 1
    assert stored["case"].notes.count() == 1


def test_anonymous_visitors_are_sent_to_log_in(client, stored):
    login = reverse("accounts:login")
    for url in page_urls(stored) + [u for u, _ in post_urls(stored)]:
        response = client.get(url) if not url.endswith("/run/") else client.post(url)
        assert response.status_code == 302 and response.url.startswith(login), url


def test_admins_read_cases_but_only_discipline_staff_work_them(client, stored, admin_user):
    client.force_login(admin_user)
    case_url = reverse("collusion:case", args=[stored["case"].pk])
    assert "Add the note" not in client.get(case_url).content.decode()
    assert client.post(reverse("collusion:case_note", args=[stored["case"].pk]), {"text": "x"}).status_code == 403
    assert client.post(reverse("collusion:case_open"), {"group": stored["group"].pk}).status_code == 403


def test_dashboard_lists_groups_tenders_and_flags_of_the_latest_report(client, stored, discipline):
    client.force_login(discipline)
    html = client.get(reverse("collusion:dashboard")).content.decode()
    assert reverse("collusion:group", args=[stored["group"].pk]) in html
    tender = stored["tender"]
    assert f'{reverse("collusion:tender_ref", args=[tender.reference])}?report={tender.report_id}' in html
    assert "wins inside the group are evenly shared" in html
    assert "Run a new report" in html and "Open a case" in html


def test_dashboard_without_a_report_offers_to_run_one(client, discipline):
    client.force_login(discipline)
    html = client.get(reverse("collusion:dashboard")).content.decode()
    assert "No report yet" in html and "Run a new report" in html


def test_tender_card_shows_screens_with_market_percentiles(client, stored, discipline):
    client.force_login(discipline)
    html = client.get(reverse("collusion:tender", args=[stored["tender"].pk])).content.decode()
    assert "Coefficient of variation" in html and "0.0120" in html and "2%" in html
    assert "Gamma Roads" in html and "winner" in html


def test_group_page_has_graph_matrix_timeline_and_identities(client, stored, discipline):
    client.force_login(discipline)
    response = client.get(reverse("collusion:group", args=[stored["group"].pk]))
    html = response.content.decode()
    assert 'id="cobid-graph"' in html and "collusion/forcegraph.js" in html
    assert response.context["graph"]["nodes"][0]["id"] == "Alpha Works"
    assert len(response.context["graph"]["edges"]) == 3
    assert 'id="cobid-matrix"' in html and 'id="win-timeline"' in html
    assert "Alpha Works → Beta Builders → Gamma Roads → Alpha Works" in html
    assert "bank account" in html and "6222-1" in html
    graph = client.get(reverse("collusion:group_graph", args=[stored["group"].pk])).json()
    assert {n["id"] for n in graph["nodes"]} == {"Alpha Works", "Beta Builders", "Gamma Roads"}


def test_the_graph_script_is_served_locally(client, discipline):
    from django.contrib.staticfiles import finders

    assert finders.find("collusion/forcegraph.js")


def test_running_a_report_from_the_dashboard(client, discipline, market):
    client.force_login(discipline)
    response = client.post(reverse("collusion:run_report"), follow=True)
    report = CollusionReport.objects.get()
    assert response.redirect_chain[-1][0] == reverse("collusion:report", args=[report.pk])
    assert "A new report was stored" in response.content.decode()
    assert report.created_by == discipline


def test_a_flag_page_names_its_figures_in_the_readers_language(client, stored, discipline):
    flag = stored["flag"]
    assert flag.figures
    client.force_login(discipline)
    client.cookies["django_language"] = "zh-hans"
    page = client.get(reverse("collusion:flag", args=[flag.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for key in flag.figures:
        assert f"<td>{key}</td>" not in page
        with translation.override("zh-hans"):
            label = gettext(FIGURE_LABELS[key])
        assert any("\u4e00" <= ch <= "\u9fff" for ch in label), key  # really translated
        assert f"<td>{label}</td>" in page


def test_a_tender_link_by_reference_keeps_pointing_at_that_tender_after_a_new_report(client, stored, discipline):
    from trading.collusion.models import CollusionReport, TenderRisk

    client.force_login(discipline)
    newer = CollusionReport.objects.create(parameters={}, summary={})
    TenderRisk.objects.create(report=newer, reference="T-9", risk=0.2, band="blue")   # takes the next row ids
    TenderRisk.objects.create(report=newer, reference="T-1", risk=0.65, band="yellow")
    latest = client.get(reverse("collusion:tender_ref", args=["T-1"])).content.decode()
    assert "Risk card: tender T-1" in latest and "Elevated 0.65" in latest
    old = client.get(reverse("collusion:tender_ref", args=["T-1"]) + f"?report={stored['report'].pk}")
    assert "High 0.91" in old.content.decode()
    assert client.get(reverse("collusion:tender_ref", args=["T-404"])).status_code == 404


def test_search_finds_tenders_by_reference_and_bidders_by_name_or_credit_code(client, stored, discipline):
    from tests.factories import make_organisation

    org = make_organisation(name="Alpha Works", credit_code="91110000600037341L")
    stored["bidder"].organisation = org
    stored["bidder"].save()
    client.force_login(discipline)
    by_ref = client.get(reverse("collusion:search"), {"q": "T-1"}).content.decode()
    assert f'{reverse("collusion:tender_ref", args=["T-1"])}?report={stored["report"].pk}' in by_ref
    for q in ("alpha", "91110000600037341L"):
        html = client.get(reverse("collusion:search"), {"q": q}).content.decode()
        assert reverse("collusion:bidder", args=[stored["bidder"].pk]) in html, q
    assert "No bidder found." in client.get(reverse("collusion:search"), {"q": "Zeta"}).content.decode()


def test_risk_bands_are_written_out_not_only_coloured(client, stored, discipline):
    client.force_login(discipline)
    html = client.get(reverse("collusion:dashboard")).content.decode()
    assert 'class="badge red" title="risk 0.91">High 0.91</span>' in html
