"""Recurring work: the deadline of each occurrence and when the next one appears."""
from datetime import date

import pytest

from services.tasks import recurrence
from shared.calendar import WorkingCalendar
from shared.errors import InvalidInput

CAL = WorkingCalendar()


def test_monthly_report_keeps_its_day_and_skips_days_off():
    anchor = date(2026, 10, 25)                      # Sunday, as the leader set it
    assert recurrence.due_of("monthly", anchor, 1, CAL) == anchor
    assert recurrence.due_of("monthly", anchor, 2, CAL) == date(2026, 11, 25)   # Wednesday
    assert recurrence.due_of("monthly", anchor, 3, CAL) == date(2026, 12, 25)   # Friday
    # 25/1/2027 Monday; 25/4/2027 Sunday -> Monday 26/4
    assert recurrence.due_of("monthly", anchor, 4, CAL) == date(2027, 1, 25)
    assert recurrence.due_of("monthly", anchor, 7, CAL) == date(2027, 4, 26)


def test_month_end_anchor_stays_at_month_end():
    anchor = date(2026, 1, 30)                       # Friday
    # 30/2 does not exist: 28/2/2026 is a Saturday -> Monday 2/3; March comes back to 30/3.
    assert recurrence.due_of("monthly", anchor, 2, CAL) == date(2026, 3, 2)
    assert recurrence.due_of("monthly", anchor, 3, CAL) == date(2026, 3, 30)


def test_weekly_briefing_moves_off_a_holiday():
    anchor = date(2027, 1, 25)                       # Monday
    assert recurrence.due_of("weekly", anchor, 2, CAL) == date(2027, 2, 1)
    # Monday 8/2/2027 is mùng ba Tết; the office is back on Thursday 11/2.
    assert recurrence.due_of("weekly", anchor, 3, CAL) == date(2027, 2, 11)


def test_next_is_due_on_completion_or_when_the_deadline_passed():
    today = date(2026, 11, 10)
    assert recurrence.next_is_due("done", date(2026, 11, 25), today, completed=True)
    assert recurrence.next_is_due("in_progress", date(2026, 11, 9), today, completed=False)
    assert not recurrence.next_is_due("in_progress", date(2026, 11, 10), today, completed=False)
    assert not recurrence.next_is_due("cancelled", date(2026, 11, 9), today, completed=False)


def test_unknown_recurrence_is_refused():
    recurrence.check(None)
    with pytest.raises(InvalidInput) as raised:
        recurrence.check("daily")
    assert "recurrence" in raised.value.fields
