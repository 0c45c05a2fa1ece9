"""Sổ đăng ký văn bản đến / đi (Nghị định 30/2020, Phụ lục IV), as rows, CSV and XLSX."""
import json

from services.intake import access
from services.intake.models import Document
from shared import exports

INCOMING_HEADINGS = ("Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu", "Ngày tháng",
                     "Tên loại và trích yếu nội dung", "Đơn vị hoặc người nhận", "Ngày chuyển",
                     "Ký nhận", "Ghi chú")
OUTGOING_HEADINGS = ("Số, ký hiệu văn bản", "Ngày tháng văn bản",
                     "Tên loại và trích yếu nội dung văn bản", "Người ký", "Nơi nhận văn bản",
                     "Đơn vị, người nhận bản lưu", "Số lượng bản", "Ngày chuyển", "Ký nhận",
                     "Ghi chú")
TITLES = {"in": "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN", "out": "SỔ ĐĂNG KÝ VĂN BẢN ĐI"}


def _date(value):
    return value.strftime("%d/%m/%Y") if value else ""


def _symbol(document):
    if document.code_number and document.code_notation:
        return f"{document.code_number}/{document.code_notation}"
    return document.code_number or document.code_notation or ""


def _type_and_subject(document):
    return " ".join(part for part in (document.type_name, document.subject) if part)


def _note(document):
    notes = []
    if document.status == "recalled":
        notes.append("Đã thu hồi")
    if document.priority:
        notes.append(document.priority.capitalize())
    if document.secrecy:
        notes.append(document.secrecy.capitalize())
    return "; ".join(notes)


def rows(session, principal, year, direction):
    """The register's rows of a year: only documents the caller may see (a classified document
    above their clearance is kept in the register of those cleared for it, not shown masked)."""
    if direction == "in":
        query = (access.select_visible(principal)
                 .where(Document.direction == "in", Document.arrival_year == year)
                 .order_by(Document.arrival_number))
    else:
        query = (access.select_visible(principal)
                 .where(Document.direction == "out")
                 .order_by(Document.issued_date, Document.id))
    result = []
    for document in session.execute(query).scalars():
        if direction == "out" and (not document.issued_date or document.issued_date.year != year):
            continue
        subject = _type_and_subject(document)
        if direction == "in":
            result.append((_date(document.arrival_date), document.arrival_number,
                           document.organ_name or "", _symbol(document),
                           _date(document.issued_date), subject, "", "", "", _note(document)))
        else:
            places = "; ".join(json.loads(document.to_places or "[]"))
            result.append((_symbol(document), _date(document.issued_date), subject,
                           document.signer_full_name or "", places, "", "", "",
                           "", _note(document)))
    return result


def headings(direction):
    return INCOMING_HEADINGS if direction == "in" else OUTGOING_HEADINGS


WIDTHS = {"in": (12, 10, 30, 18, 12, 60, 24, 12, 10, 16),
          "out": (18, 12, 60, 24, 40, 24, 10, 12, 10, 16)}


def export(fmt, direction, table, year, office_name):
    """The register of a year as JSON rows or a CSV/XLSX file (shared.exports)."""
    kind = "den" if direction == "in" else "di"
    return exports.export(fmt, headings(direction), table,
                          title=f"{TITLES[direction]} NĂM {year}",
                          file_stem=f"so-van-ban-{kind}-{year}", office_name=office_name,
                          sheet_title=f"{'Den' if direction == 'in' else 'Di'} {year}",
                          widths=WIDTHS[direction])
