"""Decompression bombs sent to intake (issue 9, hole 4).

A 236 KB .docx once became 100 MB of stored text, and a mail of 20,000 tiny parts was taken.
The bombs are built here, streamed so that the test itself never holds what they expand to;
each test asserts on sizes (stored, returned, allocated), never on time.
"""
import base64
import io
import random
import tracemalloc
import zipfile
from email.message import EmailMessage

import docx
import pytest
from pypdf import PdfReader, PdfWriter
from sqlalchemy import func, select

from services.intake.channels.email import parse_email
from services.intake.extraction import DEFAULT_LIMITS, ExtractionLimits, extract_text
from services.intake.models import Attachment, Document
from services.intake.service import IntakeService
from shared.errors import InvalidInput
from tests.conftest import intake_call as call, intake_error as error_of, read_engine
from tests.unit.intake.test_extraction import make_pdf

DOCX_TYPE = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")
XML_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            b'<w:body>')
XML_TAIL = b"</w:body></w:document>"
MiB = 1024 * 1024


def paragraphs(text_bytes, count):
    paragraph = b"<w:p><w:r><w:t>" + text_bytes + b"</w:t></w:r></w:p>"
    yield XML_HEAD
    for _ in range(count):
        yield paragraph
    yield XML_TAIL


def docx_with_body(chunks, method=zipfile.ZIP_DEFLATED):
    """A .docx made by python-docx whose word/document.xml is written from `chunks`."""
    template = io.BytesIO()
    docx.Document().save(template)
    out = io.BytesIO()
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != "word/document.xml":
                target.writestr(item, source.read(item.filename))
                continue
            entry = zipfile.ZipInfo("word/document.xml", date_time=item.date_time)
            entry.compress_type = method
            with target.open(entry, "w") as writer:
                for chunk in chunks:
                    writer.write(chunk)
    return out.getvalue()


def lie_about_size(data, name=b"word/document.xml", declared=1000):
    """The zip with `name`'s unpacked size declared as `declared`, in both of its headers."""
    data = bytearray(data)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        if data[central + 46:central + 46 + len(name)] == name:
            data[central + 24:central + 28] = declared.to_bytes(4, "little")
            local = int.from_bytes(data[central + 42:central + 46], "little")
            data[local + 22:local + 26] = declared.to_bytes(4, "little")
            return bytes(data)
        central = data.find(b"PK\x01\x02", central + 4)
    raise AssertionError("entry not found")


def honest_text(characters, seed=9):
    """Varied words (compressing like real prose, not like a bomb), about `characters` long."""
    words = ("ủy ban nhân dân tỉnh đồng tháp báo cáo kết quả giám sát việc thực hiện chính sách "
             "pháp luật về đất đai năm hai nghìn hai mươi sáu đề nghị các sở ngành huyện xã "
             "phối hợp triển khai kịp thời đúng quy định").split()
    chooser = random.Random(seed)
    lines, size = [], 0
    while size < characters:
        line = " ".join(chooser.choice(words) for _ in range(14)) + f" {chooser.randrange(10**6)}."
        lines.append(line)
        size += len(line) + 1
    return lines


def honest_docx(characters):
    lines = honest_text(characters)
    chunks = [XML_HEAD] + [b"<w:p><w:r><w:t>" + line.encode() + b"</w:t></w:r></w:p>"
                           for line in lines] + [XML_TAIL]
    return docx_with_body(chunks)


def mail(body="Kính gửi Văn phòng, xin gửi kèm tài liệu.", attachments=()):
    message = EmailMessage()
    message["From"] = "Người gửi <nguoigui@example.vn>"
    message["To"] = "vanthu@example.vn"
    message["Subject"] = "Gửi tài liệu"
    message["Message-ID"] = f"<{random.randrange(10**12)}@example.vn>"
    message.set_content(body)
    for name, data in attachments:
        message.add_attachment(data, maintype=DOCX_TYPE[0], subtype=DOCX_TYPE[1], filename=name)
    return message.as_bytes()


def many_part_mail(parts):
    """A multipart mail of `parts` one-byte attachments, written out directly."""
    head = (b"From: a@example.vn\r\nTo: vanthu@example.vn\r\nSubject: many\r\n"
            b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b0und\"\r\n\r\n"
            b"--b0und\r\nContent-Type: text/plain\r\n\r\nXem tep dinh kem.\r\n")
    part = (b"--b0und\r\nContent-Type: application/octet-stream\r\n"
            b"Content-Disposition: attachment; filename=\"f%d.bin\"\r\n\r\nx\r\n")
    return head + b"".join(part % number for number in range(parts)) + b"--b0und--\r\n"


def peak_allocation(function, *args, **kwargs):
    """(result or raised InvalidInput, the peak of Python allocations while it ran)."""
    tracemalloc.start()
    try:
        try:
            outcome = function(*args, **kwargs)
        except InvalidInput as error:
            outcome = error
        return outcome, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# ------------------------------------------------------------------- archives and their text

def test_a_docx_whose_document_xml_unpacks_beyond_the_limit_is_refused_without_unpacking_it():
    bomb = docx_with_body(paragraphs(b"A" * 4000, 25_000))        # 100 MB of XML
    assert len(bomb) < 1 * MiB
    outcome, peak = peak_allocation(extract_text, "bomb.docx", bomb)
    assert isinstance(outcome, InvalidInput) and "attachment" in outcome.fields
    assert peak < 8 * MiB


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2])
def test_a_docx_that_lies_about_its_unpacked_size_is_refused_within_the_limit(method):
    """The headers say 1,000 bytes; the entry unpacks to 200 MB.  Counting while reading (and
    refusing the methods that inflate without bound) keeps what is held near the limit."""
    bomb = lie_about_size(docx_with_body(paragraphs(b"B" * 4000, 50_000), method=method))
    assert zipfile.ZipFile(io.BytesIO(bomb)).getinfo("word/document.xml").file_size == 1000
    outcome, peak = peak_allocation(extract_text, "bomb.docx", bomb)
    assert isinstance(outcome, InvalidInput) and "attachment" in outcome.fields
    assert peak < DEFAULT_LIMITS.archive_bytes


def test_text_beyond_the_limit_per_attachment_is_cut_with_a_warning():
    limits = ExtractionLimits(text_chars_per_attachment=20_000)
    warnings = []
    text = extract_text("dai.docx", honest_docx(60_000), limits=limits, warnings=warnings)
    assert 19_000 < len(text) <= 20_000
    assert warnings == ["text of dai.docx was cut: only its first 20,000 characters were kept"]


def test_pages_beyond_the_pdf_limit_are_not_read():
    writer = PdfWriter()
    page = PdfReader(io.BytesIO(make_pdf(["Trang của báo cáo"]))).pages[0]
    for _ in range(12):
        writer.add_page(page)
    buffer = io.BytesIO()
    writer.write(buffer)
    warnings = []
    text = extract_text("bao-cao.pdf", buffer.getvalue(), limits=ExtractionLimits(pdf_pages=5),
                        warnings=warnings)
    assert text.count("Trang của báo cáo") == 5
    assert warnings == ["text of bao-cao.pdf was cut: only its first 5 pages were read"]


# ------------------------------------------------------------------------------- e-mail

@pytest.mark.parametrize("parts", [DEFAULT_LIMITS.attachments_per_document + 1, 20_000])
def test_a_mail_with_more_attachments_than_the_limit_is_refused_naming_attachments(parts):
    outcome, peak = peak_allocation(parse_email, many_part_mail(parts))
    assert isinstance(outcome, InvalidInput) and "attachments" in outcome.fields
    assert peak < 64 * MiB


def test_a_mail_body_beyond_the_text_limit_is_cut_with_a_warning():
    message = parse_email(mail(body="Nội dung thư rất dài. " * 2_000),
                          limits=ExtractionLimits(text_chars_per_document=5_000))
    assert len(message["body"]) == 5_000
    assert any(w.startswith("the e-mail body was cut: only its first 5,000 characters")
               for w in message["warnings"])


# -------------------------------------------------------------------- through the service

def stored_sizes(config):
    """(documents, longest stored content, attachments) in intake's database."""
    engine = read_engine(config["DB_URL"])
    try:
        with engine.connect() as connection:
            return (connection.scalar(select(func.count()).select_from(Document)),
                    connection.scalar(select(func.max(func.length(Document.content)))) or 0,
                    connection.scalar(select(func.count()).select_from(Attachment)))
    finally:
        engine.dispose()


def receive_email(config, token, raw):
    return call(config, "receive_email", token, raw_message_b64=base64.b64encode(raw).decode())


@pytest.mark.integration
def test_a_docx_bomb_in_an_email_is_registered_without_its_text_and_with_a_warning(intake, token):
    body = "Kính gửi Văn phòng, xin gửi kèm tài liệu."
    document = receive_email(intake, token(), mail(body=body, attachments=[
        ("tai-lieu.docx", docx_with_body(paragraphs(b"A" * 4000, 25_000)))]))
    assert any(warning.startswith("no text read from tai-lieu.docx") and "unpack" in warning
               for warning in document["warnings"]), document["warnings"]
    assert stored_sizes(intake) == (1, len(body), 1)
    got = call(intake, "get", token(), document_id=document["id"])
    assert (got["content"], got["content_cut"]) == (body, False)


@pytest.mark.integration
def test_a_long_honest_docx_in_an_email_is_stored_cut_to_the_limit(intake, token):
    characters = DEFAULT_LIMITS.text_chars_per_attachment + 200_000
    document = receive_email(intake, token(), mail(attachments=[("dai.docx",
                                                                 honest_docx(characters))]))
    documents, longest, _ = stored_sizes(intake)
    assert documents == 1
    assert DEFAULT_LIMITS.text_chars_per_attachment - 1_000 < longest \
        <= DEFAULT_LIMITS.text_chars_per_attachment
    got = call(intake, "get", token(), document_id=document["id"])
    assert len(got["content"]) == longest


@pytest.mark.integration
def test_a_mail_of_20000_tiny_attachments_is_refused_and_nothing_is_stored(intake, token):
    code, _, fields = error_of(intake, "receive_email", token(),
                               raw_message_b64=base64.b64encode(many_part_mail(20_000)).decode())
    assert code == "VALIDATION_ERROR" and "attachments" in fields
    assert stored_sizes(intake) == (0, 0, 0)


@pytest.mark.integration
def test_a_document_with_more_attachments_than_the_limit_is_refused_naming_attachments(intake,
                                                                                       token):
    limit = DEFAULT_LIMITS.attachments_per_document
    attachment = {"file_name": "a.txt", "data": base64.b64encode(b"x").decode()}
    code, _, fields = error_of(intake, "receive", token(), document={
        "subject": "Nhiều tệp", "attachments": [attachment] * (limit + 1)})
    assert code == "VALIDATION_ERROR" and "attachments" in fields
    assert stored_sizes(intake) == (0, 0, 0)
    accepted = call(intake, "receive", token(), document={
        "subject": "Đủ tệp", "attachments": [attachment] * limit})
    assert len(accepted["attachments"]) == limit


@pytest.mark.integration
def test_get_never_replies_with_more_text_than_the_limit_per_document(intake, token):
    """Text stored before the limits existed is cut in the reply, and the reply says so."""
    document = call(intake, "receive", token(), document={"subject": "Văn bản cũ",
                                                          "text": "Văn bản cũ."})
    limit = DEFAULT_LIMITS.text_chars_per_document
    engine = read_engine(intake["DB_URL"])
    try:
        with engine.begin() as connection:
            connection.execute(Document.__table__.update().where(
                Document.id == document["id"]).values(content="x" * (limit + 500_000)))
    finally:
        engine.dispose()
    got = call(intake, "get", token(), document_id=document["id"])
    assert (len(got["content"]), got["content_cut"]) == (limit, True)


@pytest.fixture
def small_intake(runner_factory, service_config):
    """intake with limits from config far below the defaults: the configured ones apply."""
    config = service_config(IntakeService, MAX_TEXT_CHARS_PER_DOCUMENT=5_000,
                            MAX_TEXT_CHARS_PER_ATTACHMENT=3_000, MAX_ATTACHMENTS_PER_DOCUMENT=2)
    runner_factory(config, IntakeService).start()
    return config


@pytest.mark.integration
def test_configured_limits_cut_given_text_and_attachment_text_with_a_warning(small_intake,
                                                                             token):
    given = call(small_intake, "receive", token(), document={
        "subject": "Văn bản dài", "text": "Kính gửi Văn phòng. " * 1_000})
    assert any("text was cut" in w and "5,000" in w for w in given["warnings"]), given["warnings"]
    extracted = receive_email(small_intake, token(), mail(attachments=[
        ("dai.docx", honest_docx(20_000))]))
    assert any(w.startswith("text of dai.docx was cut") for w in extracted["warnings"]), \
        extracted["warnings"]
    assert stored_sizes(small_intake)[1] <= 5_000
    code, _, fields = error_of(small_intake, "receive", token(), document={
        "subject": "Ba tệp", "attachments": [
            {"file_name": f"{n}.txt", "data": base64.b64encode(b"x").decode()} for n in range(3)]})
    assert code == "VALIDATION_ERROR" and "attachments" in fields
