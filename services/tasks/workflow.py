"""Who may do what to a task, and from which state: the one table to check.

A caller's *relations* to a task decide what they may do:

- ``assigner``    the person who gave the task (the leader who directed, the head who created it)
- ``assignee``    the one owner of the task (người chủ trì thực hiện)
- ``coordinator`` a person named to help (phối hợp)
- ``unit_head``   a head of the task's unit (trưởng / phó phòng), or of a unit above it
- ``leader``      an office leader (token role ``leader``)
- ``admin``       an administrator: may do anything an entrypoint allows

States: ``proposed`` (read from a document, waiting for the leader) → ``new`` (given to a unit,
no person yet) → ``assigned`` (a person named) → ``in_progress`` (accepted) → ``submitted``
(result handed in) → ``done``; a review may send it back to ``returned``; ``cancelled`` and
``discarded`` end it without a result.
"""
from shared.errors import Conflict, Forbidden

PROPOSED, NEW, ASSIGNED, IN_PROGRESS, SUBMITTED, RETURNED = (
    "proposed", "new", "assigned", "in_progress", "submitted", "returned")
DONE, CANCELLED, DISCARDED = "done", "cancelled", "discarded"

OPEN = (NEW, ASSIGNED, IN_PROGRESS, RETURNED)          # work still to do by the owner
ACTIVE = OPEN + (SUBMITTED,)                            # counted in tracking, not finished
WORKING = (IN_PROGRESS, RETURNED)                       # accepted and being worked on
NOT_COUNTED = (PROPOSED, CANCELLED, DISCARDED)          # not work anyone owes

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

RELATION_NAMES = {"assigner": "người giao việc (assigner)",
                  "assignee": "người thực hiện (assignee)",
                  "coordinator": "người phối hợp (coordinator)",
                  "unit_head": "lãnh đạo đơn vị (unit head)", "leader": "lãnh đạo (leader)"}


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
    """The state after `action`; Forbidden if no relation allows it, Conflict if the state does."""
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
