"""Finding work the way people ask (issue 10 point 5), across the services as processes: the
clerk finds a document by the số, ký hiệu as typed on it and sees it waiting for direction; once
it is directed and assigned, the staff member lists what is due soon for them and the unit head
for the unit, by deadline."""
import json
import random
import uuid

from shared.auth import mint_token
from shared.calendar import WorkingCalendar
from shared.rpc_client import suite_proxy
from shared.timeutil import today_local
from tests.conftest import OFFICE, wait_for

CAL = WorkingCalendar()


def test_the_clerk_finds_by_symbol_and_the_staff_member_sees_what_is_due_soon(suite):
    run = uuid.uuid4().hex[:6]
    number = str(random.randint(100_000, 999_999))
    lead, head, owner = f"ld-{run}", f"tp-{run}", f"cv-{run}"
    token = {name: mint_token(suite.config, sub, OFFICE, roles) for name, sub, roles in (
        ("lead", lead, ["leader"]), ("head", head, ["head"]), ("owner", owner, ["staff"]),
        ("clerk", f"vt-{run}", ["clerk"]))}
    unit = f"PTH{run}"

    def rpc(method, who, **kwargs):
        shown = suite.cli("rpc", method, json.dumps(kwargs), "--token", token[who], check=True)
        return json.loads(shown.stdout)

    with suite_proxy(suite.config, token=token["lead"]) as proxy:
        proxy.tasks.upsert_unit(unit={"code": unit, "name": f"Phòng Tổng hợp {run}"})
        for sub, name, is_head in ((head, "Trần Thị Trưởng", True), (owner, "Lê Văn Một", False)):
            proxy.tasks.upsert_staff(staff={"staff_id": sub, "full_name": name,
                                            "unit_code": unit, "is_unit_head": is_head})
    document = rpc("intake.receive", "clerk", document={
        "subject": f"V/v báo cáo kết quả giám sát {run}", "code_number": number,
        "code_notation": "UBND-VP", "organ_name": "UBND tỉnh", "channel": "paper"})

    # the clerk: the symbol as it is written, typed, or said
    for typed in (f"{number}/UBND-VP", f"{number}/ubnd-vp", f"Số {number}/UBND-VP"):
        found = rpc("intake.search", "clerk", query=typed)
        assert [d["id"] for d in found["items"]] == [document["id"]], typed
    waiting = rpc("intake.search", "clerk", number=number, waiting_for_direction=True,
                  date_from=today_local().strftime("%d/%m/%Y"))
    assert [d["id"] for d in waiting["items"]] == [document["id"]]
    unknown = suite.cli("rpc", "intake.search", json.dumps({"so_hieu": number}),
                        "--token", token["clerk"])
    assert unknown.returncode != 0 and "so_hieu" in unknown.stdout + unknown.stderr

    # the leader directs it to the unit, due tomorrow (working day); the head names the owner
    due = CAL.add_working_days(today_local(), 1)
    with suite_proxy(suite.config, token=token["lead"]) as proxy:
        wait_for(lambda: any(i["document_id"] == document["id"]
                             for i in proxy.tasks.pending_directions()),
                 message="the document waiting for the leader's direction")
        directed = proxy.tasks.direct(document_id=document["id"], lead=unit,
                                      due_date=due.isoformat(), note="Báo cáo ngay")
        later = proxy.tasks.create(task={"title": f"Tổng hợp ý kiến {run}", "assignee": owner,
                                         "due_date": CAL.add_working_days(due, 20).isoformat()})
    task_id = directed["tasks"][0]["id"]
    with suite_proxy(suite.config, token=token["head"]) as proxy:
        proxy.tasks.assign(task_id=task_id, assignee=owner)

    # the staff member: what is due soon for me; everything of mine, by deadline
    mine = rpc("tasks.list_tasks", "owner", mine=True, due_soon=True)
    assert [t["id"] for t in mine["items"]] == [task_id]
    everything = rpc("tasks.list_tasks", "owner", mine=True)
    assert [t["id"] for t in everything["items"]] == [task_id, later["id"]]
    # the unit head: the unit's due-soon work; the office is not theirs to list
    unit_soon = rpc("tasks.list_tasks", "head", scope="unit", due_soon=True)
    assert [t["id"] for t in unit_soon["items"]] == [task_id]
    refused = suite.cli("rpc", "tasks.list_tasks", json.dumps({"scope": "office"}),
                        "--token", token["owner"])
    assert refused.returncode != 0 and "FORBIDDEN" in refused.stdout + refused.stderr
