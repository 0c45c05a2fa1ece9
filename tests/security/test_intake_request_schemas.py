"""What a caller sends to intake's receive and issue (issue 9, hole 8).

Unknown keys were silently dropped, values longer than their columns reached the database
(on PostgreSQL an INTERNAL error, on SQLite a stored value), an attachment could be named
"../../etc/passwd", and dates of year 1 or 9999 were taken.  Each is now a VALIDATION_ERROR
naming the field, and nothing is stored.
"""
import base64

import pytest
from sqlalchemy import func, select

from services.intake.models import Attachment, Document
from tests.conftest import intake_call as call, intake_error as error_of, read_engine

pytestmark = pytest.mark.integration

FILE = {"file_name": "to-trinh.txt", "data": base64.b64encode("Tờ trình".encode()).decode()}


def stored(config):
    engine = read_engine(config["DB_URL"])
    try:
        with engine.connect() as connection:
            return (connection.scalar(select(func.count()).select_from(Document)),
                    connection.scalar(select(func.count()).select_from(Attachment)))
    finally:
        engine.dispose()


def refused(config, token, method, document):
    code, message, fields = error_of(config, method, token, document=document)
    assert code == "VALIDATION_ERROR", (code, message)
    assert "INSERT" not in message and "SELECT" not in message
    return fields


def test_unknown_keys_in_a_document_are_refused_by_name(intake, token):
    clerk = token()
    fields = refused(intake, clerk, "receive", {"subject": "Công văn", "office": "HN-VPHDND",
                                               "secrecy_level": 0})
    assert {"office", "secrecy_level"} <= set(fields)
    fields = refused(intake, clerk, "receive", {"subject": "Công văn",
                                               "attachments": [{**FILE, "path": "/etc"}]})
    assert fields["attachments"] == {"0": {"path": ["Unknown field."]}}
    fields = refused(intake, clerk, "issue", {"subject": "Thông báo", "arrival_number": 7})
    assert list(fields) == ["arrival_number"]
    assert stored(intake) == (0, 0)


BEYOND = [
    ({"signer_full_name": "N" * 101}, "signer_full_name"),
    ({"signer_competence": "T" * 101}, "signer_competence"),
    ({"organ_name": "O" * 201}, "organ_name"),
    ({"external_id": "E" * 201}, "external_id"),
    ({"to_places": ["Nơi nhận"] * 101}, "to_places"),
    ({"kinh_gui": ["K" * 501]}, "kinh_gui"),
    ({"text": "V" * 2_000_001}, "text"),
    ({"issued_date": "0001-01-01"}, "issued_date"),
    ({"due_date": "9999-12-31"}, "due_date"),
    ({"arrival_date": "1899-12-31"}, "arrival_date"),
    ({"attachments": [{**FILE, "content_type": "t" * 101}]}, "attachments"),
]


def test_received_values_beyond_their_columns_and_years_are_refused_naming_the_field(intake,
                                                                                     token):
    clerk = token()
    for given, field in BEYOND:
        fields = refused(intake, clerk, "receive", {"subject": "Công văn", **given})
        assert list(fields) == [field], (given, fields)
    for given, field in (({"content": "C" * 2_000_001}, "content"),
                         ({"to_offices": ["hn vphdnd; drop"]}, "to_offices"),
                         ({"to_offices": ["HN-VPHDND"] * 101}, "to_offices"),
                         ({"drafting_unit": "U" * 21}, "drafting_unit")):
        fields = refused(intake, clerk, "issue", {"subject": "Thông báo", **given})
        assert list(fields) == [field], (given, fields)
    assert stored(intake) == (0, 0)


UNSAFE_NAMES = ["../../etc/passwd", "C:\\Windows\\win.ini", "..", "to\ntrinh.txt", "a" * 256, ""]


def test_an_attachment_name_is_one_file_name(intake, token):
    clerk = token()
    for file_name in UNSAFE_NAMES:
        fields = refused(intake, clerk, "receive", {
            "subject": "Công văn", "attachments": [{**FILE, "file_name": file_name}]})
        assert list(fields["attachments"]["0"]) == ["file_name"], (file_name, fields)
    assert stored(intake) == (0, 0)
    document = call(intake, "receive", clerk, document={
        "subject": "Công văn", "attachments": [{**FILE, "file_name": "Tờ trình số 12.txt"}]})
    assert document["attachments"][0]["file_name"] == "Tờ trình số 12.txt"
