"""Unit tests of shared.calendar.

Every expected date below was worked out by hand from a printed calendar and the public
holidays the `holidays` package gives for Vietnam (see the module docstring), never from
the code under test.  Weekdays are noted next to dates so the reasoning can be checked.
"""
from datetime import date, datetime, timezone

import pytest

from shared.calendar import WorkingCalendar
from shared.errors import InvalidInput

CAL = WorkingCalendar()


# --- Quốc khánh: 2/9 plus one adjacent day ------------------------------------------------

def test_national_day_2026_adjacent_day_and_swap():
    # 2/9/2026 is a Wednesday; the package gives Tue 1/9 as the adjacent day, and the
    # announced swap gives Mon 31/8 off in exchange for working Sat 22/8.
    assert CAL.holiday_name(date(2026, 9, 2)) == "Quốc khánh"
    assert CAL.holiday_name(date(2026, 9, 1)) == "Quốc khánh"
    assert "22/08/2026" in CAL.holiday_name(date(2026, 8, 31))
    for day in (date(2026, 8, 31), date(2026, 9, 1), date(2026, 9, 2)):
        assert not CAL.is_working_day(day), day
    assert CAL.is_working_day(date(2026, 9, 3))    # Thursday
    assert CAL.is_working_day(date(2026, 8, 22))   # Saturday, "làm bù"
    assert CAL.holiday_name(date(2026, 8, 22)) is None
    # 3 working days from Fri 28/8: Mon 31, Tue 1, Wed 2 off -> Thu 3, Fri 4, Mon 7/9.
    assert CAL.add_working_days(date(2026, 8, 28), 3) == date(2026, 9, 7)


def test_national_day_adjacent_day_other_years():
    # 2025: 2/9 Tuesday, adjacent Monday 1/9.  2027: 2/9 Thursday, adjacent Friday 3/9.
    assert not CAL.is_working_day(date(2025, 9, 1))
    assert not CAL.is_working_day(date(2025, 9, 2))
    assert CAL.is_working_day(date(2025, 9, 3))
    assert CAL.is_working_day(date(2027, 9, 1))
    assert not CAL.is_working_day(date(2027, 9, 2))
    assert not CAL.is_working_day(date(2027, 9, 3))
    assert CAL.next_working_day(date(2027, 9, 1)) == date(2027, 9, 6)   # Monday


# --- 30/4 and 1/5 -----------------------------------------------------------------------

def test_reunification_and_labour_day_2026():
    # Thu 30/4 and Fri 1/5/2026 off: from Wed 29/4 to Mon 4/5 only Monday counts.
    assert CAL.holiday_name(date(2026, 4, 30)) == "Ngày Chiến thắng"
    assert CAL.holiday_name(date(2026, 5, 1)) == "Ngày Quốc tế Lao động"
    assert CAL.working_days_between(date(2026, 4, 29), date(2026, 5, 4)) == 1


def test_labour_day_on_saturday_2027_gives_monday_off():
    # 1/5/2027 is a Saturday -> nghỉ bù Monday 3/5.  Thu 29/4 + 1 -> Fri 30/4 off,
    # weekend, Mon 3/5 off -> Tuesday 4/5.
    assert CAL.holiday_name(date(2027, 5, 3)) == "Ngày Quốc tế Lao động (nghỉ bù)"
    assert CAL.add_working_days(date(2027, 4, 29), 1) == date(2027, 5, 4)


def test_swap_2025_saturday_26_april_worked_friday_2_may_off():
    # From Fri 25/4/2025 to Mon 5/5: Sat 26 (làm bù), Mon 28, Tue 29, Mon 5 = 4;
    # Wed 30/4, Thu 1/5 and Fri 2/5 are off.
    assert CAL.is_working_day(date(2025, 4, 26))
    assert not CAL.is_working_day(date(2025, 5, 2))
    assert CAL.working_days_between(date(2025, 4, 25), date(2025, 5, 5)) == 4


# --- Giỗ Tổ Hùng Vương 2026: 10/3 lunar = Sunday 26/4/2026 --------------------------------

def test_hung_kings_2026_falls_on_sunday_monday_off():
    # Lunar month 3 of Bính Ngọ starts on 17/4/2026, so 10/3 lunar is Sunday 26/4.
    assert CAL.holiday_name(date(2026, 4, 26)) == "Ngày Giỗ Tổ Hùng Vương"
    assert CAL.holiday_name(date(2026, 4, 27)) == "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"
    assert not CAL.is_working_day(date(2026, 4, 27))
    assert CAL.add_working_days(date(2026, 4, 24), 1) == date(2026, 4, 28)   # Fri -> Tue


# --- Tết -------------------------------------------------------------------------------

def test_five_working_days_from_the_friday_before_tet_2027():
    # Tết Đinh Mùi: mùng 1 is Saturday 6/2/2027.  The package gives Giao thừa Fri 5/2,
    # mùng 1-4 Sat 6 - Tue 9, and moves Saturday's and Sunday's days to Thu 4/2 ("29 Tết")
    # and Wed 10/2 ("mùng năm").  Weekdays off: Thu 4, Fri 5, Mon 8, Tue 9, Wed 10.
    # A clerk counting "5 ngày làm việc" from Friday 29/1: Mon 1/2 (1), Tue 2 (2),
    # Wed 3 (3), then nothing until Thu 11/2 (4), Fri 12/2 (5).
    assert CAL.add_working_days(date(2027, 1, 29), 5) == date(2027, 2, 12)
    assert CAL.add_working_days(date(2027, 1, 29), 3) == date(2027, 2, 3)
    assert CAL.add_working_days(date(2027, 1, 29), 4) == date(2027, 2, 11)
    assert CAL.holiday_name(date(2027, 2, 6)) == "Tết Nguyên Đán"


def test_tet_2026_week_off():
    # Tết Bính Ngọ: mùng 1 is Tuesday 17/2/2026; Mon 16 - Fri 20 are off.
    assert CAL.next_working_day(date(2026, 2, 13)) == date(2026, 2, 23)
    assert CAL.next_working_day(date(2026, 2, 20), include_self=True) == date(2026, 2, 23)


def test_declared_extra_day_off_pushes_deadline():
    # The office adds Thu 11 and Fri 12/2/2027: from Fri 29/1, Mon 1, Tue 2, Wed 3 (3),
    # then Mon 15 (4), Tue 16 (5).
    cal = WorkingCalendar(days_off=[date(2027, 2, 11), date(2027, 2, 12)])
    assert cal.add_working_days(date(2027, 1, 29), 5) == date(2027, 2, 16)
    assert cal.holiday_name(date(2027, 2, 11)) == "Nghỉ theo quyết định của cơ quan"
    # A declared day that is also a public holiday keeps the holiday's own name.
    assert WorkingCalendar(days_off=[date(2027, 2, 5)]).holiday_name(
        date(2027, 2, 5)) == "Giao thừa Tết Nguyên Đán"


def test_declared_saturday_working_day_pulls_deadline_in():
    # 3 working days from Wed 17/2/2027: Thu 18, Fri 19, Mon 22 normally; with Saturday
    # 20/2 declared "làm bù" it is Thu 18, Fri 19, Sat 20.
    assert CAL.add_working_days(date(2027, 2, 17), 3) == date(2027, 2, 22)
    cal = WorkingCalendar(working_days=[date(2027, 2, 20)])
    assert cal.add_working_days(date(2027, 2, 17), 3) == date(2027, 2, 20)
    assert cal.is_working_day(date(2027, 2, 20))
    assert not cal.is_working_day(date(2027, 2, 21))   # the Sunday stays off


# --- counting --------------------------------------------------------------------------

def test_add_zero_and_negative():
    assert CAL.add_working_days(date(2027, 3, 3), 0) == date(2027, 3, 3)    # Wednesday
    assert CAL.add_working_days(date(2027, 2, 6), 0) == date(2027, 2, 11)   # Tết Saturday
    # Back from Thu 11/2/2027: Wed 10 ... Thu 4 off -> Wed 3/2.
    assert CAL.add_working_days(date(2027, 2, 11), -1) == date(2027, 2, 3)
    # Back from Mon 4/5/2026: Fri 1/5, Thu 30/4 off -> Wed 29 (1), Tue 28 (2).
    assert CAL.add_working_days(date(2026, 5, 4), -2) == date(2026, 4, 28)


def test_working_days_between_is_symmetric():
    # Ordinary week in March 2027: (Mon 1, Mon 8] = Tue-Fri + Mon = 5.
    assert CAL.working_days_between(date(2027, 3, 1), date(2027, 3, 8)) == 5
    assert CAL.working_days_between(date(2027, 3, 8), date(2027, 3, 1)) == -5
    # Across Tết 2027: (Fri 29/1, Fri 12/2] = Mon 1, Tue 2, Wed 3, Thu 11, Fri 12.
    assert CAL.working_days_between(date(2027, 1, 29), date(2027, 2, 12)) == 5
    assert CAL.working_days_between(date(2027, 2, 12), date(2027, 1, 29)) == -5
    # Across Giỗ Tổ and 30/4-1/5 2026: (Fri 24/4, Mon 4/5] = Tue 28, Wed 29, Mon 4.
    assert CAL.working_days_between(date(2026, 4, 24), date(2026, 5, 4)) == 3
    assert CAL.working_days_between(date(2026, 5, 4), date(2026, 4, 24)) == -3
    assert CAL.working_days_between(date(2027, 3, 3), date(2027, 3, 3)) == 0


def test_working_days_between_excludes_start_includes_end():
    # (Wed 3/2/2027, Wed 10/2] is the whole Tết break: nothing counts, although the
    # start day itself is a working day.
    assert CAL.working_days_between(date(2027, 2, 3), date(2027, 2, 10)) == 0
    # (Sat 30/1/2027, Mon 1/2] counts the Monday only.
    assert CAL.working_days_between(date(2027, 1, 30), date(2027, 2, 1)) == 1


def test_vietnam_culture_day_and_plain_weekend():
    assert not CAL.is_working_day(date(2026, 11, 24))   # Tuesday, from 2026
    assert CAL.is_working_day(date(2025, 11, 24))       # Monday, not yet a holiday
    assert not CAL.is_working_day(date(2027, 3, 6))     # Saturday
    assert CAL.holiday_name(date(2027, 3, 6)) is None


def test_custom_weekend():
    cal = WorkingCalendar(weekend=(6,))   # Saturday worked
    assert cal.add_working_days(date(2027, 3, 5), 1) == date(2027, 3, 6)


def test_aware_datetime_is_read_in_vietnam_time():
    # 18:00 UTC on 2/9/2026 is 01:00 on Thursday 3/9 in Hà Nội: a working day.
    assert CAL.is_working_day(datetime(2026, 9, 2, 18, 0, tzinfo=timezone.utc))
    assert not CAL.is_working_day(datetime(2026, 9, 2, 10, 0, tzinfo=timezone.utc))



# --- the two moments `make test-dates` runs the suite at (Makefile) ---------------------------

def test_year_end_run_moment_is_new_year_in_vietnam_while_utc_is_still_2026():
    # 17:30 UTC on Thursday 31/12/2026 is 00:30 on Friday 1/1/2027 in Hà Nội: Tết Dương lịch.
    moment = datetime(2026, 12, 31, 17, 30, tzinfo=timezone.utc)
    assert CAL.holiday_name(moment) == "Tết Dương lịch"
    assert not CAL.is_working_day(moment)
    assert CAL.is_working_day(moment.date())        # read as a UTC date: an ordinary Thursday
    # counted from the day after a day off, 0 and 1 working day both end on Monday 4/1
    assert CAL.add_working_days(moment, 0) == date(2027, 1, 4)
    assert CAL.add_working_days(moment, 1) == date(2027, 1, 4)
    assert CAL.add_working_days(moment, 2) == date(2027, 1, 5)


def test_tet_run_moment_is_mung_ba_and_work_resumes_on_thursday():
    # 02:00 UTC on Monday 8/2/2027 is 09:00 on mùng 3 Tết Đinh Mùi. Mùng 4 (Tue 9) is off, and
    # so is Wed 10 (nghỉ bù for mùng 2 on a Sunday): the next working day is Thursday 11/2.
    moment = datetime(2027, 2, 8, 2, 0, tzinfo=timezone.utc)
    assert CAL.holiday_name(moment) == "Mùng ba Tết Nguyên Đán"
    assert CAL.add_working_days(moment, 0) == date(2027, 2, 11)
    assert CAL.add_working_days(moment, 1) == date(2027, 2, 11)
    assert CAL.add_working_days(moment, 2) == date(2027, 2, 12)    # Friday
    assert CAL.working_days_between(moment, date(2027, 2, 15)) == 3    # Thu 11, Fri 12, Mon 15

# --- from_config -----------------------------------------------------------------------

def test_from_config_reads_iso_strings_and_yaml_dates():
    cal = WorkingCalendar.from_config(
        {"days_off": ["2027-02-11", date(2027, 2, 12)], "working_days": ["2027-02-20"]})
    assert not cal.is_working_day(date(2027, 2, 11))
    assert not cal.is_working_day(date(2027, 2, 12))
    assert cal.is_working_day(date(2027, 2, 20))
    assert WorkingCalendar.from_config({}).is_working_day(date(2027, 3, 3))


@pytest.mark.parametrize("field, bad", [
    ("days_off", "2027-02-30"),
    ("working_days", "20/02/2027"),
    ("days_off", None),
])
def test_from_config_bad_date_names_field_and_value(field, bad):
    with pytest.raises(InvalidInput) as caught:
        WorkingCalendar.from_config({field: ["2027-03-01", bad]})
    assert list(caught.value.fields) == [field]
    assert repr(bad) in caught.value.fields[field][0]


def test_from_config_refuses_non_list_and_unknown_key():
    with pytest.raises(InvalidInput) as caught:
        WorkingCalendar.from_config({"days_off": "2027-02-11", "day_off": ["2027-02-12"]})
    assert set(caught.value.fields) == {"days_off", "day_off"}


def test_day_both_off_and_working_is_an_error():
    with pytest.raises(InvalidInput) as caught:
        WorkingCalendar.from_config(
            {"days_off": ["2027-02-20"], "working_days": ["2027-02-20"]})
    assert "2027-02-20" in caught.value.message
    assert set(caught.value.fields) == {"days_off", "working_days"}
