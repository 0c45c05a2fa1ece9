"""Who may call each evaluation RPC, and who may do what to whom: the one table to check.

Token roles decide who may call an RPC at all.  The people and units a call decides about (its
*subjects*) decide the rest, from the caller's place in the office (evaluation's copy of the
organisation, kept from tasks' ``staff_changed``):

- ``not_self``: nobody decides about themselves: no general-criteria points, council decision
  on a tie they are in, unit rating, discipline record, imported level or title, ballot,
  award or initiative recognition for oneself.  A unit counts as oneself for its members (its
  sub-units' included): a unit's level caps its head, and the office's level raises the quota
  for everyone in it, so the office as a whole is rated by someone outside it (the evaluator).
- ``headed_units``: a unit head without the evaluator or leader role gives points only to the
  people of the units they head (sub-units included), for the period being rated, and not to
  the unit's other heads (trưởng and phó are rated by the leader above them).
- ``own_unless_reader``: a caller without a reading role sees only their own outcomes and
  explanations.

An admin may call every RPC, and is bound by the rules on subjects like anyone.  Every call
acts on the caller's office; admin and service callers may name another office, only for the
RPCs marked ``other_office``.
"""
from dataclasses import dataclass
from functools import cached_property

from marshmallow import ValidationError

from shared.contracts import OFFICE_CODE
from shared.errors import Forbidden, InvalidInput

ANYONE = ()
READERS = ("evaluator", "leader", "head", "service")
EVALUATORS = ("evaluator", "leader", "head")
DECIDERS = ("evaluator", "leader")

NOT_SELF, HEADED_UNITS, OWN_UNLESS_READER = "not_self", "headed_units", "own_unless_reader"


@dataclass(frozen=True)
class Rule:
    roles: tuple                  # any one of them may call (admin always may); () = anyone signed in
    subjects: tuple = ()          # the checks every subject of the call must pass
    other_office: bool = False    # admin and service callers may name another office


RULES = {
    "outcomes":               Rule(ANYONE, (OWN_UNLESS_READER,)),
    "set_task_weight":        Rule(DECIDERS),
    "list_staff":             Rule(READERS),
    "period_scores":          Rule(READERS, other_office=True),
    "set_general_criteria":   Rule(EVALUATORS, (NOT_SELF, HEADED_UNITS)),
    "close_period":           Rule(DECIDERS),
    "explain":                Rule(ANYONE, (OWN_UNLESS_READER,)),
    "classify_year":          Rule(DECIDERS, other_office=True),
    "get_classification":     Rule(READERS, other_office=True),
    "rate_unit":              Rule(DECIDERS, (NOT_SELF,)),
    "decide_tie":             Rule(DECIDERS, (NOT_SELF,)),      # everyone in the tie
    "publish_classification": Rule(DECIDERS),
    "register_emulation":     Rule(EVALUATORS),
    "record_initiative":      Rule(DECIDERS, (NOT_SELF,)),      # the authors, once recognised
    "recognise_initiative":   Rule(DECIDERS, (NOT_SELF,)),      # the authors
    "record_discipline":      Rule(DECIDERS, (NOT_SELF,)),
    "import_history":         Rule(DECIDERS, (NOT_SELF,)),
    "propose_titles":         Rule(DECIDERS),
    "record_ballot":          Rule(DECIDERS, (NOT_SELF,)),
    "award_titles":           Rule(DECIDERS, (NOT_SELF,)),
    "emulation_report":       Rule(READERS, other_office=True),
}
ROLE_EXEMPT_FROM_HEADED_UNITS = ("evaluator", "leader", "admin")


@dataclass(frozen=True)
class Subject:
    """A person (``staff``) or a unit (``unit``; the office code: the office as a whole) a call
    decides about; `field` names it in an error; `start`/`end` the time it is judged for."""
    kind: str
    code: str
    field: str
    start: object = None
    end: object = None
    note: str = ""

    @classmethod
    def person(cls, staff_id, field, period=None, note=""):
        return cls("staff", staff_id, field, *_span(period), note)

    @classmethod
    def unit(cls, unit_code, field, period=None):
        return cls("unit", unit_code, field, *_span(period))


def _span(period):
    return (None, None) if period is None else (period.start, period.end)


def authorize(context, action, payload, directory_loader):
    """The Caller of `action`: Forbidden unless the token's roles allow it; the office it acts
    on is the caller's own, or the ``office`` named in `payload` where the table allows it
    (the key is taken out of the payload).  `directory_loader(office)` loads the office's
    organisation, only when a rule on subjects needs it."""
    rule = RULES[action]
    principal = context.require(*rule.roles)
    requested = payload.pop("office", None)
    if requested is not None:
        try:
            OFFICE_CODE(requested if isinstance(requested, str) else "")
        except ValidationError as exc:
            raise InvalidInput("the office is not valid", {"office": exc.messages})
    if requested in (None, principal.office):
        office = principal.office
    elif rule.other_office:
        office = context.office_for(requested)
    else:
        raise Forbidden(f"{action} acts on your own office only",
                        {"office": [f"{requested!r} is not your office"]})
    return Caller(principal, office, action, rule, directory_loader)


class Caller:
    """A principal acting on one office through one RPC; `check` is the one answer to "may
    this principal do this to this subject"."""

    def __init__(self, principal, office, action, rule, directory_loader):
        self.principal = principal
        self.office = office
        self.action = action
        self.rule = rule
        self._load_directory = directory_loader

    @property
    def sub(self):
        return self.principal.sub

    def is_reader(self):
        return self.principal.has_any(*READERS, "admin")

    @cached_property
    def directory(self):
        return self._load_directory(self.office)

    def check(self, *subjects):
        """Forbidden naming every subject the caller may not act on; nothing is written before."""
        problems, broken = {}, []
        for subject in subjects:
            for name in self.rule.subjects:
                problem = getattr(self, f"_{name}")(subject)
                if problem:
                    problems.setdefault(subject.field, []).append(problem)
                    broken.append(name)
                    break
        if problems:
            raise Forbidden(f"{self.action}: {FORBIDDEN_MESSAGES[broken[0]]}", problems)

    # --- the rules on subjects; each returns the problem, or None when the subject passes

    def _not_self(self, subject):
        if subject.kind == "staff":
            if subject.code == self.sub:
                return (f"{subject.code!r} is yourself{subject.note}: another evaluator or the "
                        "council decides about you")
            return None
        if subject.code == self.office:
            if self.sub in self.directory.records or self.sub in self.directory.assignments:
                return (f"you work in {subject.code}: the office as a whole is rated by someone "
                        "outside it (the office's evaluator)")
            return None
        own = self._units_of(self.sub, subject.start, subject.end)
        inside = sorted(u for u in own if self.directory.units.contains(subject.code, u))
        if inside:
            return (f"you belong to {subject.code} ({', '.join(inside)}): nobody rates or "
                    "decides about a unit they belong to")
        return None

    def _headed_units(self, subject):
        if subject.kind != "staff" or self.principal.has_any(*ROLE_EXEMPT_FROM_HEADED_UNITS):
            return None
        headed = self._headed_by(self.sub)
        fellow_heads = headed & self._headed_by(subject.code)
        if fellow_heads:
            return (f"{subject.code!r} heads {', '.join(sorted(fellow_heads))} with you: a unit's "
                    "heads are rated by the leader above them")
        units = self._units_of(subject.code, subject.start, subject.end)
        if headed and any(self.directory.units.contains(h, u) for h in headed for u in units):
            return None
        where = ", ".join(sorted(u for u in units if u)) or "no unit known to evaluation"
        return (f"{subject.code!r} works in {where}: a unit head rates the people of the units "
                f"they head ({', '.join(sorted(headed)) or 'none on record'}) only")

    def _own_unless_reader(self, subject):
        if self.is_reader() or subject.code == self.sub:
            return None
        return f"{subject.code!r} is not you: you may see your own results only"

    # --- where people stand

    def _units_of(self, staff_id, start=None, end=None):
        """The units `staff_id` belonged to during [start, end] (now, without a span)."""
        directory = self.directory
        found = set()
        for assignment in directory.assignments.get(staff_id, ()):
            if start is None:
                if assignment.valid_to is None:
                    found.add(assignment.unit_code)
            elif ((assignment.valid_from is None or assignment.valid_from <= end)
                  and (assignment.valid_to is None or assignment.valid_to > start)):
                found.add(assignment.unit_code)
        record = directory.records.get(staff_id)
        if record is not None and record.active and record.unit_code:
            found.add(record.unit_code)
        found.discard(None)
        return found

    def _headed_by(self, staff_id):
        record = self.directory.records.get(staff_id)
        if record is None or not record.active or not record.is_unit_head or not record.unit_code:
            return set()
        return {record.unit_code}


FORBIDDEN_MESSAGES = {
    NOT_SELF: "nobody decides about or rates themselves",
    HEADED_UNITS: "a unit head rates the people of their own units only",
    OWN_UNLESS_READER: "you may see your own results only",
}
