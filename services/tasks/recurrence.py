"""Recurring work (báo cáo tháng, giao ban tuần): the next occurrence and when it appears.

A series keeps the first occurrence's deadline as its anchor: occurrence k is due k-1 months
(or weeks) after it, on the same day of the month (the month's last day when it is shorter),
moved to the next working day when that day is off.  The next occurrence appears when the
current one is completed, or — on schedule — once the current one's deadline has passed,
whichever comes first; a series never has two copies of one occurrence (unique key).
"""
from datetime import timedelta

from services.tasks.deadlines import add_months, roll_to_working_day
from shared.errors import InvalidInput

RECURRENCES = ("monthly", "weekly")


def check(recurrence):
    if recurrence is not None and recurrence not in RECURRENCES:
        raise InvalidInput("unknown recurrence", {"recurrence": [
            f"{recurrence!r}: use one of {', '.join(RECURRENCES)}"]})


def due_of(recurrence, anchor_due, occurrence, calendar):
    """The deadline of occurrence number `occurrence` (1 is the anchor itself)."""
    steps = occurrence - 1
    if recurrence == "monthly":
        day = add_months(anchor_due, steps)
    elif recurrence == "weekly":
        day = anchor_due + timedelta(weeks=steps)
    else:
        raise InvalidInput("unknown recurrence", {"recurrence": [repr(recurrence)]})
    return roll_to_working_day(day, calendar) if steps else anchor_due


def next_is_due(status, due_date, today, completed):
    """True when the occurrence after this one should exist now."""
    return completed or (status not in ("cancelled", "discarded") and due_date < today)
