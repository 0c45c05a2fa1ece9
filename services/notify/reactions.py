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


def task_assigned(envelope):
    return _task(envelope, "task_assigned", "task", [envelope["data"]["assignee"]])


def task_reviewed(envelope):
    if envelope["data"]["decision"] != "return":
        return []
    return _task(envelope, "task_returned", "task", [envelope["data"]["assignee"]])


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
    ("tasks", "task_assigned"): task_assigned,
    ("tasks", "task_reviewed"): task_reviewed,
    ("tasks", "task_due_soon"): task_due_soon,
    ("tasks", "task_overdue"): task_overdue,
    ("tasks", "task_escalated"): task_escalated,
    ("tasks", "extension_requested"): extension_requested,
    ("tasks", "extension_decided"): extension_decided,
    ("evaluation", "classification_published"): classification_published,
    ("evaluation", "titles_awarded"): titles_awarded,
}


def notices_for(envelope):
    react = REACTIONS.get((envelope["source"], envelope["event_type"]))
    return react(envelope) if react else []
