"""Which reminders a deadline gets on a given day and hour (hand-checked dates)."""
from datetime import date

import pytest

from services.tasks.reminders import (DUE_SOON, ESCALATED, OVERDUE, Reminder, ReminderSettings,
                                      reminders_for)
from shared.calendar import WorkingCalendar
from shared.errors import InvalidInput

CAL = WorkingCalendar()
SETTINGS = ReminderSettings(due_soon_days=(1, 3), hour=8, escalate_after_days=3)
DUE = date(2026, 11, 20)          # Friday


def at(day, hour=9, due=DUE, settings=SETTINGS):
    return reminders_for(due, day, hour, settings, CAL)


def test_due_soon_fires_the_tightest_lead_time_that_applies():
    assert at(date(2026, 11, 16)) == []                                   # Mon: 4 left
    assert at(date(2026, 11, 17)) == [Reminder(DUE_SOON, 3, "3@2026-11-20")]   # Tue: 3 left
    assert at(date(2026, 11, 18)) == [Reminder(DUE_SOON, 3, "3@2026-11-20")]   # Wed: 2 left
    assert at(date(2026, 11, 19)) == [Reminder(DUE_SOON, 1, "1@2026-11-20")]   # Thu: 1 left
    assert at(date(2026, 11, 20)) == [Reminder(DUE_SOON, 1, "1@2026-11-20")]   # the day itself


def test_lead_times_count_working_days_across_tet():
    # due Thu 11/2/2027: from Wed 3/2 the days 4-10/2 are Tết -> 1 working day left.
    assert at(date(2027, 2, 3), due=date(2027, 2, 11)) == [
        Reminder(DUE_SOON, 1, "1@2027-02-11")]
    assert at(date(2027, 2, 1), due=date(2027, 2, 11)) == [
        Reminder(DUE_SOON, 3, "3@2027-02-11")]


def test_overdue_repeats_each_working_day_and_escalates_once_per_deadline():
    assert at(date(2026, 11, 23)) == [Reminder(OVERDUE, 1, "2026-11-23", 1)]   # Mon
    assert at(date(2026, 11, 24)) == []     # Tue 24/11: Ngày Văn hóa Việt Nam, a holiday
    assert at(date(2026, 11, 25)) == [Reminder(OVERDUE, 2, "2026-11-25", 2)]
    assert at(date(2026, 11, 26)) == [Reminder(OVERDUE, 3, "2026-11-26", 3),
                                      Reminder(ESCALATED, 3, "3@2026-11-20", 3)]
    later = at(date(2026, 11, 30))
    assert later[1].slot == "3@2026-11-20"     # same key: the unique row keeps it to one


def test_nothing_on_days_off_or_before_the_hour():
    assert at(date(2026, 11, 21)) == []                  # Saturday
    assert at(date(2026, 11, 25), hour=7) == []          # before 8 o'clock
    assert at(date(2026, 11, 25), hour=8) != []


def test_settings_from_config_are_checked():
    assert ReminderSettings.from_config(None) == ReminderSettings()
    assert ReminderSettings.from_config({"due_soon_days": [1, 5, 3], "hour": 7}).due_soon_days \
        == (1, 3, 5)
    with pytest.raises(InvalidInput) as raised:
        ReminderSettings.from_config({"hour": 25, "due_soon_day": [1], "escalate_after_days": 0})
    assert set(raised.value.fields) == {"hour", "due_soon_day", "escalate_after_days"}
