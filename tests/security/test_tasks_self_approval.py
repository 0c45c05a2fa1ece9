"""Hole 5 (issue 9), as the attackers did it over RPC: nobody decides on their own request,
the reviewer of a result is never its author, and a sub-task stays inside what its creator
may give.  Each test is the attack; the service must refuse it and keep nothing of it."""
import pytest

from tests.integration.test_tasks import (  # noqa: F401  (fixtures used by name)
    call, error_of, organised, outbox_events, people, tasks, working_days_from_today)

pytestmark = pytest.mark.integration

MORE_STAFF = [
    {"staff_id": "cv3", "full_name": "Ngô Văn Ba", "unit_code": "PHC"},
    {"staff_id": "lead2", "full_name": "Huỳnh Thị Phó", "unit_code": "VP", "is_leader": True,
     "roles": ["leader"]},
]


@pytest.fixture
def office(organised, people, token):
    for person in MORE_STAFF:
        call(organised, "upsert_staff", people["lead1"], staff=person)
    people.update({"cv3": token("cv3", ["staff"]), "lead2": token("lead2", ["leader"])})
    return organised


def given(office, people, giver, **task):
    return call(office, "create", people[giver], task={
        "title": "Tổng hợp ý kiến cử tri", "due_in_working_days": 5, **task})


def accepted(office, people, owner, task):
    call(office, "accept", people[owner], task_id=task["id"])
    return task


def later():
    return working_days_from_today(9).isoformat()


def refused(office, people, who, method, **kwargs):
    code, message, fields = error_of(office, method, people[who], **kwargs)
    assert code == "FORBIDDEN", (code, message, fields)
    return message


def test_a_staff_member_cannot_approve_with_an_objective_cause_the_extension_of_their_sub_task(
        office, people):
    parent = accepted(office, people, "cv1", given(office, people, "lead1", assignee="cv1"))
    child = call(office, "create", people["cv1"], task={
        "title": "Thu thập số liệu", "assignee": "cv1", "parent_id": parent["id"],
        "due_in_working_days": 3})
    assert child["assigner"] == "lead1"       # decisions on it go to whoever gave the parent
    call(office, "accept", people["cv1"], task_id=child["id"])
    call(office, "request_extension", people["cv1"], task_id=child["id"],
         new_due_date=working_days_from_today(4).isoformat(), reason="Chờ số liệu")
    refused(office, people, "cv1", "decide_extension", task_id=child["id"], approve=True,
            objective_cause=True, reason="Khách quan")
    after = call(office, "get", people["cv1"], task_id=child["id"])
    assert (after["due_date"], after["delay_count"], after["excused_delays"]) == \
        (child["due_date"], 0, 0)
    assert [e["status"] for e in after["extensions"]] == ["pending"]
    assert outbox_events(office, "extension_decided") == []


def test_a_staff_member_cannot_give_a_sub_task_to_a_person_of_another_unit(office, people):
    parent = accepted(office, people, "cv1", given(office, people, "lead1", assignee="cv1"))
    before = len(outbox_events(office))
    refused(office, people, "cv1", "create", task={
        "title": "Việc của phòng khác", "assignee": "cv3", "parent_id": parent["id"],
        "due_in_working_days": 3})
    assert call(office, "list_tasks", people["lead1"], assignee="cv3")["total"] == 0
    assert len(outbox_events(office)) == before


def test_a_staff_member_gives_sub_tasks_of_their_task_only_to_themselves(office, people):
    parent = accepted(office, people, "cv1", given(office, people, "lead1", assignee="cv1"))
    refused(office, people, "cv1", "create", task={
        "title": "Việc cho đồng nghiệp", "assignee": "cv2", "parent_id": parent["id"],
        "due_in_working_days": 3})
    refused(office, people, "cv1", "create", task={
        "title": "Việc cho cả phòng", "unit_code": "PTH", "parent_id": parent["id"],
        "due_in_working_days": 3})
    refused(office, people, "cv1", "create", task={
        "title": "Việc của mình ở phòng khác", "assignee": "cv1", "unit_code": "PHC",
        "parent_id": parent["id"], "due_in_working_days": 3})
    assert call(office, "get", people["cv1"], task_id=parent["id"])["subtasks"] == []


def test_a_staff_member_cannot_review_with_quality_failed_nor_cancel_a_sub_task_they_made(
        office, people):
    parent = accepted(office, people, "cv1", given(office, people, "lead1", assignee="cv1"))
    child = accepted(office, people, "cv1", call(office, "create", people["cv1"], task={
        "title": "Dự thảo", "assignee": "cv1", "parent_id": parent["id"],
        "due_in_working_days": 3}))
    call(office, "submit", people["cv1"], task_id=child["id"], result="Dự thảo xong")
    refused(office, people, "cv1", "review", task_id=child["id"], decision="return",
            quality_met=False, reason="Chưa đạt")
    refused(office, people, "cv1", "cancel", task_id=child["id"], reason="Không cần nữa")
    after = call(office, "get", people["cv1"], task_id=child["id"])
    assert (after["status"], after["failed_reviews"]) == ("submitted", 0)
    assert outbox_events(office, "task_reviewed", "task_cancelled") == []
    # whoever gave the parent decides on it
    call(office, "review", people["lead1"], task_id=child["id"], decision="accept",
         quality_met=True)


def test_a_head_cannot_approve_the_extension_of_a_task_they_gave_themselves(office, people):
    own = accepted(office, people, "tp1", given(office, people, "tp1", assignee="tp1"))
    assert own["assigner"] == "tp1"
    call(office, "request_extension", people["tp1"], task_id=own["id"], new_due_date=later(),
         reason="Bận họp")
    refused(office, people, "tp1", "decide_extension", task_id=own["id"], approve=True,
            objective_cause=True, reason="Khách quan")
    assert call(office, "get", people["tp1"], task_id=own["id"])["due_date"] == own["due_date"]


def test_a_head_cannot_approve_an_extension_they_requested_for_their_staff(office, people):
    task = accepted(office, people, "cv1", given(office, people, "tp1", assignee="cv1"))
    call(office, "request_extension", people["tp1"], task_id=task["id"], new_due_date=later(),
         reason="Phòng thiếu người")
    refused(office, people, "tp1", "decide_extension", task_id=task["id"], approve=True,
            objective_cause=True, reason="Khách quan")
    assert outbox_events(office, "extension_decided") == []


def test_a_leader_cannot_approve_their_own_extension(office, people):
    own = accepted(office, people, "lead1", given(office, people, "lead2", assignee="lead1"))
    call(office, "request_extension", people["lead1"], task_id=own["id"], new_due_date=later(),
         reason="Trùng lịch tiếp xúc cử tri")
    refused(office, people, "lead1", "decide_extension", task_id=own["id"], approve=True,
            objective_cause=True, reason="Khách quan")
    decided = call(office, "decide_extension", people["lead2"], task_id=own["id"], approve=True,
                   objective_cause=True, reason="Lịch tiếp xúc cử tri do Thường trực quyết định")
    assert (decided["due_date"], decided["excused_delays"]) == (later(), 1)


def test_an_owner_who_also_gave_the_task_cannot_review_cancel_or_reassign_it(office, people):
    own = accepted(office, people, "lead1", given(office, people, "lead1", assignee="lead1"))
    call(office, "submit", people["lead1"], task_id=own["id"], result="Xong")
    refused(office, people, "lead1", "review", task_id=own["id"], decision="accept",
            quality_met=True)
    refused(office, people, "lead1", "cancel", task_id=own["id"], reason="Không cần nữa")
    other = given(office, people, "tp1", assignee="tp1")
    refused(office, people, "tp1", "assign", task_id=other["id"], assignee="cv1")
    assert call(office, "get", people["tp1"], task_id=other["id"])["assignee"] == "tp1"
    assert call(office, "get", people["lead1"], task_id=own["id"])["status"] == "submitted"


def test_the_reviewer_of_a_result_is_never_its_author(office, people):
    task = accepted(office, people, "cv1", given(office, people, "lead1", assignee="cv1"))
    call(office, "submit", people["admin"], task_id=task["id"], result="Nộp thay")
    refused(office, people, "admin", "review", task_id=task["id"], decision="accept",
            quality_met=True)
    assert outbox_events(office, "task_completed") == []


def test_a_head_gives_work_only_within_the_units_they_head(office, people):
    before = len(outbox_events(office))
    refused(office, people, "tp1", "create", task={
        "title": "Việc cho phòng khác", "unit_code": "PTH", "assignee": "cv3",
        "due_in_working_days": 3})
    refused(office, people, "tp1", "create", task={
        "title": "Việc cho phòng khác", "unit_code": "PHC", "due_in_working_days": 3})
    parent = given(office, people, "lead1", unit_code="PTH")
    refused(office, people, "tp1", "create", task={
        "title": "Việc con cho phòng khác", "assignee": "cv3", "parent_id": parent["id"],
        "due_in_working_days": 3})
    refused(office, people, "tp1", "assign", task_id=parent["id"], assignee="cv3")
    assert call(office, "list_tasks", people["lead1"], assignee="cv3")["total"] == 0
    assert len(outbox_events(office)) == before + 2          # only the leader's task
