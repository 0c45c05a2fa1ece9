"""evaluation's own copy of staff and units, kept from tasks' ``staff_changed`` events.

Each change of unit, leadership or task group closes the assignment in force and opens a new
one on ``changed_on``, so a period is scored with the unit the person held then: someone
transferred in July is scored with the old unit for January to June.
"""
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.evaluation.models import StaffAssignment, StaffRecord, Unit
from services.evaluation.scoring import Member, Units


def _date(value):
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _unit(session, office, code):
    """The unit row, created if new; two workers creating it at once both end up with the one row."""
    query = select(Unit).where(Unit.office == office, Unit.unit_code == code)
    unit = session.execute(query).scalar_one_or_none()
    if unit is None:
        try:
            with session.begin_nested():
                session.add(Unit(office=office, unit_code=code))
        except IntegrityError:
            pass
        unit = session.execute(query).scalar_one()
    return unit


def apply_change(session, event):
    """Apply one staff_changed event; an event older than the last one applied is ignored."""
    data, office = event["data"], event["office"]
    changed_on = _date(data.get("changed_on")) or _date(event["occurred_at"])
    if data.get("unit_code"):
        unit = _unit(session, office, data["unit_code"])
        unit.unit_name = data.get("unit_name") or unit.unit_name
        if data.get("parent_unit_code") is not None:
            unit.parent_unit_code = data["parent_unit_code"]
    record = session.execute(select(StaffRecord).where(
        StaffRecord.office == office, StaffRecord.staff_id == data["staff_id"])).scalar_one_or_none()
    if record is None:
        record = StaffRecord(office=office, staff_id=data["staff_id"])
        session.add(record)
    elif record.changed_on is not None and changed_on < record.changed_on:
        return record          # an older change arriving late: the newer one already applied
    record.full_name = data["full_name"]
    record.unit_code = data.get("unit_code")
    record.position = data.get("position")
    record.is_leader = bool(data.get("is_leader"))
    record.is_unit_head = bool(data.get("is_unit_head"))
    record.task_group = data.get("task_group")
    record.active = bool(data.get("active", True))
    record.changed_on = changed_on

    assignments = session.execute(select(StaffAssignment).where(
        StaffAssignment.office == office, StaffAssignment.staff_id == data["staff_id"])
        .order_by(StaffAssignment.id)).scalars().all()
    current = next((a for a in assignments if a.valid_to is None), None)
    wanted = (data.get("unit_code"), bool(data.get("is_leader")), data.get("task_group"))
    if current is None and not assignments and data.get("previous_unit_code"):
        session.add(StaffAssignment(office=office, staff_id=data["staff_id"],
                                    unit_code=data["previous_unit_code"], is_leader=False,
                                    task_group=data.get("task_group"), valid_from=None,
                                    valid_to=changed_on))
    if current is not None and (current.unit_code, current.is_leader, current.task_group) == wanted:
        if not record.active:
            current.valid_to = changed_on
        session.flush()
        return record
    if current is not None:
        if current.valid_from is not None and changed_on == current.valid_from:
            session.delete(current)        # a correction on the same day replaces the assignment
        else:
            current.valid_to = changed_on
    if record.active:
        session.add(StaffAssignment(office=office, staff_id=data["staff_id"], unit_code=wanted[0],
                                    is_leader=wanted[1], task_group=wanted[2],
                                    valid_from=changed_on if (assignments or data.get("previous_unit_code")) else None,
                                    valid_to=None))
    session.flush()
    return record


class Directory:
    """Staff, their assignments and the unit tree of one office, loaded once."""

    def __init__(self, session, office):
        self.office = office
        self.records = {r.staff_id: r for r in session.execute(
            select(StaffRecord).where(StaffRecord.office == office)).scalars()}
        self.assignments = {}
        for a in session.execute(select(StaffAssignment).where(
                StaffAssignment.office == office).order_by(StaffAssignment.id)).scalars():
            self.assignments.setdefault(a.staff_id, []).append(a)
        units = session.execute(select(Unit).where(Unit.office == office)).scalars().all()
        self.unit_names = {u.unit_code: u.unit_name for u in units}
        self.units = Units({u.unit_code: u.parent_unit_code for u in units})

    def name(self, staff_id):
        record = self.records.get(staff_id)
        return record.full_name if record else staff_id

    def assignment_in(self, staff_id, start, end):
        """The assignment in force on `start`, else the first one overlapping [start, end]."""
        overlapping = [a for a in self.assignments.get(staff_id, ())
                       if (a.valid_from is None or a.valid_from <= end)
                       and (a.valid_to is None or a.valid_to > start)]
        for a in overlapping:
            if (a.valid_from is None or a.valid_from <= start) and (a.valid_to is None or a.valid_to > start):
                return a
        return overlapping[0] if overlapping else None

    def assignment_at_end(self, staff_id, start, end):
        overlapping = [a for a in self.assignments.get(staff_id, ())
                       if (a.valid_from is None or a.valid_from <= end)
                       and (a.valid_to is None or a.valid_to > start)]
        return overlapping[-1] if overlapping else None

    def member(self, staff_id, assignment, fallback_unit=None):
        if assignment is None:
            return Member(staff_id, self.name(staff_id), fallback_unit, False, None, True)
        record = self.records.get(staff_id)
        return Member(staff_id, self.name(staff_id), assignment.unit_code, assignment.is_leader,
                      assignment.task_group, bool(record.active) if record else True)

    def members_in(self, start, end, extra_staff=()):
        """Members during [start, end] with the unit each held then; `extra_staff` maps staff
        with tasks but no record (tasks never announced them) to the task's unit."""
        members = {}
        for staff_id in self.assignments:
            assignment = self.assignment_in(staff_id, start, end)
            if assignment is not None:
                members[staff_id] = self.member(staff_id, assignment)
        for staff_id, unit in dict(extra_staff).items():
            if staff_id not in members:
                members[staff_id] = self.member(staff_id, None, unit)
        return members


def listing(session, office):
    directory = Directory(session, office)
    return [{"staff_id": r.staff_id, "full_name": r.full_name, "unit_code": r.unit_code,
             "unit_name": directory.unit_names.get(r.unit_code), "position": r.position,
             "is_leader": r.is_leader, "task_group": r.task_group, "active": r.active,
             "assignments": [{"unit_code": a.unit_code, "is_leader": a.is_leader,
                              "task_group": a.task_group,
                              "valid_from": a.valid_from.isoformat() if a.valid_from else None,
                              "valid_to": a.valid_to.isoformat() if a.valid_to else None}
                             for a in directory.assignments.get(r.staff_id, [])]}
            for r in sorted(directory.records.values(), key=lambda r: (r.unit_code or "", r.staff_id))]
