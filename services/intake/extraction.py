"""Text out of an attached file: .docx (python-docx), .pdf (pypdf) and plain .txt.

`extract_text(filename, data)` returns NFC text, one paragraph or table-cell line per line, in
reading order (a .docx table is read row by row, cell by cell).  A file of an unknown kind, a
broken file, or a PDF without a text layer raises InvalidInput with an "attachment" message.
"""
import io
import logging
import unicodedata

from shared.errors import InvalidInput

PDF_MAGIC = b"%PDF"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"          # old binary .doc / .xls

logging.getLogger("pypdf").setLevel(logging.ERROR)


def extract_text(filename, data):
    """The text of a .docx, .pdf or .txt file given as bytes."""
    if not isinstance(data, (bytes, bytearray)) or not data:
        raise invalid(filename, "is empty or not bytes")
    kind = file_kind(filename or "", bytes(data))
    reader = {"docx": docx_text, "pdf": pdf_text, "txt": plain_text}.get(kind)
    if reader is None:
        raise invalid(filename, "is not a .docx, .pdf or .txt file")
    text = reader(filename, bytes(data))
    return unicodedata.normalize("NFC", text)


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


def plain_text(filename, data):
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise invalid(filename, "is not UTF-8 text")


def docx_text(filename, data):
    """Paragraphs and table cells of the document body, in order."""
    from docx import Document

    try:
        lines = list(block_lines(Document(io.BytesIO(data))))
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


def pdf_text(filename, data):
    """The text layer of every page; a scanned PDF (no text) is refused."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("")
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as error:   # pypdf raises many kinds of errors on broken files
        raise invalid(filename, f"is not a readable PDF ({type(error).__name__})")
    text = "\n".join(pages)
    if not text.strip():
        raise invalid(filename, "has no text layer (a scanned PDF needs OCR first)")
    return text
