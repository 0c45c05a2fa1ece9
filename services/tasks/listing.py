"""Lists of tasks as people ask for them: mine, my units', the office's; overdue or due soon;
by deadline, urgent work first on the same day, then the oldest task.

Overdue and due soon mean what the bảng theo dõi counts (services/tasks/tracking.py), so a list
and the table's figures agree: overdue is work still owed (new, assigned, in progress,
returned) whose deadline is before today, or a result handed in after its deadline; due soon is
work still owed whose deadline falls from today to `soon_until` (today plus the longest
reminder lead time, `REMINDERS.due_soon_days`, counted on the office's working-day calendar).
Whose tasks a caller may list is workflow.list_scope's answer; this module only applies it.
"""
from sqlalchemy import and_, false, func, or_, select

from services.tasks.models import Task, of_office
from services.tasks.workflow import OPEN, OWN_AND_UNITS, SUBMITTED


def overdue(today):
    return or_(and_(Task.status.in_(OPEN), Task.due_date < today),
               and_(Task.status == SUBMITTED, Task.submitted_on > Task.due_date))


def due_soon(today, soon_until):
    return and_(Task.status.in_(OPEN), Task.due_date >= today, Task.due_date <= soon_until)


def whose(scope, sub, headed):
    """The condition of a scope (see workflow.list_scope); None for the whole office."""
    units = Task.unit_code.in_(sorted(headed)) if headed else false()
    if scope == "mine":
        return Task.assignee == sub
    if scope == "unit":
        return units
    if scope == OWN_AND_UNITS:
        return or_(Task.assignee == sub, units)
    return None


def tasks(session, office, *, scope, sub, headed=(), today, soon_until, status=None,
          assignee=None, unit_code=None, document_id=None, overdue_only=False,
          due_soon_only=False, limit=100, offset=0):
    """(total, page) of the office's tasks in `scope`, narrowed by the filters."""
    query = of_office(Task, office)
    scoped = whose(scope, sub, frozenset(headed))
    if scoped is not None:
        query = query.where(scoped)
    for column, value in ((Task.status, status), (Task.assignee, assignee),
                          (Task.unit_code, unit_code), (Task.document_id, document_id)):
        if value is not None:
            query = query.where(column == value)
    due = [condition for wanted, condition in ((overdue_only, overdue(today)),
                                               (due_soon_only, due_soon(today, soon_until)))
           if wanted]
    if due:
        query = query.where(or_(*due))
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    found = session.execute(query.order_by(Task.due_date, Task.urgent.desc(), Task.id)
                            .limit(limit).offset(offset))
    return total, found.scalars().all()
