"""The organisation of an office: units (with parents), staff, who heads what.

Rules: a unit's parent is a unit of the same office and a unit is never its own ancestor;
a staff member's unit exists in their office; an assignee is an active staff member of the
office the task belongs to.  A unit's heads are its staff flagged ``is_unit_head`` (trưởng and
phó); a head of a unit also heads the units below it.  Staff ids are an office's own: two
offices may each have a "cv1", and nothing here tells one office whether an id exists in another.
"""
import json
import re
from datetime import datetime, timezone

from sqlalchemy import select

from services.tasks.models import Staff, Unit, of_office
from shared.errors import InvalidInput
from shared.text import fold

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")


def _now():
    return datetime.now(timezone.utc)


def check_code(code, field="code"):
    if not isinstance(code, str) or not CODE_RE.match(code):
        raise InvalidInput(f"{field} must be a short code", {field: [
            f"{code!r}: 1-40 letters, digits, '.', '-' or '_'"]})


def ancestors(parents, code):
    """Codes above `code` following `parents` (code → parent code), nearest first."""
    seen, current = [], parents.get(code)
    while current is not None and current not in seen:
        seen.append(current)
        current = parents.get(current)
    return seen


def check_parent(parents, code, parent_code):
    """A unit may not sit under itself or under one of its own sub-units."""
    if parent_code is None:
        return
    if parent_code == code or code in ancestors(parents, parent_code):
        raise InvalidInput("a unit cannot be inside itself", {"parent_code": [
            f"{parent_code!r} is {code!r} or one of its sub-units"]})


class Directory:
    """An office's units and staff, read once per unit of work."""

    def __init__(self, session, office):
        self.session = session
        self.office = office
        self._units = None
        self._heads = None

    @property
    def units(self):
        if self._units is None:
            self._units = {u.code: u for u in self.session.execute(
                of_office(Unit, self.office)).scalars()}
        return self._units

    def unit(self, code, field="unit_code"):
        unit = self.units.get(code)
        if unit is None or not unit.active:
            raise InvalidInput("no such unit in your office", {field: [
                f"{code!r} is not an active unit of {self.office}"]})
        return unit

    def parents(self):
        return {code: unit.parent_code for code, unit in self.units.items()}

    def below(self, code):
        """`code` and every unit under it."""
        parents = self.parents()
        return {c for c in self.units if c == code or code in ancestors(parents, c)}

    @property
    def heads(self):
        """unit code → staff ids of its heads, sorted."""
        if self._heads is None:
            self._heads = {}
            rows = self.session.execute(
                select(Staff.unit_code, Staff.staff_id)
                .where(Staff.office == self.office, Staff.is_unit_head.is_(True),
                       Staff.active.is_(True)).order_by(Staff.staff_id))
            for unit_code, staff_id in rows:
                self._heads.setdefault(unit_code, []).append(staff_id)
        return self._heads

    def unit_head(self, unit_code):
        """The head named in events: the unit's own first head, else the nearest above."""
        if unit_code is None:
            return None
        if self.heads.get(unit_code):
            return self.heads[unit_code][0]
        for code in ancestors(self.parents(), unit_code):
            if self.heads.get(code):
                return self.heads[code][0]
        return None

    def headed_by(self, staff_id):
        """Units `staff_id` heads, sub-units included (no unit is read for a non-head)."""
        headed = set()
        for code, heads in self.heads.items():
            if staff_id in heads:
                headed |= self.below(code)
        return headed

    def staff(self, staff_id):
        return self.session.execute(of_office(Staff, self.office).where(
            Staff.staff_id == staff_id)).scalar_one_or_none()

    def assignee(self, staff_id, field="assignee"):
        """The active staff member `staff_id` of this office; a clear error otherwise."""
        person = self.staff(staff_id)
        if person is not None and person.active:
            return person
        if person is not None:
            raise InvalidInput("the assignee has left", {field: [
                f"{staff_id!r} is no longer active in {self.office}"]})
        raise InvalidInput("no such staff member in your office", {field: [
            f"{staff_id!r} is not staff of {self.office}"]})

    def recognise(self, text):
        """The unit a directive's "assignee as written" names, or None (see recognise_unit)."""
        return recognise_unit(text, [(u.code, u.name, json.loads(u.aliases or "[]"))
                                     for u in self.units.values() if u.active])


def recognise_unit(text, units):
    """The code of the unit whose name or alias the text names (longest match wins).

    `units` are (code, name, aliases).  Compared without diacritics, whole words.
    """
    folded = f" {fold(text)} "
    if not folded.strip():
        return None
    best, best_length = None, 0
    for code, name, aliases in units:
        for label in [name, *aliases]:
            key = fold(label)
            if key and (f" {key} " in folded or folded.strip() == key) and len(key) > best_length:
                best, best_length = code, len(key)
    return best


def upsert_unit(session, office, data):
    directory = Directory(session, office)
    code, parent_code = data["code"], data.get("parent_code")
    check_code(code)
    if parent_code is not None:
        directory.unit(parent_code, "parent_code")
    check_parent(directory.parents(), code, parent_code)
    unit = directory.units.get(code)
    if unit is None:
        unit = Unit(office=office, code=code)
        session.add(unit)
    unit.name = data["name"]
    unit.parent_code = parent_code
    unit.aliases = json.dumps(data.get("aliases") or [], ensure_ascii=False)
    unit.active = data.get("active", True)
    unit.updated_at = _now()
    session.flush()
    return unit


def upsert_staff(session, office, data):
    """(staff, previous unit code) after creating or updating one person."""
    directory = Directory(session, office)
    if data.get("unit_code") is not None:
        directory.unit(data["unit_code"])
    person = directory.staff(data["staff_id"])
    previous_unit = person.unit_code if person is not None else None
    if person is None:
        person = Staff(office=office, staff_id=data["staff_id"])
        session.add(person)
    for field in ("full_name", "unit_code", "position", "is_leader", "is_unit_head",
                  "task_group", "email", "active"):
        setattr(person, field, data.get(field))
    person.roles = json.dumps(sorted(data.get("roles") or []))
    person.updated_at = _now()
    session.flush()
    return person, previous_unit


def staff_event_data(session, person, previous_unit, changed_on):
    unit = session.execute(of_office(Unit, person.office).where(
        Unit.code == person.unit_code)).scalar_one_or_none()
    return {"staff_id": person.staff_id, "full_name": person.full_name,
            "unit_code": person.unit_code, "unit_name": unit.name if unit else None,
            "parent_unit_code": unit.parent_code if unit else None,
            "position": person.position, "is_leader": bool(person.is_leader),
            "is_unit_head": bool(person.is_unit_head), "task_group": person.task_group,
            "roles": json.loads(person.roles or "[]"), "email": person.email,
            "active": bool(person.active),
            "previous_unit_code": previous_unit if previous_unit != person.unit_code else None,
            "changed_on": changed_on}


def list_staff(session, office, unit_code=None, include_inactive=False):
    query = of_office(Staff, office)
    if unit_code is not None:
        below = Directory(session, office).below(unit_code)
        query = query.where(Staff.unit_code.in_(sorted(below)))
    if not include_inactive:
        query = query.where(Staff.active.is_(True))
    return session.execute(query.order_by(Staff.unit_code, Staff.full_name)).scalars().all()


def list_units(session, office):
    return session.execute(of_office(Unit, office)
                           .order_by(Unit.parent_code.is_not(None), Unit.code)).scalars().all()

