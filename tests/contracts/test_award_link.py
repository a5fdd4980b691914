"""An award with a concluded contract stays as it was made: the award room refuses to revoke it."""
import pytest
from django.core.exceptions import ValidationError

from trading.award import services as award_services
from trading.award.models import Award

from tests.contracts.builders import awarded, call

pytestmark = pytest.mark.django_db


def test_an_award_with_a_concluded_contract_is_not_revoked():
    a = awarded()
    a.conclude()
    with pytest.raises(ValidationError) as refused:
        award_services.revoke_award(call(a.entity), a.award.pk, "declined", "The winner changed its mind.")
    assert "contract room" in str(refused.value)
    assert not Award.objects.get(pk=a.award.pk).revoked
