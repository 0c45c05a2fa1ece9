"""Which notices each event of the other services gives (pure).

Dedup keys: the event id, except deadline events, keyed by task, threshold and day, so that
a second event about the same deadline (a replica, a re-run) still notifies once.
"""
from dataclasses import dataclass

from shared.contracts import URGENT_PRIORITIES


@dataclass
class NoticeRequest:
    template: str
    category: str
    recipients: list
    data: dict
    dedup_key: str
    urgent: bool = False     # urgent notices (and escalations) ignore quiet hours

    def __post_init__(self):
        self.recipients = [r for r in self.recipients if r]


def _task(envelope, template, category, recipients, key=None):
    data = envelope["data"]
    return [NoticeRequest(template, category, recipients, data, key or envelope["event_id"],
                          urgent=bool(data.get("urgent")))]


def _deadline_key(envelope):
    data = envelope["data"]
    return f"{envelope['event_type']}:{data['task_id']}:{data['threshold']}:{data['on_date']}"


def document_received(envelope):
    data = envelope["data"]
    urgent = (data.get("priority") or "") in URGENT_PRIORITIES
    return [NoticeRequest("document_received", "document", ["role:leader"],
                          {**data, "urgent": urgent}, envelope["event_id"], urgent=urgent)]


def _unit_heads(data):
    """The heads of the task's unit: all of them as notify knows the organisation, and the
    head tasks named in the event (so a copy that lags behind still reaches one)."""
    unit = data.get("unit_code")
    return list(dict.fromkeys(r for r in ([f"head:{unit}"] if unit else [])
                              + [data.get("unit_head")] if r))


def task_assigned(envelope):
    """The new owner is told; work given to a unit (no owner yet) goes to its heads; the one
    it was taken from is told it is no longer theirs."""
    data = envelope["data"]
    if data.get("assignee"):
        notices = _task(envelope, "task_assigned", "task", [data["assignee"]])
    else:
        notices = _task(envelope, "task_to_unit", "task", _unit_heads(data))
    previous = data.get("previous_assignee")
    if previous and previous != data.get("assignee"):
        notices += _task(envelope, "task_reassigned", "task", [previous],
                         f"{envelope['event_id']}:previous")
    return notices


def task_submitted(envelope):
    """The reviewer: whoever gave the task, else the unit's heads; never the one handing in."""
    data = envelope["data"]
    owner = data.get("assignee")
    reviewers = [data["assigner"]] if data.get("assigner") and data["assigner"] != owner \
        else _unit_heads(data)
    return _task(envelope, "task_submitted", "task", [r for r in reviewers if r != owner])


def task_reviewed(envelope):
    template = "task_returned" if envelope["data"]["decision"] == "return" else "result_accepted"
    return _task(envelope, template, "task", [envelope["data"]["assignee"]])


def task_cancelled(envelope):
    """Whoever had the work (the owner, else the unit's heads) stops on it: a recalled
    document's tasks are cancelled too.  The one who cancelled it is not told."""
    data = envelope["data"]
    actor = (envelope.get("actor") or {}).get("sub")
    recipients = [data["assignee"]] if data.get("assignee") else _unit_heads(data)
    recipients = [r for r in recipients if r != actor]
    return _task(envelope, "task_cancelled", "task", recipients) if recipients else []


def document_recalled(envelope):
    """An incoming document withdrawn: the leaders who were asked to direct it are told."""
    data = envelope["data"]
    if data.get("direction") != "in":
        return []
    return [NoticeRequest("document_recalled", "document", ["role:leader"], data,
                          envelope["event_id"])]


def task_due_soon(envelope):
    return _task(envelope, "task_due_soon", "deadline", [envelope["data"]["assignee"]],
                 _deadline_key(envelope))


def task_overdue(envelope):
    return _task(envelope, "task_overdue", "deadline", [envelope["data"]["assignee"]],
                 _deadline_key(envelope))


def task_escalated(envelope):
    data = envelope["data"]
    recipients = data.get("recipients") or [data.get("assigner"), data.get("unit_head")]
    recipients = list(dict.fromkeys(r for r in recipients if r and r != data.get("assignee")))
    return _task(envelope, "task_escalated", "escalation", recipients, _deadline_key(envelope))


def extension_requested(envelope):
    return _task(envelope, "extension_requested", "task", [envelope["data"]["assigner"]])


def extension_decided(envelope):
    return _task(envelope, "extension_decided", "task", [envelope["data"]["assignee"]])


def classification_published(envelope):
    data = envelope["data"]
    notices = []
    for result in data["results"]:
        if not result.get("staff_id"):
            continue
        notices.append(NoticeRequest(
            "classification_published", "evaluation", [result["staff_id"]],
            {"year": data["year"], "rule_set": data["rule_set"], "level": result.get("level"),
             "score": result.get("score")}, envelope["event_id"]))
    return notices


def titles_awarded(envelope):
    data = envelope["data"]
    notices = []
    for index, award in enumerate(data["awards"]):
        recipient = award.get("staff_id") or (f"unit:{award['unit_code']}"
                                              if award.get("unit_code") else None)
        if not recipient:
            continue
        notices.append(NoticeRequest(
            "titles_awarded", "evaluation", [recipient],
            {"year": data["year"], "award_title": award.get("title") or "",
             "unit_code": award.get("unit_code"),
             "unit_name": award.get("unit_name") or award.get("name")},
            f"{envelope['event_id']}:{index}"))
    return notices


REACTIONS = {
    ("intake", "document_received"): document_received,
    ("intake", "document_recalled"): document_recalled,
    ("tasks", "task_assigned"): task_assigned,
    ("tasks", "task_submitted"): task_submitted,
    ("tasks", "task_reviewed"): task_reviewed,
    ("tasks", "task_due_soon"): task_due_soon,
    ("tasks", "task_overdue"): task_overdue,
    ("tasks", "task_escalated"): task_escalated,
    ("tasks", "task_cancelled"): task_cancelled,
    ("tasks", "extension_requested"): extension_requested,
    ("tasks", "extension_decided"): extension_decided,
    ("evaluation", "classification_published"): classification_published,
    ("evaluation", "titles_awarded"): titles_awarded,
}


def notices_for(envelope):
    react = REACTIONS.get((envelope["source"], envelope["event_type"]))
    return react(envelope) if react else []
