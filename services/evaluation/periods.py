"""Evaluation periods: a month ("2026-10"), a quarter ("2026-Q4") or a year ("2026").

A task belongs to the period that holds its deadline (the product was due then), or, with
``period_basis: completed_on``, to the period it was completed in.  A period can be scored
once it is closed: its last day has passed, or the evaluator closed it early (December is
usually closed before the year-end rating in mid-December).
"""
import calendar
import re
from dataclasses import dataclass
from datetime import date

from shared.errors import InvalidInput

FIRST_YEAR, LAST_YEAR = 2000, 2100     # the years evaluation scores, classifies and records
YEAR_TEXT = f"a year between {FIRST_YEAR} and {LAST_YEAR}"

MONTH = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])\Z")
QUARTER = re.compile(r"^([0-9]{4})-Q([1-4])\Z")
YEAR = re.compile(r"^([0-9]{4})\Z")


@dataclass(frozen=True)
class Period:
    code: str
    kind: str          # month | quarter | year
    year: int
    start: date
    end: date

    def months(self):
        """The month codes inside this period."""
        return [f"{self.year}-{m:02d}" for m in range(self.start.month, self.end.month + 1)]

    def contains(self, day):
        return day is not None and self.start <= day <= self.end


def parse(code, field="period", allow_year=False):
    text = str(code or "").strip()
    if YEAR.match(text[:4]) and not FIRST_YEAR <= int(text[:4]) <= LAST_YEAR:
        raise InvalidInput(f"{field} must be in {YEAR_TEXT}",
                           {field: [f"got {text[:20]!r}; {YEAR_TEXT}"]})
    match = MONTH.match(text)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        return Period(text, "month", year, date(year, month, 1),
                      date(year, month, calendar.monthrange(year, month)[1]))
    match = QUARTER.match(text)
    if match:
        year, quarter = int(match.group(1)), int(match.group(2))
        first = 3 * quarter - 2
        return Period(text, "quarter", year, date(year, first, 1),
                      date(year, first + 2, calendar.monthrange(year, first + 2)[1]))
    match = YEAR.match(text)
    if match and allow_year:
        year = int(text)
        return Period(text, "year", year, date(year, 1, 1), date(year, 12, 31))
    expected = "a month YYYY-MM or a quarter YYYY-Qn" + (" or a year YYYY" if allow_year else "")
    raise InvalidInput(f"{field} must be {expected}",
                       {field: [f"got {text[:20]!r}; expected {expected}"]})


def year_periods(year, kind="month"):
    if kind == "quarter":
        return [parse(f"{year}-Q{q}") for q in range(1, 5)]
    return [parse(f"{year}-{m:02d}") for m in range(1, 13)]


def month_of(day):
    return f"{day.year}-{day.month:02d}"


def is_closed(period, today, closed_early=()):
    """Closed when its last day is past, or when every month in it was closed early."""
    if period.end < today:
        return True
    return all(month in closed_early for month in period.months())


def require_closed(period, today, closed_early=()):
    if not is_closed(period, today, closed_early):
        raise InvalidInput(
            f"period {period.code} is not closed",
            {"period": [f"a period is scored once it is closed: {period.code} ends on "
                        f"{period.end.isoformat()} (or the evaluator closes it with close_period)"]})
