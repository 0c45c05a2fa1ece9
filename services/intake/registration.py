"""Registering documents: merge what was read with what the clerk confirmed, number, store,
warn on duplicates, announce (Nghị định 30/2020 Điều 15, 22)."""
import base64
import hashlib
import json
from datetime import date, datetime, timezone

from sqlalchemy import and_, func, or_, select

from services.intake import access, search
from services.intake.models import Attachment, Document
from services.intake.numbering import arrival_sequence, next_numbers
from shared.errors import InvalidInput
from shared.timeutil import today_local

SECRECY_LEVELS = {None: 0, "mật": 1, "tối mật": 2, "tuyệt mật": 3}
REGISTRATION_FIELDS = (
    "code_number", "code_notation", "organ_name", "type_name", "doc_type", "subject",
    "issued_date", "place", "priority", "secrecy", "signer_competence", "signer_position",
    "signer_full_name", "to_places", "kinh_gui", "due_date")
LIST_FIELDS = ("to_places", "kinh_gui")
DATE_FIELDS = ("issued_date", "due_date")
DEFAULT_MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


def _blank(value):
    return value is None or value == "" or value == []


def as_date(value):
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def merge_fields(given, parsed):
    """(confirmed fields, corrections): the clerk's value wins where given, else what was read."""
    confirmed, corrections = {}, {}
    parsed = parsed or {}
    for field in REGISTRATION_FIELDS:
        read = parsed.get("recipients" if field == "to_places" else field)
        if field in DATE_FIELDS:
            read = as_date(read) if read else None
        value = given.get(field)
        if _blank(value):
            value = read
        elif not _blank(read) and read != value:
            corrections[field] = {"parsed": read, "confirmed": value}
        confirmed[field] = value
    return confirmed, corrections


def fit_to_columns(fields, warnings):
    """Channel-read values longer than their column are cut, with a warning, not refused."""
    for field, value in fields.items():
        column = Document.__table__.columns.get(field)
        length = getattr(column.type, "length", None) if column is not None else None
        if isinstance(value, str) and length and len(value) > length:
            fields[field] = value[:length]
            warnings.append(f"{field} was longer than {length} characters and was shortened")


def decode_attachments(items, max_bytes):
    decoded = []
    for index, item in enumerate(items or ()):
        name = item.get("file_name") or f"attachment-{index + 1}"
        data = item.get("data")
        if isinstance(data, str):
            try:
                data = base64.b64decode(data, validate=True)
            except ValueError:
                raise InvalidInput("an attachment is not valid base64",
                                   {"attachments": [f"{name}: not base64"]})
        if len(data) > max_bytes:
            raise InvalidInput("an attachment is too large", {"attachments": [
                f"{name}: {len(data)} bytes; the limit is {max_bytes} bytes"]})
        decoded.append({"file_name": name[:255], "content_type": item.get("content_type"),
                        "data": data, "size": len(data),
                        "sha256": hashlib.sha256(data).hexdigest()})
    return decoded


WITHHELD_DUPLICATE = ("possible duplicate of a classified document, not named here: not "
                      "everyone who may read this record is cleared for it")


def hold_duplicate_check(session, office):
    """Serialise duplicate checks of an office's incoming documents until this work commits.

    A check sees only what is committed: two batches carrying the same file at the same moment
    would each miss the other.  On PostgreSQL a transaction-scoped advisory lock per office
    makes the second wait for the first's commit (re-taking it in the same transaction is
    free); SQLite transactions are already serialised (BEGIN IMMEDIATE, shared.db).
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    key = int.from_bytes(hashlib.sha256(f"intake:duplicates:{office}".encode()).digest()[:8],
                         "big", signed=True)
    session.execute(select(func.pg_advisory_xact_lock(key)))


def _same_number(key):
    """Condition and reason for "same số + ký hiệu + organ + date".  An organ that was not read
    (on either record) is not a different organ: the other three decide."""
    number, notation, organ, issued = key
    same = [Document.code_number == number, Document.code_notation == notation,
            Document.issued_date == issued]
    if _blank(organ):
        return and_(*same), "same number, notation and date as document {id} (organ not given)"
    return (and_(*same, or_(Document.organ_name == organ, Document.organ_name.is_(None),
                            Document.organ_name == "")),
            "same number, notation, organ and date as document {id}")


def find_duplicates(session, principal, direction, fields, checksums, external_id=None,
                    level=0):
    """Earlier documents that look like this one: same message, same file, or same số + ký hiệu
    + organ + date.  Returns ({id: reason} of those this record may name, whether others match).

    Earlier means registered before, in an earlier call or earlier in the same batch (the
    session is flushed before each check), on any channel.

    What is written on a record is read by everyone who may read the record, so a match is named
    only when it is no more secret than both the caller's clearance and the new record's `level`;
    any other match is only counted (WITHHELD_DUPLICATE), never named.
    """
    reader = access.limited_to(principal, level)
    checks = []
    if external_id:
        checks.append((Document.external_id == external_id,
                       lambda document: f"same message as document {document.id} ({external_id})"))
    if checksums:
        checks.append((access.with_attachment(checksums),
                       lambda document: f"same file as document {document.id} ("
                       + ", ".join(a.file_name for a in document.attachments
                                   if a.sha256 in checksums) + ")"))
    key = [fields.get(f) for f in ("code_number", "code_notation", "organ_name", "issued_date")]
    if not any(_blank(value) for value in (key[0], key[1], key[3])):
        condition, reason = _same_number(key)
        checks.append((condition, lambda document, reason=reason: reason.format(id=document.id)))
    found, withheld = {}, False
    for condition, reason in checks:
        for document in access.documents_for(session, reader, Document.direction == direction,
                                             condition):
            found.setdefault(document.id, reason(document))
        withheld = withheld or access.withheld_exists(session, reader,
                                                      Document.direction == direction, condition)
    return found, withheld


def event_data(document):
    """`document_received` data; a classified document's subject does not travel on the bus."""
    classified = document.secrecy_level > 0
    parsed = json.loads(document.parsed or "{}")
    return {
        "document_id": document.id, "arrival_number": document.arrival_number,
        "arrival_date": document.arrival_date, "channel": document.channel,
        "code_number": document.code_number, "code_notation": document.code_notation,
        "organ_name": document.organ_name, "type_name": document.type_name,
        "doc_type": document.doc_type, "issued_date": document.issued_date,
        "due_date": document.due_date, "priority": document.priority,
        "secrecy": document.secrecy,
        "subject": None if classified else document.subject,
        "directives": [] if classified else parsed.get("directives", []),
    }


def register(work, principal, *, channel, fields, parsed=None, attachments=(), text=None,
             direction="in", arrival_date=None, external_id=None, warnings=(),
             max_attachment_bytes=DEFAULT_MAX_ATTACHMENT_BYTES, status="registered", number=True):
    """Register one document in the caller's office and record its event; the caller commits.

    Returns (document, duplicates) where duplicates maps earlier document ids to the reason.
    With ``number=False`` an incoming document waits for `number_arrivals` (batches number
    all their documents at the end, so the counter's row lock is held only until the commit).
    """
    session = work.session
    confirmed, corrections = merge_fields(fields, parsed)
    if _blank(confirmed["subject"]):
        raise InvalidInput("the document has no subject (trích yếu)", {
            "subject": ["required: give it, or a text it can be read from"]})
    all_warnings = list(warnings) + list((parsed or {}).get("warnings", []))
    fit_to_columns(confirmed, all_warnings)
    if confirmed["secrecy"] not in SECRECY_LEVELS:
        raise InvalidInput("unknown secrecy mark", {"secrecy": [str(confirmed["secrecy"])]})
    files = decode_attachments(attachments, max_attachment_bytes)
    if direction == "in":
        hold_duplicate_check(session, principal.office)
    duplicates, withheld = find_duplicates(
        session, principal, direction, confirmed, [f["sha256"] for f in files], external_id,
        level=SECRECY_LEVELS[confirmed["secrecy"]])
    all_warnings += [f"possible duplicate: {reason}" for reason in duplicates.values()]
    if withheld:
        all_warnings.append(WITHHELD_DUPLICATE)
    document = Document(
        office=principal.office, direction=direction, channel=channel, status=status,
        **{f: confirmed[f] for f in REGISTRATION_FIELDS if f not in LIST_FIELDS},
        to_places=json.dumps(confirmed["to_places"] or [], ensure_ascii=False),
        kinh_gui=json.dumps(confirmed["kinh_gui"] or [], ensure_ascii=False),
        secrecy_level=SECRECY_LEVELS[confirmed["secrecy"]], content=text,
        parsed=json.dumps(parsed, ensure_ascii=False, default=str) if parsed else None,
        corrections=json.dumps(corrections, ensure_ascii=False, default=str),
        warnings=json.dumps(all_warnings, ensure_ascii=False),
        history=json.dumps([_history_entry(principal, "registered")], ensure_ascii=False),
        duplicate_of=min(duplicates) if duplicates else None, external_id=external_id,
        created_at=datetime.now(timezone.utc), created_by=principal.sub)
    document.attachments = [Attachment(office=principal.office, **file) for file in files]
    document.search_text = search.search_text(document)
    if direction == "in":
        document.arrival_date = arrival_date or today_local()
        document.arrival_year = document.arrival_date.year
    session.add(document)
    session.flush()
    if direction == "in" and number:
        number_arrivals(work, principal, [document])
    return document, duplicates


def number_arrivals(work, principal, documents):
    """Give incoming documents their số đến, in order, and announce each (document_received).

    Numbers are taken last: the counter's row lock is held only until the commit.
    """
    by_year = {}
    for document in documents:
        by_year.setdefault(document.arrival_year, []).append(document)
    for year, group in by_year.items():
        numbers = next_numbers(work.session, principal.office, arrival_sequence(year), len(group))
        for document, number in zip(group, numbers):
            document.arrival_number = number
    work.session.flush()
    work.record_events("document_received", [event_data(document) for document in documents],
                       office=principal.office, actor=principal.as_actor())


def _history_entry(principal, action, **details):
    return {"at": datetime.now(timezone.utc).isoformat(), "by": principal.sub, "action": action,
            **details}


def append_history(document, principal, action, **details):
    history = json.loads(document.history or "[]")
    history.append(_history_entry(principal, action, **details))
    document.history = json.dumps(history, ensure_ascii=False, default=str)

