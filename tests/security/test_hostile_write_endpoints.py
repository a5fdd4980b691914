"""Every write endpoint of the API (each POST, PUT, PATCH and DELETE of the OpenAPI schema), as every role and
anonymously, gets generated JSON bodies that put hostile strings in its own fields and keys.

Schemathesis cannot send a lone surrogate (it leaves category Cs out: such a string cannot be encoded as UTF-8),
so these bodies are written here: JSON's \\ud800 escapes reach the server as unpaired surrogates. The other
hostile strings: NUL, bidi overrides, zero-width and non-characters, numbers spelled out of range or as
NaN/Infinity, fullwidth digits, markup and SQL, very long text, in nested lists and objects too.

- A body that holds a lone surrogate anywhere, in a value or a key, gets a 400 that names where it is.
- No body gets a 500; every 4xx says why, in JSON.
"""
import json
import re

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.bids.builders import submit
from tests.contracts.builders import awarded
from tests.factories import api_token, make_user
from trading.accounts.roles import Role

pytestmark = pytest.mark.django_db

WRITE_METHODS = ("post", "put", "patch", "delete")
SURROGATE = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
# Text with at least one unpaired surrogate: alone, inside other text, or a low and a high one in the wrong order.
SURROGATE_TEXT = st.one_of(
    SURROGATE,
    st.builds(lambda before, s, after: before + s + after, st.text(max_size=6), SURROGATE, st.text(max_size=6)),
    st.just("\udc00\ud800"), st.just("price \udfff"),
)
HOSTILE_TEXT = st.one_of(
    st.sampled_from([
        "\x00", "a\x00b", "\u202eevil\u202c", "\u200b\u200d\ufeff", "\uffff\ufffe", "\U0010ffff", "e\u0301" * 50,
        "NaN", "Infinity", "-Infinity", "1e999", "-0", "99999999999999999999999999999999", "0x1F", "１２３",
        "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "%00", "\r\n\r\nX-Injected: 1",
        "", " ", "x" * 70_000,
    ]),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=40),
)
NUMBERS = st.sampled_from([10**40, -(10**40), 1e308, -1e-308, 0, -1, 2**63, 2**64 + 1])


def nested(leaf):
    return st.recursive(leaf, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.text(max_size=8), inner, max_size=3), max_leaves=6)


def _schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(schema, node):
    while isinstance(node, dict) and "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node or {}


def write_operations():
    """[(method, path template, names of the JSON body's fields)] for every write operation in the schema."""
    schema = _schema()
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in WRITE_METHODS:
                continue
            content = operation.get("requestBody", {}).get("content", {})
            body = _resolve(schema, next(iter(content.values()), {}).get("schema", {}))
            found.append((method, path, sorted(body.get("properties", {})) or ["text", "reason", "payload"]))
    # Revoking tokens last: after it the callers' tokens no longer open anything.
    return sorted(found, key=lambda operation: operation[1].startswith("/api/token/revoke"))


@st.composite
def bodies(draw, fields, hostile):
    """An object over the operation's own fields (and now and then a key of its own), each value hostile or
    holding hostile text deeper down. With `hostile` = SURROGATE_TEXT, one place (a value or a key) is sure to
    hold a lone surrogate; its dotted path is returned with the body."""
    chosen = draw(st.lists(st.sampled_from(fields), min_size=1, max_size=len(fields), unique=True))
    body = {name: draw(nested(HOSTILE_TEXT | NUMBERS)) for name in chosen}
    if hostile is HOSTILE_TEXT:
        return body, None
    where = draw(st.sampled_from(["value", "key", "deep"]))
    name = draw(st.sampled_from(chosen))
    if where == "value":
        body[name] = draw(SURROGATE_TEXT)
        return body, name
    if where == "key":
        body[draw(SURROGATE_TEXT)] = draw(HOSTILE_TEXT)
        return body, ""
    body[name] = [draw(HOSTILE_TEXT), {"inner": draw(SURROGATE_TEXT)}]
    return body, f"{name}.1.inner"


@pytest.fixture
def world(db, tender_for_bids, contractor, entity_user):
    """A published tender with a bid, an awarded tender of the same entity with its contract concluded, and a
    client for every role (a token each), for the winner, and an anonymous one."""
    bid = submit(contractor, tender_for_bids, client_key="hostile-seed").bid
    awarded_world = awarded(entity=entity_user)
    contract = awarded_world.conclude()
    users = {Role.CONTRACTOR.value: contractor, Role.ENTITY.value: entity_user, "winner": awarded_world.winner}
    for role in Role:
        users.setdefault(role.value, make_user(role.value))
    clients = {"anonymous": Client()}
    clients.update({who: Client(HTTP_AUTHORIZATION=f"Token {api_token(user)}") for who, user in users.items()})
    ids = {"tender": tender_for_bids.pk, "bid": bid.pk, "awarded": awarded_world.tender.pk,
           "award": awarded_world.award.pk, "contract": contract.pk}
    return {"clients": clients, "ids": ids}


def fill(path, ids):
    """The path with each {parameter} replaced by an object that exists where the seeded world has one of the
    kind: the bid, the award, the contract, the published or the awarded tender (another kind by that number
    may or may not exist: a 404 is an answer too)."""
    def value(match):
        name = match.group(1)
        if "bid" in name or path.startswith("/api/bids/"):
            return str(ids["bid"])
        if path.startswith("/api/award/awards/"):
            return str(ids["award"])
        if path.startswith("/api/contracts/{id}/"):
            return str(ids["contract"])
        if path.startswith(("/api/award/", "/api/contracts/", "/api/deposits/")):
            return str(ids["awarded"])
        return str(ids["tender"])
    return re.sub(r"{([^}]+)}", value, path)


def send(client, method, url, body):
    return getattr(client, method)(url, json.dumps(body).encode(), content_type="application/json")


def reason_of(response):
    assert response["Content-Type"].startswith("application/json"), (response.status_code, response.content[:300])
    answer = response.json()
    assert answer, "a refusal says why"
    return answer


@pytest.mark.timeout(600)
def test_a_lone_surrogate_is_refused_with_400_at_every_write_endpoint(world):
    operations = write_operations()
    assert len(operations) >= 60, "the schema lists the API's write operations"
    problems = []
    for method, path, fields in operations:
        url = fill(path, world["ids"])

        @settings(max_examples=6, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(drawn=bodies(fields, SURROGATE_TEXT), who=st.sampled_from(sorted(world["clients"])))
        def post(drawn, who):
            body, where = drawn
            response = send(world["clients"][who], method, url, body)
            assert response.status_code == 400, (who, response.status_code, response.content[:300])
            answer = reason_of(response)
            reason = " ".join(str(r) for r in next(iter(answer.values())))
            assert "unpaired surrogate" in reason, answer
            if where:  # the refusal names the field (the dotted path) that holds it
                assert where in answer, (where, answer)

        try:
            post()
        except AssertionError as exc:
            problems.append(f"{method.upper()} {path}: {str(exc)[:400]}")
    assert not problems, "\n".join(problems)


@pytest.mark.timeout(600)
def test_no_hostile_string_reaches_a_500_at_any_write_endpoint(world):
    problems = []
    for method, path, fields in write_operations():
        url = fill(path, world["ids"])

        @settings(max_examples=4, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(drawn=bodies(fields, HOSTILE_TEXT))
        def post(drawn):
            body, _ = drawn
            for who, client in world["clients"].items():  # as every caller: one of them gets past the permission
                response = send(client, method, url, body)
                assert response.status_code < 500, (who, body, response.status_code, response.content[:300])
                if response.status_code >= 400:
                    reason_of(response)

        try:
            post()
        except AssertionError as exc:
            problems.append(f"{method.upper()} {path}: {str(exc)[:600]}")
    assert not problems, "\n".join(problems)


def test_deep_nesting_and_oversized_bodies_are_refused_at_every_write_endpoint(world, settings):
    """Nesting past strictjson's depth gets 400 and a body past the caller's limit 413, at each write endpoint and
    for every caller, each with its reason in JSON."""
    limit = 64 * 1024
    settings.SUNLIGHT = {**settings.SUNLIGHT, "MAX_REQUEST_BYTES": limit, "MAX_ANONYMOUS_REQUEST_BYTES": limit}
    deep = (b'{"a":' * 5000) + b"1" + (b"}" * 5000)
    problems = []
    for method, path, fields in write_operations():
        url = fill(path, world["ids"])
        oversized = json.dumps({fields[0]: "x" * limit}).encode()
        for who, client in world["clients"].items():
            nested_answer = getattr(client, method)(url, deep, content_type="application/json")
            big_answer = getattr(client, method)(url, oversized, content_type="application/json")
            if nested_answer.status_code != 400 or "nested deeper" not in json.dumps(reason_of(nested_answer)):
                problems.append(f"{method.upper()} {path} as {who}, deep: {nested_answer.status_code}")
            if big_answer.status_code != 413 or "the limit is" not in json.dumps(reason_of(big_answer)):
                problems.append(f"{method.upper()} {path} as {who}, oversized: {big_answer.status_code}")
    assert not problems, "\n".join(problems)
