"""Hostile input gets a clear 4xx naming the field and the reason: never a 500, never a half-written record.

Lone surrogates (a code point Python holds but UTF-8 cannot encode), JSON nested to any depth, keys
written twice, numbers too large for the database, bodies over the caller's limit.
"""
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.db import DataError, connection, transaction
from django.test import Client

from tests.bids.builders import CONTENT
from tests.factories import PASSWORD, api_token
from tests.tenders.builders import project, published_tender
from trading.bids.models import Bid
from trading.tenders import clock
from trading.tenders.models import Tender

pytestmark = pytest.mark.django_db
LONE = "\ud800"


def raw_json(client, url, text, **extra):
    """POST text as application/json exactly as written (the test client would re-encode a dict)."""
    return client.post(url, text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text,
                       content_type="application/json", **extra)


def token_client(user):
    return Client(HTTP_AUTHORIZATION=f"Token {api_token(user)}")


def surrogate_json(value):
    """json.dumps writes a lone surrogate as the escape \\ud800, which json.loads turns back into one."""
    return json.dumps(value)


def deep(depth):
    return "[" * depth + "]" * depth


def test_a_lone_surrogate_in_bid_text_is_refused_with_its_field(contractor, tender_for_bids):
    client = token_client(contractor)
    body = surrogate_json({"tender": tender_for_bids.pk, **CONTENT, "quality": "GB 50300 " + LONE})
    response = raw_json(client, "/api/bids/", body)
    assert response.status_code == 400, response.content
    assert "unpaired surrogate" in response.json()["quality"][0] and "\\ud800" in response.json()["quality"][0]
    assert not Bid.objects.exists()
    # The same bid with plain text goes through: the refusal was about the character, not the bid.
    ok = raw_json(client, "/api/bids/", json.dumps({"tender": tender_for_bids.pk, **CONTENT}))
    assert ok.status_code == 201, ok.content


def test_a_lone_surrogate_in_a_scoring_weight_key_is_refused_and_nothing_is_stored(entity_user):
    own = project(entity_user)
    deadline = (clock.now() + dt.timedelta(days=30)).isoformat()
    body = surrogate_json({"project": own.pk, "title": "Bridge", "ceiling_price": "900000.00",
                           "bid_security_amount": "10000", "evaluation_method": "scoring", "deadline": deadline,
                           "scoring_weights": {"price" + LONE: 70, "technical": 30}})
    response = raw_json(token_client(entity_user), "/api/tenders/", body)
    assert response.status_code == 400
    assert "key holds an unpaired surrogate" in response.json()["scoring_weights"][0]
    assert not Tender.objects.exists()
    assert Client().get("/api/tenders/").status_code == 200


def test_a_surrogate_stored_before_the_checks_is_repaired_and_the_list_and_page_work_again(entity_user):
    tender = published_tender(entity_user=entity_user, title="Old bridge")
    broken = {"price" + LONE: 60, "technical": 40}
    if connection.vendor == "postgresql":
        # PostgreSQL's jsonb refuses a lone surrogate outright: such old data cannot exist there.
        with pytest.raises(DataError), transaction.atomic():
            Tender.objects.filter(pk=tender.pk).update(scoring_weights=broken, evaluation_method="scoring")
        return
    # What an older version let through on SQLite: the key is stored as the escape \ud800.
    Tender.objects.filter(pk=tender.pk).update(scoring_weights=broken, evaluation_method="scoring")
    with pytest.raises(UnicodeEncodeError):
        Client(raise_request_exception=True).get("/api/tenders/")  # the 500 everyone saw
    call_command("repair_text", stdout=io.StringIO())
    listed = Client().get("/api/tenders/")
    assert listed.status_code == 200
    weights = next(t for t in listed.json()["results"] if t["id"] == tender.pk)["scoring_weights"]
    assert set(weights) == {"price\ufffd", "technical"}
    assert Client().get(f"/tenders/{tender.pk}/").status_code == 200


@pytest.mark.parametrize("url", ["/api/token/", "/api/bids/", "/api/tenders/"])
@pytest.mark.parametrize("depth", [65, 2000, 200000])
def test_json_nested_to_any_depth_is_a_400_naming_the_limit(url, depth, contractor):
    client = Client() if url == "/api/token/" else token_client(contractor)
    response = raw_json(client, url, deep(depth))
    assert response.status_code == 400, response.content[:200]
    assert "nested deeper than 64 levels" in json.dumps(response.json())


def test_json_within_the_depth_limit_still_reaches_the_serializer():
    response = raw_json(Client(), "/api/token/", '{"username": [[[["x"]]]], "password": "p"}')
    assert response.status_code == 400 and "username" in response.json()


def test_a_key_written_twice_is_refused_not_silently_resolved(contractor, tender_for_bids):
    body = f'{{"tender": {tender_for_bids.pk}, "price": "1.00", "price": "1250000.00", "duration_days": 180}}'
    response = raw_json(token_client(contractor), "/api/bids/", body)
    assert response.status_code == 400 and "appears twice" in response.json()["price"][0]
    assert not Bid.objects.exists()


def test_bodies_that_are_not_utf8_or_not_json_say_so():
    assert "not UTF-8" in raw_json(Client(), "/api/token/", b'{"username": "\xff"}').json()["non_field_errors"][0]
    refused = raw_json(Client(), "/api/token/", '{"username": NaN}')
    assert refused.status_code == 400 and "NaN is not a JSON number" in refused.json()["non_field_errors"][0]


def test_ids_too_large_for_the_database_are_404_not_500(contractor, tender_for_bids):
    huge = 10**30
    assert Client().get(f"/api/tenders/{huge}/").status_code == 404
    assert Client().get(f"/tenders/{huge}/").status_code == 404
    assert token_client(contractor).get(f"/api/bids/{huge}/").status_code == 404
    # In a body: a 400, not a 500, and nothing stored.
    response = raw_json(token_client(contractor), "/api/bids/", json.dumps({"tender": huge, **CONTENT}))
    assert response.status_code in (400, 404) and not Bid.objects.exists()


def test_a_malformed_authorization_header_is_refused_not_a_500():
    for header in ("Token \u00e9\u00e9", "Token " + "z" * 64, "Token abc def", "Token"):
        response = Client(HTTP_AUTHORIZATION=header).get("/api/bids/")
        assert response.status_code in (401, 403) and "detail" in response.json(), header


def test_an_anonymous_body_over_its_limit_is_refused_before_it_is_parsed(settings, contractor):
    settings.SUNLIGHT = {**settings.SUNLIGHT, "MAX_ANONYMOUS_REQUEST_BYTES": 64 * 1024}
    big = "x" * (200 * 1024)
    response = Client().post("/accounts/login/", {"username": contractor.username, "password": PASSWORD,
                                                  "padding": big})
    assert response.status_code == 413 and b"limit is 0.1 MB" in response.content
    # A logged-in user has the larger limit: the same body reaches the view (a 403 for the missing token
    # would also be the view's own answer, not the limit's).
    client = Client()
    client.force_login(contractor)
    assert client.post("/accounts/profile/", {"padding": big}).status_code != 413
    api = raw_json(Client(), "/api/token/", json.dumps({"username": "u", "password": big}))
    assert api.status_code == 413 and "limit is" in api.json()["non_field_errors"][0]


def test_a_user_body_over_the_user_limit_is_refused(settings, contractor, tender_for_bids):
    settings.SUNLIGHT = {**settings.SUNLIGHT, "MAX_REQUEST_BYTES": 100 * 1024}
    body = json.dumps({"tender": tender_for_bids.pk, **CONTENT, "quality": "q" * (200 * 1024)})
    response = raw_json(token_client(contractor), "/api/bids/", body)
    assert response.status_code == 413 and not Bid.objects.exists()


def test_a_refusal_is_logged_as_one_line_without_a_traceback(caplog, contractor):
    client = Client()
    client.force_login(contractor)
    with caplog.at_level("WARNING", logger="django.request"):
        assert client.get("/accounts/organisations/new/").status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records
    from trading.middleware import QuietRefusals

    for record in records:
        QuietRefusals().filter(record)
        assert record.exc_info is None and "Traceback" not in caplog.handler.format(record)


def test_every_user_facing_page_carries_a_strict_content_security_policy(contractor):
    policy = Client().get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "Content-Security-Policy" in Client().get("/api/tenders/").headers
    assert "Content-Security-Policy" in Client().get(f"/tenders/{10**30}/").headers


INLINE = [
    ("an inline script", r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"),
    ("an inline event handler", r"<[a-z][^>]*\son[a-z]+\s*="),
    ("a javascript: URL", r"javascript:"),
    ("an inline style", r"<[a-z][^>]*\sstyle\s*=|<style"),
]


def test_no_template_holds_inline_script_handlers_or_style_the_policy_would_block():
    import re
    from pathlib import Path

    from django.conf import settings

    found = []
    for template in sorted((Path(settings.BASE_DIR) / "trading").rglob("templates/**/*.html")):
        text = template.read_text()
        for what, pattern in INLINE:
            for match in re.finditer(pattern, text, re.IGNORECASE):
                found.append(f"{template.relative_to(settings.BASE_DIR)}: {what}: {match.group(0)[:60]}")
    assert not found, "\n".join(found)


def test_pages_still_work_without_inline_script(contractor):
    page = Client().get("/").content.decode()
    assert 'data-autosubmit' in page and "sunlight/page.js" in page
    assert Client().get("/static/sunlight/page.js").status_code == 200
