"""edXML and e-mail reaching the register, through the real broker, on both databases."""
import base64
import io
from email.message import EmailMessage

import docx
import pytest
from nameko.exceptions import RemoteError

from services.intake.channels.edxml import parse_edxml
from services.intake.service import IntakeService
from shared.errors import parse_remote_error

from tests.conftest import intake_call as call  # noqa: E402

pytestmark = pytest.mark.integration


@pytest.fixture
def intake(runner_factory, service_config):
    config = service_config(IntakeService, EDXML_ORGANS={
        "DT-VPHDND": {"organ_id": "000.00.17.H20", "organ_name": "Văn phòng Đoàn ĐBQH và HĐND tỉnh"}})
    runner_factory(config, IntakeService).start()
    return config


def edxml(corpus_dir, name):
    return base64.b64encode((corpus_dir / "edxml" / name).read_bytes()).decode("ascii")


def test_new_edxml_is_registered_and_answered_with_status_01(intake, token, corpus_dir):
    clerk = token()
    result = call(intake, "receive_edxml", clerk, xml_b64=edxml(corpus_dir, "edoc_new.edxml"))
    document = result["document"]
    assert result["action"] == "new" and document["channel"] == "edxml"
    assert document["arrival_number"] == 1
    assert document["external_id"] == "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"
    assert len(document["attachments"]) >= 1 and all(a["sha256"] for a in document["attachments"])
    reply = parse_edxml(base64.b64decode(result["status_message_b64"]))
    assert reply["kind"] == "status" and reply["status_code"] == "01"
    assert reply["from"]["organ_id"] == "000.00.17.H20"
    assert reply["response_for"]["document_id"] == document["external_id"]

    again = call(intake, "receive_edxml", clerk, xml_b64=edxml(corpus_dir, "edoc_new.edxml"))
    assert again["document"]["duplicate_of"] == document["id"]


def test_update_replacement_and_recall_act_on_the_registered_document(intake, token, corpus_dir):
    clerk = token()
    original = call(intake, "receive_edxml", clerk, xml_b64=edxml(corpus_dir, "edoc_new.edxml"))
    original_id = original["document"]["id"]
    updated = call(intake, "receive_edxml", clerk, xml_b64=edxml(corpus_dir, "edoc_update.edxml"))
    assert updated["action"] == "update" and updated["documents"] == [original_id]
    history = call(intake, "get", clerk, document_id=original_id)["history"]
    assert history[-1]["action"] == "corrected"

    recalled = call(intake, "receive_edxml", clerk,
                    xml_b64=edxml(corpus_dir, "edoc_revocation.edxml"))
    assert recalled["action"] == "recall" and recalled["documents"] == [original_id]
    assert call(intake, "get", clerk, document_id=original_id)["status"] == "recalled"
    status = parse_edxml(base64.b64decode(recalled["status_message_b64"]))
    assert status["status_code"] == "01"

    late = call(intake, "receive_edxml", clerk, xml_b64=edxml(corpus_dir, "edoc_update.edxml"))
    assert late["documents"] == [] and late["rejected"] == [original_id]
    refusal = parse_edxml(base64.b64decode(late["status_message_b64"]))
    assert refusal["status_code"] == "02" and "thu hồi" in refusal["status_description"]


def test_replacement_registers_the_new_document_and_marks_the_old(intake, token, corpus_dir):
    clerk = token()
    replaced_id = "000.00.00.G22,2014/01/30,7806/VPCP-TTĐT"  # what the replacement names
    old = call(intake, "receive", clerk, document={"subject": "Văn bản cũ", "channel": "edxml",
                                                    "external_id": replaced_id})
    result = call(intake, "receive_edxml", clerk,
                  xml_b64=edxml(corpus_dir, "edoc_replacement.edxml"))
    assert result["action"] == "replacement" and result["replaced"] == [old["id"]]
    assert call(intake, "get", clerk, document_id=old["id"])["status"] == "replaced"
    assert result["document"]["arrival_number"] == 2


def test_status_messages_are_recorded_not_registered(intake, token, corpus_dir):
    clerk = token()
    result = call(intake, "receive_edxml", clerk,
                  xml_b64=edxml(corpus_dir, "status_acceptance_03.edxml"))
    assert result["action"] == "status" and result["status_code"] == "03"
    assert result["status_message_b64"] is None
    assert call(intake, "search", clerk)["total"] == 0


@pytest.mark.parametrize("payload, field", [
    (base64.b64encode(b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><edXML>&lol2;</edXML>""")
     .decode(), "edxml"),
    (base64.b64encode(b"not xml at all").decode(), "edxml"),
    ("%%%", "xml_b64"),
])
def test_hostile_or_broken_edxml_is_refused(intake, token, payload, field):
    with pytest.raises(RemoteError) as raised:
        call(intake, "receive_edxml", token(), xml_b64=payload)
    code, _, fields = parse_remote_error(raised.value)
    assert code == "VALIDATION_ERROR" and field in fields
    assert call(intake, "search", token())["total"] == 0


def seed_docx(corpus_dir):
    document = docx.Document()
    for line in (corpus_dir / "seeds" / "000_f5e64ef9a2fe196c.txt").read_text(
            encoding="utf-8").splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_email_with_a_docx_attachment_is_read_from_the_attachment(intake, token, corpus_dir):
    message = EmailMessage()
    message["From"] = "Văn phòng HĐND tỉnh <vanphong@hdnd.example.vn>"
    message["To"] = "vanthu@example.vn"
    message["Subject"] = "Gửi Thông báo kết luận của Chủ tịch HĐND tỉnh"
    message["Message-ID"] = "<tb159@hdnd.example.vn>"
    message.set_content("Kính gửi Văn phòng, xin gửi kèm Thông báo số 159/TB-VP.")
    message.add_attachment(seed_docx(corpus_dir), maintype="application",
                           subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
                           filename="Thông báo 159.docx")
    raw = base64.b64encode(message.as_bytes()).decode("ascii")
    document = call(intake, "receive_email", token(), raw_message_b64=raw)
    assert document["channel"] == "email"
    assert (document["code_number"], document["code_notation"]) == ("159", "TB-VP")
    assert document["attachments"][0]["file_name"] == "Thông báo 159.docx"
    assert document["external_id"] == "<tb159@hdnd.example.vn>"
    again = call(intake, "receive_email", token(), raw_message_b64=raw)
    assert again["duplicate_of"] == document["id"]


def test_plain_email_takes_its_subject_and_broken_input_is_refused(intake, token):
    message = EmailMessage()
    message["From"] = "cutri@example.vn"
    message["Subject"] = "=?utf-8?b?" + base64.b64encode(
        "Kiến nghị về đường giao thông nông thôn".encode()).decode() + "?="
    message.set_content("Đề nghị sửa đường.")
    document = call(intake, "receive_email", token(),
                    raw_message_b64=base64.b64encode(message.as_bytes()).decode())
    assert document["subject"] == "Kiến nghị về đường giao thông nông thôn"
    with pytest.raises(RemoteError) as raised:
        call(intake, "receive_email", token(), raw_message_b64=base64.b64encode(b"").decode())
    assert parse_remote_error(raised.value)[0] == "VALIDATION_ERROR"


def test_news_article_text_is_registered_under_its_title(intake, token, corpus_dir):
    text = (corpus_dir / "seeds" / "002_f4262b3bc8448765.txt").read_text(encoding="utf-8")
    document = call(intake, "receive", token(), document={"text": text})
    assert document["subject"] and document["doc_type"] is None
    assert any("not an administrative document" in w for w in document["warnings"])
