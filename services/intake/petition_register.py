"""Keeping petitions: the rules of `petitions` applied to stored records, per office.

Every payload is checked against its schema (`services.intake.schemas`) before anything is
read or written: unknown keys are refused by name, texts are bounded by their columns, dates by
a plausible year and ids by a signed 64-bit integer.  A petition is seen and changed only by its
own office (`get`); the document it arrived as must be one the caller may see.
"""
import json
from dataclasses import fields as dataclass_fields
from datetime import date, datetime, timezone

from sqlalchemy import extract, select

from services.intake import access, petitions
from services.intake.models import PetitionRecord
from services.intake.schemas import (MAX_ID, DisposePetitionSchema, PetitionFacts,
                                     PetitionReplySchema, ReceivePetitionSchema)
from shared.calendar import WorkingCalendar
from shared.errors import Conflict, InvalidInput, NotFound
from shared.schemas import load
from shared.timeutil import today_local

RECORD_FIELDS = ("id", "disposition", "filing_reason")
FACT_FIELDS = tuple(f.name for f in dataclass_fields(petitions.Petition)
                    if f.name not in RECORD_FIELDS)
# Comparing contents is quadratic in their length (`petitions.content_similarity`): a new
# petition is compared with this petitioner's most recent petitions, a disposition checked
# against their most recent dispositions.
DUPLICATE_CANDIDATES = 10
HISTORY_ENTRIES = 20


def rules_for(config, office):
    settings = (config.get("PETITION_RULES") or {}).get(office)
    return petitions.PetitionRules.from_mapping(settings) if settings else petitions.DEFAULT_RULES


def calendar_for(config, office):
    return WorkingCalendar.from_config((config.get("CALENDAR") or {}).get(office) or {})


def _dumps(value):
    return json.dumps(value, ensure_ascii=False, default=str)


def as_petition(record):
    facts = json.loads(record.facts)
    facts["received_on"] = record.received_on.isoformat()
    return petitions.Petition.from_mapping({**facts, "id": record.id,
                                            "disposition": record.disposition,
                                            "filing_reason": record.filing_reason})


def _history(record, principal, action, **details):
    entries = json.loads(record.history or "[]")
    entries.append({"at": datetime.now(timezone.utc).isoformat(), "by": principal.sub,
                    "action": action, **details})
    record.history = _dumps(entries)


def receive(session, principal, payload, rules):
    """Store a petition with its classification; (record, probable duplicates)."""
    if not isinstance(payload, dict):
        raise InvalidInput("the petition must be a JSON object", {"petition": ["not an object"]})
    given = load(ReceivePetitionSchema, payload, "petition")
    document_id = given.pop("document_id", None)
    given.setdefault("received_on", today_local())
    petition = petitions.Petition.from_mapping(given)
    if not petition.content.strip():
        raise InvalidInput("the petition has no content", {"content": ["required"]})
    classification = petitions.classify(petition, rules)
    if document_id is not None:
        access.document_for(session, principal, document_id)   # NOT_FOUND unless visible
    key = petitions.petitioner_key(petition.petitioner_name, petition.petitioner_address)
    duplicates = []
    if petition.petitioner_name.strip():
        earlier = session.execute(select(PetitionRecord).where(
            PetitionRecord.office == principal.office,
            PetitionRecord.petitioner_key == key)
            .order_by(PetitionRecord.id.desc()).limit(DUPLICATE_CANDIDATES)).scalars().all()
        for record in earlier:
            same, score = petitions.is_probable_duplicate(petition, as_petition(record), rules=rules)
            if same:
                duplicates.append({"petition_id": record.id, "similarity": round(score, 2)})
    facts = {name: getattr(petition, name) for name in FACT_FIELDS if name != "received_on"}
    record = PetitionRecord(
        office=principal.office, received_on=petition.received_on,
        petitioner_name=petition.petitioner_name, petitioner_address=petition.petitioner_address,
        petitioner_key=key[:520], content=petition.content, facts=_dumps(facts),
        classification=_dumps(classification.to_dict()), category=classification.category,
        status="received", document_id=document_id,
        duplicate_of=duplicates[0]["petition_id"] if duplicates else None,
        warnings=_dumps([f"probable duplicate of petition {d['petition_id']} "
                         f"(similarity {d['similarity']})" for d in duplicates]),
        created_at=datetime.now(timezone.utc), created_by=principal.sub)
    _history(record, principal, "received")
    session.add(record)
    session.flush()
    return record, duplicates


def get(session, principal, petition_id):
    """The caller's office's petition; another office's answers exactly like a missing one."""
    if isinstance(petition_id, bool) or not isinstance(petition_id, int) \
            or not 1 <= petition_id <= MAX_ID:
        raise InvalidInput(f"petition_id must be an integer from 1 to {MAX_ID}",
                           {"petition_id": [f"got {petition_id!r}"[:80]]})
    record = session.execute(select(PetitionRecord).where(
        PetitionRecord.id == petition_id,
        PetitionRecord.office == principal.office)).scalar_one_or_none()
    if record is None:
        raise NotFound("no such petition in your office", {"petition_id": [str(petition_id)]})
    return record


def reclassify(record, principal, facts, rules):
    """The clerk's corrections of the facts (signed? within competence? ...) and a new class."""
    facts = load(PetitionFacts, facts, "facts")
    merged = {**json.loads(record.facts), **facts}
    merged["received_on"] = facts.get("received_on") or record.received_on
    petition = petitions.Petition.from_mapping(merged)
    classification = petitions.classify(petition, rules)
    record.facts = _dumps({name: getattr(petition, name) for name in FACT_FIELDS
                           if name != "received_on"})
    record.received_on = petition.received_on
    record.classification = _dumps(classification.to_dict())
    record.category = classification.category
    _history(record, principal, "classified", changes=facts)
    return record


def history_for(session, record):
    """Earlier dispositions of this petitioner (any petition): the forward-once rule's memory."""
    earlier = session.execute(select(PetitionRecord).where(
        PetitionRecord.office == record.office, PetitionRecord.petitioner_key == record.petitioner_key,
        PetitionRecord.disposition.is_not(None))
        .order_by(PetitionRecord.id.desc()).limit(HISTORY_ENTRIES)).scalars().all()
    return [petitions.HistoryEntry(
        disposition=other.disposition, on=other.disposed_on, petitioner_name=other.petitioner_name,
        petitioner_address=other.petitioner_address, content=other.content,
        forward_to=other.forward_to, reason=other.filing_reason, petition_id=other.id)
        for other in earlier]


def dispose(session, principal, record, disposition, reason, forward_to, rules, calendar,
            today=None):
    load(DisposePetitionSchema, {"disposition": disposition, "reason": reason,
                                 "forward_to": forward_to, "disposed_on": today}, "disposition")
    if record.disposition is not None and record.disposition != "guide":
        raise Conflict("the petition already has a disposition",
                       {"disposition": [f"already {record.disposition}"]})
    today = today or today_local()
    check = petitions.check_disposition(as_petition(record), history_for(session, record),
                                        disposition, reason=reason, forward_to=forward_to,
                                        today=today, rules=rules, calendar=calendar)
    record.disposition = check.disposition
    record.filing_reason = check.reason
    record.forward_to = check.forward_to
    record.disposed_on = today
    record.follow_up_due = check.follow_up_due
    record.handling_due = check.handling_due
    record.retain_until = check.retain_until
    record.status = "disposed"
    warnings = json.loads(record.warnings or "[]") + list(check.warnings)
    record.warnings = _dumps(warnings)
    _history(record, principal, "disposed", disposition=check.disposition, reason=check.reason,
             forward_to=check.forward_to)
    return record, check


def record_reply(record, principal, replied_on, summary, from_body):
    load(PetitionReplySchema, {"summary": summary, "from_body": from_body,
                               "replied_on": replied_on}, "reply")
    if record.disposition != "forward":
        raise Conflict("only a forwarded petition awaits a reply",
                       {"petition_id": [f"its disposition is {record.disposition}"]})
    if not summary or not str(summary).strip():
        raise InvalidInput("a reply needs its content", {"summary": ["required"]})
    record.reply_on = replied_on or today_local()
    record.reply_summary = summary
    record.reply_from = from_body or record.forward_to
    record.status = "replied"
    _history(record, principal, "reply_recorded", reply_from=record.reply_from)
    return record


def year_stats(session, office, year, rules, office_name=None):
    records = session.execute(select(PetitionRecord).where(
        PetitionRecord.office == office,
        extract("year", PetitionRecord.received_on) == year)).scalars().all()
    result = petitions.stats([as_petition(record) for record in records], rules)
    result["text"] = petitions.stats_text(result, year, office=office_name or "Văn phòng")
    return result


def to_dict(record):
    data = {column.name: getattr(record, column.name) for column in PetitionRecord.__table__.columns}
    for key in ("facts", "classification", "warnings", "history"):
        data[key] = json.loads(data[key]) if data[key] else None
    for key, value in data.items():
        if isinstance(value, (date, datetime)):
            data[key] = value.isoformat()
    return json.loads(_dumps(data))


