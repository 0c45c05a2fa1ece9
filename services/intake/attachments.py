"""A document's files coming back out: listed, and read chunk by chunk.

Every read loads the document through `access.document_for` (office and clearance): a file of
another office's document, or of a document above the caller's clearance, answers NOT_FOUND
exactly like a file that does not exist.  A reply carries at most `chunk_bytes` of the file,
base64-encoded; that bound is kept well below the payload limit (base64 grows by 4/3), so a
file of any stored size comes back in as many chunks as it needs.  Each reply names the file's
size and SHA-256 so the caller can check what it put together.

Offsets and lengths are checked before anything is read: integers, offset inside the file (0
for an empty one), length from 1 to the chunk size; anything else is a VALIDATION_ERROR naming
the field.
"""
import base64
from dataclasses import dataclass

from sqlalchemy import func, select

from services.intake import access
from services.intake.models import Attachment
from shared.errors import InvalidInput, NotFound

DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024
MIN_CHUNK_BYTES = 1024
REPLY_OVERHEAD_BYTES = 64 * 1024          # the reply's other fields, JSON and headers
MAX_OFFSET = 2 ** 63 - 1


@dataclass(frozen=True)
class ChunkRequest:
    document_id: int
    attachment_id: int
    offset: int
    length: int


def chunk_bytes_for(configured, max_payload_bytes):
    """The largest chunk a reply may carry: the configured size (default 4 MiB), never more
    than what fits base64-encoded in `max_payload_bytes` with room for the rest of the reply."""
    room = (int(max_payload_bytes) - REPLY_OVERHEAD_BYTES) * 3 // 4
    return max(MIN_CHUNK_BYTES, min(int(configured or DEFAULT_CHUNK_BYTES), room))


def _integer(value, field, low, high):
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(f"{field} must be an integer from {low} to {high}",
                           {field: [f"got {value!r}"[:80]]})
    return value


def chunk_request(document_id, attachment_id, offset, length, chunk_bytes):
    """The checked arguments of a chunk read; `length` None means a whole chunk."""
    return ChunkRequest(
        document_id=access.document_id_of(document_id),
        attachment_id=access.document_id_of(attachment_id, "attachment_id"),
        offset=_integer(offset, "offset", 0, MAX_OFFSET),
        length=chunk_bytes if length is None else _integer(length, "length", 1, chunk_bytes))


def describe(attachment):
    return {"id": attachment.id, "file_name": attachment.file_name,
            "content_type": attachment.content_type, "size": attachment.size,
            "sha256": attachment.sha256}


def listing(session, principal, document_id, chunk_bytes):
    """The files of a document the caller may see, in the order they were registered."""
    document = access.document_for(session, principal, document_id)
    return {"document_id": document.id, "chunk_bytes": chunk_bytes,
            "attachments": [describe(a) for a in document.attachments]}


def attachment_of(session, principal, document_id, attachment_id):
    """One file of a document the caller may see, or NOT_FOUND (the same for every reason)."""
    document = access.document_for(session, principal, document_id)
    for attachment in document.attachments:
        if attachment.id == attachment_id:
            return attachment
    raise NotFound("no such attachment on this document",
                   {"attachment_id": [str(attachment_id)]})


def read_chunk(session, principal, request):
    """`request.length` bytes of the file from `request.offset` (fewer at its end), base64."""
    attachment = attachment_of(session, principal, request.document_id, request.attachment_id)
    if request.offset > 0 and request.offset >= attachment.size:
        raise InvalidInput("offset is beyond the end of the file",
                           {"offset": [f"{request.offset}; the file has {attachment.size} bytes"]})
    length = min(request.length, attachment.size - request.offset)
    data = b""
    if length > 0:
        data = bytes(session.execute(
            select(func.substr(Attachment.data, request.offset + 1, length))
            .where(Attachment.id == attachment.id)).scalar_one() or b"")
    end = request.offset + len(data)
    return {**describe(attachment), "document_id": request.document_id,
            "offset": request.offset, "length": len(data),
            "data": base64.b64encode(data).decode("ascii"),
            "next_offset": end if end < attachment.size else None}
