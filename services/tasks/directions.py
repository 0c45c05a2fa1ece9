"""Direction of incoming documents (Nghị định 30/2020 Điều 23; phiếu giải quyết văn bản đến).

A received document waits for the office leader (urgent ones first).  What the text itself
asks (intake's `directives`: text, assignee as written, due_date or due_rule) becomes a
*proposed* task when the assignee names a unit of the office and a deadline can be read; the
leader confirms or discards it.  The leader's direction names one lead (chủ trì: a unit or a
person), coordinating units (phối hợp) each with a deadline no later than the lead's, and a
note; each becomes a task, and the unit's head then assigns a person within the unit's deadline.
"""
import json
from datetime import date, datetime, timezone

from services.tasks import deadlines, lifecycle, workflow
from services.tasks.models import DirectionItem, Task, of_office
from shared.contracts import URGENT_PRIORITIES
from shared.errors import Conflict, InvalidInput, NotFound

PENDING, DIRECTED = "pending", "directed"


def _date(value):
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def proposal(directive, recognise, issued_date, arrival_date, calendar):
    """(unit code, due date, how the date was read) for a directive, or a reason it is none."""
    unit_code = recognise(directive.get("assignee") or "")
    if unit_code is None:
        return None, f"no unit of the office recognised in {directive.get('assignee')!r}"
    due = _date(directive.get("due_date"))
    how = "due date in the text"
    if due is None and directive.get("due_rule"):
        computed = deadlines.due_from_rule(directive["due_rule"], issued_date, arrival_date,
                                           calendar)
        if computed is not None:
            due, anchor = computed
            how = f"{directive['due_rule']} (counted from {anchor})"
    if due is None:
        return None, "no deadline could be read"
    return (unit_code, due, how), None


def record_pending(ctx, event):
    """The direction-pending item of a received document, and its proposed tasks."""
    data = event["data"]
    session = ctx.session
    existing = session.execute(of_office(DirectionItem, event["office"]).where(
        DirectionItem.document_id == data["document_id"])).scalar_one_or_none()
    if existing is not None:        # the same document announced again: nothing new to do
        return existing
    arrival_date = _date(data.get("arrival_date"))
    issued_date = _date(data.get("issued_date"))
    item = DirectionItem(
        office=event["office"], document_id=data["document_id"],
        arrival_number=data["arrival_number"], subject=data.get("subject"),
        urgent=(data.get("priority") or "") in URGENT_PRIORITIES, status=PENDING,
        created_at=datetime.now(timezone.utc), arrival_date=arrival_date,
        arrival_year=arrival_date.year if arrival_date else None, issued_date=issued_date,
        code_number=data.get("code_number"), code_notation=data.get("code_notation"),
        organ_name=data.get("organ_name"), type_name=data.get("type_name"),
        document_due_date=_date(data.get("due_date")), coordinators="[]")
    session.add(item)
    session.flush()
    read = []
    for directive in data.get("directives") or []:
        found, why_not = proposal(directive, ctx.directory.recognise, issued_date, arrival_date,
                                  ctx.calendar)
        entry = {"text": directive.get("text"), "assignee": directive.get("assignee"),
                 "due_date": directive.get("due_date"), "due_rule": directive.get("due_rule")}
        if found is None:
            read.append({**entry, "proposed_task_id": None, "why_not": why_not})
            continue
        unit_code, due, how = found
        task = lifecycle.new_task(
            ctx, title=directive.get("text") or "", due_date=due, unit_code=unit_code,
            description=f"Đề xuất từ văn bản đến số {item.arrival_number}; hạn: {how}",
            task_type="directive", urgent=item.urgent, document_id=item.document_id,
            arrival_number=item.arrival_number, direction_item_id=item.id,
            status=workflow.PROPOSED, events=False)
        read.append({**entry, "proposed_task_id": task.id, "why_not": None})
    item.directives = json.dumps(read, ensure_ascii=False, default=str)
    return item


def pending(session, office):
    query = (of_office(DirectionItem, office).where(DirectionItem.status == PENDING)
             .order_by(DirectionItem.urgent.desc(), DirectionItem.arrival_number))
    return session.execute(query).scalars().all()


def proposals_of(session, item):
    return session.execute(of_office(Task, item.office).where(
        Task.direction_item_id == item.id, Task.status == workflow.PROPOSED)
        .order_by(Task.id)).scalars().all()


def _coordinator(entry, index):
    """{"target", "due_date"} from "UNIT" or {"unit_code"|"staff_id": ..., "due_date": ...}."""
    if isinstance(entry, str):
        return {"target": entry, "due_date": None}
    if isinstance(entry, dict) and (entry.get("unit_code") or entry.get("staff_id")):
        return {"target": entry.get("unit_code") or entry.get("staff_id"),
                "due_date": entry.get("due_date")}
    raise InvalidInput("a coordinator is a unit code, a staff id, or {unit_code, due_date}",
                       {f"coordinators.{index}": [repr(entry)]})


def _owner(ctx, target, field):
    """(unit code, staff id or None) for a unit code or a staff id of the office."""
    if target in ctx.directory.units and ctx.directory.units[target].active:
        return target, None
    try:
        person = ctx.directory.assignee(target, field)
    except InvalidInput as exc:
        raise InvalidInput(f"{field} must be a unit code or a staff id of your office",
                           {field: exc.fields.get(field, [repr(target)])})
    return person.unit_code, person.staff_id


def direct(ctx, document_id, lead, coordinators, due_date, note):
    """The leader's direction: the lead task, one coordination task per coordinator."""
    item = ctx.session.execute(of_office(DirectionItem, ctx.office).where(
        DirectionItem.document_id == document_id)).scalar_one_or_none()
    if item is None:
        raise NotFound("no incoming document waiting for direction", {"document_id": [
            f"document {document_id} has not reached tasks in your office"]})
    if item.status != PENDING:
        raise Conflict("this document has already been directed", {"document_id": [
            f"directed by {item.directed_by} (lead task {item.lead_task_id})"]})
    deadlines.check_not_past(due_date, ctx.today)
    lead_unit, lead_person = _owner(ctx, lead, "lead")
    parsed = []
    for index, entry in enumerate(coordinators or []):
        entry = _coordinator(entry, index)
        unit_code, person = _owner(ctx, entry["target"], f"coordinators.{index}")
        due = _date(entry["due_date"]) if entry["due_date"] else due_date
        if entry["due_date"] and due is None:
            raise InvalidInput("a coordinator's due_date must be a date", {
                f"coordinators.{index}.due_date": [repr(entry["due_date"])]})
        deadlines.check_not_past(due, ctx.today, f"coordinators.{index}.due_date")
        deadlines.check_not_after(due, due_date, f"coordinators.{index}.due_date",
                                  "the lead's deadline")
        parsed.append((entry["target"], unit_code, person, due))
    subject = item.subject or "(văn bản mật)"
    coordinator_ids = [person or ctx.directory.unit_head(unit_code)
                       for _, unit_code, person, _ in parsed]
    lead_task = lifecycle.new_task(
        ctx, title=f"Giải quyết văn bản đến số {item.arrival_number}: {subject}",
        description=note, due_date=due_date, unit_code=lead_unit, assignee=lead_person,
        task_type="document", urgent=item.urgent, document_id=item.document_id,
        arrival_number=item.arrival_number, direction_item_id=item.id,
        unit_due_date=due_date, coordinators=[c for c in coordinator_ids if c])
    tasks = [lead_task]
    for _, unit_code, person, due in parsed:
        tasks.append(lifecycle.new_task(
            ctx, title=f"Phối hợp giải quyết văn bản đến số {item.arrival_number}: {subject}",
            description=note, due_date=due, unit_code=unit_code, assignee=person,
            task_type="coordination", urgent=item.urgent, document_id=item.document_id,
            arrival_number=item.arrival_number, direction_item_id=item.id,
            related_task_id=lead_task.id, unit_due_date=due))
    item.status, item.lead, item.due_date, item.note = DIRECTED, lead, due_date, note
    item.coordinators = json.dumps([{"target": t, "unit_code": u, "staff_id": p,
                                     "due_date": d.isoformat()} for t, u, p, d in parsed],
                                   ensure_ascii=False)
    item.directed_by, item.directed_at = ctx.principal.sub, datetime.now(timezone.utc)
    item.lead_task_id = lead_task.id
    return item, tasks
