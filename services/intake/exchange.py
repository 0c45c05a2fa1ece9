"""Documents that arrive already written down: edXML messages from the national exchange
(QCVN 102:2016), e-mails, and files whose text must be extracted first.

Each function turns a channel's message into a registration (or a change to one) and leaves
the commit to the entrypoint.
"""
import base64
import binascii

from services.intake import access, registration
from services.intake.channels.edxml import build_status, parse_edxml
from services.intake.extraction import (DEFAULT_LIMITS, ExtractionLimits, check_attachment_count,
                                        cut_text, extract_text)
from services.intake.models import Document
from services.intake.parsing import parse_document
from services.intake.requests import CORRECTABLE_FIELDS
from shared.errors import InvalidInput
from shared.timeutil import now_local

EXTRACTABLE = (".docx", ".pdf")


def decode_base64(value, field):
    if not isinstance(value, str) or not value:
        raise InvalidInput(f"{field} must be a base64 string", {field: ["required"]})
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(f"{field} is not valid base64", {field: ["not base64"]})


def read_text(text, attachments, limits=DEFAULT_LIMITS):
    """(text, parsed) from the given text or, failing that, the first .docx/.pdf attachment;
    text beyond `limits` is cut, with a warning saying what was cut."""
    check_attachment_count(attachments, limits)
    warnings = []
    text = cut_text(text, limits.text_chars_per_document, "the document's text", warnings)
    if not text:
        for item in attachments or ():
            if item["file_name"].lower().endswith(EXTRACTABLE):
                try:
                    text = extract_text(item["file_name"], decode_base64(item["data"], "attachments")
                                        if isinstance(item["data"], str) else item["data"],
                                        limits=limits, warnings=warnings)
                    break
                except InvalidInput as exc:
                    warnings.append(f"no text read from {item['file_name']}: "
                                    f"{'; '.join(sum(exc.fields.values(), []))}")
    if not text or not text.strip():
        return None, None, warnings
    parsed = parse_document(text)
    if not parsed.get("is_administrative") and not parsed.get("subject"):
        parsed = {**parsed, "subject": parsed.get("title")}
        warnings.append("not an administrative document: its title is used as the subject")
    return text, parsed, warnings


def organ_of(config, office):
    organs = config.get("EDXML_ORGANS") or {}
    organ = dict(organs.get(office) or {})
    organ.setdefault("organ_id", office)
    organ.setdefault("organ_name", (config.get("OFFICES") or {}).get(office, office))
    return organ


def _targets(session, principal, external_ids):
    """The caller's incoming documents an edXML recall, update or replacement names.

    A document the caller may not see is not a target: the message is handled as if it were
    not in the register (it is never changed, recalled or replaced, and never named).
    """
    if not external_ids:
        return []
    return access.documents_for(session, principal, Document.direction == "in",
                                Document.external_id.in_(external_ids), purpose=access.CHANGE)


def _edxml_fields(message):
    fields = {key: message.get(key) for key in (
        "code_number", "code_notation", "type_name", "subject", "issued_date", "place",
        "priority", "signer_competence", "signer_position", "signer_full_name", "due_date",
        "to_places")}
    fields["organ_name"] = (message.get("from") or {}).get("organ_name")
    if fields["priority"] == "thường":
        fields["priority"] = None
    for key in ("issued_date", "due_date"):
        if fields[key]:
            fields[key] = registration.as_date(fields[key])
    return fields


def receive_edxml(work, principal, config, data, max_attachment_bytes):
    """Apply one edXML message; returns (result dict, status reply bytes or None)."""
    message = parse_edxml(data, max_attachment_bytes=max_attachment_bytes)
    limits = ExtractionLimits.from_config(config)
    check_attachment_count(message.get("attachments"), limits)
    if message["kind"] == "status":
        return _record_status(work, principal, message), None
    action = message["action"]
    targets = _targets(work.session, principal,
                       message["business"].get("target_document_ids") or [])
    if action == "recall" and targets:
        for document in targets:
            document.status = "recalled"
            registration.append_history(document, principal, "recalled",
                                        reason=message["business"].get("reason") or "edXML")
            work.record_event("document_recalled", {
                "document_id": document.id, "direction": "in",
                "reason": message["business"].get("reason")}, office=principal.office,
                actor=principal.as_actor())
        return {"action": action, "documents": [d.id for d in targets]}, _answer(
            config, principal, message, "01", "Đã nhận yêu cầu thu hồi")
    fields = _edxml_fields(message)
    warnings = list(message.get("warnings", []))
    if action == "update" and targets:
        from services.intake import issuing
        live = [document for document in targets if document.status != "recalled"]
        if not live:
            return {"action": action, "documents": [],
                    "rejected": [d.id for d in targets]}, _answer(
                config, principal, message, "02", "Từ chối: văn bản đã bị thu hồi")
        for document in live:
            changes = {k: v for k, v in fields.items()
                       if v not in (None, "", []) and k in CORRECTABLE_FIELDS
                       and v != getattr(document, k)}
            changes.pop("to_places", None)
            registration.fit_to_columns(changes, warnings)
            if changes:
                issuing.correct(work, principal, document, changes, "edXML: cập nhật văn bản")
        return {"action": action, "documents": [d.id for d in live],
                "warnings": warnings}, _answer(
            config, principal, message)
    text = cut_text(message.get("content") or None, limits.text_chars_per_document,
                    "the edXML content", warnings)
    parsed = parse_document(text) if text and len(text) > 200 else None
    if action in ("update", "recall"):
        warnings.append(f"edXML {action} for a document not in the register: registered as new")
    document, duplicates = registration.register(
        work, principal, channel="edxml", fields=fields, parsed=parsed, text=text,
        attachments=[{"file_name": a["file_name"], "content_type": a["content_type"],
                      "data": a["data"]} for a in message["attachments"]],
        external_id=message["document_id"], warnings=warnings,
        max_attachment_bytes=max_attachment_bytes)
    if action == "replacement":
        for old in targets:
            old.status = "replaced"
            registration.append_history(old, principal, "replaced", by_document=document.id)
    return {"action": action, "document": document, "duplicates": duplicates,
            "replaced": [d.id for d in targets] if action == "replacement" else []}, _answer(
        config, principal, message)


def _answer(config, principal, message, code="01", description="Đã đến"):
    return build_status(document_id=message["document_id"],
                        from_organ=organ_of(config, principal.office),
                        to_organ=message["from"], status_code=code, description=description,
                        staff_name=principal.sub, timestamp=now_local())


def _record_status(work, principal, message):
    """A status answer to one of our outgoing documents goes into that document's history."""
    code = (message.get("response_for") or {}).get("code") or ""
    number, _, notation = code.partition("/")
    found = access.documents_for(work.session, principal, Document.direction == "out",
                                 Document.code_number == number,
                                 Document.code_notation == notation, purpose=access.CHANGE)
    document = found[0] if found else None
    if document is not None:
        registration.append_history(document, principal, "edxml_status",
                                    status_code=message["status_code"],
                                    status=message.get("status_name"),
                                    organ=(message.get("from") or {}).get("organ_name"))
    return {"action": "status", "status_code": message["status_code"],
            "status_name": message.get("status_name"),
            "document": document.id if document is not None else None}


def email_registration(message, limits=DEFAULT_LIMITS):
    """(fields, text, parsed, attachments, warnings) for a parsed e-mail."""
    attachments = [{"file_name": a["file_name"], "content_type": a["content_type"],
                    "data": a["data"]} for a in message["attachments"]]
    text, parsed, warnings = read_text(None, attachments, limits)
    if parsed is None and message.get("body") and len(message["body"].strip()) > 200:
        text, parsed, more = read_text(message["body"], (), limits)
        warnings += more
    fields = {"subject": (parsed or {}).get("subject") or message.get("subject")}
    if not fields["subject"]:
        fields["subject"] = "(thư điện tử không có tiêu đề)"
        warnings.append("the e-mail has no subject")
    sender = message.get("from_name") or message.get("from_address")
    warnings = list(message.get("warnings", [])) + warnings
    content = text or message.get("body")
    return fields, content, parsed, attachments, warnings, sender
