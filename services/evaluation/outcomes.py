"""Recording task outcomes from tasks' events."""
from datetime import date, datetime, timezone

from sqlalchemy import select

from services.evaluation.models import TaskOutcome


def record(session, event):
    """Store (or update, for a task completed again after a return) one task's outcome."""
    data = event["data"]
    completed_on = date.fromisoformat(data["completed_on"])
    outcome = session.execute(select(TaskOutcome).where(
        TaskOutcome.office == event["office"],
        TaskOutcome.task_id == data["task_id"])).scalar_one_or_none()
    if outcome is None:
        outcome = TaskOutcome(office=event["office"], task_id=data["task_id"])
        session.add(outcome)
    outcome.assignee = data["assignee"]
    outcome.weight = data.get("weight", 1.0)
    outcome.due_date = date.fromisoformat(data["due_date"])
    outcome.completed_on = completed_on
    outcome.period = completed_on.strftime("%Y-%m")
    outcome.on_time = data["on_time"]
    outcome.delay_count = data.get("delay_count", 0)
    outcome.failed_reviews = data.get("failed_reviews", 0)
    outcome.recorded_at = datetime.now(timezone.utc)
    session.flush()
    return outcome


def list_for(session, office, assignee=None, period=None):
    query = select(TaskOutcome).where(TaskOutcome.office == office)
    if assignee:
        query = query.where(TaskOutcome.assignee == assignee)
    if period:
        query = query.where(TaskOutcome.period == period)
    return session.execute(query.order_by(TaskOutcome.completed_on, TaskOutcome.id)).scalars().all()
