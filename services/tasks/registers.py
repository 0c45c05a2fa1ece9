"""Sổ theo dõi giải quyết văn bản đến (Nghị định 30/2020, Phụ lục IV): one row per incoming
document of a year, in order of số đến, with how its handling stands."""
import json

from sqlalchemy import select

from services.tasks.models import DirectionItem, Staff, Task, Unit, of_office
from services.tasks.workflow import ACTIVE

INCOMING_HEADINGS = ("Số đến", "Ngày đến", "Số, ký hiệu, ngày tháng, tác giả và trích yếu văn bản",
                     "Đơn vị hoặc người nhận", "Thời hạn giải quyết", "Tiến độ giải quyết",
                     "Số, ký hiệu văn bản trả lời", "Ghi chú")
INCOMING_TITLE = "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN"
INCOMING_WIDTHS = (8, 12, 60, 30, 14, 30, 20, 30)
STATUS_TEXT = {"new": "Chưa phân công người thực hiện", "assigned": "Đã giao, chưa nhận",
               "returned": "Trả lại, đang hoàn thiện", "submitted": "Đã trình kết quả, chờ duyệt",
               "cancelled": "Đã hủy"}


def _date(value):
    return value.strftime("%d/%m/%Y") if value else ""


def document_text(item):
    symbol = "/".join(p for p in (item.code_number, item.code_notation) if p)
    parts = [p for p in (symbol, _date(item.issued_date), item.organ_name) if p]
    head = ", ".join(parts)
    subject = " ".join(p for p in (item.type_name, item.subject or "(văn bản mật)") if p)
    return f"{head}: {subject}" if head else subject


def progress_text(item, task, today):
    if item.status == "pending" or task is None:
        return "Chờ ý kiến chỉ đạo"
    if task.status == "done":
        late = "" if task.on_time else " (trễ hạn)"
        return f"Đã giải quyết ngày {_date(task.completed_on)}{late}"
    if task.status == "in_progress":
        text = f"Đang giải quyết ({task.progress}%)"
    else:
        text = STATUS_TEXT.get(task.status, task.status)
    handed_in_on_time = (task.status == "submitted" and task.submitted_on is not None
                         and task.submitted_on <= task.due_date)
    if task.status in ACTIVE and task.due_date < today and not handed_in_on_time:
        text += " – quá hạn"
    return text


def incoming_rows(session, office, year, today):
    items = session.execute(of_office(DirectionItem, office).where(
        DirectionItem.arrival_year == year)
        .order_by(DirectionItem.arrival_number)).scalars().all()
    task_ids = [i.lead_task_id for i in items if i.lead_task_id]
    tasks = {t.id: t for t in session.execute(
        of_office(Task, office).where(Task.id.in_(task_ids))).scalars()} if task_ids else {}
    units = dict(session.execute(select(Unit.code, Unit.name).where(Unit.office == office)).all())
    people = dict(session.execute(
        select(Staff.staff_id, Staff.full_name).where(Staff.office == office)).all())
    rows = []
    for item in items:
        task = tasks.get(item.lead_task_id)
        receivers = []
        if task is not None:
            owner = units.get(task.unit_code, task.unit_code or "")
            if task.assignee:
                owner += f" ({people.get(task.assignee, task.assignee)})"
            receivers.append(f"Chủ trì: {owner}")
        coordinating = [units.get(c.get("unit_code"), c.get("target"))
                        for c in json.loads(item.coordinators or "[]")]
        if coordinating:
            receivers.append("Phối hợp: " + ", ".join(coordinating))
        notes = [n for n in ("Khẩn" if item.urgent else None, item.note) if n]
        rows.append((item.arrival_number, _date(item.arrival_date), document_text(item),
                     "; ".join(receivers), _date(task.due_date if task else item.document_due_date),
                     progress_text(item, task, today), (task.reply_number if task else None) or "",
                     "; ".join(notes)))
    return rows
