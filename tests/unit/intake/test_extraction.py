"""extract_text on real .docx and .pdf files built in the test, and on broken ones."""
import io
import zipfile

import pytest
from docx import Document

from services.intake.extraction import DEFAULT_LIMITS, ExtractionLimits, check_archive, extract_text
from services.intake.parsing import parse_document
from shared.errors import InvalidInput

HEADER_LEFT = ["HĐND TỈNH ĐỒNG THÁP", "VĂN PHÒNG", "Số: 159/TB-VP"]
HEADER_RIGHT = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                "Đồng Tháp, ngày 01 tháng 9 năm 2021"]
BODY = ["THÔNG BÁO", "Ý kiến kết luận của Chủ tịch Hội đồng nhân dân Tỉnh",
        "Giao Ban Chấp hành Công đoàn nghiên cứu xây dựng Quy tắc ứng xử trước ngày 20/10/2021./."]
SIGNATURE = ["TM. THƯỜNG TRỰC HĐND", "CHỦ TỊCH", "", "Phan Văn Thắng"]


def make_docx():
    """A Thông báo laid out as offices do: a two-column header table, paragraphs, and the
    Nơi nhận / signature table."""
    document = Document()
    header = document.add_table(rows=1, cols=2)
    header.cell(0, 0).text = "\n".join(HEADER_LEFT)
    header.cell(0, 1).text = "\n".join(HEADER_RIGHT)
    for line in BODY:
        document.add_paragraph(line)
    closing = document.add_table(rows=1, cols=2)
    closing.cell(0, 0).text = "Nơi nhận:\n- Thường trực HĐND Tỉnh;\n- Lưu: VT."
    closing.cell(0, 1).text = "\n".join(SIGNATURE)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_pdf(lines):
    """A one-page PDF whose text layer holds the lines (Type0 font, Identity-H, ToUnicode map)."""
    chars = sorted(set("".join(lines)))
    code = {char: index + 1 for index, char in enumerate(chars)}
    mapping = "\n".join(f"<{code[char]:04X}> <{ord(char):04X}>" for char in chars)
    cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
            "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
            f"{len(chars)} beginbfchar\n{mapping}\nendbfchar\n"
            "endcmap CMapName currentdict /CMap defineresource pop end end").encode()
    content = ("BT /F1 12 Tf 14 TL 50 800 Td\n" + "".join(
        "<" + "".join(f"{code[char]:04X}" for char in line) + "> Tj T*\n" for line in lines) + "ET").encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /DejaVuSans /Encoding /Identity-H "
        b"/DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /DejaVuSans /CIDSystemInfo "
        b"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 8 0 R /DW 600 >>",
        b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream",
        b"<< /Type /FontDescriptor /FontName /DejaVuSans /Flags 32 /FontBBox [0 -200 1000 900] "
        b"/ItalicAngle 0 /Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 >>",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_docx_text_keeps_vietnamese_and_reading_order():
    text = extract_text("thong-bao.docx", make_docx())
    lines = text.split("\n")
    for expected in HEADER_LEFT + HEADER_RIGHT + BODY + ["Phan Văn Thắng"]:
        assert expected in lines
    assert lines.index("VĂN PHÒNG") < lines.index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") < lines.index("THÔNG BÁO")
    assert lines.index("- Lưu: VT.") < lines.index("TM. THƯỜNG TRỰC HĐND")


def test_docx_round_trip_through_the_parser():
    result = parse_document(extract_text("thong-bao.docx", make_docx()))
    assert (result["code_number"], result["code_notation"], result["organ_name"],
            result["supervising_organ"], result["issued_date"], result["doc_type"]) == (
        "159", "TB-VP", "VĂN PHÒNG", "HĐND TỈNH ĐỒNG THÁP", "2021-09-01", "TB")
    assert result["recipients"] == ["Thường trực HĐND Tỉnh", "Lưu: VT"]
    assert (result["signer_competence"], result["signer_position"], result["signer_full_name"]) == (
        "TM.", "CHỦ TỊCH", "Phan Văn Thắng")
    assert result["directives"][0]["assignee"] == "Ban Chấp hành Công đoàn"
    assert result["directives"][0]["due_date"] == "2021-10-20"


def test_pdf_text_round_trips_vietnamese():
    lines = HEADER_LEFT + HEADER_RIGHT + BODY
    text = extract_text("thong-bao.pdf", make_pdf(lines))
    assert [line.strip() for line in text.split("\n") if line.strip()] == lines
    result = parse_document(text)
    assert (result["code_notation"], result["type_name"], result["place"]) == ("TB-VP", "Thông báo", "Đồng Tháp")


def test_kind_is_sniffed_when_the_name_has_no_extension():
    assert "Số: 159/TB-VP" in extract_text("attachment", make_pdf(["Số: 159/TB-VP"]))
    assert "THÔNG BÁO" in extract_text("attachment", make_docx())


def test_plain_text_with_bom():
    assert extract_text("a.txt", "\ufeffSố: 1/TB-VP".encode("utf-8")) == "Số: 1/TB-VP"


@pytest.mark.parametrize("filename, data", [
    ("scan.pdf", b"%PDF-1.4 this is not really a pdf"),
    ("letter.docx", b"PK\x03\x04 broken zip"),
    ("letter.docx", b"plain bytes, not a zip"),
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64),
    ("image.png", b"\x89PNG\r\n\x1a\n"),
    ("empty.pdf", b""),
    ("latin1.txt", "Hà Nội".encode("cp1258", errors="replace") + b"\xff"),
])
def test_unknown_or_broken_files_are_invalid(filename, data):
    with pytest.raises(InvalidInput) as caught:
        extract_text(filename, data)
    assert caught.value.fields["attachment"], caught.value.fields
    assert filename in caught.value.message


def test_pdf_without_text_layer_is_refused():
    with pytest.raises(InvalidInput) as caught:
        extract_text("scan.pdf", make_pdf([]))
    assert "no text layer" in caught.value.message


def test_limits_come_from_config_keys_and_bad_values_stop_the_service():
    limits = ExtractionLimits.from_config({"MAX_TEXT_CHARS_PER_ATTACHMENT": 5000,
                                           "MAX_ATTACHMENTS_PER_DOCUMENT": "20"})
    assert (limits.text_chars_per_attachment, limits.attachments_per_document) == (5000, 20)
    assert limits.archive_bytes == DEFAULT_LIMITS.archive_bytes
    assert ExtractionLimits.from_config({}) == DEFAULT_LIMITS
    for bad in (0, -1, "many", True, 1.5):
        with pytest.raises(ValueError, match="MAX_PDF_PAGES"):
            ExtractionLimits.from_config({"MAX_PDF_PAGES": bad})


def test_an_archive_of_too_many_files_is_refused_before_it_is_opened():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in range(30):
            archive.writestr(f"word/part{number}.xml", "<x/>")
    with pytest.raises(InvalidInput, match="more than 20 files"):
        check_archive("many.docx", buffer.getvalue(), ExtractionLimits(archive_entries=20))
    check_archive("many.docx", buffer.getvalue(), ExtractionLimits(archive_entries=30))


def test_a_docx_of_a_real_letter_passes_the_archive_check_with_room_to_spare():
    check_archive("thong-bao.docx", make_docx(),
                  ExtractionLimits(archive_bytes=DEFAULT_LIMITS.archive_bytes // 50))
