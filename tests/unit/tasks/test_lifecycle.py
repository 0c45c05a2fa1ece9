"""A task's life against a real (in-memory) database, events checked against the contract."""
from datetime import date, datetime

import pytest

from services.tasks import directions, lifecycle
from services.tasks.reminders import ReminderSettings
from shared.auth import Principal
from shared.errors import Conflict, Forbidden, InvalidInput
from shared.timeutil import TIMEZONE
from tests.unit.tasks.conftest import CAL, OFFICE

FRIDAY = date(2026, 11, 6)


def system(code):
    return Principal(sub="tasks", office=code, roles=frozenset({"service"}))


def unit_task(office, due=date(2026, 11, 13), **extra):
    return lifecycle.create(office.ctx("lead1", "leader"), {
        "title": "Báo cáo kết quả giám sát", "unit_code": "PTH", "due_date": due, **extra})


def test_the_whole_life_of_a_task(office):
    task = unit_task(office)
    assert (task.status, task.assigner, task.assignee) == ("new", "lead1", None)
    assigned = office.work.of("task_assigned")[0]
    assert assigned["unit_head"] == "tp1" and assigned["unit_code"] == "PTH"

    lifecycle.assign(office.ctx("tp1", "head"), task.id, "cv1", due_date=date(2026, 11, 11))
    assert (task.status, task.assignee, task.due_date) == ("assigned", "cv1", date(2026, 11, 11))
    lifecycle.accept(office.ctx("cv1"), task.id)
    lifecycle.report_progress(office.ctx("cv1"), task.id, 50, "Đã có dự thảo")
    lifecycle.submit(office.ctx("cv1", today=date(2026, 11, 9)), task.id, "Dự thảo báo cáo")
    lifecycle.review(office.ctx("tp1", "head", today=date(2026, 11, 9)), task.id, "return",
                     False, "Thiếu số liệu quý III")
    assert (task.status, task.failed_reviews) == ("returned", 1)
    lifecycle.submit(office.ctx("cv1", today=date(2026, 11, 10)), task.id, "Báo cáo hoàn chỉnh",
                     reply_number="45/BC-VP")
    lifecycle.review(office.ctx("lead1", "leader", today=date(2026, 11, 12)), task.id, "accept",
                     True)
    assert task.status == "done"

    (completed,) = office.work.of("task_completed")
    assert completed == {**completed, "task_id": task.id, "assignee": "cv1", "assigner": "lead1",
                         "unit_code": "PTH", "unit_head": "tp1", "due_date": "2026-11-11",
                         "completed_on": "2026-11-12", "assigned_on": "2026-11-02",
                         "on_time": True, "delay_count": 0, "excused_delays": 0,
                         "failed_reviews": 1, "quality_met": True, "weight": 1.0}
    reviewed = office.work.of("task_reviewed")
    assert [(r["decision"], r["quality_met"], r["failed_reviews"]) for r in reviewed] == \
        [("return", False, 1), ("accept", True, 1)]
    assert [e[0] for e in office.work.events] == [
        "task_created", "task_assigned", "task_assigned", "task_accepted",
        "task_progress_reported", "task_submitted", "task_reviewed", "task_submitted",
        "task_reviewed", "task_completed"]
    history = lifecycle.history_of(office.session, task)
    assert [(h.action, h.by, h.to_status) for h in history] == [
        ("created", "lead1", "new"), ("assigned", "tp1", "assigned"),
        ("accepted", "cv1", "in_progress"), ("progress_reported", "cv1", "in_progress"),
        ("submitted", "cv1", "submitted"), ("reviewed", "tp1", "returned"),
        ("submitted", "cv1", "submitted"), ("reviewed", "lead1", "done")]
    assert all(h.at is not None for h in history)


def test_late_submission_counts_one_delay(office):
    task = unit_task(office, due=date(2026, 11, 5))
    lifecycle.assign(office.ctx("tp1", "head"), task.id, "cv1")
    lifecycle.accept(office.ctx("cv1"), task.id)
    lifecycle.submit(office.ctx("cv1", today=date(2026, 11, 6)), task.id, "Xong")
    lifecycle.review(office.ctx("tp1", "head", today=date(2026, 11, 6)), task.id, "accept", True)
    (completed,) = office.work.of("task_completed")
    assert (completed["on_time"], completed["delay_count"], completed["excused_delays"]) == \
        (False, 1, 0)


@pytest.mark.parametrize("objective, on_time, excused", [(True, True, 1), (False, False, 0)])
def test_an_extension_with_an_objective_cause_is_not_a_delay(office, objective, on_time,
                                                             excused):
    task = unit_task(office, assignee="cv1")
    lifecycle.accept(office.ctx("cv1"), task.id)
    lifecycle.request_extension(office.ctx("cv1"), task.id, date(2026, 11, 20),
                                "Chờ số liệu của Sở Tài chính")
    with pytest.raises(Conflict):
        lifecycle.request_extension(office.ctx("cv1"), task.id, date(2026, 11, 25), "Lần nữa")
    with pytest.raises(Forbidden):
        lifecycle.decide_extension(office.ctx("cv1"), task.id, True)
    lifecycle.decide_extension(office.ctx("lead1", "leader"), task.id, True,
                               objective_cause=objective, reason="Sở chậm gửi số liệu")
    assert task.due_date == date(2026, 11, 20) and task.original_due_date == date(2026, 11, 13)
    lifecycle.submit(office.ctx("cv1", today=date(2026, 11, 19)), task.id, "Xong")
    lifecycle.review(office.ctx("lead1", "leader", today=date(2026, 11, 19)), task.id,
                     "accept", True)
    (decided,) = office.work.of("extension_decided")
    assert (decided["old_due_date"], decided["new_due_date"], decided["objective_cause"]) == \
        ("2026-11-13", "2026-11-20", objective)
    (completed,) = office.work.of("task_completed")
    assert (completed["on_time"], completed["delay_count"], completed["excused_delays"]) == \
        (on_time, 1, excused)


def test_bad_input_names_the_rule(office):
    leader = office.ctx("lead1", "leader")
    with pytest.raises(InvalidInput) as raised:
        unit_task(office, due=date(2026, 10, 30))
    assert "before today" in raised.value.fields["due_date"][0]
    with pytest.raises(InvalidInput) as raised:     # another office's person: like nobody
        lifecycle.create(leader, {"title": "x", "assignee": "hn1", "due_date": FRIDAY})
    hn1_answer = raised.value.fields
    with pytest.raises(InvalidInput) as raised:
        lifecycle.create(leader, {"title": "x", "assignee": "nobody", "due_date": FRIDAY})
    assert "not staff" in raised.value.fields["assignee"][0]
    assert hn1_answer == {"assignee": [raised.value.fields["assignee"][0].replace(
        "nobody", "hn1")]}
    task = unit_task(office)
    with pytest.raises(InvalidInput) as raised:    # the head's deadline inside the unit's
        lifecycle.assign(office.ctx("tp1", "head"), task.id, "cv1", due_date=date(2026, 11, 16))
    assert "the unit's deadline" in raised.value.fields["due_date"][0]
    with pytest.raises(Forbidden) as raised:      # a head assigns within their unit
        lifecycle.assign(office.ctx("tp1", "head"), task.id, "cv3")
    assert "cv3" in raised.value.fields["assignee"][0]
    with pytest.raises(Forbidden):                # the other unit's head has no relation
        lifecycle.assign(office.ctx("tp2", "head"), task.id, "cv3")
    with pytest.raises(Forbidden):                # staff give no tasks of their own
        lifecycle.create(office.ctx("cv1"), {"title": "x", "unit_code": "PTH",
                                             "due_date": FRIDAY})
    lifecycle.assign(office.ctx("tp1", "head"), task.id, "cv1")
    with pytest.raises(Forbidden):
        lifecycle.accept(office.ctx("cv2"), task.id)
    with pytest.raises(Conflict):
        lifecycle.submit(office.ctx("cv1"), task.id, "chưa nhận việc")
    lifecycle.accept(office.ctx("cv1"), task.id)
    lifecycle.submit(office.ctx("cv1"), task.id, "Xong")
    with pytest.raises(InvalidInput) as raised:
        lifecycle.review(office.ctx("tp1", "head"), task.id, "return", False, "")
    assert "reason" in raised.value.fields


def test_sub_tasks_stay_inside_their_parent(office):
    parent = unit_task(office, assignee="cv1")
    lifecycle.accept(office.ctx("cv1"), parent.id)
    with pytest.raises(InvalidInput) as raised:
        lifecycle.create(office.ctx("cv1"), {"title": "Thu thập số liệu", "assignee": "cv1",
                                             "parent_id": parent.id,
                                             "due_date": date(2026, 11, 16)})
    assert "parent task's deadline" in raised.value.fields["due_date"][0]
    with pytest.raises(Forbidden) as raised:     # the owner splits their task for themselves
        lifecycle.create(office.ctx("cv1"), {"title": "Thu thập số liệu", "assignee": "cv2",
                                             "parent_id": parent.id, "due_in_working_days": 3})
    assert "cv2" in raised.value.fields["assignee"][0]
    child = lifecycle.create(office.ctx("cv1"), {"title": "Thu thập số liệu", "assignee": "cv1",
                                                 "parent_id": parent.id, "due_in_working_days": 3})
    # 3 working days from Monday 2/11: Thursday 5/11; whoever gave the parent decides on it
    assert (child.parent_id, child.due_date, child.assigner, child.created_by) == \
        (parent.id, date(2026, 11, 5), "lead1", "cv1")
    helper = lifecycle.create(office.ctx("tp1", "head"), {
        "title": "Rà soát số liệu", "assignee": "cv2", "parent_id": parent.id,
        "due_in_working_days": 2})
    assert helper.assigner == "tp1"
    with pytest.raises(Forbidden):               # a head gives only within the units they head
        lifecycle.create(office.ctx("tp1", "head"), {
            "title": "Rà soát số liệu", "assignee": "cv3", "parent_id": parent.id,
            "due_in_working_days": 2})
    with pytest.raises(Conflict) as raised:
        lifecycle.submit(office.ctx("cv1"), parent.id, "Xong")
    assert str(child.id) in raised.value.fields["task_id"][0]
    lifecycle.cancel(office.ctx("lead1", "leader"), parent.id, "Không còn cần thiết")
    assert (parent.status, child.status, helper.status) == ("cancelled",) * 3
    assert {d["task_id"] for d in office.work.of("task_cancelled")} == \
        {parent.id, child.id, helper.id}


def test_direction_and_proposed_tasks(office):
    event = {"office": OFFICE, "data": {
        "document_id": 7, "arrival_number": 12, "arrival_date": "2026-11-02",
        "issued_date": "2026-10-30", "subject": "Về việc chuẩn bị kỳ họp", "priority": "khẩn",
        "directives": [
            {"text": "Giao Phòng Tổng hợp báo cáo trước ngày 20/11/2026.",
             "assignee": "Phòng Tổng hợp", "due_date": "2026-11-20", "due_rule": None},
            {"text": "Đề nghị Sở Y tế phối hợp.", "assignee": "Sở Y tế", "due_date": None,
             "due_rule": None}]}}
    system = office.ctx("tasks", "service")
    item = directions.record_pending(system, event)
    assert directions.record_pending(system, event) is item          # announced twice: once
    (proposed,) = directions.proposals_of(office.session, item)
    assert (proposed.status, proposed.unit_code, proposed.due_date, proposed.urgent) == \
        ("proposed", "PTH", date(2026, 11, 20), True)
    assert office.work.events == []          # nothing is announced before the leader confirms

    leader = office.ctx("lead1", "leader")
    with pytest.raises(InvalidInput) as raised:
        directions.direct(leader, 7, "PTH", [{"unit_code": "PHC", "due_date": "2026-11-25"}],
                          date(2026, 11, 20), "Khẩn trương")
    assert "lead's deadline" in raised.value.fields["coordinators.0.due_date"][0]
    item, tasks = directions.direct(leader, 7, "PTH", ["PHC"], date(2026, 11, 20),
                                    "Phòng Tổng hợp chủ trì, báo cáo trước 20/11")
    lead, coordination = tasks
    assert (lead.task_type, lead.unit_due_date, lead.coordinator_ids, lead.document_id) == \
        ("document", date(2026, 11, 20), ["tp2"], 7)
    assert (coordination.unit_code, coordination.related_task_id) == ("PHC", lead.id)
    assert item.status == "directed" and item.lead_task_id == lead.id
    with pytest.raises(Conflict):
        directions.direct(leader, 7, "PTH", [], date(2026, 11, 20), None)
    # the coordinator (PHC's head) may report on the lead task
    lifecycle.assign(office.ctx("tp1", "head"), lead.id, "cv1")
    lifecycle.accept(office.ctx("cv1"), lead.id)
    lifecycle.report_progress(office.ctx("tp2", "head"), lead.id, 30, "PHC đã gửi ý kiến")

    with pytest.raises(Forbidden):
        lifecycle.confirm(office.ctx("tp1", "head"), proposed.id)
    confirmed = lifecycle.confirm(leader, proposed.id, assignee="cv2")
    assert (confirmed.status, confirmed.assigner, confirmed.assignee) == \
        ("assigned", "lead1", "cv2")


def test_reminders_once_per_task_threshold_and_day(office):
    task = unit_task(office, due=date(2026, 11, 13), assignee="cv1")   # Friday
    settings = ReminderSettings(due_soon_days=(1, 3), hour=8, escalate_after_days=3)

    def sweep(day, hour=9):
        before = len(office.work.events)
        lifecycle.remind(office.work, datetime(day.year, day.month, day.day, hour,
                                               tzinfo=TIMEZONE),
                         settings, lambda code: CAL, [OFFICE], system)
        return [(kind, data["threshold"], data["recipients"])
                for kind, data, _ in office.work.events[before:]]

    assert sweep(date(2026, 11, 10)) == [("task_due_soon", 3, ["cv1"])]      # Tue, 3 left
    assert sweep(date(2026, 11, 10)) == []                                   # again: nothing
    assert sweep(date(2026, 11, 11)) == []                                   # same threshold
    assert sweep(date(2026, 11, 12)) == [("task_due_soon", 1, ["cv1"])]
    assert sweep(date(2026, 11, 16), hour=7) == []                           # before the hour
    assert sweep(date(2026, 11, 16)) == [("task_overdue", 1, ["cv1"])]
    assert sweep(date(2026, 11, 17)) == [("task_overdue", 2, ["cv1"])]
    assert sweep(date(2026, 11, 18)) == [("task_overdue", 3, ["cv1"]),
                                         ("task_escalated", 3, ["lead1", "tp1"])]
    assert sweep(date(2026, 11, 19)) == [("task_overdue", 4, ["cv1"])]       # escalated once
    lifecycle.accept(office.ctx("cv1", today=date(2026, 11, 19)), task.id)
    lifecycle.submit(office.ctx("cv1", today=date(2026, 11, 19)), task.id, "Xong")
    assert sweep(date(2026, 11, 20)) == []          # handed in: waits for the reviewer


def test_recurring_task_next_occurrence_on_completion_and_on_schedule(office):
    task = unit_task(office, due=date(2026, 11, 25), assignee="cv1", recurrence="monthly",
                     task_type="monthly_report")
    lifecycle.accept(office.ctx("cv1"), task.id)
    lifecycle.submit(office.ctx("cv1", today=date(2026, 11, 24)), task.id, "Báo cáo tháng 11")
    lifecycle.review(office.ctx("lead1", "leader", today=date(2026, 11, 24)), task.id, "accept",
                     True)
    (second,) = [t for t in lifecycle.search(office.session, OFFICE, assignee="cv1")[1]
                 if t.id != task.id]
    assert (second.occurrence, second.series_id, second.due_date, second.status) == \
        (2, task.id, date(2026, 12, 25), "assigned")          # Friday 25/12/2026

    def sweep(day):
        return lifecycle.remind(office.work, datetime(day.year, day.month, day.day, 9,
                                                      tzinfo=TIMEZONE),
                                ReminderSettings(), lambda code: CAL, [OFFICE], system)

    assert sweep(date(2026, 12, 24))["occurrences_created"] == 0
    assert sweep(date(2026, 12, 28))["occurrences_created"] == 1     # December's not done
    assert sweep(date(2026, 12, 29))["occurrences_created"] == 0     # not twice
    third = lifecycle.search(office.session, OFFICE, assignee="cv1")[1][-1]
    assert (third.occurrence, third.due_date) == (3, date(2027, 1, 25))   # Monday
