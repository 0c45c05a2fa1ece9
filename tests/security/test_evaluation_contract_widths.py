"""Issue 9, hole 7 (evaluation's side): every value the event contract admits is one evaluation
stores.  A staff id tasks accepted once failed six times in evaluation's narrower column and
dead-lettered ``staff_changed``: tasks had the person, evaluation never would.

For each event evaluation consumes, a payload at the contract's maximum lengths (with
multi-byte Vietnamese letters, which PostgreSQL counts as characters and SQLite as bytes of
nothing) goes through the real broker and must be stored whole, then carried into the year's
classification and title proposals, on SQLite and PostgreSQL.
"""
import pytest
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR
from sqlalchemy import column, select, table

from services.evaluation.service import EvaluationService
from shared import outbox
from shared.events import ReliableEventHandler
from shared.contracts import (NAME_MAX, STAFF_ID_MAX, TASK_GROUP_MAX, TASK_TYPE_MAX, TITLE_MAX,
                              UNIT_CODE_MAX)
from tests.conftest import OFFICE, read_engine, wait_for
from tests.integration.test_evaluation import call, publish

pytestmark = pytest.mark.integration

STAFF_ID = "nguyen.thi.mot@" + "d" * (STAFF_ID_MAX - 15)
HEAD_ID = "h" * STAFF_ID_MAX
UNIT = "PTH-" + "U" * (UNIT_CODE_MAX - 4)
PARENT = "VP-" + "P" * (UNIT_CODE_MAX - 3)
PREVIOUS = "HC-" + "Q" * (UNIT_CODE_MAX - 3)
FULL_NAME = ("Nguyễn Thị Một " * 20)[:NAME_MAX]
UNIT_NAME = ("Phòng Tổng hợp, Thông tin, Dân nguyện " * 10)[:NAME_MAX]
POSITION = ("Chuyên viên chính " * 20)[:NAME_MAX]
TASK_GROUP = ("nhóm chuyên viên tổng hợp " * 10)[:TASK_GROUP_MAX]
TITLE = ("Báo cáo kết quả giám sát việc giải quyết kiến nghị cử tri " * 10)[:TITLE_MAX]
TASK_TYPE = ("báo_cáo_định_kỳ_" * 5)[:TASK_TYPE_MAX]
TASK_ID, CANCELLED_TASK_ID = 2 ** 31 - 1, 2 ** 31 - 2     # the largest key a producer's table has
COVERED = {("tasks", "staff_changed"), ("tasks", "task_assigned"), ("tasks", "extension_decided"),
           ("tasks", "task_completed"), ("tasks", "task_cancelled")}


def consumed_events():
    return {(entrypoint.source_service, entrypoint.event_type)
            for member in vars(EvaluationService).values()
            for entrypoint in getattr(member, ENTRYPOINT_EXTENSIONS_ATTR, ())
            if isinstance(entrypoint, ReliableEventHandler)}


def envelope(event_type, data):
    return outbox.build_envelope("tasks", event_type, data, office=OFFICE)


def task(task_id, **extra):
    return {"task_id": task_id, "title": TITLE, "assignee": STAFF_ID, "assigner": HEAD_ID,
            "unit_code": UNIT, "unit_head": HEAD_ID, "coordinators": [HEAD_ID],
            "task_type": TASK_TYPE, "due_date": "2026-10-10", **extra}


def test_a_payload_at_the_contracts_maximum_lengths_is_stored_from_every_event(
        runner_factory, service_config, token):
    assert consumed_events() == COVERED       # a new event evaluation consumes is added here
    config = service_config(EvaluationService)
    runner_factory(config, EvaluationService).start()
    evaluator = token("dg1", ["evaluator"])
    assert all(len(value) == maximum for value, maximum in (
        (STAFF_ID, STAFF_ID_MAX), (UNIT, UNIT_CODE_MAX), (FULL_NAME, NAME_MAX),
        (UNIT_NAME, NAME_MAX), (TASK_GROUP, TASK_GROUP_MAX), (TITLE, TITLE_MAX),
        (TASK_TYPE, TASK_TYPE_MAX)))

    publish(config, [envelope("staff_changed", {
        "staff_id": STAFF_ID, "full_name": FULL_NAME, "unit_code": UNIT, "unit_name": UNIT_NAME,
        "parent_unit_code": PARENT, "position": POSITION, "is_leader": False,
        "is_unit_head": False, "task_group": TASK_GROUP, "roles": ["staff"],
        "email": ("a" * (NAME_MAX - 10)) + "@vp.gov.vn", "active": True,
        "previous_unit_code": PREVIOUS, "changed_on": "2026-01-05"})])
    stored = wait_for(lambda: call(config, "list_staff", evaluator), timeout=30,
                      message="staff_changed stored")
    assert [(s["staff_id"], s["full_name"], s["unit_code"], s["unit_name"], s["position"],
             s["task_group"]) for s in stored] == [
        (STAFF_ID, FULL_NAME, UNIT, UNIT_NAME, POSITION, TASK_GROUP)]
    assert [a["unit_code"] for a in stored[0]["assignments"]] == [PREVIOUS, UNIT]

    publish(config, [
        envelope("task_assigned", task(TASK_ID)),
        envelope("extension_decided", {**task(TASK_ID), "approved": True,
                                       "old_due_date": "2026-10-08", "new_due_date": "2026-10-10",
                                       "objective_cause": True, "reason": "Chờ ý kiến " * 100,
                                       "decided_by": HEAD_ID}),
        envelope("task_completed", {**task(TASK_ID), "completed_on": "2026-10-12",
                                    "on_time": False, "delay_count": 1,
                                    "assigned_on": "2026-10-01"}),
        envelope("task_assigned", task(CANCELLED_TASK_ID)),
        envelope("task_cancelled", {**task(CANCELLED_TASK_ID), "reason": "Không còn cần " * 100}),
    ])
    wait_for(lambda: {o["task_id"]: o["status"] for o in call(config, "outcomes", evaluator)}
             == {TASK_ID: "completed", CANCELLED_TASK_ID: "cancelled"}, timeout=30,
             message="the task events stored")
    outcome = table("task_outcome", column("task_id"), column("title"), column("assignee"),
                    column("assigner"), column("unit_code"), column("task_type"),
                    column("objective_causes"))
    engine = read_engine(config["DB_URL"])
    try:
        with engine.connect() as connection:
            rows = connection.execute(select(outcome).order_by(outcome.c.task_id)).all()
    finally:
        engine.dispose()
    assert [tuple(r) for r in rows] == [
        (CANCELLED_TASK_ID, TITLE, STAFF_ID, HEAD_ID, UNIT, TASK_TYPE, 0),
        (TASK_ID, TITLE, STAFF_ID, HEAD_ID, UNIT, TASK_TYPE, 1)]

    # what evaluation derives from them holds the same values
    call(config, "set_general_criteria", evaluator, period="2026",
         entries=[{"staff_id": STAFF_ID, "points": 25, "comment": "Tốt " * 1000}])
    call(config, "close_period", evaluator, period="2026-10")
    draft = call(config, "classify_year", evaluator, year=2026)
    assert [(e["staff_id"], e["full_name"], e["unit_code"], e["task_group"])
            for e in draft["entries"]] == [(STAFF_ID, FULL_NAME, UNIT, TASK_GROUP)]
    call(config, "publish_classification", evaluator, year=2026)
    proposals = call(config, "propose_titles", evaluator, year=2026)
    assert {(p["subject"], p["name"]) for p in proposals} >= {(STAFF_ID, FULL_NAME),
                                                              (UNIT, UNIT_NAME)}
