"""Petitions (đơn thư) attacked through every petition RPC (issue 9, holes 8 and 9).

A petition `document_id` of "abc" was stored as text on SQLite; texts longer than their columns
reached PostgreSQL.  Every petition payload is now checked before anything is written: unknown
keys refused by name, texts bounded by their columns, dates by a plausible year, ids by a
positive 64-bit integer; another office's petition, or a document the caller may not see,
answers exactly like one that does not exist.
"""
import pytest
from sqlalchemy import select

from services.intake.models import PetitionRecord
from tests.conftest import OTHER_OFFICE, intake_call as call, intake_error as error_of, read_engine

pytestmark = pytest.mark.integration

PETITION = {"petitioner_name": "Trần Thị Hoa", "petitioner_address": "Ấp 2, xã Tân Thuận",
            "content": "Kiến nghị sửa chữa cầu dân sinh bị xuống cấp", "categories": ["kiến nghị"]}


def stored_petitions(config):
    engine = read_engine(config["DB_URL"])
    try:
        with engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(
                select(PetitionRecord.__table__).order_by(PetitionRecord.id))]
    finally:
        engine.dispose()


def names(fields, field):
    """Whether an error's fields name `field` (the RPC door names nested paths in full)."""
    return any(key == field or key.endswith("." + field) for key in fields)


def test_a_petition_document_id_that_is_not_a_document_id_is_refused_naming_it(intake, token):
    clerk = token()
    for document_id in ("abc", "1", 0, -1, 1.5, True, 2 ** 63):
        code, _, fields = error_of(intake, "receive_petition", clerk,
                                   petition={**PETITION, "document_id": document_id})
        assert code == "VALIDATION_ERROR" and names(fields, "document_id"), (document_id, fields)
    assert stored_petitions(intake) == []


def test_a_petition_cannot_name_a_document_its_clerk_may_not_see(intake, token):
    own = call(intake, "receive", token(), document={"subject": "Đơn kiến nghị của cử tri"})
    secret = call(intake, "receive", token(clearance=3), document={
        "subject": "Báo cáo mật", "secrecy": "tuyệt mật"})
    foreign = call(intake, "receive", token(office=OTHER_OFFICE), document={
        "subject": "Văn bản của văn phòng khác"})
    missing = error_of(intake, "receive_petition", token(),
                       petition={**PETITION, "document_id": 10 ** 9})
    assert missing[0] == "NOT_FOUND" and "document_id" in missing[2]
    for document in (secret, foreign):
        code, message, fields = error_of(intake, "receive_petition", token(),
                                         petition={**PETITION, "document_id": document["id"]})
        assert (code, message) == missing[:2] and list(fields) == ["document_id"]
    assert stored_petitions(intake) == []
    linked = call(intake, "receive_petition", token(),
                  petition={**PETITION, "document_id": own["id"]})
    assert linked["document_id"] == own["id"]
    assert [row["document_id"] for row in stored_petitions(intake)] == [own["id"]]


def test_unknown_keys_in_petition_payloads_are_refused_by_name(intake, token):
    clerk = token()
    code, _, fields = error_of(intake, "receive_petition", clerk,
                               petition={**PETITION, "office": OTHER_OFFICE, "status": "filed"})
    assert code == "VALIDATION_ERROR" and {"office", "status"} <= set(fields)
    petition = call(intake, "receive_petition", clerk, petition=PETITION)
    before = stored_petitions(intake)
    code, _, fields = error_of(intake, "classify_petition", clerk, petition_id=petition["id"],
                               facts={"signed": False, "disposition": "file"})
    assert code == "VALIDATION_ERROR" and list(fields) == ["disposition"]
    assert stored_petitions(intake) == before


TOO_LONG = [
    ("receive_petition", {"petition": {**PETITION, "petitioner_name": "N" * 201}},
     "petitioner_name"),
    ("receive_petition", {"petition": {**PETITION, "petitioner_address": "A" * 301}},
     "petitioner_address"),
    ("receive_petition", {"petition": {**PETITION, "content": "C" * 10_001}}, "content"),
    ("receive_petition", {"petition": {**PETITION, "categories": ["kiến nghị"] * 11}},
     "categories"),
    ("receive_petition", {"petition": {**PETITION, "categories": ["k" * 201]}}, "categories"),
    ("receive_petition", {"petition": {**PETITION, "signer_count": 2 ** 40}}, "signer_count"),
    ("receive_petition", {"petition": {**PETITION, "signed": 1}}, "signed"),
    ("receive_petition", {"petition": {**PETITION, "received_on": "0001-01-01"}}, "received_on"),
    ("receive_petition", {"petition": {**PETITION, "received_on": "9999-12-31"}}, "received_on"),
]


def test_petition_values_beyond_their_columns_and_years_are_refused_naming_the_field(intake,
                                                                                     token):
    clerk = token()
    for method, kwargs, field in TOO_LONG:
        code, message, fields = error_of(intake, method, clerk, **kwargs)
        assert code == "VALIDATION_ERROR" and names(fields, field), (field, code, message)
        assert "INSERT" not in message and "SELECT" not in message
    assert stored_petitions(intake) == []

    petition = call(intake, "receive_petition", clerk, petition=PETITION)
    for kwargs, field in (
            ({"disposition": "forward", "forward_to": "U" * 301}, "forward_to"),
            ({"disposition": "x" * 201}, "disposition"),
            ({"disposition": "file", "reason": "r" * 201}, "reason"),
            ({"disposition": "accept", "disposed_on": "9999-12-31"}, "disposed_on"),
            ({"disposition": "guide", "disposed_on": "0001-01-01"}, "disposed_on")):
        code, message, fields = error_of(intake, "dispose_petition", clerk,
                                         petition_id=petition["id"], **kwargs)
        assert code == "VALIDATION_ERROR" and names(fields, field), (field, code, message)
    for kwargs, field in (({"facts": {"petitioner_name": "N" * 201}}, "petitioner_name"),
                          ({"facts": {"received_on": "9999-12-31"}}, "received_on")):
        code, _, fields = error_of(intake, "classify_petition", clerk,
                                   petition_id=petition["id"], **kwargs)
        assert code == "VALIDATION_ERROR" and names(fields, field), (field, fields)
    assert [row["status"] for row in stored_petitions(intake)] == ["received"]

    call(intake, "dispose_petition", clerk, petition_id=petition["id"], disposition="forward",
         forward_to="UBND huyện")
    for kwargs, field in (({"summary": "S" * 10_001}, "summary"),
                          ({"summary": "Đã trả lời", "from_body": "B" * 301}, "from_body"),
                          ({"summary": "Đã trả lời", "replied_on": "9999-12-31"}, "replied_on")):
        code, message, fields = error_of(intake, "record_reply", clerk,
                                         petition_id=petition["id"], **kwargs)
        assert code == "VALIDATION_ERROR" and names(fields, field), (field, code, message)
    row = stored_petitions(intake)[0]
    assert (row["status"], row["reply_summary"], row["reply_from"]) == ("disposed", None, None)


def test_petition_ids_must_be_positive_64_bit_integers(intake, token):
    clerk = token()
    for petition_id in (0, -1, "1", 1.5, True, 2 ** 63):
        for method, kwargs in (("classify_petition", {"facts": {"signed": True}}),
                               ("dispose_petition", {"disposition": "guide"}),
                               ("record_reply", {"summary": "Đã trả lời"})):
            code, _, fields = error_of(intake, method, clerk, petition_id=petition_id, **kwargs)
            assert code == "VALIDATION_ERROR" and names(fields, "petition_id"), \
                (method, petition_id, fields)


def test_another_offices_petition_answers_like_one_that_does_not_exist_on_every_path(intake,
                                                                                     token):
    petition = call(intake, "receive_petition", token(), petition=PETITION)
    stranger = token(office=OTHER_OFFICE)
    for method, kwargs in (("classify_petition", {"facts": {"signed": False}}),
                           ("dispose_petition", {"disposition": "guide"}),
                           ("record_reply", {"summary": "Đã trả lời"})):
        theirs = error_of(intake, method, stranger, petition_id=petition["id"], **kwargs)
        missing = error_of(intake, method, stranger, petition_id=petition["id"] + 1000, **kwargs)
        assert theirs[0] == missing[0] == "NOT_FOUND" and theirs[1] == missing[1], method
    assert call(intake, "petition_stats", stranger, year=int(petition["received_on"][:4]))[
        "received"] == 0
    row = stored_petitions(intake)[0]
    assert (row["status"], row["disposition"], row["history"].count('"action"')) == (
        "received", None, 1)
