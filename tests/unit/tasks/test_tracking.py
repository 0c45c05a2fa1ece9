"""Tracking: periods, the column each task falls in, the on-time rate."""
from datetime import date

import pytest

from services.tasks.tracking import classify, parse_period, rate
from shared.errors import InvalidInput

TODAY, SOON = date(2026, 11, 16), date(2026, 11, 19)


def test_periods():
    assert (parse_period("2026-11").start, parse_period("2026-11").end) == \
        (date(2026, 11, 1), date(2026, 11, 30))
    assert (parse_period("2026-12").start, parse_period("2026-12").end) == \
        (date(2026, 12, 1), date(2026, 12, 31))
    assert (parse_period("2026-Q4").start, parse_period("2026-Q4").end) == \
        (date(2026, 10, 1), date(2026, 12, 31))
    assert (parse_period("2027-Q1").start, parse_period("2027-Q1").end) == \
        (date(2027, 1, 1), date(2027, 3, 31))
    assert (parse_period("2026").start, parse_period("2026").end) == \
        (date(2026, 1, 1), date(2026, 12, 31))
    for bad in ("2026-13", "2026-Q5", "11/2026", "", None):
        with pytest.raises(InvalidInput):
            parse_period(bad)


@pytest.mark.parametrize("status, due, on_time, submitted_on, expected", [
    ("done", date(2026, 11, 10), True, date(2026, 11, 9), ("done_on_time", False)),
    ("done", date(2026, 11, 10), False, date(2026, 11, 12), ("done_late", False)),
    ("in_progress", date(2026, 11, 13), None, None, ("overdue", False)),
    ("new", date(2026, 11, 15), None, None, ("overdue", False)),
    ("assigned", date(2026, 11, 16), None, None, ("in_progress", True)),     # due today
    ("returned", date(2026, 11, 19), None, None, ("in_progress", True)),
    ("in_progress", date(2026, 11, 20), None, None, ("in_progress", False)),
    # handed in on time, waiting for review after the deadline: not the owner's delay
    ("submitted", date(2026, 11, 13), None, date(2026, 11, 12), ("in_progress", False)),
    ("submitted", date(2026, 11, 13), None, date(2026, 11, 14), ("overdue", False)),
])
def test_each_task_falls_in_one_column(status, due, on_time, submitted_on, expected):
    assert classify(status, due, on_time, submitted_on, TODAY, SOON) == expected


def test_on_time_rate_counts_what_is_known():
    assert rate({"done_on_time": 3, "done_late": 1, "overdue": 0}) == 75.0
    assert rate({"done_on_time": 1, "done_late": 1, "overdue": 1}) == 33.3
    assert rate({"done_on_time": 0, "done_late": 0, "overdue": 0}) is None
