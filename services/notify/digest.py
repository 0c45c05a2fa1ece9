"""The daily digest: due and overdue tasks and unread notices in one message per person.

A person who chose a digest time gets it once per working day at or after that time (in the
office's time zone): a `DigestRun` row per person and day, inserted before anything is sent,
makes a second replica's timer, or a second pass, a no-op.  Nothing to report, nothing sent.
Tasks come from task events (`track`), so notify needs no call to tasks.
"""
from datetime import date

from sqlalchemy import func, select

from services.notify import deliveries, preferences
from services.notify.models import DigestRun, Notification, Preference, TrackedTask
from services.notify.reactions import NoticeRequest
from shared.timeutil import TIMEZONE

DUE_WITHIN_WORKING_DAYS = 3
UNREAD_LISTED = 10


def _as_date(value):
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def track(session, office, event_type, data, now):
    """Keep the open-task copy up to date from one task event (`now`: when it was handled)."""
    row = session.get(TrackedTask, (office, data["task_id"]))
    if event_type in ("task_completed", "task_cancelled"):
        if row is not None:
            row.open = False
            row.updated_at = now
        return
    if row is None:
        row = TrackedTask(office=office, task_id=data["task_id"], open=True)
        session.add(row)
    row.title = data["title"]
    row.assignee = data.get("assignee") or row.assignee
    if event_type == "extension_decided":
        if data.get("approved") and data.get("new_due_date"):
            row.due_date = _as_date(data["new_due_date"])
    elif data.get("due_date"):
        row.due_date = _as_date(data["due_date"])
    row.updated_at = now


def compose(tasks, unread, unread_titles, today, calendar, due_within=DUE_WITHIN_WORKING_DAYS):
    """The digest template's data, or None when there is nothing to say (pure).

    `tasks` are (title, due_date) of the person's open tasks.
    """
    overdue, due = [], []
    for title, due_date in sorted(tasks, key=lambda t: (t[1] or date.max, t[0])):
        if due_date is None:
            continue
        days = calendar.working_days_between(today, due_date)
        if due_date < today:
            overdue.append({"title": title, "due_date": due_date.isoformat(), "days": -days})
        elif days <= due_within:
            due.append({"title": title, "due_date": due_date.isoformat(), "days": days})
    if not (overdue or due or unread):
        return None
    return {"day": today.isoformat(), "overdue": overdue, "due": due, "unread": unread,
            "unread_items": list(unread_titles)[:UNREAD_LISTED]}


def run_due(session, runtime, calendar_for, moment, offices=None):
    """Make the digests due at `moment`; the people who got one."""
    local = moment.astimezone(TIMEZONE)
    today = local.date()
    query = select(Preference).where(Preference.digest_time.is_not(None))
    if offices:
        query = query.where(Preference.office.in_(list(offices)))
    made = []
    for row in session.scalars(query).all():
        calendar = calendar_for(row.office)
        digest_time = preferences.parse_clock(row.digest_time, "digest_time")
        if not preferences.digest_due(local, digest_time, calendar):
            continue
        claimed = deliveries.insert_ignoring(
            session, DigestRun, [{"office": row.office, "staff_id": row.staff_id, "day": today,
                                  "items": 0, "created_at": moment}],
            ("office", "staff_id", "day"), returning=(DigestRun.staff_id,))
        if not claimed:
            continue
        data = gather(session, row.office, row.staff_id, today, calendar)
        if data is None:
            continue
        session.get(DigestRun, (row.office, row.staff_id, today)).items = (
            len(data["overdue"]) + len(data["due"]) + data["unread"])
        deliveries.plan_or_record(session, runtime, row.office, NoticeRequest(
            "digest", "digest", [row.staff_id], data, f"digest:{today.isoformat()}"), moment)
        made.append((row.office, row.staff_id))
    return made


def gather(session, office, staff_id, today, calendar):
    tasks = session.execute(select(TrackedTask.title, TrackedTask.due_date).where(
        TrackedTask.office == office, TrackedTask.assignee == staff_id,
        TrackedTask.open.is_(True))).all()
    unread_filter = (Notification.office == office, Notification.recipient == staff_id,
                     Notification.read_at.is_(None), Notification.category != "digest")
    unread = session.execute(select(func.count()).where(*unread_filter)).scalar_one()
    titles = session.scalars(select(Notification.title).where(*unread_filter)
                             .order_by(Notification.id.desc()).limit(UNREAD_LISTED)).all()
    return compose([(t.title, _as_date(t.due_date)) for t in tasks], unread, titles, today,
                   calendar)
