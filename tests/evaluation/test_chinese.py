"""With Simplified Chinese chosen, the evaluation pages speak procurement Chinese."""
import pytest
from django.urls import reverse

from trading.evaluation import services

from tests.evaluation.builders import evaluating
from tests.evaluation.test_pages import browser

pytestmark = pytest.mark.django_db


def test_the_pages_speak_chinese():
    e = evaluating(prices=["980000.00", "1010000.00", "995000.00", "600000.00"])
    page = browser(e.members[0], "zh-hans").get(reverse("evaluation:workspace", args=[e.tender.pk])).content.decode()
    for words in ("评标", "报价", "异常低价", "签署评审表", "否决"):
        assert words in page, words
    services.ask_justification(e.call(e.members[0]), e.bids[3].pk, "Explain.")
    page = browser(e.ceremony.bidders[3], "zh-hans").get(reverse("evaluation:justifications")).content.decode()
    assert "澄清说明" in page
    page = browser(e.ceremony.host, "zh-hans").get(reverse("evaluation:overview", args=[e.tender.pk])).content.decode()
    assert "评标进度" in page
