"""A document's files come back out of intake: listed, read chunk by chunk, byte for byte.

Real service, real broker, SQLite and PostgreSQL.
"""
import base64
import hashlib
import os

import pytest

from services.intake.service import IntakeService
from tests.conftest import intake_call as call, intake_error as error_of

pytestmark = pytest.mark.integration

CHUNK = 1024


@pytest.fixture
def intake(runner_factory, service_config):
    config = service_config(IntakeService, ATTACHMENT_CHUNK_BYTES=CHUNK)
    runner_factory(config, IntakeService).start()
    return config


def attachment(name, data, content_type=None):
    return {"file_name": name, "content_type": content_type,
            "data": base64.b64encode(data).decode("ascii")}


def download(intake, clerk, document_id, attachment_id):
    """The file put together from its chunks, following next_offset; and the chunks' lengths."""
    data, lengths, offset = b"", [], 0
    while offset is not None:
        chunk = call(intake, "get_attachment", clerk, document_id=document_id,
                     attachment_id=attachment_id, offset=offset)
        assert chunk["offset"] == offset == len(data)
        data += base64.b64decode(chunk["data"])
        lengths.append(chunk["length"])
        offset = chunk["next_offset"]
    return data, lengths, chunk


def test_a_clerk_lists_and_downloads_every_file_of_a_document(intake, token):
    clerk = token()
    pdf = b"%PDF-1.4\n" + os.urandom(2 * CHUNK + 100)
    docx = os.urandom(CHUNK)                       # exactly one chunk
    document = call(intake, "receive", clerk, document={
        "subject": "V/v góp ý dự thảo nghị quyết", "attachments": [
            attachment("Công văn 412.pdf", pdf, "application/pdf"),
            attachment("du-thao.docx", docx), attachment("trống.txt", b"")]})

    listed = call(intake, "list_attachments", token("ld", ["leader"]), document_id=document["id"])
    assert listed["document_id"] == document["id"] and listed["chunk_bytes"] == CHUNK
    assert [(a["file_name"], a["size"], a["sha256"]) for a in listed["attachments"]] == [
        ("Công văn 412.pdf", len(pdf), hashlib.sha256(pdf).hexdigest()),
        ("du-thao.docx", len(docx), hashlib.sha256(docx).hexdigest()),
        ("trống.txt", 0, hashlib.sha256(b"").hexdigest())]
    assert listed["attachments"][0]["content_type"] == "application/pdf"

    pdf_id, docx_id, empty_id = (a["id"] for a in listed["attachments"])
    data, lengths, last = download(intake, clerk, document["id"], pdf_id)
    assert data == pdf and lengths == [CHUNK, CHUNK, 100 + len(b"%PDF-1.4\n")]
    assert last["sha256"] == hashlib.sha256(data).hexdigest() and last["size"] == len(pdf)
    assert download(intake, clerk, document["id"], docx_id)[:2] == (docx, [CHUNK])
    assert download(intake, clerk, document["id"], empty_id)[:2] == (b"", [0])


def test_a_part_of_a_file_is_read_from_any_offset_with_any_length_up_to_a_chunk(intake, token):
    clerk = token()
    data = bytes(range(256)) * 10
    document = call(intake, "receive", clerk, document={
        "subject": "Báo cáo", "attachments": [attachment("bao-cao.pdf", data)]})
    attachment_id = document["attachments"][0]["id"]
    part = call(intake, "get_attachment", clerk, document_id=document["id"],
                attachment_id=attachment_id, offset=300, length=17)
    assert base64.b64decode(part["data"]) == data[300:317]
    assert (part["length"], part["next_offset"]) == (17, 317)
    tail = call(intake, "get_attachment", clerk, document_id=document["id"],
                attachment_id=attachment_id, offset=len(data) - 5, length=CHUNK)
    assert base64.b64decode(tail["data"]) == data[-5:] and tail["next_offset"] is None


def test_a_document_without_files_lists_none(intake, token):
    clerk = token()
    document = call(intake, "receive", clerk, document={"subject": "Giấy mời họp"})
    assert call(intake, "list_attachments", clerk,
                document_id=document["id"])["attachments"] == []
    code, _, fields = error_of(intake, "get_attachment", clerk, document_id=document["id"],
                               attachment_id=1)
    assert code == "NOT_FOUND" and "attachment_id" in fields


def test_a_chunk_stays_well_below_the_payload_limit(runner_factory, service_config, token):
    limit = 200_000
    config = service_config(IntakeService, MAX_PAYLOAD_BYTES=limit,
                            ATTACHMENT_CHUNK_BYTES=50 * 1024 * 1024)
    runner_factory(config, IntakeService).start()
    clerk = token()
    data = os.urandom(120_000)
    document = call(config, "receive", clerk, document={
        "subject": "Hồ sơ", "attachments": [attachment("ho-so.pdf", data)]})
    chunk_bytes = call(config, "list_attachments", clerk,
                       document_id=document["id"])["chunk_bytes"]
    assert 0 < chunk_bytes * 4 / 3 < limit
    got, lengths, _ = download(config, clerk, document["id"], document["attachments"][0]["id"])
    assert got == data and max(lengths) == chunk_bytes and len(lengths) > 1
