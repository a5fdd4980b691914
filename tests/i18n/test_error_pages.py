"""403 and 404 are pages of the site: navigation, the reason the server knows, in the reader's language."""
import pytest

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_a_refusal_says_why_inside_the_site(client):
    client.force_login(make_user("contractor"))
    response = client.get("/tenders/checkpoints/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "supervision checkpoints" in page and '<nav class="mainnav">' in page


def test_a_missing_tender_says_so_and_an_unknown_address_reveals_no_routes(client):
    missing = client.get("/tenders/987654/")
    assert missing.status_code == 404 and "No such tender." in missing.content.decode()
    unknown = client.get("/no/such/page/")
    text = unknown.content.decode()
    assert unknown.status_code == 404 and "There is no such page." in text
    assert "api/" not in text.split("<main")[-1] and "tried" not in text


def test_the_reason_comes_in_chinese_for_a_chinese_reader(client):
    client.force_login(make_user("contractor"))
    page = client.get("/tenders/checkpoints/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "无权访问" in page
    missing = client.get("/tenders/987654/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "No such tender." not in missing and "未找到" in missing
