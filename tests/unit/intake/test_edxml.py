"""The edXML channel (QCVN 102:2016) against the national hub's sample messages.

Expected values are read off the sample files by hand; attachment checks decode the base64
independently of the module under test.
"""
import base64
import datetime
import hashlib
import os
import re
from pathlib import Path

import defusedxml.ElementTree as safe_etree
import pytest

from services.intake.channels.edxml import PRIORITY_NAMES, build_status, parse_edxml
from shared.errors import InvalidInput

CORPUS = (Path(os.environ["VANPHONG_CORPUS"]) / "edxml" if os.environ.get("VANPHONG_CORPUS")
          else Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "edxml")

DOCUMENT_ACTIONS = {
    "edoc_new.edxml": (0, "new"),
    "edoc_revocation.edxml": (1, "recall"),
    "edoc_update.edxml": (2, "update"),
    "edoc_replacement.edxml": (3, "replacement"),
}
STATUS_CODES = {
    "status.edxml": "01",
    "status_inbox_01.edxml": "01",
    "status_rejection_02.edxml": "02",
    "status_acceptance_03.edxml": "03",
    "status_assignment_04.edxml": "04",
    "status_processing_05.edxml": "05",
    "status_finish_06.edxml": "06",
    "status_cancellation_13.edxml": "13",
    "status_change-acceptance_15.edxml": "15",
    "status_change-rejection_16.edxml": "16",
}
NEW_DOCUMENT_ID = "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"
ATTACHMENT_NAME = "1896_QD-TTg_m_294779.doc"


def sample(name):
    return (CORPUS / name).read_bytes()


def replaced(data, old, new):
    """`data` with the one occurrence of `old` replaced (fails if the sample changed)."""
    old, new = old.encode("utf-8"), new.encode("utf-8")
    assert data.count(old) == 1, f"{old!r} should occur once in the sample"
    return data.replace(old, new)


def independent_attachments(data):
    """The decoded bytes of each ContentTransferEncoded element, read with a regex."""
    encoded = re.findall(rb"<edXML:ContentTransferEncoded[^>]*>([^<]*)<", data)
    return [base64.b64decode(b"".join(chunk.split())) for chunk in encoded]


def refusal(data, **kwargs):
    with pytest.raises(InvalidInput) as caught:
        parse_edxml(data, **kwargs)
    return caught.value


# --- every sample ---------------------------------------------------------------------------

def test_every_sample_in_the_corpus_parses_to_its_kind():
    files = sorted(CORPUS.glob("*.edxml"))
    assert {path.name for path in files} >= set(DOCUMENT_ACTIONS) | set(STATUS_CODES)
    for path in files:
        message = parse_edxml(path.read_bytes())
        expected = "status" if path.name.startswith("status") else "document"
        assert message["kind"] == expected, path.name
        assert message["from"]["organ_id"], path.name


@pytest.mark.parametrize("name", sorted(DOCUMENT_ACTIONS))
def test_document_action(name):
    message = parse_edxml(sample(name))
    assert (message["business_doc_type"], message["action"]) == DOCUMENT_ACTIONS[name]
    assert message["business"]["doc_type"] == DOCUMENT_ACTIONS[name][0]


@pytest.mark.parametrize("name", sorted(STATUS_CODES))
def test_status_code(name):
    message = parse_edxml(sample(name))
    assert message["kind"] == "status"
    assert message["status_code"] == STATUS_CODES[name]
    assert message["response_for"]["document_id"] == NEW_DOCUMENT_ID


# --- edoc_new field by field ------------------------------------------------------------------

def test_new_document_fields():
    message = parse_edxml(sample("edoc_new.edxml"))
    assert message["kind"] == "document"
    assert message["document_id"] == NEW_DOCUMENT_ID
    assert message["from"] == {
        "organ_id": "002.00.20.H13",
        "organ_name": "UBND xã Hòa Tiến - UBND huyện Hòa Vang - Thành phố Đà Nẵng",
        "organization_in_charge": "UBND xã Hòa Tiến - UBND huyện Hòa Vang - Thành phố Đà Nẵng",
        "organ_add": "Số 1 Hoàng Hoa Thám, Quận Ba Đình, Hà Nội",
        "email": "vpcp@gov.vn",
        "telephone": "8043100",
        "fax": "048989898789",
        "website": "vpcp.vn",
    }
    assert len(message["to"]) == 1
    to = message["to"][0]
    assert to["organ_id"] == "28.22.H17"
    assert to["organ_name"] == "UBND xã Hòa Sơn - UBND huyện Hòa Vang - Thành phố Đà Nẵng"
    # written with a leading space in the sample
    assert to["organization_in_charge"] == (
        "UBND xã Hòa Sơn - UBND huyện Hòa Vang - Thành phố Đà Nẵng")
    assert to["organ_add"] == "số 62 - Võ Thị Sáu - Ngô Quyền - Hải Phòng"
    assert to["telephone"] == "(84-4) 3821 5137"
    assert message["code_number"] == "74fass22"
    assert message["code_notation"] == "VPCP-TTĐT"
    assert message["place"] == "Hà Nội"
    assert message["issued_date"] == "2019-01-16"
    assert message["doc_type_code"] == "1"
    assert message["type_name"] == "Công văn"
    assert message["subject"] == "V/v kết nối, liên thông phần mềm quản lý văn bản"
    assert message["content"] == "V/v kết nối, liên thông phần mềm quản lý văn bản"
    assert message["signer_competence"] == "TL. BO TRUONG"
    assert message["signer_position"] == "Cuc truong cuc ung dung cong nghe thong tin"
    assert message["signer_full_name"] == "Nguyen Thanh Phuc"
    assert message["due_date"] == "2018-09-28"
    assert message["priority_code"] == 0
    assert message["priority"] == "thường"
    assert message["steering_type"] == 1
    assert message["to_places"] == ["Cac bo va co quan ngang bo", "Uy ban nhan dan cac tinh, TP"]
    assert message["response_for"] == []
    assert message["other_info"] == {
        "sphere_of_promulgation": "Liên thông văn bản quốc gia",
        "typer_notation": "TVC",
        "promulgation_amount": 2,
        "page_amount": 22,
        "direction": False,
        "appendixes": ["Công văn về việc kết nối, liên thông phần mềm quản lý văn bản"],
    }
    assert message["trace"] == [
        {"organ_id": "000.00.00.G22", "timestamp": "2018-09-28T00:00:00+07:00"}]
    assert message["has_signature"] is True


def test_new_document_business_block():
    business = parse_edxml(sample("edoc_new.edxml"))["business"]
    assert business["reason"] == "Văn bản điện tử mới"
    assert business["document_id"] == "000.00.00.G22,2014/02/30,7806/VPCP-TTĐT"
    assert business["paper"] == 0
    assert business["staff"] == {"department": "Văn thư văn phòng", "staff": "Nguyễn Thị Ngọc Trâm",
                                 "email": "vanthuvanphong@gov.vn", "mobile": "84912000001"}
    assert business["document_info"] is None
    assert business["replacements"] == []
    assert business["target_document_ids"] == []


def test_impossible_date_inside_a_document_id_is_a_warning_not_a_crash():
    # Bussiness/DocumentId of edoc_new is dated 2014/02/30
    warnings = parse_edxml(sample("edoc_new.edxml"))["warnings"]
    assert any("2014/02/30" in warning and "does not exist" in warning for warning in warnings)


def test_impossible_issued_date_gives_none_and_a_warning():
    data = replaced(sample("edoc_new.edxml"), "<edXML:PromulgationDate>2019/01/16<",
                    "<edXML:PromulgationDate>2019/02/30<")
    message = parse_edxml(data)
    assert message["issued_date"] is None
    assert any("PromulgationDate" in warning and "2019/02/30" in warning
               for warning in message["warnings"])


def test_unreadable_due_date_gives_none_and_a_warning():
    data = replaced(sample("edoc_new.edxml"), "<edXML:DueDate>2018/09/28<",
                    "<edXML:DueDate>sớm nhất có thể<")
    message = parse_edxml(data)
    assert message["due_date"] is None
    assert any("DueDate" in warning for warning in message["warnings"])


@pytest.mark.parametrize("code", sorted(PRIORITY_NAMES))
def test_priority_code_is_mapped_through_the_table(code):
    data = replaced(sample("edoc_new.edxml"), "<edXML:Priority>0<", f"<edXML:Priority>{code}<")
    message = parse_edxml(data)
    assert message["priority_code"] == code
    assert message["priority"] == {0: "thường", 1: "khẩn", 2: "thượng khẩn", 3: "hỏa tốc"}[code]


def test_unknown_priority_code_gives_none_and_a_warning():
    data = replaced(sample("edoc_new.edxml"), "<edXML:Priority>0<", "<edXML:Priority>9<")
    message = parse_edxml(data)
    assert message["priority"] is None
    assert any("Priority" in warning for warning in message["warnings"])


# --- update, replacement, recall --------------------------------------------------------------

def test_update_carries_what_changed_and_the_receivers():
    message = parse_edxml(sample("edoc_update.edxml"))
    business = message["business"]
    assert business["reason"] == "Cập nhật văn bản điện tử"
    assert business["document_info"] == {
        "document_info": 1,
        "document_receiver": 1,
        "receivers": [{"organ_id": "000.00.00.H41", "receiver_type": 0},
                      {"organ_id": "000.00.00.H14", "receiver_type": 1}],
    }
    assert business["target_document_ids"] == [NEW_DOCUMENT_ID]
    assert [organ["organ_id"] for organ in message["to"]] == [
        "000.00.00.H41", "000.00.00.H14", "000.00.00.G17"]
    assert message["code_number"] == "7816"
    assert message["issued_date"] == "2018-09-28"


def test_replacement_names_the_replaced_documents():
    business = parse_edxml(sample("edoc_replacement.edxml"))["business"]
    assert business["reason"] == "Văn bản thay thế"
    assert business["document_id"] is None
    replaced_id = "000.00.00.G22,2014/01/30,7806/VPCP-TTĐT"
    assert business["replacements"] == [
        {"document_id": replaced_id, "organ_ids": ["000.00.00.H41", "000.00.00.H14"]},
        {"document_id": replaced_id, "organ_ids": ["000.00.00.H41", "000.00.00.H14"]},
    ]
    assert business["target_document_ids"] == [replaced_id]


def test_recall_names_the_recalled_document_and_its_response_for():
    message = parse_edxml(sample("edoc_revocation.edxml"))
    assert message["business"]["reason"] == "Thu hồi văn bản điện tử"
    assert message["business"]["target_document_ids"] == [NEW_DOCUMENT_ID]
    assert message["response_for"] == [{
        "organ_id": "000.00.00.H14",
        "code": "267/VPCP-TTĐT",
        "document_id": "000.00.04.G14,2012/08/06,267/VPCP-TTĐT",
        "promulgation_date": "2018-09-28",
    }]


def test_unknown_business_doc_type_is_refused():
    data = replaced(sample("edoc_new.edxml"), "<edXML:BussinessDocType>0<",
                    "<edXML:BussinessDocType>7<")
    error = refusal(data)
    assert "BussinessDocType" in error.fields["edxml"][0]


# --- attachments ------------------------------------------------------------------------------

def test_new_document_attachment_decodes_with_name_size_and_checksum():
    data = sample("edoc_new.edxml")
    expected = independent_attachments(data)
    assert len(expected) == 1
    attachments = parse_edxml(data)["attachments"]
    assert len(attachments) == 1
    attachment = attachments[0]
    assert attachment["file_name"] == ATTACHMENT_NAME
    assert attachment["description"] == ATTACHMENT_NAME
    assert attachment["content_type"] == "application/zip"
    assert attachment["data"] == expected[0]
    assert attachment["size"] == len(expected[0])
    assert attachment["sha256"] == hashlib.sha256(expected[0]).hexdigest()
    assert attachment["data"][:4] == b"PK\x03\x04"


def test_attachment_at_the_limit_passes_and_one_byte_over_is_refused_naming_the_file():
    data = sample("edoc_new.edxml")
    size = len(independent_attachments(data)[0])
    assert parse_edxml(data, max_attachment_bytes=size)["attachments"][0]["size"] == size
    error = refusal(data, max_attachment_bytes=size - 1)
    assert ATTACHMENT_NAME in error.message
    assert ATTACHMENT_NAME in error.fields["attachments"][0]


def test_broken_base64_is_refused_naming_the_file():
    data = replaced(sample("edoc_new.edxml"), ">UEsDBBQACAgI", ">UEsD*BQACAgI")
    error = refusal(data)
    assert ATTACHMENT_NAME in error.message
    assert "base64" in error.message


def test_attachment_name_is_reduced_to_a_file_name():
    data = replaced(sample("edoc_new.edxml"), f"<AttachmentName>{ATTACHMENT_NAME}<",
                    "<AttachmentName>../../etc/cron.d/job.doc<")
    message = parse_edxml(data)
    assert message["attachments"][0]["file_name"] == "job.doc"
    assert any("job.doc" in warning for warning in message["warnings"])


# --- hostile and broken input -----------------------------------------------------------------

def with_doctype(doctype, description_text):
    """status_inbox_01 with a DOCTYPE after the declaration and `description_text` in it."""
    data = sample("status_inbox_01.edxml")
    data = replaced(data, '<?xml version="1.0" encoding="UTF-8"?>',
                    '<?xml version="1.0" encoding="UTF-8"?>\n' + doctype)
    return re.sub(rb"<edXML:Description>[^<]*<",
                  b"<edXML:Description>" + description_text.encode() + b"<", data)


BILLION_LAUGHS = "<!DOCTYPE edXML [\n<!ENTITY lol0 \"lol\">\n" + "".join(
    f"<!ENTITY lol{level} \"{('&lol' + str(level - 1) + ';') * 10}\">\n" for level in range(1, 10)
) + "]>"
XXE = '<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
EXTERNAL_DTD = '<!DOCTYPE edXML SYSTEM "http://example.invalid/edxml.dtd">'
INTERNAL_DTD = "<!DOCTYPE edXML [<!ELEMENT edXML ANY>]>"


@pytest.mark.parametrize("doctype, description", [
    (BILLION_LAUGHS, "&lol9;"),
    (XXE, "&xxe;"),
    (EXTERNAL_DTD, "Đã đến"),
    (INTERNAL_DTD, "Đã đến"),
], ids=["billion-laughs", "xxe", "external-dtd", "internal-dtd"])
def test_dtds_and_entities_are_refused(doctype, description):
    error = refusal(with_doctype(doctype, description))
    assert error.code == "VALIDATION_ERROR"
    # refused before any expansion, not merely stopped by expat's amplification limit
    reason = error.fields["edxml"][0]
    assert "DTD" in reason and "not allowed" in reason


def test_the_sample_used_for_the_attacks_parses_without_them():
    message = parse_edxml(with_doctype("", "Đã đến"))
    assert message["status_description"] == "Đã đến"


def test_junk_before_the_xml_declaration_is_tolerated():
    raw = sample("edoc_new.edxml")
    assert raw[:4] == b"1212"
    assert parse_edxml(raw)["document_id"] == NEW_DOCUMENT_ID
    status = parse_edxml(b"\x00\x07garbage 1212\r\n" + sample("status_finish_06.edxml"))
    assert status["status_code"] == "06"
    assert any("ignored" in warning for warning in status["warnings"])


@pytest.mark.parametrize("data", [b"", b"   \r\n", b"hello, not xml", b"<<<>>>",
                                  b"<edXML><unclosed></edXML>", b"%PDF-1.4\n<binary"],
                         ids=["empty", "blank", "text", "brackets", "mismatched", "pdf"])
def test_not_xml_is_refused_naming_edxml(data):
    error = refusal(data)
    assert error.fields["edxml"]


@pytest.mark.parametrize("data", [
    b'<?xml version="1.0"?><html><body/></html>',
    b'<?xml version="1.0"?><edXML xmlns="urn:something-else"/>',
], ids=["html", "other-namespace"])
def test_wrong_root_is_refused(data):
    error = refusal(data)
    assert "root" in error.fields["edxml"][0]


def test_missing_message_header_is_refused():
    data = (b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">'
            b"<edXMLEnvelope><edXMLHeader/></edXMLEnvelope></edXML>")
    error = refusal(data)
    assert "MessageHeader" in error.fields["edxml"][0]


def test_document_without_document_id_is_refused():
    data = replaced(sample("edoc_new.edxml"),
                    f"<edXML:DocumentId>{NEW_DOCUMENT_ID}</edXML:DocumentId>", "")
    assert "DocumentId" in refusal(data).fields["edxml"][0]


def test_status_without_response_for_is_refused():
    data = re.sub(rb"<edXML:ResponseFor>.*?</edXML:ResponseFor>", b"",
                  sample("status_inbox_01.edxml"), flags=re.S)
    assert "ResponseFor" in refusal(data).fields["edxml"][0]


# --- status messages --------------------------------------------------------------------------

def test_inbox_status_fields():
    message = parse_edxml(sample("status_inbox_01.edxml"))
    assert message["from"]["organ_id"] == "000.00.00.H41"
    assert message["from"]["organ_name"] == "UBND Tỉnh Nghệ An"
    assert message["response_for"] == {
        "organ_id": "000.00.00.G22",
        "code": "7816/VPCP-TTĐT",
        "document_id": NEW_DOCUMENT_ID,
        "promulgation_date": "2015-09-30",
    }
    assert message["staff"] == {"department": "Phong hanh chinh", "staff": "Nguyen thi ngoc tram",
                                "email": "ngoctram@nghean.vn", "mobile": "84912000001"}
    assert message["status_description"] == (
        "Văn thư - Phòng Văn thư - Lưu trữ: Đã đến - "
        "Phần mềm QLVB đã nhận nhưng văn thư chưa xử lý")
    assert message["timestamp"] == "2015-09-20T11:08:36+07:00"
    assert message["warnings"] == []


# --- build_status -----------------------------------------------------------------------------

OUR_OFFICE = {"organ_id": "000.00.00.H29",
              "organ_name": "Văn phòng Đoàn ĐBQH và HĐND tỉnh Đồng Tháp",
              "email": "vanthu@dongthap.gov.vn"}
SENDER = {"organ_id": "000.00.00.G22", "organ_name": "Văn phòng Chính phủ"}


def built(**overrides):
    arguments = dict(document_id=NEW_DOCUMENT_ID, from_organ=OUR_OFFICE, to_organ=SENDER,
                     staff_name="Trần Thị Văn Thư",
                     timestamp=datetime.datetime(2026, 3, 2, 8, 15, 0))
    arguments.update(overrides)
    return build_status(**arguments)


def tag_sequence(data):
    return [element.tag for element in safe_etree.fromstring(data).iter()]


def test_built_status_has_the_element_structure_of_the_sample():
    assert tag_sequence(built()) == tag_sequence(sample("status_inbox_01.edxml"))


def test_built_status_reads_back():
    data = built()
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    message = parse_edxml(data)
    assert message["kind"] == "status"
    assert message["status_code"] == "01"
    assert message["status_description"] == "Đã đến"
    assert message["from"]["organ_id"] == "000.00.00.H29"
    assert message["from"]["organ_name"] == "Văn phòng Đoàn ĐBQH và HĐND tỉnh Đồng Tháp"
    assert message["from"]["email"] == "vanthu@dongthap.gov.vn"
    assert message["response_for"] == {"organ_id": "000.00.00.G22", "code": "7816/VPCP-TTĐT",
                                       "document_id": NEW_DOCUMENT_ID,
                                       "promulgation_date": "2015-09-30"}
    assert message["staff"]["staff"] == "Trần Thị Văn Thư"
    assert message["timestamp"] == "2026-03-02T08:15:00+07:00"
    assert message["warnings"] == []


def test_built_status_answers_a_parsed_document():
    document = parse_edxml(sample("edoc_new.edxml"))
    reply = parse_edxml(built(document_id=document["document_id"], to_organ=document["from"],
                              status_code="03", description="Tiếp nhận"))
    assert reply["response_for"]["organ_id"] == "002.00.20.H13"
    assert reply["response_for"]["document_id"] == document["document_id"]
    assert (reply["status_code"], reply["status_name"]) == ("03", "tiếp nhận")


def test_built_status_converts_an_aware_timestamp_to_vietnam_time():
    utc = datetime.datetime(2026, 3, 2, 1, 15, 0, tzinfo=datetime.timezone.utc)
    data = built(timestamp=utc)
    assert b"<edXML:Timestamp>2026/03/02 08:15:00</edXML:Timestamp>" in data
    assert parse_edxml(data)["timestamp"] == "2026-03-02T08:15:00+07:00"


def test_built_status_escapes_text():
    data = built(description="Đã đến & <chờ> xử lý", staff_name="A\x01B")
    message = parse_edxml(data)
    assert message["status_description"] == "Đã đến & <chờ> xử lý"
    assert message["staff"]["staff"] == "AB"


@pytest.mark.parametrize("overrides, field", [
    ({"status_code": "99"}, "status_code"),
    ({"document_id": " "}, "document_id"),
    ({"from_organ": {"organ_name": "no id"}}, "from_organ"),
    ({"to_organ": {}}, "to_organ"),
    ({"timestamp": "2026-03-02"}, "timestamp"),
])
def test_build_status_refuses_bad_arguments(overrides, field):
    with pytest.raises(InvalidInput) as caught:
        built(**overrides)
    assert field in caught.value.fields
