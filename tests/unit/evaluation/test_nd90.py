"""Nghị định 90/2020 (years up to 2025): levels from the share of tasks on time with quality."""
from datetime import date
from decimal import Decimal

import pytest

from services.evaluation.rules import HTNV, HTTNV, HTXSNV, KHTNV, Product, YearInput
from services.evaluation.rules.nd90_2020 import RULE_SET as ND90

SETTINGS = ND90.settings()
DUE = date(2025, 6, 30)


def early(task_id, weight=1):
    return Product(task_id, weight=weight, due_date=DUE, completed_on=date(2025, 6, 20))


def on_the_day(task_id, weight=1):
    return Product(task_id, weight=weight, due_date=DUE, completed_on=DUE)


def late(task_id, weight=1):
    return Product(task_id, weight=weight, delays=1, due_date=DUE, completed_on=date(2025, 7, 3))


def year(products, **kwargs):
    return ND90.year_result(YearInput("cv1", {}, products, None, **kwargs), SETTINGS)


def test_all_on_time_with_half_above_target_is_excellent():
    result = year([early(1), early(2), on_the_day(3), on_the_day(4)])
    assert result.level == HTXSNV
    assert result.rank_key == (Decimal("100.00"), Decimal("50.00"))


def test_all_on_time_but_few_above_target_is_good():
    assert year([early(1), on_the_day(2), on_the_day(3)]).level == HTTNV


@pytest.mark.parametrize("late_weight,level", [
    (1, HTNV),     # 1 of 5 deficient: 20 %, no more than 20 %
    (2, HTNV),     # 2 of 6: 33 %, the band the decree leaves open (gap_level HTNV)
    (5, KHTNV),    # 5 of 9: 55.6 %, more than 50 %
])
def test_deficient_shares(late_weight, level):
    products = [on_the_day(i) for i in range(1, 5)] + [late(9, weight=late_weight)]
    assert year(products).level == level


def test_more_than_half_deficient_is_khtnv():
    result = year([on_the_day(1), late(2), Product(3, completed=False)])
    assert result.details["deficient_pct"] == pytest.approx(66.67)
    assert result.level == KHTNV


def test_the_gap_level_is_a_setting():
    products = [on_the_day(1), on_the_day(2), late(3)]                 # 33 % deficient
    strict = ND90.settings({"gap_level": KHTNV})
    assert ND90.year_result(YearInput("cv1", {}, products, None), strict).level == KHTNV


def test_an_excused_delay_does_not_make_a_task_deficient():
    excused = Product(1, delays=1, excused=1, due_date=DUE, completed_on=date(2025, 7, 2))
    assert year([excused, on_the_day(2)]).level == HTTNV


def test_discipline_gives_khtnv():
    result = year([early(1), early(2)], disciplined=["cảnh cáo"])
    assert result.level == KHTNV and result.reasons[-1]["rule"] == "discipline"
