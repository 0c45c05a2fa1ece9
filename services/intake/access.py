"""Which documents a caller may see or change: the one check every intake path goes through.

A caller sees the documents of their own office marked no higher than their clearance.  Any
other document answers exactly like one that does not exist (NOT_FOUND, the same message), and
no warning or history names it.  Every module of intake that reads or writes documents for
someone loads them here (`document_for`, `documents_for`) or filters with `visible_to`; a test
in tests/security/test_intake_access.py keeps it that way.

Events act for an office, not a person: `office_principal` is that office with full clearance,
and `issued_document_of` / `recalled_document_of` re-check that the document an event names is
the office's own before anything crosses to another office.
"""
import logging

from sqlalchemy import and_, exists, select

from services.intake.models import Attachment, Document
from shared.auth import CLEARANCE_TUYET_MAT, Principal
from shared.errors import Forbidden, InvalidInput, NotFound

log = logging.getLogger(__name__)

READ, CHANGE = "read", "change"
CHANGERS = ("clerk", "service")
MAX_DOCUMENT_ID = 2 ** 63 - 1


def document_id_of(value, field="document_id"):
    """A document id as callers give it: an integer from 1 to 2**63 - 1."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_DOCUMENT_ID:
        raise InvalidInput(f"{field} must be an integer from 1 to {MAX_DOCUMENT_ID}",
                           {field: [f"got {value!r}"[:80]]})
    return value


def visible_to(principal):
    """The SQL condition for "documents this principal may see"."""
    return and_(Document.office == principal.office,
                Document.secrecy_level <= principal.clearance)


def select_visible(principal, *columns):
    """SELECT `columns` (default: whole documents) of the documents `principal` may see."""
    return select(*(columns or (Document,))).where(visible_to(principal))


def _check_purpose(principal, purpose):
    if purpose not in (READ, CHANGE):
        raise ValueError(f"unknown purpose {purpose!r}")
    if purpose == CHANGE and not principal.has_any(*CHANGERS):
        raise Forbidden("only a clerk may change a registered document",
                        {"roles": [f"needs one of {', '.join(CHANGERS)}"]})


def documents_for(session, principal, *conditions, purpose=READ):
    """The documents matching `conditions` that `principal` may see (and, to change, change)."""
    _check_purpose(principal, purpose)
    return session.execute(select_visible(principal).where(*conditions)
                           .order_by(Document.id)).scalars().all()


def document_for(session, principal, document_id, purpose=READ):
    """One document by id, or NOT_FOUND when it does not exist or the caller may not see it."""
    document_id = document_id_of(document_id)
    found = documents_for(session, principal, Document.id == document_id, purpose=purpose)
    if not found:
        raise NotFound("no such document in your office", {"document_id": [str(document_id)]})
    return found[0]


def withheld_exists(session, principal, *conditions):
    """Whether a document of the caller's office matches but is classified above what they see.

    Used only to say "a duplicate exists that you are not cleared to see", never which one.
    """
    return session.execute(select(exists().where(
        Document.office == principal.office, Document.secrecy_level > principal.clearance,
        *conditions))).scalar()


def with_attachment(checksums):
    """Condition: the document carries a file with one of these SHA-256 sums."""
    return Document.id.in_(select(Attachment.document_id).where(Attachment.sha256.in_(checksums)))


def limited_to(principal, level):
    """`principal` seeing no higher than `level`: what may be written on a document of that
    level, for everyone who may read it."""
    return Principal(sub=principal.sub, office=principal.office, roles=principal.roles,
                     clearance=min(principal.clearance, level))


def office_principal(office):
    """The office itself, acting on an event (delivering, recalling copies)."""
    return Principal(sub="intake", office=office, roles=frozenset({"service"}),
                     clearance=CLEARANCE_TUYET_MAT)


def issued_document_of(session, office, document_id):
    """The office's own issued outgoing document an event names, or None (logged): an event
    that names another office's document, an incoming one or a recalled one moves nothing."""
    return _own_outgoing(session, office, document_id, "issued")


def recalled_document_of(session, office, document_id):
    """The office's own outgoing document an event says was recalled, if it really was."""
    return _own_outgoing(session, office, document_id, "recalled")


def _own_outgoing(session, office, document_id, status):
    try:
        document_id = document_id_of(document_id)
    except InvalidInput:
        log.error("event of %s names document %r: not a document id", office, document_id)
        return None
    found = documents_for(session, office_principal(office), Document.id == document_id,
                          Document.direction == "out", Document.status == status)
    if not found:
        log.error("event of %s names document %s, which is not an outgoing document of that "
                  "office in state %r: ignored", office, document_id, status)
        return None
    return found[0]


def internal_copy_id(source):
    """The external id an office's copy of `source` (delivered inside the deployment) carries."""
    return f"internal:{source.office}:{source.id}"


def internal_copies_of(session, source):
    """The not yet recalled copies of the office's own document `source` in other offices."""
    return session.execute(select(Document).where(
        Document.external_id == internal_copy_id(source), Document.office != source.office,
        Document.status != "recalled").order_by(Document.id)).scalars().all()
