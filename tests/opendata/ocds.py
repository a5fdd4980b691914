"""Validation against the official OCDS 1.1 schemas vendored in trading/opendata/schema (offline).

The release schema is patched with the bid and lots extensions the packages declare, as OCDS tools do (each
extension's release-schema.json is a JSON Merge Patch, RFC 7386), so their fields are checked too.
"""
import copy
import datetime as dt
import functools
import json
from pathlib import Path

from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SCHEMA = Path(__file__).resolve().parents[2] / "trading" / "opendata" / "schema"
BASE = "https://standard.open-contracting.org/schema/1__1__5/"


def merge_patch(target, patch):
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def load(name):
    return json.loads((SCHEMA / name).read_text())


@functools.cache
def validators():
    release = load("release-schema.json")
    for extension in ("bids", "lots"):
        release = merge_patch(release, load(f"extensions/{extension}/release-schema.json"))
    registry = Registry().with_resources([
        (BASE + "release-schema.json", Resource(contents=release, specification=DRAFT4)),
        (BASE + "versioned-release-validation-schema.json",
         Resource(contents=load("versioned-release-validation-schema.json"), specification=DRAFT4)),
    ])
    return {name: Draft4Validator(load(f"{name}-schema.json"), registry=registry)
            for name in ("release-package", "record-package")}


def _dates(node, path="$"):
    """Every date field must be an ISO 8601 date-time (the schema says format date-time, which jsonschema leaves
    unchecked without an extra package)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in {"date", "startDate", "endDate", "dateSigned", "dateMet", "datePublished", "publishedDate"} \
                    and value is not None:
                assert isinstance(value, str) and dt.datetime.fromisoformat(value).tzinfo, f"{path}.{key}: {value!r}"
            _dates(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _dates(value, f"{path}[{i}]")


def _unique_ids(release):
    for key in ("parties", "awards", "contracts"):
        ids = [row["id"] for row in release.get(key, [])]
        assert len(ids) == len(set(ids)), f"{release['id']}: {key} ids repeat: {ids}"
    bids = [row["id"] for row in release.get("bids", {}).get("details", [])]
    assert len(bids) == len(set(bids))
    party_ids = {p["id"] for p in release.get("parties", [])}
    for award in release.get("awards", []):
        assert all(s["id"] in party_ids for s in award["suppliers"])


def errors(kind, package):
    found = sorted(validators()[kind].iter_errors(package), key=lambda e: list(e.path))
    return [f"{'/'.join(map(str, e.path))}: {e.message[:300]}" for e in found]


def assert_valid(kind, package):
    problems = errors(kind, package)
    assert not problems, "\n".join(problems)
    _dates(package)
    releases = package.get("releases", []) if kind == "release-package" else [
        release for record in package["records"] for release in
        [record["compiledRelease"], *[r for r in record["releases"] if "ocid" in r]]]
    for release in releases:
        _unique_ids(release)
