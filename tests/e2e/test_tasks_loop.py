"""The office's loop across processes on the real broker: a document is received, the leader
directs it, the head assigns it, the owner is told (notify) and reminded, hands in, the leader
accepts, and the outcome reaches evaluation; the CLI then shows the tracking table."""
import json
import uuid

from shared.auth import mint_token
from shared.calendar import WorkingCalendar
from shared.rpc_client import suite_proxy
from shared.timeutil import today_local
from tests.conftest import OFFICE, wait_for

CAL = WorkingCalendar()


def test_document_to_completed_outcome(suite):
    run = uuid.uuid4().hex[:6]
    lead, head, owner = f"lead-{run}", f"tp-{run}", f"cv-{run}"
    token = {name: mint_token(suite.config, sub, OFFICE, roles) for name, sub, roles in (
        ("lead", lead, ["leader"]), ("head", head, ["head"]), ("owner", owner, ["staff"]),
        ("clerk", f"vt-{run}", ["clerk"]), ("admin", f"ad-{run}", ["admin"]))}
    unit = f"PTH{run}"

    with suite_proxy(suite.config, token=token["lead"]) as proxy:
        proxy.tasks.upsert_unit(unit={"code": unit, "name": f"Phòng Tổng hợp {run}"})
        for sub, name, is_head in ((head, "Trần Thị Trưởng", True), (owner, "Lê Văn Một", False)):
            proxy.tasks.upsert_staff(staff={"staff_id": sub, "full_name": name,
                                            "unit_code": unit, "is_unit_head": is_head})
    with suite_proxy(suite.config, token=token["clerk"]) as proxy:
        document = proxy.intake.receive(document={
            "subject": f"V/v báo cáo kết quả giải quyết kiến nghị cử tri {run}",
            "organ_name": "Ban Dân nguyện", "code_number": "57", "code_notation": "BDN-TH",
            "channel": "paper"})

    due = CAL.add_working_days(today_local(), 5)
    with suite_proxy(suite.config, token=token["lead"]) as proxy:
        wait_for(lambda: any(i["document_id"] == document["id"]
                             for i in proxy.tasks.pending_directions()),
                 message="the document waiting for the leader's direction")
        directed = proxy.tasks.direct(document_id=document["id"], lead=unit,
                                      due_date=due.isoformat(), note="Khẩn trương báo cáo")
    task_id = directed["tasks"][0]["id"]
    assert directed["status"] == "directed" and directed["lead_task_id"] == task_id

    with suite_proxy(suite.config, token=token["head"]) as proxy:
        proxy.tasks.assign(task_id=task_id, assignee=owner)
    with suite_proxy(suite.config, token=token["owner"]) as proxy:
        proxy.tasks.accept(task_id=task_id)
    with suite_proxy(suite.config, token=token["admin"]) as proxy:
        swept = proxy.tasks.run_reminders(on=CAL.add_working_days(due, -1).isoformat())
        again = proxy.tasks.run_reminders(on=CAL.add_working_days(due, -1).isoformat())
    assert swept["due_soon"] >= 1 and again["due_soon"] == 0
    with suite_proxy(suite.config, token=token["owner"]) as proxy:
        titles = wait_for(lambda: (lambda found: found if len(found) == 2 else None)(
            [n["title"] for n in proxy.notify.inbox()["items"] if run in n["title"]]),
            message="the owner's notices of the assignment and the coming deadline")
    assert sorted(titles) == sorted([
        f"Công việc mới được giao: {directed['tasks'][0]['title']}",
        f"Sắp đến hạn: {directed['tasks'][0]['title']}"])
    with suite_proxy(suite.config, token=token["owner"]) as proxy:
        proxy.tasks.submit(task_id=task_id, result="Đã báo cáo", reply_number="12/BC-VP")
    with suite_proxy(suite.config, token=token["lead"]) as proxy:
        done = proxy.tasks.review(task_id=task_id, decision="accept", quality_met=True)
        assert done["status"] == "done"
        outcomes = wait_for(lambda: [o for o in proxy.evaluation.outcomes(assignee=owner)
                                     if o["task_id"] == task_id],
                            message="the outcome recorded by evaluation")
    assert outcomes[0]["on_time"] is True and outcomes[0]["due_date"] == due.isoformat()

    shown = suite.cli("tasks", "table", "--period", due.strftime("%Y-%m"), "--group-by",
                      "person", "--scope", f"unit:{unit}", "--token", token["lead"], check=True)
    assert "Lê Văn Một" in shown.stdout and "Hoàn thành đúng hạn" in shown.stdout
    raw = suite.cli("rpc", "tasks.tracking_table", json.dumps({
        "scope": f"unit:{unit}", "period": due.strftime("%Y-%m"), "group_by": "person"}),
        "--token", token["lead"], check=True)
    (row,) = json.loads(raw.stdout)["items"]
    assert (row["key"], row["assigned"], row["done_on_time"], row["on_time_rate"]) == \
        (owner, 1, 1, 100.0)
