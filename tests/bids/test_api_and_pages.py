"""Submitting through the REST API and the pages, as contractors' tools and browsers do."""
import base64

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.files import pdf
from trading.bids import receipts
from trading.bids.models import Bid, BidStatus, Receipt

from .builders import CONTENT, api_client, sealed_form, submit

PDF = pdf("a small plan")


def test_api_submit_with_attachments_idempotency_key_and_fingerprint(tender, contractor):
    api = api_client(contractor)
    body = {"tender": tender.pk, **CONTENT, "attachments": [SimpleUploadedFile("plan.pdf", PDF)]}
    headers = {"HTTP_IDEMPOTENCY_KEY": "tool-run-7", "HTTP_X_DEVICE_FINGERPRINT": "sha256:beef",
               "HTTP_USER_AGENT": "BidTool/2.1", "REMOTE_ADDR": "192.0.2.44"}
    first = api.post("/api/bids/", body, format="multipart", **headers)
    assert first.status_code == 201, first.content
    data = first.json()
    assert data["replayed"] is False and data["bid"]["version"] == 1 and len(data["bid"]["attachments"]) == 1
    assert receipts.problems(data["receipt"], receipts.platform_public_key()) == []
    assert "price" not in data["bid"] and "1250000" not in first.content.decode()

    body["attachments"] = [SimpleUploadedFile("plan.pdf", PDF)]
    again = api.post("/api/bids/", body, format="multipart", **headers)
    assert again.status_code == 200 and again.json()["receipt"] == data["receipt"] and again.json()["replayed"]
    bid = Bid.objects.get()
    assert (bid.ip, bid.user_agent, bid.device_fingerprint) == ("192.0.2.44", "BidTool/2.1", "sha256:beef")

    replaced = api.post("/api/bids/", {"tender": tender.pk, **CONTENT, "price": "1200000"}, format="json")
    assert replaced.status_code == 201 and replaced.json()["bid"]["version"] == 2
    listed = api.get("/api/bids/").json()["results"]
    assert [(b["version"], b["status"]) for b in listed] == [(2, "active"), (1, "replaced")]


def test_api_answers_bad_input_per_field(tender, contractor):
    api = api_client(contractor)
    answer = api.post("/api/bids/", {"tender": tender.pk, **CONTENT, "price": "-5", "duration_days": "soon",
                                     "quality": ""}, format="json")
    assert answer.status_code == 400
    assert set(answer.json()) == {"price", "duration_days", "quality"}
    assert api.post("/api/bids/", {**CONTENT}, format="json").json() == {"tender": ["Give the tender's id."]}
    assert "tender" in api.post("/api/bids/", {"tender": 10**9, **CONTENT}, format="json").json()
    assert api.post("/api/bids/", [1, 2], format="json").status_code == 400
    assert not Bid.objects.exists()


def test_the_form_submits_a_sealed_bid_and_shows_the_receipt(client, tender, contractor):
    client.force_login(contractor)
    url = reverse("bids:submit", args=[tender.pk])
    page = client.get(url).content.decode()
    assert "bids/fingerprint.js" in page and 'name="device_fingerprint"' in page and 'name="client_key"' in page
    # The plain inputs carry no name, so no submission of the form can send them; the script seals them.
    assert "bids/seal.js" in page and 'data-sealed="price"' in page and 'name="price"' not in page
    assert f'data-tender-key="{base64.b64encode(bytes(tender.key.public_key)).decode()}"' in page
    form = {**sealed_form(tender, attachments=[SimpleUploadedFile("plan.pdf", PDF)]), "client_key": "form-key-1",
            "device_fingerprint": "sha256:cafe"}
    answer = client.post(url, form, HTTP_ACCEPT="application/json")
    bid = Bid.objects.get()
    assert answer.status_code == 201 and answer.json() == {
        "receipt_url": reverse("bids:receipt", args=[bid.pk]),
        "receipt_json_url": reverse("bids:receipt_download", args=[bid.pk])}
    assert bid.device_fingerprint == "sha256:cafe" and bid.attachments.count() == 1
    assert bytes(bid.sealed_content) == base64.b64decode(form["sealed_content"])
    assert bid.content_digest in client.get(answer.json()["receipt_url"]).content.decode()
    # The same form sent twice (a double click) stores one bid; without the script's header it redirects.
    again = client.post(url, {**form, **sealed_form(tender, attachments=[SimpleUploadedFile("plan.pdf", PDF)])})
    assert again.status_code == 302 and again.url == reverse("bids:receipt", args=[bid.pk])
    assert Bid.objects.count() == 1 and Receipt.objects.count() == 1
    page = client.get(url).content.decode()
    assert "Replace my bid" in page


def test_the_form_refuses_what_is_not_sealed_and_stores_nothing(client, tender, contractor):
    client.force_login(contractor)
    url = reverse("bids:submit", args=[tender.pk])
    # A browser without the script posts the form without the sealed content: refused, and no plain field was sent.
    response = client.post(url, {"client_key": "no-script"})
    assert response.status_code == 200
    assert "The bid was not sealed" in " ".join(response.context["form"].errors["sealed_content"])
    answers = [client.post(url, {"sealed_content": bad}, HTTP_ACCEPT="application/json")
               for bad in ("not base64!", base64.b64encode(b"x" * 40).decode(), "A" * 20000)]
    assert [a.status_code for a in answers] == [400, 400, 400]
    assert ["not valid base64" in " ".join(answers[0].json()["errors"]["sealed_content"]),
            "40 bytes" in " ".join(answers[1].json()["errors"]["sealed_content"]),
            "sealed_content" in answers[2].json()["errors"]] == [True, True, True]
    tiny = client.post(url, {**sealed_form(tender), "sealed_attachments": [SimpleUploadedFile("s.bin", b"x")]},
                       HTTP_ACCEPT="application/json")
    assert tiny.status_code == 400 and "too short" in str(tiny.json()["errors"])
    assert not Bid.objects.exists() and not Receipt.objects.exists()


def test_my_bids_lists_own_bids_with_receipts_and_bids_to_confirm(client, tender, contractor, other_contractor,
                                                                  entity_user):
    from trading.accounts.caller import Caller
    from trading.tenders import services as tender_services

    mine = submit(contractor, tender)
    theirs = submit(other_contractor, tender)
    tender_services.add_clarification(Caller(user=entity_user), tender, "Scope grows.", changes_conditions=True)
    client.force_login(contractor)
    page = client.get(reverse("bids:my_bids")).content.decode()
    assert reverse("bids:receipt", args=[mine.bid.pk]) in page and f"#{mine.receipt.seq}" in page
    assert "Bids to confirm" in page and reverse("bids:confirm", args=[mine.bid.pk]) in page
    assert reverse("bids:receipt", args=[theirs.bid.pk]) not in page
    assert other_contractor.organisation.name not in page
    client.post(reverse("bids:confirm", args=[mine.bid.pk]))
    assert "Bids to confirm" not in client.get(reverse("bids:my_bids")).content.decode()
    mine.bid.refresh_from_db()
    assert mine.bid.status == BidStatus.ACTIVE and not mine.bid.needs_reconfirmation


def test_the_fingerprint_script_is_served_locally(client):
    from django.contrib.staticfiles import finders

    path = finders.find("bids/fingerprint.js")
    assert path and "device_fingerprint" in open(path).read()


def test_absurd_ids_in_page_urls_are_not_found(client, contractor):
    client.force_login(contractor)
    huge = 10**30
    for url in (f"/bids/{huge}/receipt/", f"/bids/{huge}/receipt.json", f"/bids/tender/{huge}/submit/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/bids/{huge}/withdraw/").status_code == 404
