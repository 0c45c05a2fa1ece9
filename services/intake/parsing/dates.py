"""Dates as Vietnamese documents write them, turned into ISO strings.

"ngày 1 tháng 9 năm 2021", "ngày 05 tháng 01 năm 2020", "12/12/2021", "5-3-2026", "20.10.2026".
A date that does not exist (30/02/2026) gives None and a warning, never an exception.
"""
import calendar
import datetime
import re

WORDED_DATE = r"ngày\s+(?P<wd>\d{1,2})\s+tháng\s+(?P<wm>\d{1,2})\s*,?\s+năm\s+(?P<wy>\d{4})"
NUMERIC_DATE = r"(?<![\d/.-])(?P<nd>\d{1,2})(?P<sep>[/.-])(?P<nm>\d{1,2})(?P=sep)(?P<ny>\d{4})(?![\d/])"
ANY_DATE = re.compile(f"(?i:{WORDED_DATE})|{NUMERIC_DATE}")

ROMAN_QUARTERS = {"I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def iso_date(day, month, year, warnings, written):
    """ "YYYY-MM-DD", or None with a warning when the date does not exist."""
    try:
        return datetime.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        warnings.append(f"date '{written}' does not exist; left empty")
        return None


def date_from_match(match, warnings):
    """The ISO date of an ANY_DATE match (either form)."""
    if match.group("wd"):
        return iso_date(match.group("wd"), match.group("wm"), match.group("wy"), warnings, match.group(0))
    return iso_date(match.group("nd"), match.group("nm"), match.group("ny"), warnings, match.group(0))


def first_date(text, warnings):
    """The first date written in the text, as ISO (None if there is none or it does not exist)."""
    match = ANY_DATE.search(text)
    return date_from_match(match, warnings) if match else None


def add_months(iso, months):
    """The same day `months` later, clamped to the month's end (31/8 + 6 months → 28/2 or 29/2)."""
    start = datetime.date.fromisoformat(iso)
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day).isoformat()


def add_days(iso, days):
    return (datetime.date.fromisoformat(iso) + datetime.timedelta(days=days)).isoformat()


def month_end(month, year, warnings, written):
    """The last day of a month ("tháng 10/2026" → 2026-10-31)."""
    if not 1 <= int(month) <= 12:
        warnings.append(f"month '{written}' does not exist; left empty")
        return None
    return iso_date(calendar.monthrange(int(year), int(month))[1], month, year, warnings, written)


def quarter_end(quarter, year):
    """The last day of a quarter ("quý IV/2026" → 2026-12-31)."""
    month = 3 * ROMAN_QUARTERS[quarter.upper()]
    return datetime.date(int(year), month, calendar.monthrange(int(year), month)[1]).isoformat()


_NGAY = re.compile(r"ngày\s+", re.I)


def date_at(text, position, warnings):
    """(ISO date, end) of a date that starts at `position`, with or without a leading "ngày"."""
    match = ANY_DATE.match(text, position)
    if not match:
        ngay = _NGAY.match(text, position)
        match = ANY_DATE.match(text, ngay.end()) if ngay else None
    if not match:
        return None, position
    return date_from_match(match, warnings), match.end()
