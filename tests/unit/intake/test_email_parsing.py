"""parse_email on hand-built messages: Vietnamese headers, charsets, MIME trees, bad input."""
import base64
import hashlib
import random
import unicodedata
from email.message import EmailMessage

import pytest

from services.intake.channels.email import html_to_text, imap_utf7, parse_email
from services.intake.extraction import ExtractionLimits
from shared.errors import InvalidInput

SUBJECT = "Thông báo kết luận của Thường trực HĐND tỉnh về kỳ họp thứ mười"
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def nfc(text):
    return unicodedata.normalize("NFC", text)


def message(body="Kính gửi Văn phòng.", **headers):
    msg = EmailMessage()
    msg["From"] = headers.pop("From", "Phòng Tổng hợp <tonghop@dongthap.gov.vn>")
    msg["To"] = headers.pop("To", "vanphong@dongthap.gov.vn, Lãnh đạo <lanhdao@dongthap.gov.vn>")
    msg["Date"] = headers.pop("Date", "Tue, 04 Nov 2025 14:05:00 +0700")
    msg["Message-ID"] = headers.pop("Message_ID", "<abc.123@dongthap.gov.vn>")
    for name, value in headers.items():
        msg[name] = value
    if body is not None:
        msg.set_content(body)
    return msg


def with_raw_subject(msg, raw_subject):
    """The message's bytes with a Subject line exactly as given (no re-encoding)."""
    del msg["Subject"]
    return b"Subject: " + raw_subject.encode("ascii") + b"\r\n" + msg.as_bytes()


def encoded_words(text, encoding):
    """RFC 2047 encoded words of `text` in UTF-8, several of them, folded as mailers do."""
    words, chunk = [], ""
    for ch in text:
        if len((chunk + ch).encode()) > 30:
            words.append(chunk)
            chunk = ""
        chunk += ch
    words.append(chunk)
    out = []
    for word in words:
        data = word.encode("utf-8")
        if encoding == "B":
            out.append(f"=?UTF-8?B?{base64.b64encode(data).decode()}?=")
        else:
            quoted = "".join(
                "_" if byte == 0x20 else chr(byte) if chr(byte).isalnum() and byte < 0x80
                else f"={byte:02X}" for byte in data)
            out.append(f"=?utf-8?Q?{quoted}?=")
    return "\r\n ".join(out)


def to_cp1258(text):
    """Vietnamese text in windows-1258: base letters precomposed, tone marks combining."""
    out = []
    for ch in nfc(text):
        try:
            out.append(ch.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = nfc("".join(c for c in parts if c not in TONE_MARKS))
        out.append((base + "".join(c for c in parts if c in TONE_MARKS)).encode("cp1258"))
    return b"".join(out)


# ------------------------------------------------------------------ headers

def test_plain_message_fields():
    parsed = parse_email(message(Subject="Họp tổ đại biểu").as_bytes())
    assert parsed["message_id"] == "<abc.123@dongthap.gov.vn>"
    assert parsed["from_address"] == "tonghop@dongthap.gov.vn"
    assert parsed["from_name"] == "Phòng Tổng hợp"
    assert parsed["to"] == ["vanphong@dongthap.gov.vn", "lanhdao@dongthap.gov.vn"]
    assert parsed["date"] == "2025-11-04T14:05:00+07:00"
    assert parsed["subject"] == "Họp tổ đại biểu"
    assert parsed["body"] == "Kính gửi Văn phòng."
    assert parsed["attachments"] == []
    assert parsed["warnings"] == []


@pytest.mark.parametrize("encoding", ["B", "Q"])
def test_vietnamese_subject_in_rfc2047_encoded_words(encoding):
    raw_subject = encoded_words(SUBJECT, encoding)
    assert f"?{encoding}?" in raw_subject and "\r\n " in raw_subject  # several folded words
    raw = with_raw_subject(message(), raw_subject)
    assert SUBJECT.encode() not in raw
    parsed = parse_email(raw)
    assert parsed["subject"] == SUBJECT
    assert parsed["warnings"] == []


def test_subject_in_windows_1258_and_in_raw_utf8():
    word = "=?windows-1258?Q?" + "".join(f"={b:02X}" for b in to_cp1258("Giấy mời họp")) + "?="
    assert parse_email(with_raw_subject(message(), word))["subject"] == "Giấy mời họp"
    # 8-bit UTF-8 straight in the header, as some mailers send it
    raw = b"Subject: " + "Công văn đến".encode() + b"\r\n" + message().as_bytes()
    assert parse_email(raw)["subject"] == "Công văn đến"


def test_unknown_charset_in_subject_is_tolerated_with_a_warning():
    word = f"=?x-viet-unknown?B?{base64.b64encode('Tờ trình'.encode()).decode()}?="
    parsed = parse_email(with_raw_subject(message(), word))
    assert parsed["subject"] == "Tờ trình"
    assert any("x-viet-unknown" in warning for warning in parsed["warnings"])


def test_missing_or_invalid_date_is_none_with_a_warning():
    parsed = parse_email(message(Date="hôm qua").as_bytes())
    assert parsed["date"] is None
    assert any(warning.startswith("Date:") for warning in parsed["warnings"])

    msg = message()
    del msg["Date"]
    parsed = parse_email(msg.as_bytes())
    assert parsed["date"] is None
    assert "Date: missing" in parsed["warnings"]


# ------------------------------------------------------------------ bodies

def test_html_only_alternative_becomes_plain_text():
    msg = message(body=None)
    msg.set_content(
        "<html><head><style>p {color: red}</style><script>alert('x')</script></head><body>"
        "<p>Kính&nbsp;gửi: <b>Thường trực HĐND</b></p>"
        "<ul><li>Báo cáo quý IV</li><li>Tờ trình &amp; dự thảo</li></ul>"
        "<div>Trân trọng.</div></body></html>", subtype="html")
    msg.make_alternative()
    assert msg.get_content_type() == "multipart/alternative"
    parsed = parse_email(msg.as_bytes())
    assert parsed["body"] == ("Kính gửi: Thường trực HĐND\n\n- Báo cáo quý IV\n"
                              "- Tờ trình & dự thảo\n\nTrân trọng.")
    assert parsed["attachments"] == []


def test_plain_text_is_preferred_over_html():
    msg = message(body="Nội dung văn bản")
    msg.add_alternative("<p>Nội dung <i>HTML</i></p>", subtype="html")
    assert parse_email(msg.as_bytes())["body"] == "Nội dung văn bản"


def test_windows_1258_body_is_decoded_and_composed():
    text = "Kính gửi Thường trực Hội đồng nhân dân tỉnh Đồng Tháp"
    data = to_cp1258(text)
    assert data != text.encode("utf-8")
    msg = message(body=None, Subject="Giấy mời")
    msg.set_content(data, maintype="text", subtype="plain", cte="quoted-printable")
    msg.set_param("charset", "windows-1258")
    parsed = parse_email(msg.as_bytes())
    assert parsed["body"] == text                   # NFC, although cp1258 sends combining marks
    assert parsed["warnings"] == []


@pytest.mark.parametrize("charset, data, expected", [
    ("us-ascii", "Giấy mời".encode(), "Giấy mời"),             # declared wrong: UTF-8 inside
    ("x-tcvn3-unknown", "Giấy mời".encode(), "Giấy mời"),      # charset Python does not know
    ("utf-8", b"Gi\xe1\xba\xa5y m\xff", "Giấy m\ufffd"),        # broken bytes
])
def test_wrong_charset_falls_back_to_utf8_with_a_warning(charset, data, expected):
    msg = message(body=None)
    msg.set_content(data, maintype="text", subtype="plain", cte="base64")
    msg.set_param("charset", charset)
    parsed = parse_email(msg.as_bytes())
    assert parsed["body"] == expected
    assert any("message" in warning and ("UTF-8" in warning or "U+FFFD" in warning)
               for warning in parsed["warnings"])


# ------------------------------------------------------------------ attachments

def test_attachments_with_vietnamese_names():
    pdf = b"%PDF-1.4 thong bao\n" + bytes(range(256))
    docx = b"PK\x03\x04" + b"bao cao" * 50
    msg = message()
    # RFC 2231 (filename*=utf-8''...), decomposed as macOS mailers send it
    msg.add_attachment(pdf, maintype="application", subtype="pdf",
                       filename=unicodedata.normalize("NFD", "Thông báo số 159-TB.pdf"))
    # RFC 2047 inside the quoted parameter: not standard, but what many mailers do
    msg.add_attachment(docx, maintype="application",
                       subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
                       filename="placeholder.docx")
    encoded = base64.b64encode("Báo cáo kết quả.docx".encode())
    raw = msg.as_bytes().replace(b'filename="placeholder.docx"',
                                 b'filename="=?UTF-8?B?' + encoded + b'?="')
    assert b"filename*=utf-8''" in raw and b'filename="=?UTF-8?B?' in raw

    parsed = parse_email(raw)
    assert parsed["body"] == "Kính gửi Văn phòng."
    first, other = parsed["attachments"]
    assert first == {"file_name": "Thông báo số 159-TB.pdf", "content_type": "application/pdf",
                     "data": pdf, "size": len(pdf), "sha256": hashlib.sha256(pdf).hexdigest()}
    assert other["file_name"] == "Báo cáo kết quả.docx"
    assert other["content_type"].endswith("wordprocessingml.document")
    assert other["data"] == docx and other["sha256"] == hashlib.sha256(docx).hexdigest()


def test_attachment_without_name_or_with_a_path_gets_a_safe_name():
    msg = message()
    msg.add_attachment(b"\x89PNG....", maintype="image", subtype="png")
    msg.add_attachment(b"x", maintype="application", subtype="octet-stream",
                       filename="../../etc/passwd")
    names = [item["file_name"] for item in parse_email(msg.as_bytes())["attachments"]]
    assert names == ["attachment-1.png", "passwd"]


def test_forwarded_message_is_one_attachment():
    inner = message(body="Văn bản gốc", Subject="Công văn 12/UBND")
    msg = message(body="Chuyển tiếp")
    msg.add_attachment(inner)
    parsed = parse_email(msg.as_bytes())
    assert parsed["body"] == "Chuyển tiếp"
    forwarded, = parsed["attachments"]
    assert forwarded["content_type"] == "message/rfc822"
    assert forwarded["file_name"] == "Công văn 12_UBND.eml"  # named after its subject
    assert parse_email(forwarded["data"])["body"] == "Văn bản gốc"


def test_attachment_over_the_limit_is_refused():
    msg = message()
    msg.add_attachment(b"a" * 1000, maintype="application", subtype="pdf", filename="vừa đủ.pdf")
    assert parse_email(msg.as_bytes(), max_attachment_bytes=1000)["attachments"][0]["size"] == 1000

    msg.add_attachment(b"b" * 1001, maintype="application", subtype="pdf", filename="quá lớn.pdf")
    with pytest.raises(InvalidInput) as error:
        parse_email(msg.as_bytes(), max_attachment_bytes=1000)
    message_text, = error.value.fields["attachment"]
    assert "quá lớn.pdf" in message_text and "1001" in message_text and "1000" in message_text
    assert set(error.value.fields) == {"attachment"}


def test_attachments_up_to_the_limit_are_taken_and_one_more_is_refused():
    limits = ExtractionLimits(attachments_per_document=3)
    msg = message()
    for number in range(3):
        msg.add_attachment(b"x", maintype="application", subtype="pdf", filename=f"{number}.pdf")
    assert len(parse_email(msg.as_bytes(), limits=limits)["attachments"]) == 3
    msg.add_attachment(b"x", maintype="application", subtype="pdf", filename="3.pdf")
    with pytest.raises(InvalidInput) as error:
        parse_email(msg.as_bytes(), limits=limits)
    assert error.value.fields == {"attachments": ["more than 3 attachments"]}


def test_lines_that_only_look_like_mime_delimiters_are_not_counted_as_parts():
    body = "Bảng kê:\n" + "--------------------\n-- mục\n" * 400
    msg = message(body=body)
    msg.add_attachment(b"x", maintype="application", subtype="pdf", filename="kem.pdf")
    parsed = parse_email(msg.as_bytes(), limits=ExtractionLimits(mime_parts=5))
    assert len(parsed["attachments"]) == 1 and parsed["body"].count("-- mục") == 400


# ------------------------------------------------------------------ broken and bad input

def test_missing_closing_boundary_gives_a_warning_not_a_crash():
    msg = message()
    msg.add_attachment(b"%PDF-1.4 data", maintype="application", subtype="pdf",
                       filename="tờ trình.pdf")
    raw = msg.as_bytes()
    closing = f"--{msg.get_boundary()}--".encode()
    assert raw.rstrip().endswith(closing)
    truncated = raw.rstrip()[:-len(closing)]

    parsed = parse_email(truncated)
    assert parsed["body"] == "Kính gửi Văn phòng."
    assert [item["file_name"] for item in parsed["attachments"]] == ["tờ trình.pdf"]
    assert any("closing MIME boundary" in warning for warning in parsed["warnings"])


def test_boundary_that_never_appears_is_read_as_text():
    raw = (b"From: a@example.vn\r\nSubject: test\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: multipart/mixed; boundary=\"nowhere\"\r\n\r\n"
           b"--elsewhere\r\nContent-Type: text/plain\r\n\r\nNoi dung\r\n")
    parsed = parse_email(raw)
    assert "Noi dung" in parsed["body"]
    assert any("boundary" in warning for warning in parsed["warnings"])


@pytest.mark.parametrize("raw", [b"", b"  \r\n\r\n", "".encode()])
def test_empty_input_is_refused(raw):
    with pytest.raises(InvalidInput) as error:
        parse_email(raw)
    assert "message" in error.value.fields


@pytest.mark.parametrize("raw", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
    random.Random(7).randbytes(4096),
    b"just some words\r\nand more words\r\n",
])
def test_garbage_is_refused(raw):
    with pytest.raises(InvalidInput) as error:
        parse_email(raw)
    assert "message" in error.value.fields


def test_message_with_neither_body_nor_attachment_is_refused():
    msg = message(body="   \n")
    with pytest.raises(InvalidInput) as error:
        parse_email(msg.as_bytes())
    assert "message" in error.value.fields
    # the same headers with only an attachment are fine
    msg = message(body=None)
    msg.add_attachment(b"%PDF", maintype="application", subtype="pdf", filename="a.pdf")
    assert parse_email(msg.as_bytes())["body"] == ""


# ------------------------------------------------------------------ helpers

def test_html_to_text_keeps_table_cells_apart():
    assert html_to_text("<table><tr><td>Số</td><td>159</td></tr>"
                        "<tr><td>Ngày</td><td>04/11</td></tr></table>") == "Số\t159\nNgày\t04/11"


def test_imap_utf7_mailbox_names():
    assert imap_utf7("INBOX") == "INBOX"
    assert imap_utf7("A&B") == "A&-B"
    # as dovecot's own encoder writes it: doveadm mailbox mutf7 "Văn bản đến"
    assert imap_utf7("Văn bản đến") == "V&AQM-n b&HqM-n &AREevw-n"
