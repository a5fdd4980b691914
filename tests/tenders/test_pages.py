"""The public list and announcement pages, and the entity's desk from project entry to publication."""
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from tests.factories import PASSWORD, make_user
from tests.files import pdf
from trading.tenders import clock
from trading.tenders.models import Project, Tender, TenderStatus

from .builders import draft_tender, published_tender

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_public_list_shows_published_tenders_but_never_drafts(client, entity_user):
    published = published_tender(entity_user, title="Bridge repair over the canal")
    draft = draft_tender(entity_user, title="Secret draft school roof")
    page = client.get(reverse("tenders:list")).content.decode()
    assert published.title in page and draft.title not in page
    assert client.get(reverse("tenders:detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("tenders:detail", args=[published.pk])).status_code == 200


def test_search_filters_and_pagination(client, entity_user):
    other_entity = make_user("entity")
    road = published_tender(entity_user, title="Ring road asphalt", project_type="works")
    pcs = published_tender(other_entity, title="Desktop computers", project_type="goods",
                           description="Forty office machines.", ceiling_price=Decimal("50000"),
                           bid_security_amount=Decimal("1000"))
    url = reverse("tenders:list")

    def titles(**params):
        return client.get(url, params).content.decode()

    assert road.title in titles(q="asphalt") and pcs.title not in titles(q="asphalt")
    assert road.title in titles(q=road.reference) and pcs.title not in titles(q=road.reference)
    assert road.title in titles(q="Ring road section")  # the project name
    assert pcs.title in titles(type="goods") and road.title not in titles(type="goods")
    assert pcs.title in titles(entity=other_entity.organisation_id) and road.title not in titles(
        entity=other_entity.organisation_id)
    assert pcs.title in titles(max_amount="60000") and road.title not in titles(max_amount="60000")
    assert road.title in titles(min_amount="60000") and pcs.title not in titles(min_amount="60000")
    assert road.title in titles(status="published") and road.title not in titles(status="cancelled")
    # Bad filter values are reported, not a crash, and the list still answers.
    response = client.get(url, {"min_amount": "lots", "type": "spaceships", "page": "9999"})
    assert response.status_code == 200 and "Enter a number" in response.content.decode()


def test_pagination_keeps_the_filters(client, entity_user):
    project = published_tender(entity_user, title="Lot 0 of many").project
    for n in range(1, 21):
        Tender.objects.create(project=project, reference=f"BULK-{n}", title=f"Lot {n} of many",
                              status=TenderStatus.PUBLISHED, ceiling_price=10, evaluation_method="lowest_price",
                              bid_security_amount=0, published_at=clock.now())
    first = client.get(reverse("tenders:list"), {"q": "of many"}).content.decode()
    assert "Page 1 of 2" in first and "q=of+many&amp;page=2" in first
    second = client.get(reverse("tenders:list"), {"q": "of many", "page": 2}).content.decode()
    assert "Page 2 of 2" in second and second.count("of many</a>") == 1


def test_bid_link_only_for_contractors_while_bidding_is_open(client, entity_user, contractor):
    tender = published_tender(entity_user)
    try:
        submit = reverse("bids:submit", args=[tender.pk])
    except NoReverseMatch:
        submit = None
    anonymous = client.get(reverse("tenders:detail", args=[tender.pk])).content.decode()
    assert "Submit a bid" not in anonymous
    page = login(client, contractor).get(reverse("tenders:detail", args=[tender.pk])).content.decode()
    assert ("Submit a bid" in page) == bool(submit)
    if submit:
        assert submit in page
    closed = published_tender(entity_user, deadline=clock.now() - dt.timedelta(minutes=1))
    assert "Submit a bid" not in client.get(reverse("tenders:detail", args=[closed.pk])).content.decode()


def test_entity_registers_a_project_creates_edits_and_publishes(client, entity_user, supervisor, holders):
    login(client, entity_user)
    url = reverse("tenders:my_projects")
    bad = client.post(url, {"name": "", "project_type": "works", "budget": "-5", "funding_source": "City"})
    assert bad.status_code == 200 and Project.objects.count() == 0
    assert "This field is required" in bad.content.decode()
    response = client.post(url, {"name": "New hospital wing", "project_type": "works", "budget": "5000000",
                                 "funding_source": "Provincial budget"})
    assert response.status_code == 302
    project = Project.objects.get(name="New hospital wing")
    assert project.entity == entity_user.organisation

    create = reverse("tenders:create", args=[project.pk])
    deadline = clock.now() + dt.timedelta(days=25)
    form = {"title": "Hospital wing construction", "ceiling_price": "4800000", "bid_security_amount": "80000",
            "evaluation_method": "scoring", "scoring_weights": "price=60, technical=30", "deadline": local(deadline),
            "min_bids": 3,
            "key_threshold": 2, "lots": "Structure; 3000000\nFit-out; 1800000"}
    response = client.post(create, form)
    assert response.status_code == 200 and "add up to 100" in response.content.decode()
    assert not Tender.objects.filter(project=project).exists()
    response = client.post(create, dict(form, scoring_weights="price=60, technical=40"))
    tender = Tender.objects.get(project=project)
    assert response.status_code == 302 and tender.lots.count() == 2
    assert tender.scoring_weights == {"price": 60, "technical": 40}

    manage = reverse("tenders:manage", args=[tender.pk])
    page = client.get(manage).content.decode()
    assert supervisor.username in page  # a supervisor with a key is offered as key holder
    edit = client.post(reverse("tenders:edit", args=[tender.pk]), dict(form, scoring_weights="price=100",
                                                                         title="Hospital wing, phase 1"))
    assert edit.status_code == 302
    tender.refresh_from_db()
    assert tender.title == "Hospital wing, phase 1"

    upload = client.post(reverse("tenders:upload", args=[tender.pk]), {
        "title": "Tender documents", "file": SimpleUploadedFile("tender.pdf", pdf("documents"))})
    assert upload.status_code == 302 and tender.documents.count() == 1

    publish = reverse("tenders:publish", args=[tender.pk])
    too_few = client.post(publish, {"key_holders": [entity_user.pk, supervisor.pk], "threshold": 2})
    assert too_few.status_code == 400 and "at least 3 key holders" in too_few.content.decode()
    response = client.post(publish, {"key_holders": [h.pk for h in holders], "threshold": 2})
    assert response.status_code == 302
    tender.refresh_from_db()
    assert tender.status == TenderStatus.PUBLISHED
    assert tender.title in client.get(reverse("tenders:list")).content.decode()

    clarify = client.post(reverse("tenders:clarify", args=[tender.pk]), {
        "text": "The access road is closed on Sundays.", "changes_conditions": ""})
    assert clarify.status_code == 302
    detail = client.get(reverse("tenders:detail", args=[tender.pk])).content.decode()
    assert "The access road is closed on Sundays." in detail
    cancel = client.post(reverse("tenders:cancel", args=[tender.pk]), {"reason": ""})
    assert cancel.status_code == 400
    cancel = client.post(reverse("tenders:cancel", args=[tender.pk]), {"reason": "Funding withdrawn"})
    tender.refresh_from_db()
    assert cancel.status_code == 302 and tender.status == TenderStatus.CANCELLED


def test_a_published_tender_cannot_be_edited_through_the_form(client, entity_user):
    tender = published_tender(entity_user)
    login(client, entity_user)
    response = client.post(reverse("tenders:edit", args=[tender.pk]), {
        "title": "Changed", "ceiling_price": "1", "bid_security_amount": "0", "evaluation_method": "lowest_price",
        "min_bids": 3,
        "key_threshold": 2})
    assert response.status_code == 400 and "clarification" in response.content.decode()
    tender.refresh_from_db()
    assert tender.title != "Changed"


def test_publication_with_too_short_a_period_is_refused_on_the_form(client, entity_user, holders):
    tender = draft_tender(entity_user, deadline=clock.now() + dt.timedelta(days=10))
    login(client, entity_user)
    response = client.post(reverse("tenders:publish", args=[tender.pk]),
                           {"key_holders": [h.pk for h in holders], "threshold": 2})
    body = response.content.decode()
    assert response.status_code == 400 and "at least 20 days" in body
    tender.refresh_from_db()
    assert tender.status == TenderStatus.DRAFT


def test_pages_are_translated(client, entity_user):
    published_tender(entity_user)
    client.cookies["django_language"] = "zh-hans"
    body = client.get(reverse("tenders:list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert re.search(r'<html lang="zh-hans"', body)


def test_announcement_leads_to_the_opening_hall(client, entity_user, supervisor):
    tender = published_tender(entity_user)
    hall, supervise = reverse("realtime:hall", args=[tender.pk]), reverse("realtime:supervise", args=[tender.pk])
    public_page = client.get(reverse("tenders:detail", args=[tender.pk])).content.decode()
    assert hall in public_page and supervise not in public_page
    assert client.get(hall).status_code == 200
    supervisor_page = login(client, supervisor).get(reverse("tenders:detail", args=[tender.pk])).content.decode()
    assert supervise in supervisor_page
