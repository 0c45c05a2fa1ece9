"""Deadlines: in working days, never in the past, nested (person ≤ unit, sub-task ≤ parent),
read from a document's rule ("6 months after issue"), and what a delay is.

Delays (Nghị định 335/2025, as DOMAIN.md §3 reads it): each approved extension is a delay, not
counted against the person when the leader confirmed an objective cause; handing the result in
after the deadline in force is one more delay.  A task is on time when it has no delay that
counts.  Lateness is judged on the day the accepted result was submitted: the reviewer's own
time does not make the owner late.
"""
import calendar as month_calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from shared.errors import InvalidInput

RULE_RE = re.compile(r"^(?P<count>\d{1,3}) (?P<unit>working days?|days?|weeks?|months?|years?) "
                     r"after (?P<anchor>issue|receipt)$")


def check_not_past(due, today, field="due_date"):
    if due < today:
        raise InvalidInput(f"{field} is in the past", {field: [
            f"{due.isoformat()} is before today ({today.isoformat()}): a deadline must be today "
            "or later"]})


def check_not_after(due, limit, field, rule):
    """`due` may not pass `limit`; `rule` says whose deadline the limit is."""
    if limit is not None and due > limit:
        raise InvalidInput(f"{field} is after {rule}", {field: [
            f"{due.isoformat()} is after {limit.isoformat()}: {rule} may not be passed"]})


def resolve_due(due_date, due_in_working_days, today, calendar, field="due_date"):
    """The deadline from a date, or from "n ngày làm việc" counted from today."""
    if due_date is not None and due_in_working_days is not None:
        raise InvalidInput("give a deadline once", {field: [
            "give due_date or due_in_working_days, not both"]})
    if due_in_working_days is not None:
        if due_in_working_days < 0:
            raise InvalidInput("due_in_working_days must not be negative",
                               {"due_in_working_days": [str(due_in_working_days)]})
        return calendar.add_working_days(today, due_in_working_days)
    if due_date is None:
        raise InvalidInput("every task needs a deadline", {field: [
            "required: give due_date (YYYY-MM-DD) or due_in_working_days"]})
    return due_date


def add_months(day, months):
    """The same day `months` later, the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, month_calendar.monthrange(year, month)[1]))


def roll_to_working_day(day, calendar):
    """A deadline falling on a day off ends on the next working day (Bộ luật Dân sự 2015,
    Điều 148)."""
    return calendar.next_working_day(day, include_self=True)


def due_from_rule(rule, issued_date, arrival_date, calendar):
    """(due date, anchor used) for a rule such as "6 months after issue", or None.

    "issue" is the document's date; a document whose date was not filled in (a Party notice
    "Số * -TB/ĐUK") counts from its arrival, the first date the office knows it by.
    """
    match = RULE_RE.match((rule or "").strip())
    if not match:
        return None
    count, unit, anchor = int(match["count"]), match["unit"].rstrip("s"), match["anchor"]
    start = issued_date if anchor == "issue" else arrival_date
    used = anchor
    if start is None and anchor == "issue" and arrival_date is not None:
        start, used = arrival_date, "receipt"
    if start is None:
        return None
    if unit == "working day":
        return calendar.add_working_days(start, count), used
    if unit == "day":
        due = start + timedelta(days=count)
    elif unit == "week":
        due = start + timedelta(weeks=count)
    elif unit == "month":
        due = add_months(start, count)
    else:
        due = add_months(start, 12 * count)
    return roll_to_working_day(due, calendar), used


@dataclass(frozen=True)
class Outcome:
    on_time: bool
    delay_count: int
    excused_delays: int


def outcome(due_date, submitted_on, delay_count, excused_delays):
    """The task's standing when its result is accepted: extensions already counted, plus one
    delay if the accepted result came in after the deadline in force."""
    late = submitted_on > due_date
    delays = delay_count + (1 if late else 0)
    return Outcome(on_time=delays == excused_delays, delay_count=delays,
                   excused_delays=excused_delays)
