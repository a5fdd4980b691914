"""A Chinese browser (Accept-Language zh-CN, nothing chosen) walks the public pages and a contractor's main pages:
every word on them is Chinese except what people typed (names, titles, references: anything stored) and a few
proper names and codes. What is left in English is one of our strings that is not translated or not wrapped."""
import re

import pytest
from django.apps import apps
from django.db import models

from tests.bids.builders import submit
from tests.complaints.builders import awarded
from tests.e2e.browser import browse
from tests.factories import make_user
from tests.i18n.english import typed_strings
from tests.tenders.builders import published_tender
from trading.notifications import dispatch
from trading.tenders import clock

# Proper names, standards and codes that stay as they are in Chinese text.
ALLOWED = {"SHA", "API", "JSON", "CSV", "PDF", "OCDS", "Excel", "XLSX", "Ed25519", "OpenAPI", "PyNaCl", "UTC",
           "English",  # the language switch names each language in itself
           "ocid", "limit"}  # the open-data API's identifier and parameter names
PHRASES = ["Open Contracting Data Standard", "Open Contracting Partnership"]
# The visible text of <main> and the header, without code, commands and addresses (<code>, <pre>, <kbd>, <samp>).
VISIBLE = """() => ["header", "main", "footer"].map(s => document.querySelector(s)).filter(Boolean).map(node => {
    const copy = node.cloneNode(true);
    copy.querySelectorAll("code, pre, kbd, samp, script, style, [hidden]").forEach(n => n.remove());
    document.body.appendChild(copy);
    const text = copy.innerText;
    copy.remove();
    return text;
}).join("\\n")"""
CHINESE = {"locale": "zh-CN", "extra_http_headers": {"Accept-Language": "zh-CN,zh;q=0.9"}}


def typed_by_people():
    """Every string the database holds in a free-text field (no choices): names, titles, references, texts."""
    found = set()
    for model in apps.get_models():
        if not model.__module__.startswith(("trading.", "django.contrib.auth")):
            continue
        fields = [f for f in model._meta.concrete_fields
                  if isinstance(f, (models.CharField, models.TextField, models.JSONField)) and not f.choices]
        for f in fields:
            for value in model.objects.values_list(f.attname, flat=True).iterator():
                found.update(typed_strings(value))
    return sorted((s for s in found if re.search(r"[A-Za-z]{3}", s)), key=len, reverse=True)


def english_on(text, typed):
    text = re.sub(r"\s+", " ", text)
    for value in [*typed, *PHRASES]:
        text = text.replace(re.sub(r"\s+", " ", value), " ")
    # Latin words end where Chinese begins (to re, Chinese characters are word characters too, so no \\b).
    text = re.sub(r"(?<![0-9A-Za-z])[0-9a-fA-F]{12,}(?![0-9A-Za-z])|[A-Za-z0-9+/=_-]{32,}", " ", text)  # digests
    text = re.sub(r"(?<![0-9A-Za-z])[A-Za-z]{1,4}-[0-9A-Za-z-]+", " ", text)  # T-1A2B3C, BG-2026-0001, ocds-xxxxxx
    return sorted({w for w in re.findall(r"[A-Za-z]{3,}", text) if w not in ALLOWED})


@pytest.mark.browser
def test_a_chinese_browser_finds_no_english_of_ours(live_server, chromium_path):
    done = awarded()
    winner = done.bidders[0]
    entity, supervisor = make_user("entity"), make_user("supervisor")
    open_tender = published_tender(entity, holders=[entity, supervisor], title="闽江滨江步道维修")
    bid = submit(winner, open_tender).bid
    latest = submit(winner, open_tender, client_key="again").bid  # the first bid's receipt is now superseded
    dispatch.dispatch(clock.now())
    typed = typed_by_people()

    public = ["/", "/tenders/", f"/tenders/{open_tender.pk}/", f"/tenders/{done.tender.pk}/", "/statistics/",
              "/statistics/small-projects/", "/statistics/integrity/", "/opendata/", "/bids/verify/",
              "/accounts/login/", "/accounts/register/", "/audit/checkpoints/", f"/opening/{done.tender.pk}/record/",
              f"/award/tender/{done.tender.pk}/", "/complaints/", "/credit/"]
    contractor = ["/bids/mine/", f"/bids/tender/{open_tender.pk}/submit/", f"/bids/{bid.pk}/receipt/",
                  f"/bids/{latest.pk}/withdraw/",
                  "/notifications/", "/deposits/mine/", "/award/results/",
                  "/contracts/mine/", "/accounts/profile/", f"/complaints/tender/{done.tender.pk}/"]
    found = {}
    with browse(chromium_path, live_server.url) as walk:
        for who, paths in ((None, public), (winner, contractor)):
            page = walk.as_(who, **CHINESE)
            for path in paths:
                walk.go(page, path)
                assert page.get_attribute("html", "lang") == "zh-hans", path
                left = english_on(page.evaluate(VISIBLE), typed)
                if left:
                    found[path] = left
    assert found == {}, found
