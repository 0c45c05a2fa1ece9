"""Nghị định 335/2025 rules, against figures computed by hand."""
from decimal import Decimal

import pytest

from services.evaluation.rules import HTNV, HTTNV, HTXSNV, KHTNV, Product, YearInput
from services.evaluation.rules.nd335_2025 import RULE_SET as ND335

SETTINGS = ND335.settings()


def D(text):
    return Decimal(text)


def test_a_product_done_well_scores_full_marks():
    period = ND335.score_period([Product(1)], SETTINGS)
    assert (period.quantity_pct, period.quality_pct, period.progress_pct) == (100, 100, 100)
    assert period.task_points == D("70.00")


def test_weights_deductions_and_excused_delays():
    products = [
        Product(1, weight=1),
        # 1 failed review: 25 % off quality; 2 delays of which 1 excused: 25 % off progress
        Product(2, weight=2, failed_reviews=1, delays=2, excused=1),
        Product(3, weight=1, completed=False),
    ]
    period = ND335.score_period(products, SETTINGS)
    # quantity (1 + 2) / 4; quality (1 + 2 × 0.75) / 4; progress the same
    assert period.quantity_pct == D("75.00")
    assert period.quality_pct == D("62.50")
    assert period.progress_pct == D("62.50")
    # 70 × (75 + 62.5 + 62.5) / 3 / 100 = 46.666…
    assert period.task_points == D("46.67")
    second = period.products[1]
    assert (second.quality, second.progress) == (0.75, 0.75)
    assert any("nguyên nhân khách quan" in note for note in second.notes)


def test_deductions_stop_at_zero_and_failed_quality_gives_no_quality_points():
    products = [Product(1, failed_reviews=5, delays=6), Product(2, quality_met=False)]
    period = ND335.score_period(products, SETTINGS)
    assert [p.quality for p in period.products] == [0.0, 0.0]
    assert [p.progress for p in period.products] == [0.0, 1.0]
    # quantity 100, quality 0, progress 50 → 70 × 150 / 300
    assert period.task_points == D("35.00")


def test_all_delays_excused_cost_nothing():
    period = ND335.score_period([Product(1, delays=2, excused=3)], SETTINGS)
    assert period.progress_pct == 100


def test_task_weights_are_a_setting():
    settings = ND335.settings({"task_weights": {"quantity": 2, "quality": 1, "progress": 1}})
    period = ND335.score_period([Product(1, quality_met=False)], settings)
    # (2 × 100 + 0 + 100) / 4 × 0.7
    assert period.task_points == D("52.50")


@pytest.mark.parametrize("score,level", [
    ("90", HTXSNV), ("89.99", HTTNV), ("70", HTTNV), ("69.99", HTNV), ("50", HTNV),
    ("49.99", KHTNV), ("0", KHTNV)])
def test_level_thresholds(score, level):
    assert ND335.level_for(D(score), SETTINGS) == level


def test_leader_unit_factor():
    assert ND335.leader_task_points(D("60"), True, SETTINGS)[0] == D("65.00")   # 30 + 35
    assert ND335.leader_task_points(D("60"), False, SETTINGS)[0] == D("47.50")  # 30 + 17.5


def periods(*points):
    result = {}
    for index, value in enumerate(points, start=1):
        period = ND335.score_period([Product(index)], SETTINGS)
        period.task_points = D(value)
        result[f"2026-{index:02d}"] = period
    return result


def test_year_score_is_the_mean_of_period_scores_plus_general_criteria():
    person = YearInput("cv1", periods("63", "60"), [], D("28"))
    result = ND335.year_result(person, SETTINGS)
    assert result.task_points == D("61.50")
    assert result.score == D("89.50")
    assert result.level == HTTNV
    assert "89.5" in result.reasons[-1]["text"]


def test_discipline_gives_khtnv_whatever_the_points():
    person = YearInput("cv1", periods("70"), [], D("30"), disciplined=["khiển trách"])
    result = ND335.year_result(person, SETTINGS)
    assert result.score == D("100.00")
    assert result.level == KHTNV
    assert result.reasons[-1]["rule"] == "discipline"


def test_missing_general_criteria_leaves_the_level_open():
    result = ND335.year_result(YearInput("cv1", periods("70"), [], None), SETTINGS)
    assert result.score is None and result.level is None
    assert any(r["rule"] == "general_criteria_missing" for r in result.reasons)
