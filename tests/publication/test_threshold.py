"""The tendering threshold is platform policy within the law (NDRC Order No. 16 art. 5): the administrator may lower
it, never raise it above the law for the procedure, and the small-project register reads the value in force."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from trading.publication.selectors import tendering_threshold
from trading.tenders.models import ProcedurePolicy

pytestmark = pytest.mark.django_db


def test_the_policy_starts_at_the_law_for_each_type():
    values = dict(ProcedurePolicy.objects.values_list("procedure_type", "tendering_threshold"))
    assert (values["open_works"], values["open_goods"], values["open_services"]) == (400, 200, 100)
    assert tendering_threshold("works") == Decimal("4000000")
    assert tendering_threshold("services") == Decimal("1000000")


def test_the_administrator_may_lower_the_threshold_but_not_raise_it_above_the_law():
    goods = ProcedurePolicy.objects.get(procedure_type="open_goods")
    goods.tendering_threshold = 201
    with pytest.raises(ValidationError) as refused:
        goods.full_clean()
    assert "tendering_threshold" in refused.value.message_dict
    goods.tendering_threshold = 150
    goods.full_clean()
    goods.save()
    assert tendering_threshold("goods") == Decimal("1500000")
