"""Text out of an attached file: .docx (python-docx), .pdf (pypdf) and plain .txt.

`extract_text(filename, data)` returns NFC text, one paragraph or table-cell line per line, in
reading order (a .docx table is read row by row, cell by cell).  A file of an unknown kind, a
broken file, or a PDF without a text layer raises InvalidInput with an "attachment" message.

Every read is bounded by `ExtractionLimits` (config keys in `CONFIG_KEYS`): a .docx is a zip
whose declared sizes may lie, so it is checked entry by entry and its bytes are counted while
they are decompressed before python-docx sees it; a file that would expand beyond the limits is
refused.  Text beyond the limit per attachment, and pages beyond the PDF limit, are cut: the
text read so far is kept and a warning says what was left out.
"""
import io
import logging
import unicodedata
import zipfile
from dataclasses import dataclass

from shared.errors import InvalidInput

PDF_MAGIC = b"%PDF"
ZIP_MAGIC = b"PK\x03\x04"
ZIP_CENTRAL_ENTRY = b"PK\x01\x02"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"          # old binary .doc / .xls
# Only these decompress a bounded amount per read; zipfile inflates bzip2 and lzma entries
# in one call, however much they expand.  Office files use nothing else.
SAFE_ZIP_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
RATIO_FLOOR_BYTES = 1024 * 1024            # smaller entries may compress as well as they like
READ_CHUNK = 64 * 1024

logging.getLogger("pypdf").setLevel(logging.ERROR)


@dataclass(frozen=True)
class ExtractionLimits:
    """How much intake reads out of what it is sent.  Defaults fit real office documents:
    a 300-page report is about 1,000,000 characters; a .docx with its images is rarely more
    than 20 MB unpacked."""

    text_chars_per_attachment: int = 1_000_000
    text_chars_per_document: int = 2_000_000
    attachments_per_document: int = 100
    archive_bytes: int = 50 * 1024 * 1024     # uncompressed bytes read from one .docx / zip
    archive_ratio: int = 100                  # uncompressed / compressed, per entry over 1 MiB
    archive_entries: int = 2_000
    pdf_pages: int = 1_000
    mime_parts: int = 500                     # parts of one e-mail, counted before parsing

    @classmethod
    def from_config(cls, config):
        """Limits from a service config (keys in `CONFIG_KEYS`); absent keys keep defaults."""
        values = {}
        for key, name in CONFIG_KEYS.items():
            if config.get(key) is None:
                continue
            value = config[key]
            if isinstance(value, bool) or not isinstance(value, (int, str)) \
                    or not str(value).strip().isdigit() or int(value) < 1:
                raise ValueError(f"{key} must be a positive integer, got {value!r}")
            values[name] = int(value)
        return cls(**values)


CONFIG_KEYS = {
    "MAX_TEXT_CHARS_PER_ATTACHMENT": "text_chars_per_attachment",
    "MAX_TEXT_CHARS_PER_DOCUMENT": "text_chars_per_document",
    "MAX_ATTACHMENTS_PER_DOCUMENT": "attachments_per_document",
    "MAX_ARCHIVE_UNCOMPRESSED_BYTES": "archive_bytes",
    "MAX_ARCHIVE_RATIO": "archive_ratio",
    "MAX_ARCHIVE_ENTRIES": "archive_entries",
    "MAX_PDF_PAGES": "pdf_pages",
    "MAX_MIME_PARTS": "mime_parts",
}
DEFAULT_LIMITS = ExtractionLimits()


def extract_text(filename, data, limits=DEFAULT_LIMITS, warnings=None):
    """The text of a .docx, .pdf or .txt file given as bytes.

    Text beyond the limits is cut; what was cut is appended to ``warnings`` when it is given.
    """
    if not isinstance(data, (bytes, bytearray)) or not data:
        raise invalid(filename, "is empty or not bytes")
    kind = file_kind(filename or "", bytes(data))
    reader = {"docx": docx_text, "pdf": pdf_text, "txt": plain_text}.get(kind)
    if reader is None:
        raise invalid(filename, "is not a .docx, .pdf or .txt file")
    max_chars = min(limits.text_chars_per_attachment, limits.text_chars_per_document)
    cuts = []
    text = reader(filename, bytes(data), limits, max_chars, cuts)
    text = unicodedata.normalize("NFC", text)
    if len(text) > max_chars:
        text = text[:max_chars]
        cuts.append(f"only its first {max_chars:,} characters were kept")
    if cuts and warnings is not None:
        warnings.append(f"text of {filename} was cut: " + "; ".join(dict.fromkeys(cuts)))
    return text


def check_attachment_count(attachments, limits=DEFAULT_LIMITS):
    """InvalidInput naming ``attachments`` when a document carries more than the limit."""
    count = len(attachments or ())
    if count > limits.attachments_per_document:
        raise InvalidInput("the document carries too many attachments", {
            "attachments": [f"{count} attachments; the limit is "
                            f"{limits.attachments_per_document}"]})


def cut_text(text, max_chars, what, warnings):
    """``text`` cut to ``max_chars`` characters, with a warning naming ``what`` when it is."""
    if text is None or len(text) <= max_chars:
        return text
    warnings.append(f"{what} was cut: only its first {max_chars:,} characters were kept "
                    f"of {len(text):,}")
    return text[:max_chars]


def invalid(filename, problem):
    message = f"attachment {filename!r} {problem}"
    return InvalidInput(message, {"attachment": [message]})


def file_kind(filename, data):
    """ "docx", "pdf", "txt", or None — from the extension, else from the first bytes."""
    name = filename.lower()
    for kind in ("docx", "pdf", "txt"):
        if name.endswith("." + kind):
            return kind
    if name.endswith(".doc") or data.startswith(OLE_MAGIC):
        return None
    if data.startswith(PDF_MAGIC):
        return "pdf"
    if data.startswith(ZIP_MAGIC) and b"word/" in data[:4096]:
        return "docx"
    return None


def plain_text(filename, data, limits, max_chars, cuts):
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise invalid(filename, "is not UTF-8 text")


def check_archive(filename, data, limits=DEFAULT_LIMITS):
    """Refuse a zip (.docx, .xlsx, ...) that would expand beyond the limits.

    The sizes a zip declares may lie, so the entries are also decompressed here, counting the
    bytes as they come and never holding more than one chunk; only then may a library read it.
    """
    if data.count(ZIP_CENTRAL_ENTRY) > limits.archive_entries:
        raise invalid(filename, f"holds more than {limits.archive_entries:,} files")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except Exception as error:   # zipfile raises several kinds on broken archives
        raise invalid(filename, f"is not a readable archive ({type(error).__name__})")
    if len(entries) > limits.archive_entries:
        raise invalid(filename, f"holds more than {limits.archive_entries:,} files")
    declared = 0
    for entry in entries:
        if entry.compress_type not in SAFE_ZIP_METHODS:
            raise invalid(filename, f"uses a compression method office files do not use "
                                    f"({entry.compress_type}) for {entry.filename!r}")
        declared += entry.file_size
        _check_expansion(filename, entry, entry.file_size, len(data), limits, "would unpack")
    if declared > limits.archive_bytes:
        raise invalid(filename, f"would unpack to {declared:,} bytes; the limit is "
                                f"{limits.archive_bytes:,}")
    read = 0
    try:
        for entry in entries:
            entry_read = 0
            with archive.open(entry) as member:
                while chunk := member.read(READ_CHUNK):
                    entry_read += len(chunk)
                    read += len(chunk)
                    if read > limits.archive_bytes:
                        raise invalid(filename, f"unpacks to more than {limits.archive_bytes:,} "
                                                "bytes")
                    _check_expansion(filename, entry, entry_read, len(data), limits, "unpacks")
    except InvalidInput:
        raise
    except Exception as error:   # a bad CRC, a truncated stream, an encrypted entry ...
        raise invalid(filename, f"is not a readable archive ({type(error).__name__})")


def _check_expansion(filename, entry, size, archive_size, limits, verb):
    """An entry over 1 MiB may not unpack to more than `archive_ratio` times its packed size
    (the packed size as declared, but never more than the whole file)."""
    packed = max(min(entry.compress_size, archive_size), 1)
    if size > RATIO_FLOOR_BYTES and size > limits.archive_ratio * packed:
        raise invalid(filename, f"{verb} {entry.filename!r} to {size // packed:,} times its "
                                f"packed size; the limit is {limits.archive_ratio} times")


def docx_text(filename, data, limits, max_chars, cuts):
    """Paragraphs and table cells of the document body, in order, up to ``max_chars``."""
    from docx import Document

    check_archive(filename, data, limits)
    try:
        lines, size = [], 0
        for line in block_lines(Document(io.BytesIO(data))):
            lines.append(line)
            size += len(line) + 1
            if size > max_chars:
                cuts.append(f"only its first {max_chars:,} characters were kept")
                break
    except Exception as error:   # zipfile, lxml and python-docx each raise their own errors
        raise invalid(filename, f"is not a readable .docx ({type(error).__name__})")
    return "\n".join(lines)


def block_lines(container):
    """Lines of paragraphs and tables inside a document or a table cell, in order."""
    from docx.table import Table

    for block in container.iter_inner_content():
        if isinstance(block, Table):
            yield from table_lines(block)
        else:
            yield from block.text.split("\n")


def table_lines(table):
    """Each row's cells left to right; a merged cell is read once."""
    seen = set()
    for row in table.rows:
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            yield from block_lines(cell)


def pdf_text(filename, data, limits, max_chars, cuts):
    """The text layer of the first pages, up to ``max_chars``; a scanned PDF is refused."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("")
        pages, size = [], 0
        for number, page in enumerate(reader.pages):
            if number >= limits.pdf_pages:
                cuts.append(f"only its first {limits.pdf_pages:,} pages were read")
                break
            pages.append(page.extract_text() or "")
            size += len(pages[-1]) + 1
            if size > max_chars:
                cuts.append(f"only its first {max_chars:,} characters were kept")
                break
    except Exception as error:   # pypdf raises many kinds of errors on broken files
        raise invalid(filename, f"is not a readable PDF ({type(error).__name__})")
    text = "\n".join(pages)
    if not text.strip():
        raise invalid(filename, "has no text layer (a scanned PDF needs OCR first)")
    return text
