"""tasks' RPCs against the real broker, on SQLite and PostgreSQL."""
import base64
import csv
import io
import json
from datetime import datetime, timedelta, timezone

import pytest
from nameko.exceptions import RemoteError
from openpyxl import load_workbook
from sqlalchemy import insert, text

from services.intake.service import IntakeService
from services.tasks import tracking
from services.tasks.models import Task
from services.tasks.service import TasksService
from shared.calendar import WorkingCalendar
from shared.errors import parse_remote_error
from shared.rpc_client import suite_proxy
from shared.timeutil import today_local
from tests.conftest import OFFICE, OTHER_OFFICE, read_engine, wait_for

pytestmark = pytest.mark.integration

CAL = WorkingCalendar()
UNITS = [
    {"code": "VP", "name": "Văn phòng"},
    {"code": "PTH", "name": "Phòng Tổng hợp", "parent_code": "VP"},
    {"code": "PHC", "name": "Phòng Hành chính - Tổ chức - Quản trị", "parent_code": "VP"},
    {"code": "DU", "name": "Đảng ủy cơ quan", "aliases": ["Đảng ủy Văn phòng UBND tỉnh"]},
]
STAFF = [
    {"staff_id": "lead1", "full_name": "Nguyễn Văn Lãnh", "unit_code": "VP", "is_leader": True,
     "position": "Chánh Văn phòng", "roles": ["leader"]},
    {"staff_id": "tp1", "full_name": "Trần Thị Trưởng", "unit_code": "PTH", "is_unit_head": True,
     "position": "Trưởng phòng", "roles": ["head"], "task_group": "lanh-dao-phong"},
    {"staff_id": "cv1", "full_name": "Lê Văn Một", "unit_code": "PTH", "task_group": "chuyen-vien"},
    {"staff_id": "cv2", "full_name": "Phạm Thị Hai", "unit_code": "PTH",
     "task_group": "chuyen-vien"},
    {"staff_id": "tp2", "full_name": "Võ Văn Hành", "unit_code": "PHC", "is_unit_head": True},
    {"staff_id": "bt1", "full_name": "Đỗ Văn Đảng", "unit_code": "DU", "is_unit_head": True},
]


def call(config, method, token=None, **kwargs):
    with suite_proxy(config, token=token) as proxy:
        return getattr(proxy.tasks, method)(**kwargs)


def error_of(config, method, token, **kwargs):
    with pytest.raises(RemoteError) as raised:
        call(config, method, token, **kwargs)
    return parse_remote_error(raised.value)


def outbox_events(config, *types):
    engine = read_engine(config["DB_URL"])
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT envelope FROM outbox ORDER BY id")).scalars().all()
    engine.dispose()
    events = [json.loads(row) for row in rows]
    return [e for e in events if not types or e["event_type"] in types]


class RunningService(dict):
    """A service's config, with the runner that runs it."""
    runner = None


@pytest.fixture
def tasks(runner_factory, service_config):
    # the minute timer is off: the tests sweep at chosen dates with run_reminders
    config = RunningService(service_config(
        TasksService, REMINDER_TIMER=False,
        REMINDERS={"due_soon_days": [1, 3], "hour": 8, "escalate_after_days": 2}))
    config.runner = runner_factory(config, TasksService)
    config.runner.start()
    return config


@pytest.fixture
def people(token):
    return {sub: token(sub, roles) for sub, roles in (
        ("lead1", ["leader"]), ("tp1", ["head"]), ("cv1", ["staff"]), ("cv2", ["staff"]),
        ("tp2", ["head"]), ("admin", ["admin"]), ("clerk1", ["clerk"]))}


@pytest.fixture
def organised(tasks, people):
    for unit in UNITS:
        call(tasks, "upsert_unit", people["lead1"], unit=unit)
    for person in STAFF:
        call(tasks, "upsert_staff", people["lead1"], staff=person)
    return tasks


def working_days_from_today(n):
    return CAL.add_working_days(today_local(), n)


def test_organisation_is_kept_and_announced(organised, people, token):
    units = call(organised, "list_units", people["cv1"])
    assert [u["code"] for u in units] == ["DU", "VP", "PHC", "PTH"]
    in_vp = call(organised, "list_staff", people["cv1"], unit_code="VP")
    assert {s["staff_id"] for s in in_vp} == {"lead1", "tp1", "cv1", "cv2", "tp2"}
    moved = call(organised, "upsert_staff", people["lead1"], staff={**STAFF[3], "unit_code": "PHC"})
    assert moved["unit_code"] == "PHC"
    changes = [e["data"] for e in outbox_events(organised, "staff_changed")]
    assert len(changes) == len(STAFF) + 1
    assert changes[-1] == {**changes[-1], "staff_id": "cv2", "unit_code": "PHC",
                           "previous_unit_code": "PTH", "unit_name": UNITS[2]["name"],
                           "task_group": "chuyen-vien", "full_name": "Phạm Thị Hai"}
    code, _, fields = error_of(organised, "upsert_unit", people["lead1"],
                               unit={"code": "VP", "name": "Văn phòng", "parent_code": "PTH"})
    assert code == "VALIDATION_ERROR" and "parent_code" in fields
    code, _, fields = error_of(organised, "upsert_staff", people["lead1"],
                               staff={"staff_id": "x", "full_name": "X", "unit_code": "NOPE"})
    assert code == "VALIDATION_ERROR" and "unit_code" in fields
    code, _, _ = error_of(organised, "upsert_unit", people["cv1"], unit=UNITS[0])
    assert code == "FORBIDDEN"
    # staff ids are each office's own: another office's "cv1" is another person
    other_leader = token("hnlead", ["leader"], office=OTHER_OFFICE)
    call(organised, "upsert_unit", other_leader, unit={"code": "PTH", "name": "Phòng Tổng hợp"})
    theirs = call(organised, "upsert_staff", other_leader,
                  staff={"staff_id": "cv1", "full_name": "Ai đó", "unit_code": "PTH"})
    assert theirs["full_name"] == "Ai đó"
    ours = {s["staff_id"]: s for s in call(organised, "list_staff", people["cv1"])}
    assert ours["cv1"]["full_name"] == "Lê Văn Một"


def test_a_task_from_giving_to_completion_over_rpc(organised, people):
    due = working_days_from_today(5)
    task = call(organised, "create", people["lead1"], task={
        "title": "Tổng hợp ý kiến cử tri trước kỳ họp", "unit_code": "PTH",
        "due_in_working_days": 5, "weight": 2, "urgent": True})
    assert (task["status"], task["due_date"], task["unit_due_date"]) == \
        ("new", due.isoformat(), due.isoformat())
    task_id = task["id"]
    call(organised, "assign", people["tp1"], task_id=task_id, assignee="cv1")
    call(organised, "accept", people["cv1"], task_id=task_id)
    call(organised, "report_progress", people["cv1"], task_id=task_id, percent=60,
         note="Đã tổng hợp 8/10 huyện")
    call(organised, "submit", people["cv1"], task_id=task_id, result="Báo cáo tổng hợp",
         reply_number="101/BC-VP")
    returned = call(organised, "review", people["tp1"], task_id=task_id, decision="return",
                    quality_met=False, reason="Thiếu ý kiến của huyện Tháp Mười")
    assert (returned["status"], returned["failed_reviews"]) == ("returned", 1)
    call(organised, "submit", people["cv1"], task_id=task_id, result="Báo cáo đã bổ sung",
         reply_number="101/BC-VP")
    done = call(organised, "review", people["lead1"], task_id=task_id, decision="accept",
                quality_met=True)
    assert (done["status"], done["on_time"], done["completed_on"]) == \
        ("done", True, today_local().isoformat())

    detail = call(organised, "get", people["cv2"], task_id=task_id)
    assert [(h["action"], h["by"]) for h in detail["history"]] == [
        ("created", "lead1"), ("assigned", "tp1"), ("accepted", "cv1"),
        ("progress_reported", "cv1"), ("submitted", "cv1"), ("reviewed", "tp1"),
        ("submitted", "cv1"), ("reviewed", "lead1")]
    events = outbox_events(organised, "task_created", "task_assigned", "task_accepted",
                           "task_progress_reported", "task_submitted", "task_reviewed",
                           "task_completed")
    assert [e["event_type"] for e in events] == [
        "task_created", "task_assigned", "task_assigned", "task_accepted",
        "task_progress_reported", "task_submitted", "task_reviewed", "task_submitted",
        "task_reviewed", "task_completed"]
    completed = events[-1]
    assert completed["office"] == OFFICE and completed["actor"]["sub"] == "lead1"
    assert completed["data"] == {**completed["data"], "task_id": task_id, "assignee": "cv1",
                                 "assigner": "lead1", "unit_code": "PTH", "unit_head": "tp1",
                                 "weight": 2.0, "urgent": True, "on_time": True,
                                 "delay_count": 0, "failed_reviews": 1, "quality_met": True,
                                 "due_date": due.isoformat(),
                                 "assigned_on": today_local().isoformat()}
    mine = call(organised, "list_tasks", people["cv1"], mine=True)
    assert [t["id"] for t in mine["items"]] == [task_id]


def test_bad_input_is_refused_naming_the_rule_and_writes_nothing(organised, people, token):
    lead = people["lead1"]
    yesterday = (today_local() - timedelta(days=1)).isoformat()
    hn_leader = token("hnlead", ["leader"], office=OTHER_OFFICE)
    call(organised, "upsert_unit", hn_leader, unit={"code": "PTH", "name": "Phòng Tổng hợp"})
    call(organised, "upsert_staff", hn_leader, staff={"staff_id": "hn1", "full_name": "Hà Nội",
                                                      "unit_code": "PTH"})
    before = len(outbox_events(organised))
    code, _, fields = error_of(organised, "create", lead, task={
        "title": "x", "unit_code": "PTH", "due_date": yesterday})
    assert code == "VALIDATION_ERROR" and "before today" in fields["due_date"][0]
    code, _, fields = error_of(organised, "create", lead, task={
        "title": "x", "assignee": "hn1", "due_in_working_days": 3})
    assert (code, fields) == ("VALIDATION_ERROR", {"assignee": [f"'hn1' is not staff of {OFFICE}"]})
    code, _, fields = error_of(organised, "create", lead, task={"title": "x", "unit_code": "PTH"})
    assert code == "VALIDATION_ERROR" and "due_date" in fields
    parent = call(organised, "create", lead, task={"title": "Cha", "assignee": "cv1",
                                                   "due_in_working_days": 3})
    call(organised, "accept", people["cv1"], task_id=parent["id"])
    code, _, fields = error_of(organised, "create", people["cv1"], task={
        "title": "Con", "assignee": "cv1", "parent_id": parent["id"],
        "due_date": working_days_from_today(4).isoformat()})
    assert code == "VALIDATION_ERROR" and "parent task's deadline" in fields["due_date"][0]
    code, message, _ = error_of(organised, "submit", people["cv2"], task_id=parent["id"],
                                result="x")
    assert code == "FORBIDDEN" and message.startswith("submit: only")
    code, _, fields = error_of(organised, "accept", people["cv1"], task_id=parent["id"])
    assert code == "CONFLICT" and "in_progress" in fields["status"][0]
    code, _, fields = error_of(organised, "report_progress", people["cv1"], task_id=parent["id"],
                               percent=120)
    assert code == "VALIDATION_ERROR" and "percent" in fields
    code, _, _ = error_of(organised, "get", hn_leader, task_id=parent["id"])
    assert code == "NOT_FOUND"
    after = outbox_events(organised)
    assert [e["event_type"] for e in after[before:]] == [
        "task_created", "task_assigned", "task_accepted"]       # only the good calls


def test_reminders_once_per_task_threshold_and_day_across_restarts(
        runner_factory, organised, people):
    due = working_days_from_today(5)
    task = call(organised, "create", people["lead1"], task={
        "title": "Báo cáo giám sát", "assignee": "cv1", "due_date": due.isoformat()})

    def sweep(day):
        return call(organised, "run_reminders", people["admin"], on=day.isoformat())

    three_before = CAL.add_working_days(due, -3)
    assert sweep(three_before)["due_soon"] == 1
    assert sweep(three_before)["due_soon"] == 0
    organised.runner.stop()                                  # a restart: a new container
    runner_factory(organised, TasksService).start()
    assert sweep(three_before)["due_soon"] == 0
    assert sweep(CAL.add_working_days(due, -1))["due_soon"] == 1
    first_late, second_late = CAL.add_working_days(due, 1), CAL.add_working_days(due, 2)
    assert sweep(first_late)["overdue"] == 1
    assert sweep(first_late)["overdue"] == 0
    sent = [e["data"] for e in outbox_events(organised, "task_due_soon", "task_overdue",
                                             "task_escalated")]
    assert [(d["threshold"], d["on_date"]) for d in sent] == [
        (3, three_before.isoformat()), (1, CAL.add_working_days(due, -1).isoformat()),
        (1, first_late.isoformat())]
    assert sweep(second_late)["escalated"] == 1              # escalate_after_days: 2
    escalated = outbox_events(organised, "task_escalated")[0]["data"]
    assert escalated["recipients"] == ["lead1", "tp1"] and escalated["task_id"] == task["id"]
    assert escalated["working_days_overdue"] == 2
    code, _, _ = error_of(organised, "run_reminders", people["cv1"])
    assert code == "FORBIDDEN"


def test_two_replicas_send_each_reminder_once(runner_factory, organised, people, databases):
    if databases.kind == "sqlite":
        pytest.skip("SQLite is one process's embedded database: replicas need PostgreSQL "
                    "(restarts are tested on SQLite above)")
    runner_factory(organised, TasksService).start()             # a second replica
    due = working_days_from_today(2)
    for n in range(20):
        call(organised, "create", people["lead1"], task={
            "title": f"Việc {n}", "assignee": "cv1", "due_date": due.isoformat()})
    on = CAL.add_working_days(due, -1).isoformat()
    with suite_proxy(organised, token=people["admin"]) as proxy:
        replies = [proxy.tasks.run_reminders.call_async(on=on) for _ in range(8)]
        counts = [reply.result()["due_soon"] for reply in replies]
    assert sum(counts) == 20
    assert len(outbox_events(organised, "task_due_soon")) == 20


def test_extension_with_objective_cause_is_excused(organised, people):
    task = call(organised, "create", people["lead1"], task={
        "title": "Rà soát nghị quyết", "assignee": "cv1", "due_in_working_days": 2})
    call(organised, "accept", people["cv1"], task_id=task["id"])
    later = working_days_from_today(6).isoformat()
    call(organised, "request_extension", people["cv1"], task_id=task["id"], new_due_date=later,
         reason="Chờ ý kiến của Sở Tư pháp")
    decided = call(organised, "decide_extension", people["lead1"], task_id=task["id"],
                   approve=True, objective_cause=True, reason="Sở Tư pháp chưa trả lời")
    assert (decided["due_date"], decided["delay_count"], decided["excused_delays"]) == \
        (later, 1, 1)
    call(organised, "submit", people["cv1"], task_id=task["id"], result="Xong")
    call(organised, "review", people["lead1"], task_id=task["id"], decision="accept",
         quality_met=True)
    completed = outbox_events(organised, "task_completed")[0]["data"]
    assert (completed["on_time"], completed["delay_count"], completed["excused_delays"]) == \
        (True, 1, 1)
    requested = outbox_events(organised, "extension_requested")[0]["data"]
    assert requested["requested_due_date"] == later


def insert_tasks(config, rows):
    engine = read_engine(config["DB_URL"])
    with engine.begin() as connection:
        connection.execute(insert(Task.__table__), rows)
    engine.dispose()


def test_tracking_table_sql_agrees_with_the_rules(organised, people):
    """Tasks imported with past and future deadlines: the SQL counts equal `classify`."""
    today, now = today_local(), datetime.now(timezone.utc)
    month_start = today.replace(day=1)
    days = [month_start + timedelta(days=i) for i in range(28)]
    statuses = ["done", "in_progress", "assigned", "submitted", "returned", "new", "cancelled"]
    people_ = ["cv1", "cv2", "tp1"]
    rows = []
    for n in range(70):
        due = days[n % len(days)]
        status = statuses[n % len(statuses)]
        rows.append({
            "office": OFFICE, "title": f"Việc {n}", "task_type": "general", "weight": 1.0,
            "urgent": False, "status": status, "unit_code": "PHC" if n % 5 == 0 else "PTH",
            "assignee": None if status == "new" else people_[n % 3], "assigner": "lead1",
            "coordinators": "[]", "due_date": due, "original_due_date": due,
            "on_time": (n % 2 == 0) if status == "done" else None,
            "submitted_on": due + timedelta(days=(n % 3) - 1) if status in ("done", "submitted")
            else None, "progress": 0, "delay_count": 0, "excused_delays": 0,
            "failed_reviews": 0, "created_by": "lead1", "created_at": now, "updated_at": now})
    insert_tasks(organised, rows)
    soon_until = CAL.add_working_days(today, 3)
    expected = {}
    for row in rows:
        if row["status"] == "cancelled":
            continue
        column, soon = tracking.classify(row["status"], row["due_date"], row["on_time"],
                                         row["submitted_on"], today, soon_until)
        counts = expected.setdefault(row["assignee"], dict.fromkeys(tracking.COLUMNS, 0))
        counts["assigned"] += 1
        counts[column] += 1
        counts["due_soon"] += soon
    table = call(organised, "tracking_table", people["lead1"], period=today.strftime("%Y-%m"),
                 group_by="person")
    got = {item["key"]: {c: item[c] for c in tracking.COLUMNS} for item in table["items"]}
    assert got == expected
    assert table["total"]["assigned"] == sum(c["assigned"] for c in expected.values())
    names = {item["key"]: item["name"] for item in table["items"]}
    assert names["cv1"] == "Lê Văn Một" and names[None] == tracking.NO_PERSON
    by_unit = call(organised, "tracking_table", people["tp1"], scope="unit:PTH",
                   period=today.strftime("%Y-%m"), group_by="unit")
    assert [item["key"] for item in by_unit["items"]] == ["PTH"]
    code, _, _ = error_of(organised, "tracking_table", people["tp1"], scope="unit:PHC")
    assert code == "FORBIDDEN"
    code, _, _ = error_of(organised, "tracking_table", people["cv1"])
    assert code == "FORBIDDEN"
    own = call(organised, "tracking_table", people["cv1"], scope="person:cv1", group_by="person",
               period=today.strftime("%Y-%m"))
    assert [item["key"] for item in own["items"]] == ["cv1"]

    exported = call(organised, "tracking_table", people["lead1"], group_by="unit",
                    period=today.strftime("%Y-%m"), format="csv")
    lines = list(csv.reader(io.StringIO(base64.b64decode(exported["data"]).decode("utf-8-sig"))))
    assert lines[0] == list(tracking.headings("unit"))
    assert lines[0][:3] == ["Đơn vị", "Số việc được giao", "Hoàn thành đúng hạn"]
    assert lines[-1][0] == "Tổng cộng" and int(lines[-1][1]) == table["total"]["assigned"]
    xlsx = call(organised, "tracking_table", people["lead1"], group_by="unit",
                period=today.strftime("%Y-%m"), format="xlsx")
    sheet = load_workbook(io.BytesIO(base64.b64decode(xlsx["data"]))).active
    assert sheet["A2"].value.startswith("BẢNG THEO DÕI THỰC HIỆN NHIỆM VỤ")
    assert [c.value for c in sheet[4]][:2] == ["Đơn vị", "Số việc được giao"]


@pytest.fixture
def intake_and_tasks(runner_factory, service_config, tasks):
    config = service_config(IntakeService)
    runner_factory(config, IntakeService).start()
    return config


def test_document_direction_proposals_and_register(intake_and_tasks, organised, people,
                                                   corpus_dir):
    clerk = people["clerk1"]
    seed = (corpus_dir / "seeds" / "003_ccf1fd8162f83281.txt").read_text(encoding="utf-8")
    with suite_proxy(intake_and_tasks, token=clerk) as proxy:
        notice = proxy.intake.receive(document={"text": seed, "channel": "paper",
                                                "organ_name": "Đảng ủy Khối",
                                                "arrival_date": "2026-11-23"})
        plain = proxy.intake.receive(document={
            "subject": "V/v chuẩn bị kỳ họp thường lệ cuối năm", "channel": "paper",
            "organ_name": "Thường trực HĐND tỉnh", "code_number": "88",
            "code_notation": "HĐND-VP", "priority": "khẩn"})
    items = wait_for(lambda: len(call(organised, "pending_directions", people["lead1"])) == 2
                     and call(organised, "pending_directions", people["lead1"]),
                     message="both documents waiting for direction")
    assert [i["document_id"] for i in items] == [plain["id"], notice["id"]]   # urgent first
    (proposal,) = items[1]["proposals"]
    # no date on the notice: 6 months from its arrival, Mon 23/11/2026 -> Mon 24/5/2027
    assert (proposal["unit_code"], proposal["due_date"], proposal["status"]) == \
        ("DU", "2027-05-24", "proposed")
    # confirmed with a date of the wall clock's future: the proposal's own date passes in 2027
    # (confirming with the proposed date is tests/unit/tasks/test_lifecycle.py's, on a fixed clock)
    unit_due = working_days_from_today(20).isoformat()
    confirmed = call(organised, "confirm_proposed", people["lead1"], task_id=proposal["id"],
                     due_date=unit_due)
    assert (confirmed["status"], confirmed["unit_due_date"]) == ("new", unit_due)

    due = working_days_from_today(5).isoformat()
    directed = call(organised, "direct", people["lead1"], document_id=plain["id"], lead="PTH",
                    coordinators=["PHC"], due_in_working_days=5, note="Phòng Tổng hợp chủ trì")
    lead_task, coordination = directed["tasks"]
    assert lead_task["coordinators"] == ["tp2"] and coordination["unit_code"] == "PHC"
    assert lead_task["due_date"] == coordination["due_date"] == due
    code, _, fields = error_of(organised, "assign", people["tp1"], task_id=lead_task["id"],
                               assignee="cv1",
                               due_date=working_days_from_today(6).isoformat())
    assert code == "VALIDATION_ERROR" and "the unit's deadline" in fields["due_date"][0]
    call(organised, "assign", people["tp1"], task_id=lead_task["id"], assignee="cv1")
    call(organised, "accept", people["cv1"], task_id=lead_task["id"])
    call(organised, "report_progress", people["cv1"], task_id=lead_task["id"], percent=40)

    register = call(organised, "incoming_register", people["lead1"], year=today_local().year)
    assert register["headings"][0] == "Số đến"
    row = [r for r in register["rows"] if r[0] == plain["arrival_number"]][0]
    assert row[3] == "Chủ trì: Phòng Tổng hợp (Lê Văn Một); Phối hợp: " + UNITS[2]["name"]
    assert row[5] == "Đang giải quyết (40%)"
    assert "88/HĐND-VP" in row[2] and "Khẩn" in row[7]
    old = call(organised, "incoming_register", people["lead1"], year=2026, format="xlsx")
    sheet = load_workbook(io.BytesIO(base64.b64decode(old["data"]))).active
    assert sheet["A2"].value == "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN NĂM 2026"
    numbers = [r[0].value for r in sheet.iter_rows(min_row=5)]
    assert notice["arrival_number"] in numbers
    code, _, fields = error_of(organised, "direct", people["lead1"], document_id=plain["id"],
                               lead="PTH", due_date=due)
    assert code == "CONFLICT"


def test_overdue_and_due_soon_lists_for_me_my_unit_and_the_office(organised, people):
    """Issue 10 point 5: overdue and due-soon work, as each person may see it, by deadline
    (urgent first on the same day), counted on the working-day calendar like the reminders."""
    today, now = today_local(), datetime.now(timezone.utc)
    late, later = today - timedelta(days=9), today - timedelta(days=2)
    soon, not_soon = working_days_from_today(1), working_days_from_today(10)
    rows = []

    def add(title, status, assignee, unit, due, urgent=False, submitted_on=None):
        rows.append({
            "office": OFFICE, "title": title, "task_type": "general", "weight": 1.0,
            "urgent": urgent, "status": status, "unit_code": unit, "assignee": assignee,
            "assigner": "lead1", "coordinators": "[]", "due_date": due, "original_due_date": due,
            "submitted_on": submitted_on, "progress": 0, "delay_count": 0, "excused_delays": 0,
            "failed_reviews": 0, "created_by": "lead1", "created_at": now, "updated_at": now})

    add("cv1 trễ, thường", "in_progress", "cv1", "PTH", later)
    add("cv1 trễ, khẩn", "assigned", "cv1", "PTH", later, urgent=True)
    add("cv1 nộp trễ", "submitted", "cv1", "PTH", late, submitted_on=later)
    add("cv1 sắp đến hạn", "in_progress", "cv1", "PTH", soon)
    add("cv1 còn lâu", "in_progress", "cv1", "PTH", not_soon)
    add("cv1 đã xong", "done", "cv1", "PTH", late)
    add("cv2 trễ", "returned", "cv2", "PTH", late)
    add("PHC trễ, chưa giao", "new", None, "PHC", late)
    insert_tasks(organised, rows)

    def titles(token, **criteria):
        return [t["title"] for t in call(organised, "list_tasks", token, **criteria)["items"]]

    assert titles(people["cv1"], scope="mine", overdue=True) == [
        "cv1 nộp trễ", "cv1 trễ, khẩn", "cv1 trễ, thường"]
    assert titles(people["cv1"], mine=True, due_soon=True) == ["cv1 sắp đến hạn"]
    assert titles(people["cv1"], overdue=True, due_soon=True) == [
        "cv1 nộp trễ", "cv1 trễ, khẩn", "cv1 trễ, thường", "cv1 sắp đến hạn"]
    assert "cv2 trễ" not in titles(people["cv1"])            # no scope: one's own work
    for scope in ("unit", "office"):
        code, _, fields = error_of(organised, "list_tasks", people["cv1"], scope=scope)
        assert code == "FORBIDDEN" and "scope" in fields

    assert titles(people["tp1"], scope="unit", overdue=True) == [
        "cv1 nộp trễ", "cv2 trễ", "cv1 trễ, khẩn", "cv1 trễ, thường"]
    assert titles(people["tp2"], scope="unit", overdue=True) == ["PHC trễ, chưa giao"]
    office = call(organised, "list_tasks", people["lead1"], scope="office", overdue=True)
    assert office["total"] == 5 and office["items"][0]["due_date"] == late.isoformat()
    code, _, _ = error_of(organised, "list_tasks", people["lead1"], scope="unit")
    assert code == "FORBIDDEN"                                # a leader heading no unit
    assert call(organised, "list_tasks", people["clerk1"], overdue=True)["total"] == 5

    page = call(organised, "list_tasks", people["lead1"], overdue=True, limit=2, offset=2)
    assert page["total"] == 5 and [t["title"] for t in page["items"]] == \
        titles(people["lead1"], overdue=True)[2:4] == ["PHC trễ, chưa giao", "cv1 trễ, khẩn"]
    code, _, fields = error_of(organised, "list_tasks", people["cv1"], mine=True,
                               scope="office")
    assert code == "VALIDATION_ERROR" and "scope" in fields
    code, _, fields = error_of(organised, "list_tasks", people["cv1"], late=True)
    assert code == "VALIDATION_ERROR" and "late" in fields
