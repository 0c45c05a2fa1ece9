"""Đôn đốc: reminders before a deadline, repeating overdue notices, escalation.

Rules (one sweep, at a given date and time):

- nothing is sent on a day off, nor before the configured hour (the office's morning);
- due soon: when the working days left (after today, up to the deadline) are at most one of the
  lead times (e.g. 3 and 1), the tightest one that applies fires, once per task, lead time
  and deadline (a deadline moved by an extension is reminded again);
- overdue: every working day after the deadline, once per task and day;
- escalated: when a task is `escalate_after_days` working days or more past its deadline, once
  per task and deadline, to the assigner and the unit head.

Only work the owner still owes is reminded: new, assigned, in progress, returned (a submitted
task waits for its reviewer).  "Once" is kept by the `reminder_sent` table's unique key,
inserted in the transaction that writes the event to the outbox: any number of replicas and
restarts send each reminder once.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from services.tasks.models import ReminderSent, Task
from services.tasks.workflow import OPEN
from shared.errors import InvalidInput

DUE_SOON, OVERDUE, ESCALATED = "due_soon", "overdue", "escalated"
EVENT_TYPES = {DUE_SOON: "task_due_soon", OVERDUE: "task_overdue", ESCALATED: "task_escalated"}
INSERT_CHUNK = 500
RECENT_DAYS = 31


@dataclass(frozen=True)
class ReminderSettings:
    due_soon_days: tuple = (1, 3)      # sorted
    hour: int = 8
    escalate_after_days: int = 3

    @classmethod
    def from_config(cls, mapping):
        mapping = dict(mapping or {})
        errors = {key: ["unknown field"] for key in mapping
                  if key not in ("due_soon_days", "hour", "escalate_after_days")}
        days = mapping.get("due_soon_days", cls.due_soon_days)
        if not isinstance(days, (list, tuple)) or not all(
                isinstance(d, int) and 0 <= d <= 60 for d in days):
            errors["due_soon_days"] = [f"a list of working days 0-60, got {days!r}"]
        hour = mapping.get("hour", cls.hour)
        if not isinstance(hour, int) or not 0 <= hour <= 23:
            errors["hour"] = [f"an hour 0-23, got {hour!r}"]
        after = mapping.get("escalate_after_days", cls.escalate_after_days)
        if not isinstance(after, int) or after < 1:
            errors["escalate_after_days"] = [f"a number of working days ≥ 1, got {after!r}"]
        if errors:
            raise InvalidInput("invalid REMINDERS settings", errors)
        return cls(due_soon_days=tuple(sorted(set(days))), hour=hour, escalate_after_days=after)


@dataclass(frozen=True)
class Reminder:
    kind: str
    threshold: int
    slot: str
    working_days_overdue: int = 0


def reminders_for(due_date, today, hour, settings, calendar):
    """The reminders a task due on `due_date` gets at `hour` o'clock on `today`."""
    if hour < settings.hour or not calendar.is_working_day(today):
        return []
    if due_date >= today:
        left = calendar.working_days_between(today, due_date)
        fitting = [days for days in settings.due_soon_days if left <= days]
        if not fitting:
            return []
        threshold = min(fitting)
        return [Reminder(DUE_SOON, threshold, f"{threshold}@{due_date.isoformat()}")]
    late = calendar.working_days_between(due_date, today)
    found = [Reminder(OVERDUE, late, today.isoformat(), late)]
    if late >= settings.escalate_after_days:
        found.append(Reminder(ESCALATED, settings.escalate_after_days,
                              f"{settings.escalate_after_days}@{due_date.isoformat()}", late))
    return found


def candidate_window(today, settings, calendars):
    """The latest deadline any office's due-soon reminder can concern today."""
    longest = max(settings.due_soon_days, default=0)
    return max([today + timedelta(days=longest)] +
               [cal.add_working_days(today, longest) for cal in calendars])


class CountingCalendar:
    """A calendar that counts working days between dates of [start, end] by lookup: one pass
    over the days instead of one per task (long-overdue tasks span months)."""

    def __init__(self, calendar, start, end):
        self.calendar = calendar
        self.working = {}
        self.cumulative = {}
        count, day = 0, start
        while day <= end:
            self.working[day] = calendar.is_working_day(day)
            count += self.working[day]
            self.cumulative[day] = count
            day += timedelta(days=1)

    def is_working_day(self, day):
        known = self.working.get(day)
        return self.calendar.is_working_day(day) if known is None else known

    def working_days_between(self, start, end):
        if start in self.cumulative and end in self.cumulative:
            return self.cumulative[end] - self.cumulative[start]
        return self.calendar.working_days_between(start, end)


def _calendar_key(calendar):
    return (calendar.days_off, calendar.working_days, calendar.weekend)


def _insert(session, rows):
    """Insert sent-rows that are not there yet; the keys actually inserted."""
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    table = ReminderSent.__table__
    statement = (dialect.insert(table)
                 .on_conflict_do_nothing(index_elements=["task_id", "kind", "slot"])
                 .returning(table.c.task_id, table.c.kind, table.c.slot))
    return {tuple(row) for row in session.connection().execute(statement, rows)}


def sweep(session, now, settings, calendar_for, offices):
    """[(task, Reminder)] newly due at local time `now` in `offices`, their sent-rows written.

    The caller records one event per pair in the same transaction and commits.
    `calendar_for(office)` gives each office's WorkingCalendar.  Rows sent in the last
    RECENT_DAYS are skipped before inserting (less work); the unique key alone decides.
    """
    today, hour = now.date(), now.hour
    calendars = {office: calendar_for(office) for office in offices}
    if not calendars or hour < settings.hour:
        return []
    window = candidate_window(today, settings, calendars.values())
    candidates = session.execute(
        select(Task.id, Task.office, Task.due_date)
        .where(Task.status.in_(OPEN), Task.due_date <= window, Task.office.in_(list(calendars)))
        .order_by(Task.id)).all()
    if not candidates:
        return []
    earliest = min(due for _, _, due in candidates)
    counting = {}
    for office, calendar in calendars.items():
        key = _calendar_key(calendar)
        if key not in counting:
            counting[key] = CountingCalendar(calendar, min(earliest, today), window)
        calendars[office] = counting[key]
    recent = set(tuple(row) for row in session.execute(
        select(ReminderSent.task_id, ReminderSent.kind, ReminderSent.slot)
        .where(ReminderSent.on_date >= today - timedelta(days=RECENT_DAYS))))
    found, rows = [], []
    sent_at = datetime.now(timezone.utc)
    for task_id, office, due_date in candidates:
        for reminder in reminders_for(due_date, today, hour, settings, calendars[office]):
            if (task_id, reminder.kind, reminder.slot) in recent:
                continue
            found.append((task_id, reminder))
            rows.append({"office": office, "task_id": task_id, "kind": reminder.kind,
                         "slot": reminder.slot, "threshold": reminder.threshold,
                         "on_date": today, "sent_at": sent_at})
    if not rows:
        return []
    inserted = _insert(session, rows)
    sent = [(task_id, reminder) for task_id, reminder in found
            if (task_id, reminder.kind, reminder.slot) in inserted]
    tasks, ids = {}, sorted({task_id for task_id, _ in sent})
    for start in range(0, len(ids), INSERT_CHUNK):
        chunk = ids[start:start + INSERT_CHUNK]
        tasks.update((task.id, task) for task in
                     session.execute(select(Task).where(Task.id.in_(chunk))).scalars())
    return [(tasks[task_id], reminder) for task_id, reminder in sent]
