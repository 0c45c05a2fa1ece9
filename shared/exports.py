"""Tables as files: CSV (UTF-8 with BOM, so Excel reads Vietnamese) and XLSX.

Every register and report of the suite (intake's sổ đăng ký, tasks' bảng theo dõi and sổ theo
dõi giải quyết) is headings + rows + a title, exported here.
"""
import base64
import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

CONTENT_TYPES = {"csv": "text/csv",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
FORMATS = ("json", "csv", "xlsx")


def to_csv(headings, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headings)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(headings, rows, title, office_name="", sheet_title="Sheet", widths=None):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    sheet.append([office_name])
    sheet.append([title])
    sheet["A2"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append(list(headings))
    for cell in sheet[4]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    for row in rows:
        sheet.append(list(row))
    for index, width in enumerate(widths or ()):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export(fmt, headings, rows, *, title, file_stem, office_name="", sheet_title="Sheet",
           widths=None):
    """The RPC answer for a table: JSON rows, or a base64 CSV/XLSX file with its name."""
    if fmt == "json":
        return {"title": title, "headings": list(headings), "rows": [list(r) for r in rows]}
    data = (to_csv(headings, rows) if fmt == "csv" else
            to_xlsx(headings, rows, title, office_name, sheet_title, widths))
    return {"title": title, "file_name": f"{file_stem}.{fmt}", "content_type": CONTENT_TYPES[fmt],
            "data": base64.b64encode(data).decode("ascii"), "rows": len(rows)}
