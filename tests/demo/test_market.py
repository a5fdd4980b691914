"""The synthetic market generator, without a database."""
from collections import Counter, defaultdict
from datetime import date, timedelta
from itertools import combinations

import pytest

from fixtures.market import generate

END = date(2026, 6, 30)


@pytest.fixture(scope="module")
def market():
    return generate(seed=2024, end=END)


def test_the_default_market_is_big_enough_and_spans_three_years(market):
    assert len(market.firms) >= 200
    assert len(market.tenders) >= 1000
    days = [t.day for t in market.tenders]
    assert min(days) >= END - timedelta(days=3 * 365) and max(days) < END
    assert max(days) - min(days) > timedelta(days=3 * 365 - 30)
    assert len({t.buyer for t in market.tenders}) >= 10
    assert {t.project_type for t in market.tenders} == {"works", "goods", "services", "land"}
    assert len({b.firm for t in market.tenders for b in t.bids}) >= 200


def test_every_tender_is_opened_with_one_winner_the_lowest_valid_bid(market):
    for tender in market.tenders:
        assert len(tender.bids) >= 3
        winners = [b for b in tender.bids if b.is_winner]
        assert len(winners) == 1 and not winners[0].disqualified
        assert winners[0].amount == min(b.amount for b in tender.bids if not b.disqualified)
        assert all(0 < b.amount <= tender.reserve * 1.05 for b in tender.bids)


def test_competitive_prices_look_like_a_market(market):
    ratios = sorted(t.bids[0].amount / t.reserve for t in market.tenders if t.scheme == "competitive")
    median = ratios[len(ratios) // 2]
    assert 0.8 < median < 0.95
    assert ratios[len(ratios) // 10] < ratios[-len(ratios) // 10] - 0.1  # spread, not one price
    reserves = sorted(t.reserve for t in market.tenders)
    assert reserves[-len(reserves) // 10] > 5 * reserves[len(reserves) // 10]  # log-normal sizes


def test_the_same_seed_gives_the_same_market_and_another_seed_another(market):
    assert list(generate(seed=2024, end=END).rows()) == list(market.rows())
    assert list(generate(seed=7, end=END).rows()) != list(market.rows())


def test_a_smaller_market_can_be_asked_for():
    small = generate(seed=1, contractors=40, tenders=80, end=END)
    assert (len(small.firms), len(small.tenders)) == (40, 80)
    assert len(small.rotation_ring) >= 4 and len(small.cover_pair) == 2


def test_the_rotation_ring_meets_often_and_takes_turns_to_win(market):
    ring = set(market.rotation_ring)
    assert 4 <= len(ring) <= 5
    meetings = [t for t in market.tenders if len(ring & {b.firm for b in t.bids}) >= 3]
    assert len(meetings) >= 50
    for a, b in combinations(ring, 2):  # every pair of members meets again and again
        assert sum({a, b} <= {bid.firm for bid in t.bids} for t in meetings) >= 15
    wins = Counter(t.winner for t in meetings)
    assert set(wins) == ring  # a ring member wins every meeting, and each member wins some
    assert min(wins.values()) >= len(meetings) / len(ring) / 2
    for tender in meetings:  # cover bids sit just above the designated winner
        winning = next(b for b in tender.bids if b.is_winner)
        covers = [b.amount / winning.amount for b in tender.bids if b.firm in ring and not b.is_winner]
        assert all(1.0 < ratio < 1.04 for ratio in covers)


def test_the_cover_bidder_only_follows_its_leader_just_above_and_never_wins(market):
    leader, cover = market.cover_pair
    with_cover = [t for t in market.tenders if any(b.firm == cover for b in t.bids)]
    assert len(with_cover) >= 50
    for tender in with_cover:
        prices = {b.firm: b.amount for b in tender.bids}
        assert leader in prices
        assert 1.0 < prices[cover] / prices[leader] < 1.035
        assert tender.winner != cover
    assert sum(t.winner == leader for t in with_cover) >= 10


def test_the_cover_pair_shares_ip_device_and_bank_account_and_nobody_else_does(market):
    leader, cover = (market.firm(ref) for ref in market.cover_pair)
    assert leader.bank_account == cover.bank_account and leader.ip == cover.ip
    assert set(leader.devices) == set(cover.devices)
    accounts = Counter(f.bank_account for f in market.firms)
    assert [account for account, n in accounts.items() if n > 1] == [leader.bank_account]
    # in the bids: the cover bidder submits from its leader's office and machine
    ips_by_firm = defaultdict(set)
    for tender in market.tenders:
        for bid in tender.bids:
            ips_by_firm[bid.firm].add(bid.ip)
    assert ips_by_firm[cover.ref] & ips_by_firm[leader.ref]
    shared_devices = {b.device for t in market.tenders for b in t.bids if b.firm == cover.ref}
    assert shared_devices <= set(leader.devices)
    ring_devices = [set(market.firm(ref).devices) for ref in market.rotation_ring]
    assert all(not (a & b) for a, b in combinations(ring_devices, 2))  # the ring is caught by prices alone


def test_rows_follow_the_bid_history_format(market):
    row = next(iter(market.rows()))
    assert list(row)[:6] == ["tender_id", "bidder_id", "amount", "date", "is_winner", "reserve_price"]
    assert {"ip", "device", "bank_account", "project_manager", "buyer_id", "disqualified"} <= set(row)
