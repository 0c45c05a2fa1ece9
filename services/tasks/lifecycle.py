"""A task's life: each operation checks the caller's relation (workflow), the deadlines
(deadlines), changes the task, keeps the history and records the events in one unit of work.

The caller (service.py) builds a `Context` and commits.
"""
import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from services.tasks import deadlines, recurrence, reminders, workflow
from services.tasks.models import Extension, Task, TaskHistory, of_office
from services.tasks.organisation import Directory
from shared.errors import Conflict, InvalidInput, NotFound

log = logging.getLogger(__name__)


@dataclass
class Context:
    work: object                 # shared.db.Work: .session, .record_event
    principal: object            # shared.auth.Principal
    today: object                # date, the office's today
    calendar: object             # WorkingCalendar of the office
    _directory: Directory = field(default=None, repr=False)

    @property
    def session(self):
        return self.work.session

    @property
    def office(self):
        return self.principal.office

    @property
    def directory(self):
        if self._directory is None:
            self._directory = Directory(self.session, self.office)
        return self._directory

    @property
    def caller(self):
        """The principal as the permission table sees them (workflow.Caller)."""
        return workflow.Caller(self.principal.sub, frozenset(self.principal.roles),
                               frozenset(self.directory.headed_by(self.principal.sub)))


def _now():
    return datetime.now(timezone.utc)


def _text(value, field, required=True):
    value = (value or "").strip() if isinstance(value, str) or value is None else value
    if required and not value:
        raise InvalidInput(f"{field} is required", {field: ["give a non-empty text"]})
    return value or None


# -- reading -------------------------------------------------------------------------------

def get(ctx, task_id, lock=False):
    """The task `task_id` of the caller's office; another office's task does not exist."""
    query = of_office(Task, ctx.office).where(Task.id == task_id)
    if lock and ctx.session.bind.dialect.name == "postgresql":
        query = query.with_for_update()
    task = ctx.session.execute(query).scalar_one_or_none()
    if task is None:
        raise NotFound("no such task in your office", {"task_id": [str(task_id)]})
    return task


def history_of(session, task):
    return session.execute(of_office(TaskHistory, task.office).where(
        TaskHistory.task_id == task.id).order_by(TaskHistory.id)).scalars().all()


def extensions_of(session, task):
    return session.execute(of_office(Extension, task.office).where(
        Extension.task_id == task.id).order_by(Extension.id)).scalars().all()


def subtasks_of(session, task):
    return session.execute(of_office(Task, task.office).where(Task.parent_id == task.id)
                           .order_by(Task.id)).scalars().all()


# -- events and history ----------------------------------------------------------------------

def task_data(directory, task):
    """What every task event carries (shared.contracts.TaskData)."""
    return {"task_id": task.id, "title": task.title, "assignee": task.assignee,
            "assigner": task.assigner, "unit_code": task.unit_code,
            "unit_head": directory.unit_head(task.unit_code),
            "coordinators": task.coordinator_ids, "due_date": task.due_date,
            "task_type": task.task_type, "weight": task.weight, "urgent": bool(task.urgent),
            "document_id": task.document_id, "arrival_number": task.arrival_number,
            "parent_id": task.parent_id, "status": task.status}


def emit(ctx, event_type, task, **extra):
    ctx.work.record_event(event_type, {**task_data(ctx.directory, task), **extra},
                          office=task.office, actor=ctx.principal.as_actor())


def record(ctx, task, action, from_status, **details):
    task.updated_at = _now()
    ctx.session.add(TaskHistory(
        task_id=task.id, office=task.office, at=task.updated_at, by=ctx.principal.sub,
        action=action, from_status=from_status, to_status=task.status,
        details=json.dumps(details, ensure_ascii=False, default=str)))


def transition(ctx, task, action, decision=None, **facts):
    """Check `action` against the permission table (workflow.authorize); the state it leads
    to.  `facts`: the extension `request` being decided, the `work` being given."""
    return workflow.authorize(action, task, ctx.caller, decision=decision, **facts)


def work_of(ctx, unit_code, assignee, field="assignee"):
    """workflow.Work for giving work to `unit_code` and/or the active staff member `assignee`
    of the office (whose unit is the work's unit when none is named)."""
    person = ctx.directory.assignee(assignee, field) if assignee is not None else None
    if unit_code is None and person is not None:
        unit_code = person.unit_code
    return workflow.Work(unit_code, assignee, person.unit_code if person is not None else None)


# -- creating ------------------------------------------------------------------------------

def new_task(ctx, *, title, due_date, unit_code=None, assignee=None, description=None,
             task_type="general", weight=1.0, urgent=False, coordinators=(), parent=None,
             document_id=None, arrival_number=None, direction_item_id=None,
             related_task_id=None, unit_due_date=None, status=None, recurrence_rule=None,
             series_id=None, occurrence=None, assigner=None, events=True):
    """Insert a task after the checks every task passes; records created (and assigned)."""
    directory = ctx.directory
    if assignee is not None:
        person = directory.assignee(assignee)
        unit_code = unit_code or person.unit_code
    if unit_code is not None:
        directory.unit(unit_code)
    if unit_code is None and assignee is None:
        raise InvalidInput("every task needs an owner", {"assignee": [
            "give an assignee (staff id) or a unit_code"]})
    for index, staff_id in enumerate(coordinators):
        directory.assignee(staff_id, f"coordinators.{index}")
    if parent is not None:
        deadlines.check_not_after(due_date, parent.due_date, "due_date",
                                  f"the parent task's deadline (task {parent.id})")
    recurrence.check(recurrence_rule)
    now = _now()
    task = Task(
        office=ctx.office, title=title[:500], description=description, task_type=task_type,
        weight=weight, urgent=urgent,
        status=status or (workflow.ASSIGNED if assignee else workflow.NEW),
        unit_code=unit_code, assignee=assignee,
        assigner=assigner if assigner is not None else (
            None if status == workflow.PROPOSED else ctx.principal.sub),
        coordinators=json.dumps(list(coordinators)), due_date=due_date,
        original_due_date=due_date, unit_due_date=unit_due_date, document_id=document_id,
        arrival_number=arrival_number, direction_item_id=direction_item_id,
        related_task_id=related_task_id, parent_id=parent.id if parent is not None else None,
        progress=0, delay_count=0, excused_delays=0, failed_reviews=0,
        assigned_on=ctx.today if assignee else None, recurrence=recurrence_rule,
        series_id=series_id, occurrence=occurrence, created_by=ctx.principal.sub,
        created_at=now, updated_at=now)
    ctx.session.add(task)
    ctx.session.flush()
    if recurrence_rule is not None:
        task.series_id = series_id or task.id
        task.occurrence = occurrence or 1
    record(ctx, task, "created", None, due_date=due_date.isoformat())
    if events and task.status != workflow.PROPOSED:
        emit(ctx, "task_created", task)
        emit(ctx, "task_assigned", task)
    return task


def create(ctx, data):
    """A task given by a leader (any unit), a unit head (their units) or, as a sub-task, by
    whoever may add sub-tasks to the parent."""
    due = deadlines.resolve_due(data.get("due_date"), data.get("due_in_working_days"),
                                ctx.today, ctx.calendar)
    deadlines.check_not_past(due, ctx.today)
    parent = None
    if data.get("parent_id") is not None:
        parent = get(ctx, data["parent_id"], lock=True)
    unit_code, assignee = data.get("unit_code"), data.get("assignee")
    if parent is not None and unit_code is None and assignee is None:
        unit_code = parent.unit_code
    work = work_of(ctx, unit_code, assignee)
    if parent is None:
        workflow.authorize("create", None, ctx.caller, work=work)
        assigner = None
    else:
        transition(ctx, parent, "add_subtask", work=work)
        assigner = workflow.assigner_of_subtask(parent, ctx.caller, assignee)
    return new_task(
        ctx, title=_text(data.get("title"), "title"), description=data.get("description"),
        due_date=due, unit_code=work.unit_code, assignee=assignee, assigner=assigner,
        task_type=data.get("task_type") or "general", weight=data.get("weight", 1.0),
        urgent=bool(data.get("urgent")), coordinators=data.get("coordinators") or (),
        parent=parent, document_id=data.get("document_id") or (parent and parent.document_id),
        arrival_number=parent.arrival_number if parent is not None else None,
        unit_due_date=(parent.unit_due_date if parent is not None else
                       due if assignee is None else None),
        recurrence_rule=data.get("recurrence"))


# -- the life of a task ----------------------------------------------------------------------

def assign(ctx, task_id, assignee, due_date=None, note=None):
    """Name the owner (or a new one) within what the caller may give (workflow); an internal
    deadline may not pass the unit's deadline nor the parent's."""
    task = get(ctx, task_id, lock=True)
    work = work_of(ctx, task.unit_code, assignee)
    target = transition(ctx, task, "assign", work=work)
    if due_date is not None:
        deadlines.check_not_past(due_date, ctx.today)
        deadlines.check_not_after(due_date, task.unit_due_date, "due_date",
                                  "the unit's deadline set by the leader")
        if task.parent_id is not None:
            parent = get(ctx, task.parent_id)
            deadlines.check_not_after(due_date, parent.due_date, "due_date",
                                      f"the parent task's deadline (task {parent.id})")
    before, previous = task.status, task.assignee
    task.assignee, task.status, task.assigned_on = assignee, target, ctx.today
    task.unit_code = task.unit_code or work.assignee_unit
    if task.assigner is None:
        task.assigner = ctx.principal.sub
    if due_date is not None and due_date != task.due_date:
        task.due_date = due_date
        if task.original_due_date > due_date or before == workflow.NEW:
            task.original_due_date = due_date
    record(ctx, task, "assigned", before, assignee=assignee, previous_assignee=previous,
           due_date=task.due_date.isoformat(), note=note)
    emit(ctx, "task_assigned", task, previous_assignee=previous)
    return task


def accept(ctx, task_id):
    task = get(ctx, task_id, lock=True)
    before, task.status = task.status, transition(ctx, task, "accept")
    task.accepted_on = ctx.today
    record(ctx, task, "accepted", before)
    emit(ctx, "task_accepted", task)
    return task


def report_progress(ctx, task_id, percent, note=None):
    if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
        raise InvalidInput("percent must be a whole number 0-100", {"percent": [repr(percent)]})
    task = get(ctx, task_id, lock=True)
    transition(ctx, task, "report_progress")
    task.progress, task.progress_note = percent, note
    record(ctx, task, "progress_reported", task.status, percent=percent, note=note)
    emit(ctx, "task_progress_reported", task, percent=percent, note=note)
    return task


def submit(ctx, task_id, result, reply_number=None):
    task = get(ctx, task_id, lock=True)
    target = transition(ctx, task, "submit")
    result = _text(result, "result")
    still_open = [t.id for t in subtasks_of(ctx.session, task)
                  if t.status in workflow.ACTIVE]
    if still_open:
        raise Conflict("sub-tasks are still open", {"task_id": [
            f"finish or cancel sub-tasks {', '.join(map(str, still_open))} first"]})
    before = task.status
    task.status, task.result, task.reply_number = target, result, reply_number
    task.submitted_by = ctx.principal.sub
    task.submitted_on, task.progress = ctx.today, 100
    record(ctx, task, "submitted", before, result=result, reply_number=reply_number)
    emit(ctx, "task_submitted", task, result=result, reply_number=reply_number,
         submitted_on=ctx.today)
    return task


def review(ctx, task_id, decision, quality_met, reason=None):
    """Accept (done) or return the result; a failed quality review counts against quality."""
    if decision not in workflow.REVIEW_STATES:
        raise InvalidInput("decision must be accept or return", {"decision": [repr(decision)]})
    if not isinstance(quality_met, bool):
        raise InvalidInput("quality_met must be true or false",
                           {"quality_met": [repr(quality_met)]})
    task = get(ctx, task_id, lock=True)
    target = transition(ctx, task, "review", decision)
    reason = _text(reason, "reason", required=decision == "return" or not quality_met)
    before = task.status
    task.status = target
    if not quality_met and decision == "return":
        task.failed_reviews += 1
    record(ctx, task, "reviewed", before, decision=decision, quality_met=quality_met,
           reason=reason)
    emit(ctx, "task_reviewed", task, decision=decision, quality_met=quality_met, reason=reason,
         reviewer=ctx.principal.sub, reviewed_on=ctx.today, failed_reviews=task.failed_reviews)
    if decision == "accept":
        complete(ctx, task, quality_met)
    return task


def complete(ctx, task, quality_met):
    standing = deadlines.outcome(task.due_date, task.submitted_on or ctx.today,
                                 task.delay_count, task.excused_delays)
    task.completed_on, task.quality_met = ctx.today, quality_met
    task.on_time, task.delay_count = standing.on_time, standing.delay_count
    task.excused_delays = standing.excused_delays
    emit(ctx, "task_completed", task, completed_on=ctx.today, on_time=standing.on_time,
         delay_count=standing.delay_count, excused_delays=standing.excused_delays,
         failed_reviews=task.failed_reviews, quality_met=quality_met,
         assigned_on=task.assigned_on)
    if task.recurrence:
        spawn_next(ctx, task)


def request_extension(ctx, task_id, new_due_date, reason):
    task = get(ctx, task_id, lock=True)
    transition(ctx, task, "request_extension")
    reason = _text(reason, "reason")
    deadlines.check_not_past(new_due_date, ctx.today, "new_due_date")
    if new_due_date <= task.due_date:
        raise InvalidInput("an extension moves the deadline later", {"new_due_date": [
            f"{new_due_date.isoformat()} is not after the deadline {task.due_date.isoformat()}"]})
    if _pending_extension(ctx, task) is not None:
        raise Conflict("an extension request is already waiting", {"task_id": [
            f"task {task.id} has a pending request; wait for the decision"]})
    ctx.session.add(Extension(
        task_id=task.id, office=task.office, requested_by=ctx.principal.sub,
        requested_at=_now(), old_due_date=task.due_date, requested_due_date=new_due_date,
        reason=reason, status="pending"))
    record(ctx, task, "extension_requested", task.status, new_due_date=new_due_date.isoformat(),
           reason=reason)
    emit(ctx, "extension_requested", task, requested_due_date=new_due_date, reason=reason)
    return task


def _pending_extension(ctx, task):
    return ctx.session.execute(of_office(Extension, task.office).where(
        Extension.task_id == task.id, Extension.status == "pending")).scalar_one_or_none()


def decide_extension(ctx, task_id, approve, objective_cause=False, reason=None,
                     new_due_date=None):
    """Approve or refuse the pending request.  An approved extension is a delay; one the
    leader approves with an objective cause is excused (not counted against the owner)."""
    if not isinstance(approve, bool):
        raise InvalidInput("approve must be true or false", {"approve": [repr(approve)]})
    task = get(ctx, task_id, lock=True)
    request = _pending_extension(ctx, task)
    transition(ctx, task, "decide_extension", request=request)
    if request is None:
        raise Conflict("no extension request is waiting", {"task_id": [
            f"task {task.id} has no pending extension request"]})
    reason = _text(reason, "reason", required=not approve or objective_cause)
    old_due = task.due_date
    request.status = "approved" if approve else "rejected"
    request.decided_by, request.decided_at = ctx.principal.sub, _now()
    request.decision_reason, request.objective_cause = reason, bool(approve and objective_cause)
    if approve:
        new_due = new_due_date or request.requested_due_date
        deadlines.check_not_past(new_due, ctx.today, "new_due_date")
        if new_due <= old_due:
            raise InvalidInput("an extension moves the deadline later", {"new_due_date": [
                f"{new_due.isoformat()} is not after {old_due.isoformat()}"]})
        request.new_due_date = task.due_date = new_due
        if task.unit_due_date is not None and new_due > task.unit_due_date:
            task.unit_due_date = new_due
        task.delay_count += 1
        if objective_cause:
            task.excused_delays += 1
    record(ctx, task, "extension_decided", task.status, approved=approve,
           objective_cause=request.objective_cause, new_due_date=request.new_due_date,
           reason=reason)
    emit(ctx, "extension_decided", task, approved=approve, old_due_date=old_due,
         new_due_date=request.new_due_date, objective_cause=request.objective_cause,
         reason=reason, decided_by=ctx.principal.sub)
    return task


def cancel(ctx, task_id, reason):
    task = get(ctx, task_id, lock=True)
    transition(ctx, task, "cancel")
    reason = _text(reason, "reason")
    _cancel(ctx, task, reason)
    return task


def _cancel(ctx, task, reason):
    before, task.status = task.status, workflow.CANCELLED
    record(ctx, task, "cancelled", before, reason=reason)
    emit(ctx, "task_cancelled", task, reason=reason)
    for sub in subtasks_of(ctx.session, task):
        if sub.status in workflow.ACTIVE:
            _cancel(ctx, sub, f"công việc cha {task.id} đã hủy: {reason}")


# -- proposed tasks (read from a document's directives) -----------------------------------------

def confirm(ctx, task_id, due_date=None, unit_code=None, assignee=None, note=None):
    """The leader turns a proposed task into work: its unit's deadline is the one confirmed."""
    task = get(ctx, task_id, lock=True)
    if unit_code is not None:
        ctx.directory.unit(unit_code)
    work = work_of(ctx, unit_code or task.unit_code, assignee)
    target = transition(ctx, task, "confirm", work=work)
    due = due_date or task.due_date
    deadlines.check_not_past(due, ctx.today)
    task.unit_code = work.unit_code
    if assignee is not None:
        task.assignee, task.assigned_on, target = assignee, ctx.today, workflow.ASSIGNED
    before = task.status
    task.status, task.assigner = target, ctx.principal.sub
    task.due_date = task.original_due_date = task.unit_due_date = due
    record(ctx, task, "confirmed", before, due_date=due.isoformat(), note=note)
    emit(ctx, "task_created", task)
    emit(ctx, "task_assigned", task)
    return task


def discard(ctx, task_id, reason=None):
    task = get(ctx, task_id, lock=True)
    before, task.status = task.status, transition(ctx, task, "discard")
    record(ctx, task, "discarded", before, reason=reason)
    return task


# -- recurrence ------------------------------------------------------------------------------

def spawn_next(ctx, task):
    """The series' next occurrence, unless it exists already; None then."""
    occurrence = (task.occurrence or 1) + 1
    already = ctx.session.execute(of_office(Task, task.office).where(
        Task.series_id == task.series_id, Task.occurrence == occurrence)).first()
    if already:
        return None
    anchor = task if task.series_id == task.id else ctx.session.execute(
        of_office(Task, task.office).where(Task.id == task.series_id)).scalar_one()
    due = recurrence.due_of(task.recurrence, anchor.original_due_date, occurrence, ctx.calendar)
    try:
        with ctx.session.begin_nested():
            return new_task(
                ctx, title=task.title, description=task.description, due_date=due,
                unit_code=task.unit_code, assignee=task.assignee, task_type=task.task_type,
                weight=task.weight, urgent=task.urgent, coordinators=task.coordinator_ids,
                recurrence_rule=task.recurrence, series_id=task.series_id,
                occurrence=occurrence, assigner=task.assigner)
    except IntegrityError:       # another replica made it first
        return None


# -- lists -----------------------------------------------------------------------------------

def search(session, office, status=None, assignee=None, unit_code=None, document_id=None,
           limit=100, offset=0):
    query = of_office(Task, office)
    if status is not None:
        query = query.where(Task.status == status)
    if assignee is not None:
        query = query.where(Task.assignee == assignee)
    if unit_code is not None:
        query = query.where(Task.unit_code == unit_code)
    if document_id is not None:
        query = query.where(Task.document_id == document_id)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    found = session.execute(query.order_by(Task.due_date, Task.id).limit(limit).offset(offset))
    return total, found.scalars().all()


# -- the timer's sweep -------------------------------------------------------------------------

def recipients(kind, data):
    """Who a reminder is for: the owner (or the unit head while nobody owns it); an escalation
    goes to the assigner and the unit head."""
    if kind == reminders.ESCALATED:
        people = [data["assigner"], data["unit_head"]]
    else:
        people = [data["assignee"] or data["unit_head"]]
    return list(dict.fromkeys(p for p in people if p))


def remind(work, now, settings, calendar_for, offices, principal_for):
    """One sweep at local time `now`: reminders and escalations (each once), and recurring
    tasks' next occurrences that are due on schedule.  The caller commits."""
    counts = Counter({kind: 0 for kind in reminders.EVENT_TYPES})
    directories, batches = {}, {}
    for task, reminder in reminders.sweep(work.session, now, settings, calendar_for, offices):
        directory = directories.setdefault(task.office, Directory(work.session, task.office))
        data = task_data(directory, task)
        batches.setdefault((reminder.kind, task.office), []).append({
            **data, "threshold": reminder.threshold, "on_date": now.date(),
            "working_days_overdue": reminder.working_days_overdue,
            "recipients": recipients(reminder.kind, data)})
        counts[reminder.kind] += 1
    for (kind, office), batch in batches.items():
        work.record_events(reminders.EVENT_TYPES[kind], batch, office=office,
                           actor=principal_for(office).as_actor())
    counts["occurrences_created"] = 0
    for task in due_series(work.session, now.date(), offices):
        ctx = Context(work, principal_for(task.office), now.date(), calendar_for(task.office),
                      directories.get(task.office))
        try:
            if spawn_next(ctx, task) is not None:
                counts["occurrences_created"] += 1
        except InvalidInput as exc:   # e.g. the owner has left: the series waits for a person
            log.warning("recurring task %s: next occurrence not created: %s", task.id, exc)
    return dict(counts)


def due_series(session, today, offices):
    """Latest occurrences of recurring series whose deadline has passed with no successor."""
    successor = aliased(Task)
    query = (select(Task).where(
        Task.recurrence.is_not(None), Task.office.in_(list(offices)),
        Task.status.not_in(workflow.NOT_COUNTED), Task.due_date < today,
        ~exists().where(successor.office == Task.office, successor.series_id == Task.series_id,
                        successor.occurrence == Task.occurrence + 1))
        .order_by(Task.id))
    return session.execute(query).scalars().all()
