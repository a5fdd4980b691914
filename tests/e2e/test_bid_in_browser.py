"""A contractor logs in, finds a tender in the public list, submits a sealed bid and sees its receipt.

The bid is sealed in the browser: no plain field of it reaches the server, and the opening decrypts what was typed.
"""
import base64
import re
from decimal import Decimal

import pytest

from tests.bids.builders import after_deadline, give_holder_key, rebuild_key
from tests.e2e.browser import browse, send_sealed_bid
from tests.factories import make_user
from tests.tenders.builders import published_tender
from trading.bids import services
from trading.bids.models import Bid, BidStatus


@pytest.mark.browser
def test_contractor_submits_a_bid_and_sees_the_receipt(live_server, chromium_path, contractor):
    entity = make_user("entity")
    published_tender(entity_user=entity, holders=[give_holder_key(entity), give_holder_key(make_user("supervisor"))],
                     title="Riverside footbridge repainting")
    with browse(chromium_path, live_server.url) as walk:
        page = walk.as_(contractor)
        page.goto(f"{live_server.url}/tenders/")
        page.fill("form.filters input[name=q]", "footbridge")
        page.click("form.filters button[type=submit]")
        page.click("text=Riverside footbridge repainting")
        page.click("text=Submit a bid")

        send_sealed_bid(page, {"price": "736200.50", "duration_days": "95", "quality": "Qualified",
                               "project_manager": "Li Na", "security_reference": "BG-77"})
        page.wait_for_selector("#receipt")
        text = page.inner_text("main")
    bid = Bid.objects.get()
    assert f"Bid receipt #{bid.receipt.seq}" in text and bid.content_digest in text
    assert bid.device_fingerprint.startswith("sha256:") and bid.bidder == contractor.organisation


PDF = b"%PDF-1.7\n% Method statement of the bidder, confidential until the opening\n"
TYPED = {"price": "736200.50", "duration_days": "1287", "quality": "Qualified, GB 50300 excellent grade",
         "project_manager": "Ouyang Mingyue", "security_reference": "BG-SECRET-4471"}


@pytest.mark.browser
def test_the_browser_seals_the_bid_so_no_plain_field_reaches_the_server(live_server, chromium_path, contractor):
    entity = make_user("entity")
    tender = published_tender(entity_user=entity, holders=[give_holder_key(entity),
                                                           give_holder_key(make_user("supervisor"))])
    posts, problems = [], []
    with browse(chromium_path, live_server.url, timeout=30000) as walk:
        page = walk.as_(None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        walk.log_in(page, contractor)
        form_page = page.goto(f"{live_server.url}/bids/tender/{tender.pk}/submit/")
        policy = form_page.headers.get("content-security-policy", "")
        # Every request the page sends from now on, with its body as the server receives it.
        page.on("request", lambda request: posts.append(request) if request.method == "POST" else None)
        # The browser's own checks come first: a bad price and a missing manager are refused, nothing is sent.
        page.fill("[data-sealed=price]", "12.345")
        page.fill("[data-sealed=duration_days]", TYPED["duration_days"])
        page.click("#bid-form button[type=submit]")
        page.wait_for_selector("[data-error-for=price]:not(:empty)")
        assert page.inner_text("[data-error-for=project_manager]") and not posts
        send_sealed_bid(page, TYPED, attachments=[
            {"name": "method-statement.pdf", "mimeType": "application/pdf", "buffer": PDF}])
        page.wait_for_selector("#receipt")
        receipt_text = page.inner_text("main")
        bodies = [request.post_data_buffer for request in posts]
    # The one error: the policy refusing libsodium's WebAssembly, after which it seals with its JavaScript build.
    assert all("WebAssembly" in p and "Content Security Policy" in p for p in problems), problems
    # The page ran under the strict policy: scripts from our own files only, no WebAssembly allowance.
    assert "script-src 'self'" in policy and "wasm-unsafe-eval" not in policy and "unsafe-eval" not in policy
    assert len(bodies) == 1 and bodies[0], "the bid form sends one POST, with a body"
    body = bodies[0]
    # (Values of four characters and more: a shorter one could turn up by chance in the base64 or the boxes.)
    for value in (*TYPED.values(), "736200.5", "method-statement", "Method statement", "duration_days", "quality"):
        assert value.encode() not in body, f"{value!r} reached the server in plain"
    sealed = re.search(rb'name="sealed_content"\r\n\r\n([A-Za-z0-9+/=]+)\r\n', body).group(1)
    assert b'name="sealed_attachments"' in body and b'name="price"' not in body

    bid = Bid.objects.get()
    # What is stored is exactly the sealed blob the browser sent (padded to 1024 bytes plus the 48 of the box),
    # and the receipt was issued over it.
    assert bytes(bid.sealed_content) == base64.b64decode(sealed) and len(bid.sealed_content) == 1024 + 48
    assert f"Bid receipt #{bid.receipt.seq}" in receipt_text and bid.content_digest in receipt_text
    assert bid.receipt.payload["attachments_sha256"] == [bid.attachments.get().digest]

    # The opening decrypts (PyNaCl opens libsodium.js's sealed boxes) to exactly what was typed.
    with after_deadline(tender):
        opened = services.open_bids(tender, rebuild_key(tender))
        attachment = services.open_attachment(bid.attachments.get(), rebuild_key(tender))
    bid.refresh_from_db()
    assert [b.pk for b in opened] == [bid.pk] and bid.status == BidStatus.OPENED
    assert (bid.price, bid.duration_days, bid.quality, bid.project_manager, bid.security_reference) == (
        Decimal("736200.50"), 1287, TYPED["quality"], TYPED["project_manager"], TYPED["security_reference"])
    assert (attachment.name, attachment.data) == ("method-statement.pdf", PDF)


@pytest.mark.browser
def test_the_browser_alarms_when_the_receipt_names_another_ciphertext(live_server, chromium_path, contractor):
    """A web process that stores or signs another ciphertext than the one sent: here the receipt it returns names
    another digest. The script compares it with what it sent and shows the alarm instead of the receipt."""
    entity = make_user("entity")
    tender = published_tender(entity_user=entity, holders=[give_holder_key(entity),
                                                           give_holder_key(make_user("supervisor"))])
    forged = "ab" * 32

    def swap_digest(route):
        response = route.fetch()
        receipt = response.json()
        receipt["payload"]["ciphertext_sha256"] = forged
        route.fulfill(response=response, json=receipt)

    with browse(chromium_path, live_server.url, timeout=30000) as walk:
        page = walk.as_(contractor)
        page.goto(f"{live_server.url}/bids/tender/{tender.pk}/submit/")
        page.route("**/receipt.json", swap_digest)
        send_sealed_bid(page, TYPED)
        page.wait_for_selector("#bid-alarm:not([hidden])")
        alarm = page.inner_text("#bid-alarm")
        stayed = page.url.endswith(f"/bids/tender/{tender.pk}/submit/")
    bid = Bid.objects.get()
    assert stayed and "does not name the sealed bid this browser sent" in alarm
    assert bid.content_digest in alarm and forged in alarm
