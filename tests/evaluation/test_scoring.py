"""The published arithmetic, without Django: price formula, trimmed mean, majority, ties, abnormally low."""
from datetime import datetime, timedelta, timezone
from decimal import Decimal as D

import pytest

from trading.evaluation import scoring

T0 = datetime(2026, 5, 1, 9, 0, tzinfo=timezone.utc)
GROUNDS = ["signature_seal", "qualification", "above_ceiling", "abnormally_low", "non_responsive"]


def offer(key, price, minutes=0, **scores):
    return scoring.Offer(key, D(price), T0 + timedelta(minutes=minutes), {k: [D(s) for s in v]
                                                                         for k, v in scores.items()})


def test_money_rounds_half_up_to_cents():
    assert scoring.cents("2.345") == D("2.35")
    assert scoring.cents("2.344999") == D("2.34")
    assert scoring.cents("-0.005") == D("-0.01")


@pytest.mark.parametrize("weight, lowest, price, expected", [
    (60, "900000", "900000", "60.00"),          # the lowest valid price gets the whole weight
    (60, "900000", "1000000", "54.00"),
    (60, "1000000", "1200000", "50.00"),
    (60, "1000000", "1100000.50", "54.55"),     # 54.5454... half up
    (D("33.5"), "3", "7", "14.36"),             # 14.357...
    (0, "1", "2", "0.00"),
])
def test_price_score_is_weight_times_lowest_over_price(weight, lowest, price, expected):
    assert scoring.price_score(weight, D(lowest), D(price)) == D(expected)


def test_mean_of_fewer_than_five_scores_keeps_every_score():
    assert scoring.trimmed_mean(["10", "20", "30", "29.99"]) == D("22.50")  # 89.99/4 = 22.4975
    assert scoring.trimmed_mean(["7"]) == D("7.00")


def test_from_five_scores_the_highest_and_the_lowest_are_dropped():
    assert scoring.trimmed_mean(["10", "20", "21", "22", "30"]) == D("21.00")
    # only one of equal extremes goes
    assert scoring.trimmed_mean(["30", "30", "30", "0", "0"]) == D("20.00")
    assert scoring.trimmed_mean(["1", "2", "3", "4", "5", "6", "100"]) == D("4.00")


def test_mean_of_nothing_is_an_error():
    with pytest.raises(ValueError):
        scoring.mean([])


def test_abnormally_low_is_below_the_share_of_the_mean():
    prices = {1: D("1000000"), 2: D("1000000"), 3: D("1000000"), 4: D("600000")}  # mean 900000, 80% 720000
    assert scoring.abnormal_threshold(prices.values(), 80) == D("720000")
    assert scoring.abnormally_low(prices, 80) == {4}
    at_the_line = {1: D("1000000"), 2: D("800000")}  # mean 900000, 80% 720000; 800000 is not below
    assert scoring.abnormally_low(at_the_line, 80) == set()
    exactly = {1: D("1100000"), 2: D("700000"), 3: D("900000"), 4: D("900000")}  # 90% of 900000 = 810000
    assert scoring.abnormally_low(exactly, 90) == {2}


def test_abnormally_low_needs_prices():
    assert scoring.abnormally_low({}, 80) == set()
    assert scoring.abnormal_threshold([], 80) is None
    assert scoring.abnormally_low({1: D("5")}, 80) == set()


def test_committee_rejects_only_with_a_majority():
    passed = scoring.committee_decision([(True, ""), (False, "qualification"), (True, "")], GROUNDS)
    assert passed.passed and passed.ground == "" and (passed.passing, passed.rejecting) == (2, 1)
    rejected = scoring.committee_decision([(False, "qualification"), (False, "qualification"), (True, "")], GROUNDS)
    assert not rejected.passed and rejected.ground == "qualification"


def test_a_tie_is_no_majority_to_reject():
    assert scoring.committee_decision([(True, ""), (False, "qualification")], GROUNDS).passed


def test_the_ground_is_the_most_chosen_then_the_first_in_the_law():
    verdicts = [(False, "non_responsive"), (False, "qualification"), (False, "non_responsive"), (True, ""),
                (True, "")]
    assert scoring.committee_decision(verdicts, GROUNDS).ground == "non_responsive"
    even = [(False, "non_responsive"), (False, "qualification"), (False, "signature_seal")]
    assert scoring.committee_decision(even, GROUNDS).ground == "signature_seal"


def test_lowest_price_ranks_by_price_then_submission_then_id():
    ranked = scoring.rank_lowest_price([offer(1, "990000", 5), offer(2, "980000", 9), offer(3, "990000", 1),
                                        offer(4, "990000", 1)])
    assert [r.key for r in ranked] == [2, 3, 4, 1]
    assert [r.rank for r in ranked] == [1, 2, 3, 4]
    assert ranked[0].total is None and ranked[0].price_score is None


def test_comprehensive_scoring_adds_price_score_and_trimmed_criteria():
    weights = {"price": 60, "technical": 30, "service": 10}
    offers = [
        offer(1, "1000000", technical=["20", "25", "26", "27", "30"], service=["8", "8", "8"]),
        offer(2, "900000", technical=["10", "12", "14"], service=["5", "6", "7"]),
    ]
    first, second = scoring.rank_scoring(offers, weights)
    # bid 1: 54.00 + 26.00 + 8.00 = 88.00; bid 2: 60.00 + 12.00 + 6.00 = 78.00
    assert (first.key, first.price_score, first.criteria, first.total) == (
        1, D("54.00"), {"technical": D("26.00"), "service": D("8.00")}, D("88.00"))
    assert (second.key, second.total) == (2, D("78.00"))


def test_equal_totals_go_to_the_lower_price_then_the_earlier_submission():
    weights = {"price": 50, "technical": 50}
    # 50*900/1000 + 45 = 90 ; 50 + 40 = 90
    tied_on_score = [offer(1, "1000", technical=["45"]), offer(2, "900", technical=["40"])]
    assert [r.key for r in scoring.rank_scoring(tied_on_score, weights)] == [2, 1]
    same_price = [offer(1, "900", 3, technical=["40"]), offer(2, "900", 1, technical=["40"])]
    assert [r.key for r in scoring.rank_scoring(same_price, weights)] == [2, 1]


def test_weights_without_price_score_no_price():
    ranked = scoring.rank_scoring([offer(1, "5", quality=["9.50"])], {"quality": 100})
    assert ranked[0].price_score == D("0.00") and ranked[0].total == D("9.50")


def test_ranking_nothing():
    assert scoring.rank_scoring([], {"price": 100}) == []
    assert scoring.rank_lowest_price([]) == []


@pytest.mark.parametrize("value, weight, problem", [
    ("30", 30, None), ("0", 30, None), ("12.25", 30, None), (12.5, 30, None), ("29.99", "33.5", None),
    ("30.01", 30, "range"), ("-1", 30, "range"), ("12.255", 30, "decimals"), ("abc", 30, "number"),
    ("NaN", 30, "number"), ("Infinity", 30, "number"), (True, 30, "number"), (None, 30, "number"),
    ([1], 30, "number"),
])
def test_a_member_score_is_a_number_from_zero_to_the_weight_with_two_decimals(value, weight, problem):
    assert scoring.score_problem(value, weight) == problem
