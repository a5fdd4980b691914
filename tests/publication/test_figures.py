"""The statistics against figures computed by hand on the known market of builders.py."""
from decimal import Decimal

import pytest
from django.utils import timezone

from trading.publication import selectors
from trading.publication.selectors import Filters

from .builders import DAY, market

pytestmark = pytest.mark.django_db


@pytest.fixture
def m(tmp_path):
    return market(tmp_path)


def test_totals_with_history_match_the_hand_computed_figures(m):
    total = selectors.statistics(Filters())["total"]
    assert total["tenders"] == 4 and total["history_tenders"] == 2
    assert total["value"] == Decimal("2400000.00")  # 1,100,000 + 500,000 + 500,000 + 300,000
    assert total["awarded"] == 3 and total["award_value"] == Decimal("1730000.00")  # 980,000 + 450,000 + 300,000
    assert total["savings"] == Decimal("170000.00")  # (1,100,000 + 500,000 + 300,000) - 1,730,000
    assert total["savings_percent"] == 8.9  # 170,000 / 1,900,000
    assert (total["opened_tenders"], total["opened_bids"], total["bids_per_tender"]) == (3, 6, 2.0)
    assert (total["bidding_over"], total["single_bid"], total["single_bid_percent"]) == (4, 2, 50.0)  # T2, H2
    assert (total["with_result"], total["failed"], total["failed_percent"]) == (4, 1, 25.0)
    # History has no award or contract dates: only T1 counts, awarded on day 30 and contracted on day 40.
    assert (total["days_to_award_mean"], total["days_to_award_median"]) == (30.0, 30.0)
    assert (total["days_to_contract_mean"], total["days_to_contract_median"]) == (40.0, 40.0)
    assert total["small_projects"] == 4 and total["small_value"] == Decimal("5700000.00")
    assert (total["entry_rate_count"], total["entry_rate_value"]) == (50.0, 29.6)  # 4 / 8; 2.4M / 8.1M
    assert (total["open_rate_count"], total["open_rate_value"]) == (62.5, 42.0)  # 5 / 8; 3.4M / 8.1M


def test_leaving_history_out_counts_the_platform_alone(m):
    total = selectors.statistics(Filters(history="exclude"))["total"]
    assert (total["tenders"], total["history_tenders"], total["value"]) == (2, 0, Decimal("1600000.00"))
    assert (total["savings"], total["savings_percent"]) == (Decimal("120000.00"), 10.9)  # 120,000 / 1,100,000
    assert (total["single_bid_percent"], total["failed_percent"]) == (50.0, 50.0)
    assert total["entry_rate_count"] == 33.3  # 2 / (2 + 4)
    only = selectors.statistics(Filters(history="only"))["total"]
    assert (only["tenders"], only["savings"], only["small_projects"]) == (2, Decimal("50000.00"), 0)


def test_region_entity_and_type_split_the_figures(m):
    region = m.t1.project.entity.credit_code[2:8]
    by_region = {row["key"]: row for row in selectors.statistics(Filters(), "region")["rows"]}
    assert by_region[region]["tenders"] == 2 and by_region[region]["small_projects"] == 4
    assert by_region["990000"]["tenders"] == 2  # the importer's synthetic region for history buyers
    assert selectors.statistics(Filters(region=region))["total"]["value"] == Decimal("1600000.00")
    by_type = {row["key"]: row for row in selectors.statistics(Filters(), "type")["rows"]}
    assert by_type["goods"]["tenders"] == 0 and by_type["goods"]["small_projects"] == 1
    assert by_type["works"]["tenders"] == 4
    mine = selectors.statistics(Filters(entity=m.t1.project.entity_id))["total"]
    assert (mine["tenders"], mine["awarded"], mine["savings"]) == (2, 1, Decimal("120000.00"))


def test_the_period_counts_tenders_by_publication_day(m):
    published = timezone.localdate(m.t1.published_at)  # the platform's day, as the filter reads it
    inside = selectors.statistics(Filters(date_from=published, date_to=published, history="exclude"))["total"]
    assert inside["tenders"] >= 1 and inside["awarded"] == 1
    before = selectors.statistics(Filters(date_to=published - DAY, history="exclude"))["total"]
    assert before["tenders"] == 0


def test_a_revoked_award_no_longer_counts_as_savings(m):
    award = m.t1.awards.get()
    type(award).objects.filter(pk=award.pk).update(revoked_at=award.awarded_at)
    total = selectors.statistics(Filters(history="exclude"))["total"]
    assert total["awarded"] == 0 and total["savings"] == Decimal("0.00") and total["savings_percent"] is None


def test_splitting_flags_the_two_school_projects_over_the_works_threshold(m):
    flags = selectors.splitting_flags()
    assert len(flags) == 1
    flag = flags[0]
    assert [p.name for p in flag["projects"]] == ["Roof repair of the school", "Repainting of the school"]
    assert flag["total"] == Decimal("4200000.00") and flag["threshold"] == Decimal("4000000")


def test_no_figure_tells_how_many_bids_a_tender_holds_before_its_opening():
    import datetime as dt

    from tests.bids.builders import submit
    from tests.factories import make_user
    from tests.tenders.builders import published_tender
    from trading.accounts.caller import Caller
    from trading.tenders import clock
    from trading.tenders.models import TenderStatus
    from trading.tenders.moves import move_tender

    entity = make_user("entity")
    bidding = published_tender(entity)
    submit(make_user("contractor"), bidding)
    closed = published_tender(entity, deadline=clock.now() - dt.timedelta(minutes=1))
    with clock.frozen_at(closed.deadline - dt.timedelta(minutes=5)):
        submit(make_user("contractor"), closed)
    move_tender(Caller.system(), closed, TenderStatus.BIDDING_CLOSED, "deadline passed")
    total = selectors.statistics(Filters(entity=entity.organisation_id))["total"]
    assert total["tenders"] == 2
    assert (total["bidding_over"], total["single_bid"], total["opened_bids"], total["bids_per_tender"]) == (
        0, 0, 0, None)
    row = next(r for r in selectors.integrity(Filters()) if r["entity"] == entity.organisation_id)
    assert (row["single_bid"], row["single_bid_percent"]) == (0, None)
