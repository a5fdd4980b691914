"""A refusal names what the role may not do in words, in the reader's language, never as a code."""
import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from trading.accounts.permissions import ACTION_LABELS, MATRIX, authorize


def test_every_action_has_a_label():
    assert set(ACTION_LABELS) == set(MATRIX)


@pytest.mark.parametrize("language, expected", [("en", "Your role may not host a bid opening."),
                                                ("zh-hans", "主持开标")])
def test_refusal_reads_in_words(contractor, language, expected):
    with translation.override(language), pytest.raises(PermissionDenied) as refused:
        authorize(contractor, "opening.host")
    assert expected in str(refused.value)
    assert "opening.host" not in str(refused.value)
