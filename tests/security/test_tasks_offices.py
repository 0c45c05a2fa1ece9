"""Hole 9 (issue 9) in tasks, as a tenant of another office would try it over RPC: staff ids
are each office's own (no squatting, no telling whether an id exists elsewhere), and nothing
of one office shows in another's replies."""
import pytest

from tests.conftest import OFFICE, OTHER_OFFICE
from tests.integration.test_tasks import (  # noqa: F401  (fixtures used by name)
    call, error_of, organised, outbox_events, people, tasks)

pytestmark = pytest.mark.integration


@pytest.fixture
def hanoi(organised, token):
    """The other office's leader and staff member, with a unit named like ours."""
    leader, staff = token("hnlead", ["leader"], office=OTHER_OFFICE), \
        token("cv1", ["staff"], office=OTHER_OFFICE)
    call(organised, "upsert_unit", leader, unit={"code": "PTH", "name": "Phòng Tổng hợp HN"})
    return {"leader": leader, "staff": staff}


def test_upsert_staff_does_not_tell_another_office_that_a_staff_id_exists_there(
        organised, hanoi):
    mine = call(organised, "upsert_staff", hanoi["leader"], staff={
        "staff_id": "cv1", "full_name": "Nguyễn Hà Nội", "unit_code": "PTH"})
    assert mine == {**mine, "staff_id": "cv1", "full_name": "Nguyễn Hà Nội"}
    (changed,) = [e for e in outbox_events(organised, "staff_changed")
                  if e["office"] == OTHER_OFFICE]
    assert changed["data"]["full_name"] == "Nguyễn Hà Nội"


def test_one_office_cannot_squat_another_offices_staff_ids(organised, hanoi, people):
    call(organised, "upsert_staff", hanoi["leader"], staff={
        "staff_id": "newcomer", "full_name": "Người Hà Nội", "unit_code": "PTH"})
    ours = call(organised, "upsert_staff", people["lead1"], staff={
        "staff_id": "newcomer", "full_name": "Người Đồng Tháp", "unit_code": "PTH"})
    assert ours["full_name"] == "Người Đồng Tháp"
    task = call(organised, "create", people["lead1"], task={
        "title": "Việc cho người mới", "assignee": "newcomer", "due_in_working_days": 3})
    assert (task["office"], task["unit_code"]) == (OFFICE, "PTH")
    theirs = call(organised, "list_staff", hanoi["staff"])
    assert [(s["staff_id"], s["full_name"]) for s in theirs] == [("newcomer", "Người Hà Nội")]


def test_another_offices_staff_member_answers_exactly_like_nobody(organised, hanoi, people):
    call(organised, "upsert_staff", hanoi["leader"], staff={
        "staff_id": "onlyhn", "full_name": "Chỉ ở Hà Nội", "unit_code": "PTH"})
    answers = {}
    for staff_id in ("onlyhn", "nobody"):
        code, message, fields = error_of(organised, "create", people["lead1"], task={
            "title": "x", "assignee": staff_id, "due_in_working_days": 3})
        answers[staff_id] = (code, message, str(fields).replace(staff_id, "<id>"))
    assert answers["onlyhn"] == answers["nobody"]
    assert OTHER_OFFICE not in str(answers["onlyhn"])


def test_nothing_of_one_office_shows_in_anothers_replies(organised, hanoi, people):
    ours = call(organised, "create", people["lead1"], task={
        "title": "Việc mật của Đồng Tháp", "assignee": "cv1", "due_in_working_days": 3})
    call(organised, "upsert_staff", hanoi["leader"], staff={
        "staff_id": "cv1", "full_name": "Nguyễn Hà Nội", "unit_code": "PTH"})
    for who in (hanoi["leader"], hanoi["staff"]):
        code, message, fields = error_of(organised, "get", who, task_id=ours["id"])
        missing = error_of(organised, "get", who, task_id=ours["id"] + 1000)
        assert (code, message) == missing[:2] == ("NOT_FOUND", "no such task in your office")
        for method, kwargs in (("accept", {}), ("report_progress", {"percent": 5}),
                               ("cancel", {"reason": "x"})):
            assert error_of(organised, method, who, task_id=ours["id"], **kwargs)[0] == \
                "NOT_FOUND"
    replies = [call(organised, "list_tasks", hanoi["staff"], mine=True),
               call(organised, "list_tasks", hanoi["leader"]),
               call(organised, "list_staff", hanoi["leader"], include_inactive=True),
               call(organised, "list_units", hanoi["staff"]),
               call(organised, "tracking_table", hanoi["leader"], group_by="person"),
               call(organised, "tracking_table", hanoi["staff"], scope="person:cv1"),
               call(organised, "pending_directions", hanoi["leader"]),
               call(organised, "incoming_register", hanoi["leader"], year=2026)]
    text = repr(replies)
    for ours_only in ("Đồng Tháp", "Lê Văn Một", "Trần Thị Trưởng", "Nguyễn Văn Lãnh", OFFICE):
        assert ours_only not in text
    assert replies[0]["total"] == replies[1]["total"] == 0
    assert replies[4]["total"]["assigned"] == replies[5]["total"]["assigned"] == 0
