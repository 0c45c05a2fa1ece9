"""The HTXSNV quota, with the counts worked out by hand."""
from decimal import Decimal
from fractions import Fraction

import pytest

from services.evaluation import quota

TWENTY, TWENTY_FIVE = Fraction(1, 5), Fraction(1, 4)


def candidates(*scores):
    return [quota.Candidate(f"cv{i}", (Decimal(s),)) for i, s in enumerate(scores, start=1)]


@pytest.mark.parametrize("excellent,good,rate,basis,allowed", [
    (3, 7, TWENTY, "httnv_only", 1),        # x ≤ 0.2 (10 − x): 1 ≤ 1.8, 2 > 1.6
    (3, 7, TWENTY, "httnv_or_better", 2),   # ⌊0.2 × 10⌋
    (3, 7, TWENTY_FIVE, "httnv_only", 2),   # x ≤ 0.25 (10 − x): 2 ≤ 2
    (5, 0, TWENTY, "httnv_only", 0),        # nobody HTTNV: 5 / 6 < 1
    (6, 0, TWENTY, "httnv_only", 1),        # 1 HTXSNV with 5 moved to HTTNV: 1 ≤ 0.2 × 5
    (1, 4, TWENTY, "httnv_only", 0),        # 5 / 6
    (1, 5, TWENTY, "httnv_only", 1),
    (0, 9, TWENTY, "httnv_only", 1),
])
def test_allowed_count(excellent, good, rate, basis, allowed):
    assert quota.allowed_count(excellent, good, rate, basis) == allowed


def test_the_best_keep_the_level_the_others_move_down():
    decision = quota.apply("chung", candidates("91", "95", "93"), 7, TWENTY)
    assert decision.allowed == 1
    assert decision.outcome == {"cv2": quota.KEPT, "cv3": quota.MOVED_DOWN,
                                "cv1": quota.MOVED_DOWN}
    assert decision.positions == {"cv2": 1, "cv3": 2, "cv1": 3}


def test_the_25_percent_exception_keeps_one_more():
    decision = quota.apply("chung", candidates("91", "95", "93"), 7, TWENTY_FIVE)
    assert decision.outcome == {"cv2": quota.KEPT, "cv3": quota.KEPT, "cv1": quota.MOVED_DOWN}


def test_a_tie_across_the_cut_goes_to_the_council():
    # allowed ⌊0.2 × 12 / 1.2⌋ = 2: 95 keeps, two at 93 for one place
    decision = quota.apply("chung", candidates("95", "93", "93"), 9, TWENTY)
    assert decision.allowed == 2
    assert decision.outcome == {"cv1": quota.KEPT, "cv2": quota.COUNCIL, "cv3": quota.COUNCIL}
    assert decision.places_for_council == 1


def test_a_tie_above_the_cut_keeps_both():
    decision = quota.apply("chung", candidates("95", "95", "90"), 9, TWENTY)
    assert decision.outcome == {"cv1": quota.KEPT, "cv2": quota.KEPT, "cv3": quota.MOVED_DOWN}
    assert decision.places_for_council == 0


def test_a_tie_below_the_cut_moves_both_down():
    decision = quota.apply("chung", candidates("95", "93", "93"), 7, TWENTY)   # allowed 1
    assert decision.outcome == {"cv1": quota.KEPT, "cv2": quota.MOVED_DOWN,
                                "cv3": quota.MOVED_DOWN}


def test_nobody_rated_httnv_moves_every_candidate_down():
    decision = quota.apply("chung", candidates("99", "98", "97", "96", "95"), 0, TWENTY)
    assert set(decision.outcome.values()) == {quota.MOVED_DOWN}


def test_six_equal_candidates_and_no_httnv_leave_one_place_to_the_council():
    decision = quota.apply("chung", candidates(*["95"] * 6), 0, TWENTY)
    assert decision.allowed == 1 and decision.places_for_council == 1
    assert set(decision.outcome.values()) == {quota.COUNCIL}


def test_within_the_quota_nothing_changes():
    decision = quota.apply("chung", candidates("95"), 9, TWENTY)
    assert decision.outcome == {"cv1": quota.KEPT}


@pytest.mark.parametrize("text,value", [("0.20", TWENTY), ("25%", TWENTY_FIVE), (0.25, TWENTY_FIVE)])
def test_rates_are_exact(text, value):
    assert quota.rate_of(text) == value
