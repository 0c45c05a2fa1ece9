"""Attacks on a document's files: another office, a clerk with clearance 0 on a MẬT document,
and chunk requests outside the file or outside any bound.

A file of a document the caller may not see answers exactly like a file that does not exist
(NOT_FOUND, the same message); a bad offset or length is a VALIDATION_ERROR naming the field,
checked before anything is read.  Real service, real broker, both databases.
"""
import base64

import pytest

from shared.auth import CLEARANCE_TUYET_MAT
from tests.conftest import OTHER_OFFICE, intake_call as call, intake_error as error_of

pytestmark = pytest.mark.integration

SECRET_BYTES = b"%PDF-1.4 phuong an bao ve bi mat nha nuoc"


def with_file(intake, clerk, data=b"%PDF-1.4 cong van", **fields):
    document = call(intake, "receive", clerk, document={
        "subject": "V/v phương án", "attachments": [{
            "file_name": "phuong-an.pdf", "data": base64.b64encode(data).decode("ascii")}],
        **fields})
    return document["id"], document["attachments"][0]["id"]


def refusals(intake, caller, document_id, attachment_id):
    """What `caller` gets when listing and reading the file: (code, message) of both."""
    listed = error_of(intake, "list_attachments", caller, document_id=document_id)
    read = error_of(intake, "get_attachment", caller, document_id=document_id,
                    attachment_id=attachment_id)
    return listed[:2], read[:2]


def test_another_office_cannot_list_or_read_a_documents_files(intake, token):
    document_id, attachment_id = with_file(intake, token())
    stranger = token("ld", ["leader", "clerk", "admin"], office=OTHER_OFFICE,
                     clearance=CLEARANCE_TUYET_MAT)
    missing = refusals(intake, token(), 10 ** 6, attachment_id)
    assert refusals(intake, stranger, document_id, attachment_id) == missing
    assert missing[0][0] == "NOT_FOUND"


def test_a_clerk_with_clearance_0_cannot_read_the_files_of_a_mat_document(intake, token):
    cleared = token("mat", ["clerk"], clearance=1)
    document_id, attachment_id = with_file(intake, cleared, SECRET_BYTES, secrecy="mật")
    assert call(intake, "list_attachments", cleared, document_id=document_id)["attachments"]
    uncleared = token("vt", ["clerk"], clearance=0)
    missing = refusals(intake, uncleared, 10 ** 6, attachment_id)
    assert refusals(intake, uncleared, document_id, attachment_id) == missing
    # even with a bad offset the answer is the missing document, not the file's size
    code, message, fields = error_of(intake, "get_attachment", uncleared, document_id=document_id,
                                     attachment_id=attachment_id, offset=10 ** 9)
    assert code == "NOT_FOUND" and "offset" not in fields


def test_a_file_of_another_document_is_not_read_through_a_visible_one(intake, token):
    secret_id, secret_file = with_file(intake, token("mat", ["clerk"], clearance=3),
                                       SECRET_BYTES, secrecy="tuyệt mật")
    clerk = token()
    open_id, _ = with_file(intake, clerk)
    code, _, fields = error_of(intake, "get_attachment", clerk, document_id=open_id,
                               attachment_id=secret_file)
    assert code == "NOT_FOUND" and list(fields) == ["attachment_id"]


@pytest.mark.parametrize("arguments, field", [
    ({"offset": -1}, "offset"),
    ({"offset": 2 ** 63}, "offset"),
    ({"offset": "0"}, "offset"),
    ({"offset": True}, "offset"),
    ({"offset": 10 ** 6}, "offset"),           # beyond the end of the file
    ({"length": 0}, "length"),
    ({"length": -5}, "length"),
    ({"length": 10 ** 12}, "length"),          # more than a chunk
    ({"length": 1.5}, "length"),
    ({"attachment_id": 0}, "attachment_id"),
    ({"attachment_id": "1"}, "attachment_id"),
    ({"document_id": -1}, "document_id"),
])
def test_chunk_requests_out_of_bounds_are_refused_naming_the_field(intake, token, arguments,
                                                                   field):
    clerk = token()
    document_id, attachment_id = with_file(intake, clerk)
    code, _, fields = error_of(intake, "get_attachment", clerk, **{
        "document_id": document_id, "attachment_id": attachment_id, **arguments})
    assert code == "VALIDATION_ERROR" and field in fields


def test_unknown_arguments_and_anonymous_callers_are_refused(intake, token):
    clerk = token()
    document_id, attachment_id = with_file(intake, clerk)
    code, _, fields = error_of(intake, "get_attachment", clerk, document_id=document_id,
                               attachment_id=attachment_id, path="/etc/passwd")
    assert code == "VALIDATION_ERROR" and "path" in fields
    assert error_of(intake, "list_attachments", None, document_id=document_id)[0] == \
        "UNAUTHORIZED"
