"""Issuing outgoing documents (văn bản đi) and changing registered ones (Điều 15, 18).

Numbers run from 01 each year; the office chooses one sequence for all types or one per type
(``NUMBERING`` in intake's config); classified documents always have their own sequence.
"""
import json

from services.intake import access, registration, search
from services.intake.doc_types import abbreviation_for, canonical_type_name
from services.intake.models import Document
from services.intake.numbering import next_number
from services.intake.requests import CORRECTABLE_FIELDS
from shared.errors import Conflict, InvalidInput
from shared.timeutil import today_local

SCHEMES = ("single", "per_type")


def numbering_settings(config, office):
    settings = dict((config.get("NUMBERING") or {}).get("default") or {})
    settings.update((config.get("NUMBERING") or {}).get(office) or {})
    settings.setdefault("scheme", "single")
    settings.setdefault("issuer", "VP")
    if settings["scheme"] not in SCHEMES:
        raise InvalidInput("unknown numbering scheme in config",
                           {"NUMBERING": [f"{office}: {settings['scheme']!r}; use one of {SCHEMES}"]})
    return settings


def sequence_name(settings, year, doc_type, classified):
    if classified:
        return f"out:{year}:mat"
    if settings["scheme"] == "per_type":
        return f"out:{year}:{doc_type or 'CV'}"
    return f"out:{year}"


def notation(settings, doc_type, drafting_unit):
    """Ký hiệu: type + issuer (15/QĐ-BNV), or for a công văn issuer + drafting unit (05/BNV-VP)."""
    if doc_type:
        return f"{doc_type}-{settings['issuer']}"
    return f"{settings['issuer']}-{drafting_unit}" if drafting_unit else settings["issuer"]


def issue(work, principal, fields, settings, to_offices=()):
    type_name = canonical_type_name(fields.get("type_name") or "Công văn") or fields.get("type_name")
    doc_type = fields.get("doc_type") or abbreviation_for(type_name)
    issued_date = fields.get("issued_date") or today_local()
    classified = bool(fields.get("secrecy"))
    number = next_number(work.session, principal.office,
                         sequence_name(settings, issued_date.year, doc_type, classified))
    given = {**fields, "type_name": type_name, "doc_type": doc_type, "issued_date": issued_date,
             "code_number": f"{number:02d}",
             "code_notation": notation(settings, doc_type, fields.get("drafting_unit")),
             "organ_name": fields.get("organ_name") or settings.get("organ_name")}
    document, _ = registration.register(work, principal, channel="api", fields=given,
                                        direction="out", status="issued",
                                        text=fields.get("content"))
    work.record_event("document_issued", {
        "document_id": document.id, "code_number": document.code_number,
        "code_notation": document.code_notation, "issued_date": document.issued_date,
        "type_name": document.type_name, "doc_type": document.doc_type,
        "subject": None if classified else document.subject, "secrecy": document.secrecy,
        "priority": document.priority, "to_offices": list(to_offices),
    }, office=principal.office, actor=principal.as_actor())
    return document


def deliver_internally(work, event, known_offices):
    """The copies of an issued document for the offices of this deployment it was sent to.

    Only the sending office's own issued outgoing document crosses: an event that names any
    other document (another office's, an incoming one, a recalled one) delivers nothing.
    """
    source = access.issued_document_of(work.session, event["office"],
                                       event["data"]["document_id"])
    if source is None:
        return []
    delivered = []
    # in one order everywhere: two deliveries at once take the offices' number locks alike
    for office in sorted(set(event["data"]["to_offices"])):
        if office == source.office or office not in known_offices:
            continue
        receiver = access.office_principal(office)
        external_id = access.internal_copy_id(source)
        if access.documents_for(work.session, receiver, Document.external_id == external_id):
            continue
        fields = {f: getattr(source, f) for f in registration.REGISTRATION_FIELDS
                  if f not in registration.LIST_FIELDS}
        fields["to_places"] = json.loads(source.to_places or "[]")
        fields["organ_name"] = source.organ_name or known_offices.get(source.office)
        document, _ = registration.register(
            work, receiver, channel="internal", fields=fields, text=source.content,
            external_id=external_id,
            attachments=[{"file_name": a.file_name, "content_type": a.content_type, "data": a.data}
                         for a in source.attachments])
        delivered.append(document)
    return delivered


def correct(work, principal, document, changes, reason):
    """Fix registration fields (a clerk's typo, a corrected number); every change is kept."""
    if document.status == "recalled":
        raise Conflict("a recalled document is frozen", {"document_id": [str(document.id)]})
    unknown = sorted(set(changes) - set(CORRECTABLE_FIELDS))
    if unknown:
        raise InvalidInput("these fields cannot be corrected",
                           {field: ["not a correctable field"] for field in unknown})
    before = {}
    for field, value in changes.items():
        if field in registration.LIST_FIELDS:
            before[field] = json.loads(getattr(document, field) or "[]")
            setattr(document, field, json.dumps(value or [], ensure_ascii=False))
        else:
            before[field] = getattr(document, field)
            setattr(document, field, value)
    document.search_text = search.search_text(document)
    registration.append_history(document, principal, "corrected", reason=reason,
                                before=before, after=changes)
    work.record_event("document_corrected", {
        "document_id": document.id, "direction": document.direction,
        "changed_fields": sorted(changes), "reason": reason}, office=document.office,
        actor=principal.as_actor())
    return document


def recall(work, principal, document, reason):
    """Thu hồi: the document is frozen; copies delivered inside the deployment are recalled too."""
    if document.status == "recalled":
        raise Conflict("the document is already recalled", {"document_id": [str(document.id)]})
    document.status = "recalled"
    registration.append_history(document, principal, "recalled", reason=reason)
    work.record_event("document_recalled", {
        "document_id": document.id, "direction": document.direction, "reason": reason},
        office=document.office, actor=principal.as_actor())
    return document


def recall_internal_copies(work, event):
    """Recall the copies delivered inside the deployment, once the sender's own outgoing
    document really is recalled (an event about any other document recalls nothing)."""
    source = access.recalled_document_of(work.session, event["office"],
                                         event["data"]["document_id"])
    if source is None:
        return []
    copies = access.internal_copies_of(work.session, source)
    for copy in copies:
        copy.status = "recalled"
        registration.append_history(copy, access.office_principal(copy.office), "recalled",
                                    reason=f"recalled by the sender: {event['data']['reason']}")
    return copies
