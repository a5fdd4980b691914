"""The complaint periods are platform policy within the law: the complainant's window is at least 10 days, the
department's limits at most 3 and 30 working days (Monday to Friday); training counts minutes."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from trading.tenders import rules
from trading.tenders.models import ProcedurePolicy, ProcedureType

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("start, days, end", [
    ((2026, 12, 4, 10, 0), 3, (2026, 12, 9, 10, 0)),     # Friday + 3 working days: Wednesday
    ((2026, 12, 7, 9, 30), 3, (2026, 12, 10, 9, 30)),    # Monday: Thursday
    ((2026, 12, 5, 15, 0), 1, (2026, 12, 8, 0, 0)),      # Saturday counts from Monday 00:00: one full day
    ((2026, 12, 4, 10, 0), 30, (2027, 1, 15, 10, 0)),    # 30 working days are six weeks
])
def test_working_days_skip_the_weekend(start, days, end, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    moment = dt.datetime(*start, tzinfo=SHANGHAI)
    assert rules.add_working_days(moment, days) == dt.datetime(*end, tzinfo=SHANGHAI)


def test_the_policy_counts_working_days_for_the_department_and_plain_days_for_the_complainant():
    law = rules.Policy.from_dict({"procedure_type": "open_works", "training": False, "periods": {}})
    friday = dt.datetime(2026, 12, 4, 10, 0, tzinfo=SHANGHAI)
    assert law.periods["complaint_window"] == 10
    assert law.due("complaint_window", friday) == friday + dt.timedelta(days=10)
    assert law.due("complaint_acceptance", friday) - friday == dt.timedelta(days=5)
    assert law.describe("complaint_decision") == "30 working days"
    training = rules.Policy.from_dict({"procedure_type": "training", "training": True, "periods": {}})
    assert training.due("complaint_acceptance", friday) - friday == dt.timedelta(minutes=5)


@pytest.mark.django_db
@pytest.mark.parametrize("field, value, message", [
    ("complaint_window", 9, "at least 10 days"),
    ("complaint_acceptance", 4, "at most 3 days"),
    ("complaint_decision", 31, "at most 30 days"),
])
def test_not_even_the_administrator_goes_beyond_the_law_on_complaints(field, value, message):
    policy = ProcedurePolicy.objects.get(procedure_type=ProcedureType.OPEN_WORKS)
    assert (policy.complaint_window, policy.complaint_acceptance, policy.complaint_decision) == (10, 3, 30)
    setattr(policy, field, value)
    with pytest.raises(ValidationError) as refused:
        policy.full_clean()
    assert message in refused.value.message_dict[field][0]


@pytest.mark.django_db
def test_the_training_procedure_handles_complaints_in_minutes():
    policy = ProcedurePolicy.objects.get(procedure_type=ProcedureType.TRAINING)
    assert (policy.complaint_window, policy.complaint_acceptance, policy.complaint_decision) == (10, 5, 15)
