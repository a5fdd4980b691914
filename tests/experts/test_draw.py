"""The pure draw: deterministic, within the rules, and uniform among the eligible."""
import hashlib
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chisquare

from trading.experts.draw import Shortfall, commitment_of, draw, order, seed_of

ALPHA = 0.001
SEEDS = [hashlib.sha256(f"uniformity-{i}".encode()).hexdigest() for i in range(20_000)]


def test_a_fixed_input_gives_a_fixed_committee_on_every_platform_and_version():
    # Anyone re-implementing the published rule must get exactly these; a change of the algorithm fails here.
    assert order("sunlight", 1, list(range(1, 11))) == [6, 7, 8, 1, 10, 5, 4, 2, 3, 9]
    assert draw("sunlight", 2, list(range(1, 13)), 5) == [4, 7, 1, 5, 11]


def test_the_seed_and_the_commitment_are_plain_sha256():
    assert commitment_of("s3cret") == hashlib.sha256(b"s3cret").hexdigest()
    assert seed_of("SIG", "s3cret") == hashlib.sha256(b"SIGs3cret").hexdigest()


def test_the_order_of_the_eligible_list_does_not_matter_but_the_round_does():
    ids = [5, 3, 99, 12, 7, 41, 8]
    assert draw("x", 1, ids, 3) == draw("x", 1, list(reversed(ids)), 3)
    assert any(draw("x", 1, ids, 3) != draw("x", r, ids, 3) for r in range(2, 6))


def test_one_of_ten_is_uniform():
    counts = Counter(draw(seed, 1, list(range(1, 11)), 1)[0] for seed in SEEDS)
    assert set(counts) == set(range(1, 11))
    assert chisquare([counts[i] for i in range(1, 11)]).pvalue > ALPHA


def test_five_of_twelve_is_uniform_per_expert_and_per_pair():
    counts, pairs = Counter(), Counter()
    for seed in SEEDS:
        drawn = sorted(draw(seed, 3, list(range(1, 13)), 5))
        counts.update(drawn)
        pairs.update((a, b) for i, a in enumerate(drawn) for b in drawn[i + 1:])
    assert chisquare([counts[i] for i in range(1, 13)]).pvalue > ALPHA
    assert len(pairs) == 66 and chisquare(list(pairs.values())).pvalue > ALPHA


def test_a_required_speciality_is_drawn_uniformly_among_those_who_have_it():
    specialities = {i: ["water"] if i in (2, 5, 7, 9) else [] for i in range(1, 11)}
    firsts = Counter(draw(seed, 1, list(range(1, 11)), 3, ["water"], specialities)[0] for seed in SEEDS[:8000])
    assert set(firsts) == {2, 5, 7, 9}
    assert chisquare(list(firsts.values())).pvalue > ALPHA


pools = st.lists(st.tuples(st.integers(0, 6), st.sets(st.sampled_from(["building", "water", "law"]), max_size=2)),
                 min_size=0, max_size=25)


@settings(max_examples=300, deadline=None)
@given(pool=pools, needed=st.integers(1, 9), required=st.lists(st.sampled_from(["building", "water", "law"]),
                                                              unique=True, max_size=3),
       seed=st.text(min_size=1, max_size=20), round_no=st.integers(1, 5))
def test_the_draw_keeps_every_rule_or_says_what_is_missing(pool, needed, required, seed, round_no):
    ids = list(range(100, 100 + len(pool)))
    employer_of = {i: group for i, (group, _) in zip(ids, pool)}
    specialities_of = {i: sorted(specs) for i, (_, specs) in zip(ids, pool)}
    try:
        drawn = draw(seed, round_no, ids, needed, required, specialities_of, employer_of)
    except Shortfall as shortfall:
        groups = {employer_of[i] for i in ids}
        nobody = [s for s in required if not any(s in specialities_of[i] for i in ids)]
        if shortfall.speciality is None:  # every employer was drawn and still too few
            assert shortfall.found == len(groups) < needed
        else:
            assert shortfall.speciality in required
        if len(required) <= 1:  # one speciality: refused for it exactly when nobody eligible has it
            assert (shortfall.speciality is not None) == bool(nobody)
        return
    assert len(drawn) == needed == len(set(drawn))
    assert set(drawn) <= set(ids)
    assert len({employer_of[i] for i in drawn}) == needed
    for speciality in required:
        assert any(speciality in specialities_of[i] for i in drawn)
    assert draw(seed, round_no, list(reversed(ids)), needed, required, specialities_of, employer_of) == drawn


@pytest.mark.parametrize("needed", [1, 4])
def test_without_enough_employers_the_draw_refuses(needed):
    with pytest.raises(Shortfall) as refused:
        draw("s", 1, [1, 2, 3, 4], needed + 2, employer_of={1: 1, 2: 1, 3: 3, 4: 3})
    assert refused.value.speciality is None and refused.value.found == 2


def test_a_speciality_nobody_has_is_named():
    with pytest.raises(Shortfall) as refused:
        draw("s", 1, [1, 2, 3], 2, ["law", "water"], {1: ["law"], 2: [], 3: []})
    assert refused.value.speciality == "water"
