"""Money is written as people write it in each language, the same way on every page, PDF and notice: thousands
grouped, two decimals, the yuan sign in English ("¥1,234,567.89") and 元 after the figure in Chinese."""
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

from tests.tenders.builders import published_tender
from trading.publication import charts
from trading.tenders.money import format_amount


def test_one_rule_per_language():
    assert format_amount(Decimal("1234567.891"), "en") == "¥1,234,567.89"
    assert format_amount("1234567.5", "zh-hans") == "1,234,567.50元"
    assert format_amount(-2500, "en") == "-¥2,500.00"
    assert format_amount(None, "en") == "—"
    with translation.override("zh-hans"):
        assert format_amount("980000") == "980,000.00元"
    with translation.override("en"):
        assert format_amount("980000") == "¥980,000.00"


def test_a_chart_of_yuan_uses_the_rule():
    with translation.override("zh-hans"):
        svg = charts.bar_chart([("工程", 1250000.0)], "金额", fmt=format_amount)
    assert "1,250,000.00元" in svg


@pytest.mark.django_db
def test_the_tender_pages_show_amounts_in_the_readers_way(entity_user, supervisor):
    tender = published_tender(entity_user=entity_user, holders=[entity_user, supervisor],
                              ceiling_price=Decimal("1134567.89"), bid_security_amount=Decimal("20000.00"))
    english = Client().get(f"/tenders/{tender.pk}/").content.decode()
    assert "¥1,134,567.89" in english and "¥20,000.00" in english
    chinese_client = Client()
    chinese_client.cookies["django_language"] = "zh-hans"
    chinese = chinese_client.get(f"/tenders/{tender.pk}/").content.decode()
    assert "1,134,567.89元" in chinese and "20,000.00元" in chinese and "¥" not in chinese
    listing = chinese_client.get("/tenders/").content.decode()
    assert "1,134,567.89元" in listing
