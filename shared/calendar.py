"""The suite's one working-day calendar.

Deadlines in Vietnamese administrative procedure are counted in "ngày làm việc" (working
days), so every service must agree on which days count.  This module is that agreement:
a day is a working day unless it is a weekend day, a public holiday, or a day the office
declared off, and an office-declared working day ("làm bù") always counts.

Public holidays come from the `holidays` package (``holidays.Vietnam``, names in
Vietnamese).  What it covers, as checked against holidays 0.109 for 2025-2027:

* the days of Labor Code 2019, Art. 112: Tết Dương lịch (1/1); Tết Nguyên Đán as five
  days (Giao thừa and mùng 1-4, computed from the lunar calendar); Giỗ Tổ Hùng Vương
  (10/3 lunar); Ngày Chiến thắng (30/4); Ngày Quốc tế Lao động (1/5); Quốc khánh (2/9 and
  one adjacent day, 1/9 or 3/9); and, from 2026, Ngày Văn hóa Việt Nam (24/11);
* "nghỉ bù": a holiday on a Saturday or Sunday gives the next working day off (for Tết a
  Saturday moves to the day before the break, e.g. 29 Tết 04/02/2027, and a Sunday to the
  day after, e.g. mùng năm 10/02/2027);
* a few swaps the government already announced, as a weekday off plus a Saturday worked
  (nghỉ 02/05/2025 thay 26/04/2025, nghỉ 31/08/2026 thay 22/08/2026).  The package
  lists the Saturday in ``weekend_workdays``; this calendar honours it.

What it does not cover, and offices must declare (``days_off`` / ``working_days``):

* the Prime Minister's yearly decision on the Tết break and any extra days off, and
  swaps announced after the installed package was released; future years in the package
  are the law's default, not a decision;
* local or office-specific days (an election day, a provincial anniversary, ...).

Upgrading ``holidays`` may change results; the unit tests pin the dates we rely on.
"""
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

from shared.errors import InvalidInput
from shared.timeutil import TIMEZONE

DECLARED_DAY_OFF = "Nghỉ theo quyết định của cơ quan"
_ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=None)
def _public_holidays(year):
    """Vietnam's public holidays of one year (computed once per year: the lunar part is costly)."""
    return holidays.country_holidays("VN", years=year, language="vi", expand=False)


def _as_date(value):
    """A date; an aware datetime is read in the suite's time zone, a naive one as local."""
    if isinstance(value, datetime):
        return (value.astimezone(TIMEZONE) if value.tzinfo else value).date()
    if isinstance(value, date):
        return value
    raise TypeError(f"expected a date, got {type(value).__name__}")


class WorkingCalendar:
    """Working days of one office: weekend + public holidays + the office's declarations.

    ``days_off``: extra days off (e.g. the Prime Minister's extra Tết days).
    ``working_days``: days that are worked although they would be off (e.g. a "làm bù" Saturday).
    ``weekend``: weekday numbers off every week (Monday is 0), Saturday and Sunday by default.
    """

    def __init__(self, days_off=(), working_days=(), weekend=(5, 6)):
        self.days_off = frozenset(_as_date(d) for d in days_off)
        self.working_days = frozenset(_as_date(d) for d in working_days)
        self.weekend = frozenset(weekend)
        both = sorted(self.days_off & self.working_days)
        if both:
            message = "declared both a day off and a working day: " + ", ".join(
                d.isoformat() for d in both)
            raise InvalidInput(message, {"days_off": [message], "working_days": [message]})
        if not self.weekend <= set(range(7)) or len(self.weekend) == 7:
            message = "weekend must be weekday numbers 0-6 (Monday is 0), not the whole week"
            raise InvalidInput(message, {"weekend": [message]})

    @classmethod
    def from_config(cls, mapping):
        """A calendar from ``{"days_off": ["2027-02-11", ...], "working_days": [...]}``.

        Values are ISO dates (strings, or dates as YAML loads them); both keys are optional.
        Unknown keys are refused so that a misspelt key does not silently drop declarations.
        """
        mapping = dict(mapping or {})
        errors = {key: ["unknown field"] for key in mapping
                  if key not in ("days_off", "working_days")}
        parsed = {}
        for field in ("days_off", "working_days"):
            values = mapping.get(field) or []
            if not isinstance(values, (list, tuple)):
                errors[field] = [f"must be a list of ISO dates, got {values!r}"]
                continue
            parsed[field] = []
            for value in values:
                try:
                    parsed[field].append(
                        value if isinstance(value, date) else date.fromisoformat(value))
                except (TypeError, ValueError):
                    errors.setdefault(field, []).append(f"not an ISO date (YYYY-MM-DD): {value!r}")
        if errors:
            raise InvalidInput("invalid working calendar: " + ", ".join(sorted(errors)), errors)
        return cls(**parsed)

    def holiday_name(self, day):
        """Why ``day`` is off: the holiday's Vietnamese name, `DECLARED_DAY_OFF`, or None.

        None for ordinary days, plain weekends and declared working days.
        """
        day = _as_date(day)
        if day in self.working_days:
            return None
        name = _public_holidays(day.year).get(day)
        if name is None and day in self.days_off:
            return DECLARED_DAY_OFF
        return name

    def is_working_day(self, day):
        day = _as_date(day)
        if day in self.working_days:
            return True
        if day in self.days_off:
            return False
        public = _public_holidays(day.year)
        if day.weekday() in self.weekend:
            return day in public.weekend_workdays
        return day not in public

    def next_working_day(self, day, include_self=False):
        """The first working day after ``day`` (or ``day`` itself if ``include_self`` and working)."""
        day = _as_date(day)
        if not include_self:
            day += _ONE_DAY
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day

    def add_working_days(self, start, n):
        """The date "n ngày làm việc" after ``start``, counted from the day after ``start``.

        ``n == 0`` gives ``start`` if it is a working day, else the next working day;
        a negative ``n`` counts back: -1 is the last working day before ``start``.
        """
        day = _as_date(start)
        if n == 0:
            return self.next_working_day(day, include_self=True)
        step = _ONE_DAY if n > 0 else -_ONE_DAY
        for _ in range(abs(n)):
            day += step
            while not self.is_working_day(day):
                day += step
        return day

    def working_days_between(self, start, end):
        """Working days in (start, end]; negative (same count) if ``end`` is before ``start``."""
        start, end = _as_date(start), _as_date(end)
        if end < start:
            return -self.working_days_between(end, start)
        return sum(self.is_working_day(start + timedelta(days=i))
                   for i in range(1, (end - start).days + 1))
