"""Who a notice is for: people, units, roles, or a document's "Nơi nhận" lines (pure).

Entries:
- ``"cv01"`` or ``"staff:cv01"``: one person (a staff id);
- ``"unit:TH"``: everyone active in that unit;
- ``"head:TH"``: the heads of that unit (the nearest unit above that has one, when it has none);
- ``"role:leader"``: everyone with that role (``leader`` also means the leader flag, ``head``
  the unit-head flag).  A role nobody in the organisation copy holds yet goes to the role's
  shared inbox (whoever signs in with that role sees it), so nothing waits on the directory;
- ``"place:Thường trực HĐND tỉnh"``: a "Nơi nhận" line, matched without diacritics against unit
  names and codes, positions and full names, with the office's usual phrasings
  ("Lãnh đạo <unit>", "Các Ban của HĐND tỉnh", "CB, CC, NLĐ cơ quan").  "Lưu: VT" and "Như trên"
  are not recipients and are reported as skipped; a line that names nobody is reported as
  unresolved, never dropped.

`staff` is the office's copy of the organisation (dicts shaped like StaffChangedData) and
nothing else: a staff id or unit of another office is simply not in it, so it answers exactly
like one nobody has (the answer never tells one office what exists in another).
"""
import re
from dataclasses import dataclass, field

from marshmallow import ValidationError

from shared.auth import ROLES
from shared.contracts import STAFF_ID_RULE, UNIT_CODE_RULE
from shared.text import fold

PLACE, UNIT, HEAD, ROLE, STAFF = "place:", "unit:", "head:", "role:", "staff:"
ENTRY_MAX = 200
_NOTE = re.compile(r"\(.*?\)|\|")
_SKIP = ("luu", "nhu tren")
_EVERYONE = re.compile(r"\b(cbcc|cb\s*,?\s*cc|nld|can bo\b.*\bcong chuc|toan the)\b")
_LEADERS = "lanh dao"


@dataclass
class Resolution:
    people: dict = field(default_factory=dict)      # staff id → staff dict (None: not in the copy)
    groups: list = field(default_factory=list)      # "role:x" with no known holder
    unresolved: list = field(default_factory=list)  # entries that name nobody (with the reason)
    skipped: list = field(default_factory=list)     # "Lưu: VT", "Như trên"
    unknown: list = field(default_factory=list)     # staff ids not (yet) in the copy

    def add(self, people):
        for person in people:
            self.people.setdefault(person["staff_id"], person)

    def report(self):
        return {"unresolved": self.unresolved, "skipped": self.skipped, "unknown": self.unknown,
                "groups": self.groups}


def entry_problem(entry):
    """Why `entry` can name nobody (not a staff id, unit code or role, or too long); None when
    it may name somebody."""
    if not isinstance(entry, str) or not entry.strip():
        return "an empty recipient"
    if len(entry) > ENTRY_MAX:
        return f"longer than {ENTRY_MAX} characters"
    entry = entry.strip()
    if entry.startswith(PLACE):
        return None
    if entry.startswith(ROLE):
        role = entry[len(ROLE):]
        return None if role in ROLES else f"no role {role!r}; roles: {', '.join(ROLES)}"
    if entry.startswith(HEAD):
        rule, value = UNIT_CODE_RULE, entry[len(HEAD):]
    else:
        rule, value = ((UNIT_CODE_RULE, entry[len(UNIT):]) if entry.startswith(UNIT) else
                       (STAFF_ID_RULE, entry[len(STAFF):] if entry.startswith(STAFF) else entry))
    try:
        rule(value)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return None


def clean_place(line):
    """A "Nơi nhận" line without its dash, trailing punctuation and notes like "(báo cáo)"."""
    text = _NOTE.sub(" ", line or "").strip()
    text = text.lstrip("-–•* ").rstrip(" ;,.")
    return " ".join(text.split())


def _holds_role(person, role):
    return (role in (person.get("roles") or ()) or (role == "leader" and person.get("is_leader"))
            or (role == "head" and person.get("is_unit_head")))


def _leaders(people):
    return [p for p in people if p.get("is_leader") or p.get("is_unit_head")]


class Directory:
    """The office's active staff with folded indexes for matching."""

    def __init__(self, staff):
        self.staff = [dict(p) for p in staff if p.get("active", True)]
        self.by_id = {p["staff_id"]: p for p in self.staff}
        self.inactive = {p["staff_id"] for p in staff if not p.get("active", True)}
        self.units = {}
        for person in self.staff:
            if person.get("unit_code"):
                self.units.setdefault(person["unit_code"], person.get("unit_name") or "")

    def in_unit(self, code):
        return [p for p in self.staff if p.get("unit_code") == code]

    def heads_of(self, code):
        """The unit's heads; those of the nearest unit above when it has none."""
        parents = {p["unit_code"]: p.get("parent_unit_code") for p in self.staff
                   if p.get("unit_code")}
        seen = set()
        while code and code not in seen:
            seen.add(code)
            heads = [p for p in self.in_unit(code) if p.get("is_unit_head")]
            if heads:
                return heads
            code = parents.get(code)
        return []

    def units_named(self, folded):
        return [code for code, name in self.units.items()
                if folded in (fold(name), fold(code))]

    def units_starting(self, folded_word):
        return [code for code, name in self.units.items()
                if fold(name).split(" ", 1)[0] == folded_word]

    def match_place(self, line):
        """(people, reason) for one "Nơi nhận" line; people is None when it is not a recipient."""
        text = clean_place(line)
        folded = fold(text)
        if not folded or any(folded == s or folded.startswith(s + " ") or folded.startswith(s + ":")
                             for s in _SKIP):
            return None, "not a recipient"
        if _EVERYONE.search(folded):
            return list(self.staff), None
        leaders_only = folded.startswith(_LEADERS + " ") or folded.startswith(_LEADERS + ",")
        rest = folded[len(_LEADERS):].lstrip(" ,") if leaders_only else folded
        units = self.units_named(rest)
        if not units and rest.startswith("cac "):
            units = self.units_starting(rest[4:].split(" ", 1)[0])
        if units:
            people = [p for code in units for p in self.in_unit(code)]
            return (_leaders(people) if leaders_only else people), None
        people = [p for p in self.staff
                  if rest in (fold(p.get("position")), fold(p.get("full_name")))]
        if people:
            return people, None
        return [], "no unit, position or person of this office matches"


def resolve(entries, staff):
    """A Resolution of `entries` against the office's `staff`."""
    directory = Directory(staff)
    result = Resolution()
    for entry in entries:
        problem = entry_problem(entry)
        if problem:
            result.unresolved.append(f"{str(entry)[:ENTRY_MAX]!r}: {problem}")
            continue
        entry = entry.strip()
        if entry.startswith(PLACE):
            people, reason = directory.match_place(entry[len(PLACE):])
            if people is None:
                result.skipped.append(entry[len(PLACE):])
            elif people:
                result.add(people)
            else:
                result.unresolved.append(f"{entry[len(PLACE):]}: {reason}")
        elif entry.startswith(UNIT):
            code = entry[len(UNIT):]
            people = directory.in_unit(code)
            if people:
                result.add(people)
            else:
                result.unresolved.append(f"{entry}: no active staff in this unit")
        elif entry.startswith(HEAD):
            people = directory.heads_of(entry[len(HEAD):])
            if people:
                result.add(people)
            else:
                result.unresolved.append(f"{entry}: no head of this unit is known")
        elif entry.startswith(ROLE):
            role = entry[len(ROLE):]
            people = [p for p in directory.staff if _holds_role(p, role)]
            if people:
                result.add(people)
            elif entry not in result.groups:
                result.groups.append(entry)
        else:
            staff_id = entry[len(STAFF):] if entry.startswith(STAFF) else entry
            if staff_id in directory.by_id:
                result.add([directory.by_id[staff_id]])
            elif staff_id in directory.inactive:
                result.unresolved.append(f"{staff_id}: no longer active")
            else:
                result.people.setdefault(staff_id, None)
                result.unknown.append(staff_id)
    return result
