"""The open data page a reuser lands on: where the data is, and what the identifiers mean."""
import pytest

pytestmark = pytest.mark.django_db


def test_the_page_names_the_endpoints_and_says_the_placeholder_prefix_must_be_registered(client):
    page = client.get("/opendata/").content.decode()
    assert "/api/ocds/releases/?since=0" in page and "/api/ocds/records/" in page
    assert "ocds-xxxxxx" in page and "registers its own prefix with the Open Contracting Partnership" in page


def test_a_registered_prefix_is_shown_without_the_warning(client, settings):
    settings.SUNLIGHT = {**settings.SUNLIGHT, "OCID_PREFIX": "ocds-213czf"}
    page = client.get("/opendata/").content.decode()
    assert "ocds-213czf" in page and "placeholder" not in page
