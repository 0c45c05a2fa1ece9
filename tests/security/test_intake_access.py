"""Attacks on intake's documents by a clerk with clearance 0, another office and a forged event.

Every path that reads or writes a document goes through one check (services/intake/access.py):
a document the caller may not see answers exactly like one that does not exist, and nothing
the caller gets back (warnings, history, duplicates) names it.  Real service, real broker,
both databases.
"""
import base64
import re
from pathlib import Path

import json
from datetime import datetime, timezone

import pytest
from alembic import command
from sqlalchemy import text

from services.intake.registration import WITHHELD_DUPLICATE
from services.intake.service import IntakeService
from shared.migrations import alembic_config
from shared.outbox import build_envelope
from tests.conftest import (CORPUS_DIR, OFFICE, OTHER_OFFICE, read_engine, wait_for,
                            intake_call as call, intake_error as error_of)
from tests.support.events import publish_events

INTAKE_DIR = Path(__file__).resolve().parents[2] / "services" / "intake"
SECRET_SUBJECT = "Phương án bảo vệ bí mật nhà nước năm nay"
EDXML_TARGET = "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"      # what update and recall name
REPLACED_TARGET = "000.00.00.G22,2014/01/30,7806/VPCP-TTĐT"   # what the replacement names


@pytest.fixture
def intake(runner_factory, service_config):
    config = service_config(IntakeService, EDXML_ORGANS={
        OFFICE: {"organ_id": "000.00.17.H20", "organ_name": "Văn phòng Đoàn ĐBQH và HĐND tỉnh"}})
    runner_factory(config, IntakeService).start()
    return config


def edxml(name):
    return base64.b64encode((CORPUS_DIR / "edxml" / name).read_bytes()).decode("ascii")


def secret_document(intake, token, **fields):
    return call(intake, "receive", token("mat", ["clerk"], clearance=3), document={
        "subject": SECRET_SUBJECT, "secrecy": "tuyệt mật", "channel": "edxml", **fields})


def untouched(intake, token, document_id):
    """The secret document as a cleared clerk sees it, asserted unchanged by the attack."""
    document = call(intake, "get", token("mat", ["clerk"], clearance=3), document_id=document_id)
    assert document["subject"] == SECRET_SUBJECT
    assert document["status"] in ("registered", "issued")
    assert [entry["action"] for entry in document["history"]] == ["registered"]
    return document


pytestmark = pytest.mark.integration


def test_a_clerk_without_clearance_cannot_recall_a_secret_document_through_edxml(intake, token):
    secret = secret_document(intake, token, external_id=EDXML_TARGET)
    answer = call(intake, "receive_edxml", token(clearance=0),
                  xml_b64=edxml("edoc_revocation.edxml"))
    untouched(intake, token, secret["id"])
    assert secret["id"] not in answer.get("documents", [])
    assert SECRET_SUBJECT not in str(answer)


def test_a_clerk_without_clearance_cannot_overwrite_a_secret_document_through_an_edxml_update(
        intake, token):
    secret = secret_document(intake, token, external_id=EDXML_TARGET)
    answer = call(intake, "receive_edxml", token(clearance=0), xml_b64=edxml("edoc_update.edxml"))
    untouched(intake, token, secret["id"])
    assert secret["id"] not in answer.get("documents", []) + answer.get("rejected", [])
    assert SECRET_SUBJECT not in str(answer)


def test_a_clerk_without_clearance_cannot_mark_a_secret_document_replaced_through_edxml(
        intake, token):
    secret = secret_document(intake, token, external_id=REPLACED_TARGET)
    answer = call(intake, "receive_edxml", token(clearance=0),
                  xml_b64=edxml("edoc_replacement.edxml"))
    untouched(intake, token, secret["id"])
    assert answer["replaced"] == []
    assert SECRET_SUBJECT not in str(answer)


def test_a_status_message_from_a_clerk_without_clearance_leaves_a_classified_outgoing_document_alone(
        intake, token):
    cleared = token("mat", ["clerk"], clearance=3)
    issued = call(intake, "issue", cleared, document={"subject": SECRET_SUBJECT,
                                                      "secrecy": "tuyệt mật"})
    call(intake, "correct", cleared, document_id=issued["id"], reason="Số theo sổ mật",
         changes={"code_number": "7816", "code_notation": "VPCP-TTĐT"})
    answer = call(intake, "receive_edxml", token(clearance=0),
                  xml_b64=edxml("status_acceptance_03.edxml"))
    assert answer["document"] is None
    history = call(intake, "get", cleared, document_id=issued["id"])["history"]
    assert [entry["action"] for entry in history] == ["registered", "corrected"]


def test_a_document_above_the_callers_clearance_answers_exactly_like_one_that_does_not_exist(
        intake, token):
    secret = secret_document(intake, token)
    clerk = token(clearance=0)
    missing = 10 ** 9
    for method, kwargs in (("get", {}), ("recall", {"reason": "Thu hồi"}),
                           ("correct", {"changes": {"subject": "Đổi"}, "reason": "Sửa"})):
        hidden = error_of(intake, method, clerk, document_id=secret["id"], **kwargs)
        absent = error_of(intake, method, clerk, document_id=missing, **kwargs)
        assert hidden[0] == absent[0] == "NOT_FOUND", method
        assert hidden[1] == absent[1], method
    untouched(intake, token, secret["id"])
    assert call(intake, "search", clerk, query="bao ve bi mat")["total"] == 0
    book = call(intake, "register_book", clerk, year=int(secret["arrival_date"][:4]))
    assert book["rows"] == [] and SECRET_SUBJECT not in str(book)


def test_the_duplicate_warning_does_not_name_a_classified_file_to_a_clerk_without_clearance(
        intake, token):
    data = base64.b64encode(b"%PDF-1.4 the same scanned bytes").decode()
    secret = secret_document(intake, token, attachments=[
        {"file_name": "phuong-an-bao-ve-bi-mat.pdf", "data": data}])
    clerk = token(clearance=0)
    copy = call(intake, "receive", clerk, document={
        "subject": "Bản sao nhận qua thư", "attachments": [{"file_name": "scan.pdf", "data": data}]})
    shown = str(copy) + str(call(intake, "get", clerk, document_id=copy["id"]))
    assert "phuong-an-bao-ve-bi-mat" not in shown and SECRET_SUBJECT not in shown
    assert copy["duplicates"] == [] and copy["duplicate_of"] is None
    assert not re.search(rf"\b{secret['id']}\b", " ".join(copy["warnings"]))
    assert any("duplicate of a classified document" in warning for warning in copy["warnings"])


def consumed(intake, envelope):
    """Publish `envelope` (signed as a relay signs) and wait until intake's handler took it."""
    publish_events(intake["AMQP_URI"], [envelope])
    engine = read_engine(intake["DB_URL"])

    def handled():
        with engine.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM inbox WHERE event_id = :id"),
                                      {"id": envelope["event_id"]}).scalar()
    try:
        wait_for(handled, timeout=30, message=f"intake to consume {envelope['event_type']}")
    finally:
        engine.dispose()


def documents_of(intake, office):
    engine = read_engine(intake["DB_URL"])
    try:
        with engine.connect() as connection:
            return connection.execute(text(
                "SELECT id, status FROM document WHERE office = :office ORDER BY id"),
                {"office": office}).all()
    finally:
        engine.dispose()


def forged(event_type, office, **data):
    return build_envelope("intake", event_type, data, office=office,
                          actor={"sub": "intake", "office": office, "roles": ["service"]})


def test_a_forged_document_issued_event_cannot_copy_an_incoming_secret_document_to_another_office(
        intake, token):
    secret = secret_document(intake, token)
    consumed(intake, forged("document_issued", OFFICE, document_id=secret["id"],
                            code_number="01", code_notation="CV-VP",
                            issued_date=secret["arrival_date"], to_offices=[OTHER_OFFICE]))
    assert documents_of(intake, OTHER_OFFICE) == []
    other = token("vt2", ["clerk"], office=OTHER_OFFICE, clearance=3)
    assert call(intake, "search", other)["total"] == 0


def test_a_forged_document_recalled_event_does_not_recall_the_copies_of_a_live_document(
        intake, token):
    issued = call(intake, "issue", token(), document={
        "subject": "V/v phối hợp giám sát", "to_offices": [OTHER_OFFICE]})
    receiver = token("vt2", ["clerk"], office=OTHER_OFFICE)
    copy = wait_for(lambda: call(intake, "search", receiver, query="phoi hop")["items"],
                    message="the copy in the other office")[0]
    consumed(intake, forged("document_recalled", OFFICE, document_id=issued["id"],
                            direction="out", reason="giả mạo"))
    assert call(intake, "get", receiver, document_id=copy["id"])["status"] == "registered"


@pytest.mark.parametrize("changes, field", [
    ({"subject": None}, "subject"),
    ({"subject": "   "}, "subject"),
    ({"subject": "x" * 501}, "subject"),
    ({"signer_full_name": "x" * 101}, "signer_full_name"),
    ({"code_number": "1" * 12}, "code_number"),
    ({"to_places": ["x" * 10_000]}, "to_places"),
    ({"issued_date": "0001-01-01"}, "issued_date"),
    ({"secrecy": None}, "secrecy"),
])
def test_a_correction_cannot_blank_the_subject_or_overflow_a_column(intake, token, changes,
                                                                    field):
    clerk = token()
    document = call(intake, "receive", clerk, document={"subject": "Tờ trình", "code_number": "1"})
    code, message, fields = error_of(intake, "correct", clerk, document_id=document["id"],
                                     changes=changes, reason="Sửa")
    assert code == "VALIDATION_ERROR" and field in fields, (code, message, fields)
    assert "SELECT" not in message and "UPDATE" not in message
    kept = call(intake, "get", clerk, document_id=document["id"])
    assert (kept["subject"], kept["code_number"], len(kept["history"])) == ("Tờ trình", "1", 1)


@pytest.mark.parametrize("document_id", [0, -1, 2 ** 63, True, "1", 1.5, None])
def test_document_ids_must_be_positive_64_bit_integers(intake, token, document_id):
    clerk = token()
    for method, kwargs in (("get", {}), ("recall", {"reason": "Thu hồi"}),
                           ("correct", {"changes": {"subject": "Đổi"}, "reason": "Sửa"})):
        code, _, fields = error_of(intake, method, clerk, document_id=document_id, **kwargs)
        assert code == "VALIDATION_ERROR" and "document_id" in fields, (method, code, fields)


def test_duplicate_warnings_stored_before_the_fix_no_longer_name_a_classified_document(databases):
    url = databases.new("intake")
    command.upgrade(alembic_config(IntakeService, url), "9f892d1da31e")
    old_warning = "possible duplicate: same file as document 1 (phuong-an-bao-ve-bi-mat.pdf)"
    engine = read_engine(url)
    try:
        with engine.begin() as connection:
            for number, (level, warnings, duplicate_of) in enumerate((
                    (3, [], None),
                    (0, [], None),
                    (0, ["no text read", old_warning,
                         "possible duplicate: same number, notation, organ and date as "
                         "document 2"], 1),
                    (3, [old_warning], 1)), 1):
                connection.execute(text(
                    "INSERT INTO document (office, direction, channel, status, subject, "
                    "secrecy_level, warnings, duplicate_of, search_text, created_at, created_by) "
                    "VALUES (:office, 'in', 'api', 'registered', :subject, :level, :warnings, "
                    ":duplicate_of, '', :now, 'vt')"),
                    {"office": OFFICE, "subject": f"Văn bản {number}", "level": level,
                     "warnings": json.dumps(warnings), "duplicate_of": duplicate_of,
                     "now": datetime.now(timezone.utc)})
        command.upgrade(alembic_config(IntakeService, url), "head")
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT warnings, duplicate_of FROM document ORDER BY id")).all()
    finally:
        engine.dispose()
    copy, secret_copy = rows[2], rows[3]
    assert json.loads(copy.warnings) == [
        "no text read", "possible duplicate: same number, notation, organ and date as document 2",
        WITHHELD_DUPLICATE]
    assert copy.duplicate_of == 2
    assert json.loads(secret_copy.warnings) == [old_warning] and secret_copy.duplicate_of == 1


LOADS_DOCUMENTS = re.compile(r"session\.get\(\s*Document\b|select\(\s*Document\b|"
                             r"query\(\s*Document\b|\bsecrecy_level\s*<=")


def test_intake_loads_documents_for_a_caller_only_through_the_access_check():
    """No module but access.py may load documents or compare clearances itself."""
    offenders = [str(path.relative_to(INTAKE_DIR)) for path in sorted(INTAKE_DIR.rglob("*.py"))
                 if path.name != "access.py" and "migrations" not in path.parts
                 and LOADS_DOCUMENTS.search(path.read_text(encoding="utf-8"))]
    assert offenders == []
