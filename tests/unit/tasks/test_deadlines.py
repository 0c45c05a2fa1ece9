"""Deadlines in working days (real Tết dates), nesting, rules read from documents, delays.

Expected dates are worked out by hand from the calendar (weekdays noted), not by the code.
"""
from datetime import date

import pytest

from services.tasks import deadlines
from shared.calendar import WorkingCalendar
from shared.errors import InvalidInput

CAL = WorkingCalendar()


def test_five_working_days_from_the_friday_before_tet_2026():
    # Fri 13/2/2026; Sat 14, Sun 15 weekend; Mon 16 (giao thừa) to Fri 20/2 (mùng 4) off;
    # Sat 21, Sun 22 weekend -> Mon 23 (1), Tue 24, Wed 25, Thu 26, Fri 27/2 (5).
    assert deadlines.resolve_due(None, 5, date(2026, 2, 13), CAL) == date(2026, 2, 27)


def test_five_working_days_from_the_friday_before_tet_2027():
    # Fri 29/1/2027 -> Mon 1/2 (1), Tue 2 (2), Wed 3 (3); Thu 4/2 (29 Tết, nghỉ bù for Sat
    # mùng 1) to Wed 10/2 (mùng 5, nghỉ bù for Sun mùng 2) off -> Thu 11 (4), Fri 12/2 (5).
    assert deadlines.resolve_due(None, 5, date(2027, 1, 29), CAL) == date(2027, 2, 12)


def test_an_office_day_off_moves_the_deadline():
    office = WorkingCalendar(days_off=[date(2027, 2, 3)])
    assert deadlines.resolve_due(None, 5, date(2027, 1, 29), office) == date(2027, 2, 15)


def test_a_deadline_is_given_once_and_always():
    with pytest.raises(InvalidInput) as raised:
        deadlines.resolve_due(None, None, date(2026, 11, 2), CAL)
    assert "due_date" in raised.value.fields
    with pytest.raises(InvalidInput):
        deadlines.resolve_due(date(2026, 11, 20), 3, date(2026, 11, 2), CAL)
    assert deadlines.resolve_due(date(2026, 11, 20), None, date(2026, 11, 2), CAL) == \
        date(2026, 11, 20)


def test_a_deadline_in_the_past_is_refused_naming_the_rule():
    deadlines.check_not_past(date(2026, 11, 2), date(2026, 11, 2))   # today is fine
    with pytest.raises(InvalidInput) as raised:
        deadlines.check_not_past(date(2026, 11, 1), date(2026, 11, 2))
    assert "before today" in raised.value.fields["due_date"][0]


def test_a_nested_deadline_may_not_pass_the_outer_one():
    deadlines.check_not_after(date(2026, 11, 20), date(2026, 11, 20), "due_date", "the unit's")
    deadlines.check_not_after(date(2026, 11, 20), None, "due_date", "the unit's")
    with pytest.raises(InvalidInput) as raised:
        deadlines.check_not_after(date(2026, 11, 21), date(2026, 11, 20), "due_date",
                                  "the parent task's deadline")
    assert "the parent task's deadline may not be passed" in raised.value.fields["due_date"][0]


def test_six_months_after_the_notice():
    # issued Thu 12/5/2022 -> 12/11/2022 is a Saturday -> Monday 14/11/2022 (Điều 148 BLDS).
    assert deadlines.due_from_rule("6 months after issue", date(2022, 5, 12), None, CAL) == \
        (date(2022, 11, 14), "issue")
    # 31/8/2026 + 6 months -> 28/2/2027 (Sunday) -> Monday 1/3/2027.
    assert deadlines.due_from_rule("6 months after issue", date(2026, 8, 31), None, CAL) == \
        (date(2027, 3, 1), "issue")


def test_a_notice_without_a_date_counts_from_its_arrival():
    # seed 003 ("Số * -TB/ĐUK") has no date; received Mon 23/11/2026 -> Sun 23/5/2027 ->
    # Mon 24/5/2027.
    assert deadlines.due_from_rule("6 months after issue", None, date(2026, 11, 23), CAL) == \
        (date(2027, 5, 24), "receipt")


def test_other_rules():
    assert deadlines.due_from_rule("10 working days after receipt", None, date(2027, 1, 29),
                                   CAL) == (date(2027, 2, 19), "receipt")
    assert deadlines.due_from_rule("15 days after issue", date(2026, 11, 2), None, CAL) == \
        (date(2026, 11, 17), "issue")      # Tuesday
    assert deadlines.due_from_rule("2 weeks after issue", date(2026, 11, 2), None, CAL) == \
        (date(2026, 11, 16), "issue")
    assert deadlines.due_from_rule("1 year after issue", date(2026, 11, 2), None, CAL) == \
        (date(2027, 11, 2), "issue")
    assert deadlines.due_from_rule("6 months after signing ceremony", date(2026, 1, 1), None,
                                   CAL) is None
    assert deadlines.due_from_rule("6 months after issue", None, None, CAL) is None


def test_delays_and_excused_delays():
    due = date(2026, 11, 20)
    assert deadlines.outcome(due, date(2026, 11, 20), 0, 0) == deadlines.Outcome(True, 0, 0)
    assert deadlines.outcome(due, date(2026, 11, 23), 0, 0) == deadlines.Outcome(False, 1, 0)
    # an extension approved with an objective cause does not count
    assert deadlines.outcome(due, date(2026, 11, 20), 1, 1) == deadlines.Outcome(True, 1, 1)
    # one without does, even when the new deadline is kept
    assert deadlines.outcome(due, date(2026, 11, 20), 1, 0) == deadlines.Outcome(False, 1, 0)
    # excused extension, then late anyway
    assert deadlines.outcome(due, date(2026, 11, 24), 1, 1) == deadlines.Outcome(False, 2, 1)
