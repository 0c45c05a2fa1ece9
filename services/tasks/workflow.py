"""Who may do what in tasks, and to which task from which state: the one table to check.

`authorize(action, task, caller, ...)` answers "may this caller do this to this task" for every
action on a task, `entry_roles` which roles may call an RPC at all, and `check_table_scope`
whose tracking table one may read.  Nothing else in the service decides permissions.

A caller's *relations* to a task decide what they may do:

- ``assigner``    the person who gave the task (the leader who directed, the head who created it)
- ``assignee``    the one owner of the task (người chủ trì thực hiện)
- ``coordinator`` a person named to help (phối hợp)
- ``unit_head``   a head of the task's unit (trưởng / phó phòng), or of a unit above it
- ``leader``      an office leader (token role ``leader``)
- ``admin``       an administrator: may do anything an entrypoint allows, but, like everyone,
                  never decides on their own request nor reviews their own result

Nobody decides on their own request: the owner of a task never assigns it away, reviews it,
decides an extension on it or cancels it, whatever else they are to it (its assigner, its
unit's head, a leader); an extension is never decided by whoever asked for it; a result is
never reviewed by whoever handed it in.

Work stays inside what its giver may give (`GIVING`): a leader (or admin) gives work anywhere in
the office; a unit head within the units they head; anyone else gives no work, except that the
owner of a task may split it into sub-tasks for themselves.  Work one gives oneself under a
parent task is decided by whoever gave the parent (`assigner_of_subtask`).

States: ``proposed`` (read from a document, waiting for the leader) → ``new`` (given to a unit,
no person yet) → ``assigned`` (a person named) → ``in_progress`` (accepted) → ``submitted``
(result handed in) → ``done``; a review may send it back to ``returned``; ``cancelled`` and
``discarded`` end it without a result.
"""
from dataclasses import dataclass

from shared.errors import Conflict, Forbidden

PROPOSED, NEW, ASSIGNED, IN_PROGRESS, SUBMITTED, RETURNED = (
    "proposed", "new", "assigned", "in_progress", "submitted", "returned")
DONE, CANCELLED, DISCARDED = "done", "cancelled", "discarded"
STATES = (PROPOSED, NEW, ASSIGNED, IN_PROGRESS, SUBMITTED, RETURNED, DONE, CANCELLED, DISCARDED)

OPEN = (NEW, ASSIGNED, IN_PROGRESS, RETURNED)          # work still to do by the owner
ACTIVE = OPEN + (SUBMITTED,)                            # counted in tracking, not finished
WORKING = (IN_PROGRESS, RETURNED)                       # accepted and being worked on
NOT_COUNTED = (PROPOSED, CANCELLED, DISCARDED)          # not work anyone owes

# -- who may call an RPC at all (token roles; an empty tuple: anyone of the office) ------------

ORGANISERS = ("leader", "admin")
SWEEPERS = ("admin", "service")
OVERSEERS = ("leader", "clerk", "evaluator", "service", "admin")   # see the whole office

ENTRY_ROLES = {
    "upsert_unit": ORGANISERS, "upsert_staff": ORGANISERS,
    "pending_directions": ("leader", "clerk", "head", "service"),
    "direct": ("leader",), "confirm_proposed": ("leader",), "discard_proposed": ("leader",),
    "run_reminders": SWEEPERS,
    "incoming_register": OVERSEERS + ("head",),
}

# -- what may be done to a task ----------------------------------------------------------------

# action: (states it may start from, relations that may do it, resulting state)
# A resulting state of None keeps the state; "review" goes to done or returned (see REVIEW_STATES).
TRANSITIONS = {
    "confirm":           ((PROPOSED,), ("leader",), NEW),
    "discard":           ((PROPOSED,), ("leader",), DISCARDED),
    "assign":            (OPEN, ("assigner", "unit_head", "leader"), ASSIGNED),
    "accept":            ((ASSIGNED,), ("assignee",), IN_PROGRESS),
    "report_progress":   (WORKING, ("assignee", "coordinator"), None),
    "submit":            (WORKING, ("assignee",), SUBMITTED),
    "review":            ((SUBMITTED,), ("assigner", "unit_head", "leader"), None),
    "request_extension": (OPEN, ("assignee", "unit_head"), None),
    "decide_extension":  (ACTIVE, ("assigner", "leader"), None),
    "cancel":            (ACTIVE, ("assigner", "leader"), CANCELLED),
    "add_subtask":       (OPEN, ("assignee", "unit_head", "assigner", "leader"), None),
}
REVIEW_STATES = {"accept": DONE, "return": RETURNED}

# Decisions the owner of a task never takes on it, whatever else they are to it.
NOT_ON_OWN_TASK = frozenset({"assign", "review", "decide_extension", "cancel"})

# Actions that give work to someone: the work must be inside what the caller may give.
GIVING = frozenset({"create", "add_subtask", "assign", "confirm"})

RELATION_NAMES = {"assigner": "người giao việc (assigner)",
                  "assignee": "người thực hiện (assignee)",
                  "coordinator": "người phối hợp (coordinator)",
                  "unit_head": "lãnh đạo đơn vị (unit head)", "leader": "lãnh đạo (leader)"}


@dataclass(frozen=True)
class Caller:
    """Who asks: their staff id, token roles and the units they head (sub-units included)."""
    sub: str
    roles: frozenset
    headed: frozenset = frozenset()

    @property
    def gives_office_wide(self):
        return bool(self.roles & {"leader", "admin"})


@dataclass(frozen=True)
class Work:
    """What a giving action hands out: the unit, and the person with their unit if named."""
    unit_code: str | None
    assignee: str | None = None
    assignee_unit: str | None = None


def relations(task, sub, roles, head_of_units=()):
    """The caller's relations to a task (any object with assigner, assignee, coordinators,
    unit_code): `head_of_units` are the unit codes the caller heads, sub-units included."""
    found = set()
    if task.assigner and task.assigner == sub:
        found.add("assigner")
    if task.assignee and task.assignee == sub:
        found.add("assignee")
    if sub in (getattr(task, "coordinator_ids", None) or ()):
        found.add("coordinator")
    if task.unit_code and task.unit_code in set(head_of_units):
        found.add("unit_head")
    if "leader" in roles:
        found.add("leader")
    if "admin" in roles:
        found.add("admin")
    return found


def target_state(action, status, decision=None):
    if action == "review":
        return REVIEW_STATES[decision]
    return TRANSITIONS[action][2] or status


def check(action, status, caller_relations, task_id=None):
    """Forbidden if no relation allows `action`, Conflict if the state does not."""
    allowed_from, allowed_relations, _ = TRANSITIONS[action]
    if "admin" not in caller_relations and not caller_relations & set(allowed_relations):
        needed = ", ".join(RELATION_NAMES[r] for r in allowed_relations)
        have = ", ".join(sorted(caller_relations)) or "none"
        raise Forbidden(f"{action}: only {needed} may do this", {
            "task_id": [f"task {task_id}: your relations to it: {have}"]})
    if status not in allowed_from:
        raise Conflict(f"{action}: not allowed for a task in state {status!r}", {
            "status": [f"task {task_id} is {status!r}; {action} is allowed from: "
                       f"{', '.join(allowed_from)}"]})


def authorize(action, task, caller, *, decision=None, request=None, work=None):
    """The state `action` by `caller` leads `task` to; Forbidden or Conflict when not allowed.

    `task` is None for "create" (work given outside any task).  `request` is the extension
    request being decided; `work` what a giving action hands out (see `Work`).
    """
    if action == "create":
        _check_giving(action, None, caller, work)
        return None
    check(action, task.status, relations(task, caller.sub, caller.roles, caller.headed),
          task.id)
    if action in NOT_ON_OWN_TASK and task.assignee == caller.sub:
        raise Forbidden(f"{action}: nobody decides on their own task", {"task_id": [
            f"you are the assignee of task {task.id}"]})
    if action == "review" and author_of_result(task) == caller.sub:
        raise Forbidden("review: nobody reviews their own result", {"task_id": [
            f"you handed in the result of task {task.id}"]})
    if action == "decide_extension" and request is not None \
            and request.requested_by == caller.sub:
        raise Forbidden("decide_extension: nobody decides on their own request", {"task_id": [
            f"you asked for the extension of task {task.id}"]})
    if action in GIVING and work is not None:
        _check_giving(action, task, caller, work)
    return target_state(action, task.status, decision)


def author_of_result(task):
    return getattr(task, "submitted_by", None) or task.assignee


def _check_giving(action, task, caller, work):
    """Work stays inside what the caller may give (see the module's docstring)."""
    if caller.gives_office_wide:
        return
    units = {work.unit_code, work.assignee_unit} - {None}
    if action == "assign" and task is not None and task.unit_code is not None:
        units.add(task.unit_code)
    if units and units <= caller.headed:
        return
    if (action == "add_subtask" and task is not None and task.assignee == caller.sub
            and work.assignee == caller.sub and work.unit_code in (None, work.assignee_unit)):
        return                              # the owner splits their own task for themselves
    field = "assignee" if work.assignee is not None else "unit_code"
    if action == "add_subtask" and task is not None and task.assignee == caller.sub:
        why = "you may give sub-tasks of your own task only to yourself, in your own unit"
    elif caller.headed:
        why = f"you give work only within the units you head: {', '.join(sorted(caller.headed))}"
    else:
        why = "only a leader, or the head of the unit the work goes to, gives work"
    raise Forbidden(f"{action}: this work is outside what you may give", {field: [
        f"{work.assignee or work.unit_code!r}: {why}"]})


def assigner_of_subtask(parent, caller, assignee):
    """Who decides on a sub-task: its giver, or — when one gives it to oneself — whoever gave
    the parent (a staff member splitting their task is not the sub-task's assigner)."""
    if assignee is not None and assignee == caller.sub and parent.assigner:
        return parent.assigner
    return caller.sub


# -- whole-RPC checks ----------------------------------------------------------------------------

def entry_roles(rpc_name):
    """The token roles one of which a caller needs to call `rpc_name` (admin always may)."""
    return ENTRY_ROLES.get(rpc_name, ())


def check_table_scope(caller, kind, value, person_unit=None):
    """May `caller` read the tracking table of the office, unit `value` or person `value`
    (whose unit is `person_unit`)?  Overseers see all; a head their units and their staff;
    everyone themselves."""
    if caller.roles & set(OVERSEERS):
        return
    if kind == "office":
        raise Forbidden("the whole office's table is for leaders and evaluators", {
            "scope": ["ask for unit:<your unit> or person:<you>"]})
    if kind == "unit" and value not in caller.headed:
        raise Forbidden("a unit's table is for its heads and the leaders", {
            "scope": [f"you do not head {value!r}"]})
    if kind == "person" and value != caller.sub and person_unit not in caller.headed:
        raise Forbidden("a person's table is for them, their head and the leaders", {
            "scope": [f"{value!r} is not you nor staff of a unit you head"]})


LIST_SCOPES = ("mine", "unit", "office")
OWN_AND_UNITS = "own_and_units"     # no scope asked by a non-overseer: theirs and their units'


def list_scope(caller, asked=None):
    """Whose tasks `caller` lists: ``mine`` (anyone: their own work), ``unit`` (a head: the
    units they head, sub-units included), ``office`` (the overseers).  Without a scope, the
    widest one allowed: the office for overseers, otherwise their own work and that of the
    units they head (OWN_AND_UNITS)."""
    overseer = bool(caller.roles & set(OVERSEERS))
    if asked is None:
        return "office" if overseer else OWN_AND_UNITS
    if asked == "office" and not overseer:
        raise Forbidden("the whole office's tasks are for leaders and clerks", {
            "scope": ["ask for mine, or unit if you head a unit"]})
    if asked == "unit" and not caller.headed:
        raise Forbidden("a unit's tasks are for its heads", {
            "scope": ["you head no unit: ask for mine" + (", or office" if overseer else "")]})
    return asked
