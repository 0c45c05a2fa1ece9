"""Bảng theo dõi: how the work due in a period stands, per office, unit or person.

A task counts in a period when its deadline in force falls in it (proposed, cancelled and
discarded work is not counted).  Each counted task is in exactly one of:

- done on time (``done_on_time``) / done late (``done_late``): accepted, with or without a
  delay that counts (see deadlines.outcome);
- overdue (``overdue``): not accepted and its deadline is before today — a submitted result
  waiting for review is overdue only if it was handed in after the deadline;
- in progress (``in_progress``): the rest; ``due_soon`` is the part of them whose deadline is
  within the longest reminder lead time (working days) from today.

On-time rate = done on time ÷ (done on time + done late + overdue): of the work whose outcome
on time is already known, the share that was on time; empty when there is none.
"""
import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, or_, select

from services.tasks.models import Staff, Task, Unit
from services.tasks.workflow import DONE, NOT_COUNTED, OPEN, SUBMITTED
from shared.errors import InvalidInput

COLUMNS = ("assigned", "done_on_time", "done_late", "in_progress", "overdue", "due_soon")
HEADINGS = {"office": "Cơ quan", "unit": "Đơn vị", "person": "Cán bộ, công chức"}
COUNT_HEADINGS = ("Số việc được giao", "Hoàn thành đúng hạn", "Hoàn thành trễ hạn",
                  "Đang thực hiện", "Quá hạn", "Sắp đến hạn", "Tỷ lệ đúng hạn (%)")
GROUPS = ("office", "unit", "person")
NO_PERSON = "(chưa giao người thực hiện)"
NO_UNIT = "(chưa xác định đơn vị)"
FIRST_YEAR, LAST_YEAR = 1900, 2200
PERIOD_RE = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|Q(?P<quarter>[1-4])))?$")


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date


def parse_period(text):
    """"2026-11" (a month), "2026-Q4" (a quarter) or "2026" (a year)."""
    match = PERIOD_RE.match(str(text or "").strip())
    if not match or (match["month"] and not 1 <= int(match["month"]) <= 12) \
            or not FIRST_YEAR <= int(match["year"]) <= LAST_YEAR:
        raise InvalidInput("period must be a month, a quarter or a year", {"period": [
            f"{text!r}: use 2026-11, 2026-Q4 or 2026 (years {FIRST_YEAR}-{LAST_YEAR})"]})
    year = int(match["year"])
    if match["month"]:
        month = int(match["month"])
        start = date(year, month, 1)
        end = date(year + (month == 12), month % 12 + 1, 1)
    elif match["quarter"]:
        quarter = int(match["quarter"])
        start = date(year, 3 * quarter - 2, 1)
        end = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
    else:
        start, end = date(year, 1, 1), date(year + 1, 1, 1)
    return Period(match.group(0), start, end.fromordinal(end.toordinal() - 1))


def classify(status, due_date, on_time, submitted_on, today, soon_until):
    """The column a counted task falls in, and whether it is also due soon."""
    if status == DONE:
        return ("done_on_time" if on_time else "done_late"), False
    if status == SUBMITTED:
        late = submitted_on is not None and submitted_on > due_date
    else:
        late = due_date < today
    if late:
        return "overdue", False
    return "in_progress", status in OPEN and due_date <= soon_until


def rate(counts):
    known = counts["done_on_time"] + counts["done_late"] + counts["overdue"]
    return round(100.0 * counts["done_on_time"] / known, 1) if known else None


def _sql_columns(today, soon_until):
    """The SQL twin of `classify`: one SUM(CASE ...) per column."""
    done = Task.status == DONE
    submitted_late = and_(Task.status == SUBMITTED, Task.submitted_on > Task.due_date)
    open_late = and_(Task.status.in_(OPEN), Task.due_date < today)
    overdue = or_(submitted_late, open_late)
    in_progress = and_(Task.status != DONE, ~overdue)
    due_soon = and_(Task.status.in_(OPEN), Task.due_date >= today, Task.due_date <= soon_until)

    def count(condition):
        return func.sum(case((condition, 1), else_=0))

    return [func.count(Task.id).label("assigned"),
            count(and_(done, Task.on_time.is_(True))).label("done_on_time"),
            count(and_(done, or_(Task.on_time.is_(False), Task.on_time.is_(None))))
            .label("done_late"),
            count(in_progress).label("in_progress"), count(overdue).label("overdue"),
            count(due_soon).label("due_soon")]


def table(session, office, period, group_by, today, soon_until, units=None, person=None):
    """Rows {key, name, counts..., on_time_rate} and a total row, for one office.

    `units` limits to tasks of those unit codes, `person` to one assignee.
    """
    if group_by not in GROUPS:
        raise InvalidInput("group_by must be office, unit or person", {"group_by": [
            f"{group_by!r}: use one of {', '.join(GROUPS)}"]})
    key = {"office": Task.office, "unit": Task.unit_code, "person": Task.assignee}[group_by]
    query = (select(key.label("key"), *_sql_columns(today, soon_until))
             .where(Task.office == office, Task.due_date >= period.start,
                    Task.due_date <= period.end, Task.status.not_in(NOT_COUNTED))
             .group_by(key))
    if units is not None:
        query = query.where(Task.unit_code.in_(sorted(units)))
    if person is not None:
        query = query.where(Task.assignee == person)
    names = _names(session, office, group_by)
    rows = []
    for row in session.execute(query):
        counts = {column: int(getattr(row, column) or 0) for column in COLUMNS}
        rows.append({"key": row.key, "name": _name(group_by, row.key, names), **counts,
                     "on_time_rate": rate(counts)})
    rows.sort(key=lambda r: (r["key"] is None, r["name"]))
    total = {column: sum(r[column] for r in rows) for column in COLUMNS}
    return rows, {"key": None, "name": "Tổng cộng", **total, "on_time_rate": rate(total)}


def _names(session, office, group_by):
    if group_by == "unit":
        return dict(session.execute(
            select(Unit.code, Unit.name).where(Unit.office == office)).all())
    if group_by == "person":
        return dict(session.execute(
            select(Staff.staff_id, Staff.full_name).where(Staff.office == office)).all())
    return {}


def _name(group_by, key, names):
    if key is None:
        return NO_PERSON if group_by == "person" else NO_UNIT
    return names.get(key, key)


def headings(group_by):
    return (HEADINGS[group_by],) + COUNT_HEADINGS


def as_lines(rows, total):
    """Rows for CSV/XLSX/CLI: the name, the counts, the rate."""
    def line(row):
        return [row["name"], *(row[c] for c in COLUMNS),
                "" if row["on_time_rate"] is None else row["on_time_rate"]]
    return [line(row) for row in rows] + [line(total)]
