"""Issue 10, point 2, from the users' side: at every hand-off the next person finds a notice in
their inbox, once — the unit head when the leader directs a document to the unit, the previous
owner when the head re-assigns it, the reviewer when the result is handed in, the owner when
the leader accepts it."""
import uuid

from shared.auth import mint_token
from shared.calendar import WorkingCalendar
from shared.rpc_client import suite_proxy
from shared.timeutil import today_local
from tests.conftest import OFFICE, wait_for

CAL = WorkingCalendar()


def test_each_hand_off_tells_the_next_person_once(suite):
    run = uuid.uuid4().hex[:6]
    unit = f"PHD{run}"
    people = {"lead": (f"ld-{run}", ["leader"]), "head": (f"tp-{run}", ["head"]),
              "first": (f"cv1-{run}", ["staff"]), "second": (f"cv2-{run}", ["staff"]),
              "clerk": (f"vt-{run}", ["clerk"])}
    token = {name: mint_token(suite.config, sub, OFFICE, roles)
             for name, (sub, roles) in people.items()}

    def as_(name):
        return suite_proxy(suite.config, token=token[name])

    def inbox(name, wanted):
        """The titles of this run in a person's inbox, once `wanted` of them are there."""
        with as_(name) as proxy:
            return wait_for(lambda: (lambda got: got if len(got) >= wanted else None)(
                [n["title"] for n in proxy.notify.inbox(limit=200)["items"] if run in n["title"]]),
                message=f"{wanted} notices in the inbox of {name}")

    with as_("lead") as proxy:
        proxy.tasks.upsert_unit(unit={"code": unit, "name": f"Phòng Dân nguyện {run}"})
        for name, full_name, is_head in (("head", "Trần Thị Trưởng", True),
                                         ("first", "Lê Văn Một", False),
                                         ("second", "Phan Thị Hai", False)):
            proxy.tasks.upsert_staff(staff={"staff_id": people[name][0], "full_name": full_name,
                                            "unit_code": unit, "is_unit_head": is_head})
    with as_("clerk") as proxy:
        document = proxy.intake.receive(document={
            "subject": f"V/v trả lời kiến nghị cử tri {run}", "organ_name": "Ban Dân nguyện",
            "channel": "paper"})

    # the leader directs the document to the unit: its head is told
    due = CAL.add_working_days(today_local(), 5)
    with as_("lead") as proxy:
        wait_for(lambda: any(i["document_id"] == document["id"]
                             for i in proxy.tasks.pending_directions()),
                 message="the document waiting for the leader's direction")
        directed = proxy.tasks.direct(document_id=document["id"], lead=unit,
                                      due_date=due.isoformat(), note="Phòng chủ trì trả lời")
    task = directed["tasks"][0]
    assert inbox("head", 1) == [f"Công việc giao cho đơn vị: {task['title']}"]

    # the head gives it to one staff member, then to another: the first is told it is not theirs
    with as_("head") as proxy:
        proxy.tasks.assign(task_id=task["id"], assignee=people["first"][0])
        proxy.tasks.assign(task_id=task["id"], assignee=people["second"][0])
    assert sorted(inbox("first", 2)) == sorted([f"Công việc mới được giao: {task['title']}",
                                                f"Công việc đã được giao lại: {task['title']}"])

    # the owner accepts and hands in: the leader who gave the work reviews it and is told
    with as_("second") as proxy:
        proxy.tasks.accept(task_id=task["id"])
        proxy.tasks.submit(task_id=task["id"], result="Đã dự thảo văn bản trả lời",
                           reply_number="12/BC-VP")
    assert f"Kết quả chờ xem xét: {task['title']}" in inbox("lead", 1)

    # the leader accepts the result: the owner is told
    with as_("lead") as proxy:
        assert proxy.tasks.review(task_id=task["id"], decision="accept",
                                  quality_met=True)["status"] == "done"
    second = inbox("second", 2)
    assert sorted(second) == sorted([f"Công việc mới được giao: {task['title']}",
                                     f"Kết quả được chấp nhận: {task['title']}"])

    # each notice once: nobody has two of the same
    for name in ("head", "first", "second", "lead"):
        titles = inbox(name, 1)
        assert len(titles) == len(set(titles)), (name, titles)
