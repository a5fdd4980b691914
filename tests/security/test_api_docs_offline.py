"""/api/docs/ works on a closed network: Swagger UI comes from the platform's own static files, never a CDN."""
import re

import pytest
from django.contrib.staticfiles import finders


@pytest.mark.django_db
def test_the_api_docs_load_nothing_from_outside(client):
    page = client.get("/api/docs/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(not s.startswith(("http:", "https:", "//")) for s in sources), sources
    scripts = [s for s in sources if s.endswith(".js")]
    assert scripts and all(finders.find(s.split("/static/", 1)[-1]) for s in scripts), scripts


@pytest.mark.django_db
def test_the_api_docs_run_under_the_content_security_policy(client):
    page = client.get("/api/docs/").content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", page)
    assert not inline, "an inline script would be blocked by script-src 'self'"
    start = re.findall(r'<script[^>]*src="([^"]*\?script=?[^"]*)"', page)
    assert start and client.get(start[0].replace("&amp;", "&")).status_code == 200
