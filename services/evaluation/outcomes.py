"""Recording task outcomes from tasks' events, and reading them back as products.

Every handler is an upsert keyed by (office, task_id), so events may arrive in any order:
an assignment never reopens a completed or cancelled task, and an approved extension with an
objective cause is counted whether it arrives before or after the completion.
"""
from datetime import date, datetime, timezone

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError

from services.evaluation.models import (ASSIGNED, CANCELLED, COMPLETED, TaskOutcome,
                                        TaskTypeWeight)
from services.evaluation.periods import month_of
from services.evaluation.rules import Product
from shared.errors import InvalidInput

DEFAULT_WEIGHT = 1.0


def _date(value):
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def _outcome(session, office, data):
    """The task's row, created if new; two events of one task handled at once share one row."""
    query = select(TaskOutcome).where(TaskOutcome.office == office,
                                      TaskOutcome.task_id == data["task_id"])
    outcome = session.execute(query).scalar_one_or_none()
    if outcome is None:
        try:
            with session.begin_nested():
                session.add(TaskOutcome(
                    office=office, task_id=data["task_id"], status=ASSIGNED,
                    assignee=data.get("assignee") or "", title="", on_time=True, delay_count=0,
                    excused_delays=0, objective_causes=0, failed_reviews=0, quality_met=True,
                    weight=DEFAULT_WEIGHT, task_type="general",
                    recorded_at=datetime.now(timezone.utc)))
        except IntegrityError:
            pass
        outcome = session.execute(query).scalar_one()
    return outcome


def _common(outcome, data):
    if data.get("assignee"):
        outcome.assignee = data["assignee"]
    for key in ("title", "assigner", "unit_code", "task_type"):
        if data.get(key):
            setattr(outcome, key, data[key])
    if data.get("weight") is not None:
        outcome.weight = float(data["weight"])
    if data.get("due_date"):
        outcome.due_date = _date(data["due_date"])
        outcome.due_period = month_of(outcome.due_date)
    if data.get("assigned_on"):
        outcome.assigned_on = _date(data["assigned_on"])
    outcome.recorded_at = datetime.now(timezone.utc)


def record_assigned(session, event):
    """A task assigned (or reassigned): it counts as assigned from now on."""
    data = event["data"]
    if not data.get("assignee"):
        return None
    outcome = _outcome(session, event["office"], data)
    if outcome.status == ASSIGNED:
        _common(outcome, data)
        if outcome.assigned_on is None:
            outcome.assigned_on = _date(event["occurred_at"][:10])
    session.flush()
    return outcome


def record(session, event):
    """A task completed (again, after a return): store what it says about its assignee."""
    data = event["data"]
    outcome = _outcome(session, event["office"], data)
    _common(outcome, data)
    completed_on = _date(data["completed_on"])
    outcome.status = COMPLETED
    outcome.completed_on = completed_on
    outcome.period = month_of(completed_on)
    outcome.on_time = bool(data["on_time"])
    outcome.delay_count = int(data.get("delay_count") or 0)
    outcome.excused_delays = int(data.get("excused_delays") or 0)
    outcome.failed_reviews = int(data.get("failed_reviews") or 0)
    outcome.quality_met = bool(data.get("quality_met", True))
    session.flush()
    return outcome


def record_cancelled(session, event):
    """A cancelled task is not a product: it leaves the assignee's counts."""
    data = event["data"]
    outcome = _outcome(session, event["office"], data)
    _common(outcome, data)
    outcome.status = CANCELLED
    session.flush()
    return outcome


def record_extension(session, event):
    """An approved extension with an objective cause cancels one delay's deduction."""
    data = event["data"]
    if not (data.get("approved") and data.get("objective_cause")):
        return None
    outcome = _outcome(session, event["office"], data)
    if outcome.status == ASSIGNED:
        _common(outcome, {key: value for key, value in data.items() if key != "due_date"})
        if data.get("new_due_date"):
            outcome.due_date = _date(data["new_due_date"])
            outcome.due_period = month_of(outcome.due_date)
    outcome.objective_causes = (outcome.objective_causes or 0) + 1
    session.flush()
    return outcome


def list_for(session, office, assignee=None, period=None, limit=None, offset=0):
    """The office's outcomes by deadline, one page (`limit` from `offset`)."""
    query = select(TaskOutcome).where(TaskOutcome.office == office)
    if assignee:
        query = query.where(TaskOutcome.assignee == assignee)
    if period:
        query = query.where(or_(TaskOutcome.due_period == period,
                                and_(TaskOutcome.due_period.is_(None), TaskOutcome.period == period)))
    query = query.order_by(TaskOutcome.due_date, TaskOutcome.id).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return session.execute(query).scalars().all()


# --- weights (quy đổi)

def set_type_weight(session, office, task_type, weight):
    if not isinstance(weight, (int, float)) or isinstance(weight, bool) or not 0 < weight <= 100:
        raise InvalidInput("a weight is a number above 0 and at most 100",
                           {"weight": [f"got {weight!r}; products are converted with a positive weight"]})
    row = session.execute(select(TaskTypeWeight).where(
        TaskTypeWeight.office == office, TaskTypeWeight.task_type == task_type)).scalar_one_or_none()
    if row is None:
        row = TaskTypeWeight(office=office, task_type=task_type)
        session.add(row)
    row.weight = float(weight)
    session.flush()
    return row


def type_weights(session, office, configured=None):
    weights = dict(configured or {})
    for row in session.execute(select(TaskTypeWeight).where(TaskTypeWeight.office == office)).scalars():
        weights[row.task_type] = row.weight
    return weights


# --- products

PRODUCT_COLUMNS = (TaskOutcome.task_id, TaskOutcome.assignee, TaskOutcome.title,
                   TaskOutcome.weight, TaskOutcome.task_type, TaskOutcome.status,
                   TaskOutcome.quality_met, TaskOutcome.failed_reviews, TaskOutcome.delay_count,
                   TaskOutcome.on_time, TaskOutcome.excused_delays, TaskOutcome.objective_causes,
                   TaskOutcome.due_date, TaskOutcome.completed_on, TaskOutcome.due_period,
                   TaskOutcome.period, TaskOutcome.unit_code)


def product_rows(session, office, months, basis="due_date"):
    """(month the task counts in, row) for the office's tasks in `months`, cancelled ones left out."""
    months = list(months)
    if basis == "completed_on":
        condition = TaskOutcome.period.in_(months)
    else:
        condition = or_(TaskOutcome.due_period.in_(months),
                        and_(TaskOutcome.due_period.is_(None), TaskOutcome.period.in_(months)))
    # Core rows (not ORM): a year of a large office is hundreds of thousands of rows
    rows = session.connection().execute(select(*PRODUCT_COLUMNS).where(
        TaskOutcome.office == office, TaskOutcome.status != CANCELLED, condition)
        .order_by(TaskOutcome.due_date, TaskOutcome.task_id)).all()
    for row in rows:
        month = row.period if basis == "completed_on" else (row.due_period or row.period)
        yield month, row


def to_product(row, weights):
    (task_id, _, title, weight, task_type, status, quality_met, failed_reviews, delay_count,
     on_time, excused_delays, objective_causes, due_date, completed_on) = row[:14]
    if weight is None or weight == DEFAULT_WEIGHT:
        weight = weights.get(task_type, DEFAULT_WEIGHT)
    completed = status == COMPLETED
    delays = delay_count or 0
    if completed and not on_time and delays == 0:
        delays = 1
    excused = excused_delays or 0
    if objective_causes and objective_causes > excused:
        excused = objective_causes
    return Product(task_id, title or "", float(weight), completed, bool(quality_met),
                   failed_reviews or 0, delays, excused, due_date, completed_on,
                   task_type or "general")
