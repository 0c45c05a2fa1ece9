"""Holes 1, 7 and 8 (issue 9) in tasks, as the attackers sent them over RPC: every payload is
bounded and checked at the boundary, and refused with VALIDATION_ERROR naming the field —
never an exception from the database or the clock, never a value a consumer cannot store,
never an unknown key silently ignored.  Nothing of a refused request is written."""
import pytest

from tests.integration.test_tasks import (  # noqa: F401  (fixtures used by name)
    call, error_of, organised, outbox_events, people, tasks)

pytestmark = pytest.mark.integration

PERSON = {"full_name": "Người Mới", "unit_code": "PTH"}


def refused(config, method, token, field, **kwargs):
    """The fields of the VALIDATION_ERROR `method` answers; `field` must be named in them."""
    code, message, fields = error_of(config, method, token, **kwargs)
    assert code == "VALIDATION_ERROR", (code, message, fields)
    assert field in fields, (field, fields)
    return fields


@pytest.fixture
def mine(organised, people):
    """One task of cv1's, accepted, and the outbox as it stands."""
    task = call(organised, "create", people["lead1"], task={
        "title": "Việc", "assignee": "cv1", "due_in_working_days": 5})
    call(organised, "accept", people["cv1"], task_id=task["id"])
    return task


@pytest.mark.parametrize("staff_id", ["a" * 65, "cv 1", "x" * 100, "chuyên-viên"])
def test_the_producer_refuses_a_staff_id_its_consumers_could_not_store(
        organised, people, staff_id):
    before = len(outbox_events(organised))
    refused(organised, "upsert_staff", people["lead1"], "staff_id",
            staff={"staff_id": staff_id, **PERSON})
    assert len(outbox_events(organised)) == before          # no staff_changed for anyone
    assert staff_id not in [s["staff_id"] for s in call(organised, "list_staff", people["cv1"])]


def test_every_field_that_ends_up_in_an_event_is_refused_beyond_the_shared_contract(
        organised, people, mine):
    lead, before = people["lead1"], len(outbox_events(organised))
    for field, value in (("full_name", "n" * 201), ("unit_code", "U" * 41),
                         ("unit_code", "P TH"), ("position", "p" * 201),
                         ("task_group", "g" * 101), ("email", "a@" + "b" * 200 + ".vn")):
        refused(organised, "upsert_staff", lead, field,
                staff={"staff_id": "newcomer", **PERSON, field: value})
    refused(organised, "upsert_unit", lead, "code", unit={"code": "X" * 41, "name": "X"})
    task = {"title": "Việc", "assignee": "cv1", "due_in_working_days": 5}
    for field, value in (("title", "t" * 501), ("task_type", "k" * 41),
                         ("assignee", "cv1 "), ("unit_code", "PTH;"),
                         ("coordinators", ["c" * 65])):
        refused(organised, "create", lead, field, task={**task, field: value})
    refused(organised, "submit", people["cv1"], "reply_number", task_id=mine["id"],
            result="Xong", reply_number="1" * 61)
    refused(organised, "assign", people["tp1"], "assignee", task_id=mine["id"],
            assignee="c" * 65)
    refused(organised, "direct", lead, "lead", document_id=1, lead="P" * 65, due_date=None)
    assert len(outbox_events(organised)) == before


def test_unknown_keys_are_named_not_silently_ignored(organised, people, mine):
    lead = people["lead1"]
    fields = refused(organised, "upsert_staff", lead, "is_admin",
                     staff={"staff_id": "newcomer", **PERSON, "is_admin": True})
    assert list(fields) == ["is_admin"]
    refused(organised, "upsert_unit", lead, "head", unit={"code": "X", "name": "X", "head": "x"})
    refused(organised, "create", lead, "assigne", task={
        "title": "Việc", "assigne": "cv1", "due_in_working_days": 5})
    refused(organised, "list_tasks", lead, "code_number", code_number="412")
    refused(organised, "direct", lead, "coordinators", document_id=1, lead="PTH",
            due_in_working_days=3, coordinators=[{"unit_code": "PHC", "boss": "tp2"}])
    assert "newcomer" not in [s["staff_id"] for s in call(organised, "list_staff", lead)]


def test_lists_and_pages_are_bounded(organised, people):
    lead = people["lead1"]
    fields = refused(organised, "create", lead, "coordinators", task={
        "title": "Việc", "assignee": "cv1", "due_in_working_days": 5,
        "coordinators": ["cv2"] * 51})
    assert list(fields) == ["coordinators"]
    refused(organised, "direct", lead, "coordinators", document_id=1, lead="PTH",
            due_in_working_days=3, coordinators=["PHC"] * 51)
    refused(organised, "upsert_unit", lead, "aliases",
            unit={"code": "X", "name": "X", "aliases": [f"tên {n}" for n in range(21)]})
    refused(organised, "list_tasks", lead, "limit", limit=201)
    refused(organised, "list_tasks", lead, "offset", offset=2**31)
    assert call(organised, "list_tasks", lead, limit=200)["total"] == 0


def test_long_texts_are_bounded(organised, people, mine):
    before = len(outbox_events(organised))
    refused(organised, "create", people["lead1"], "description", task={
        "title": "Việc", "assignee": "cv1", "due_in_working_days": 5,
        "description": "d" * 10_001})
    refused(organised, "report_progress", people["cv1"], "note", task_id=mine["id"],
            percent=50, note="n" * 10_001)
    refused(organised, "submit", people["cv1"], "result", task_id=mine["id"],
            result="r" * 10_001)
    refused(organised, "request_extension", people["cv1"], "reason", task_id=mine["id"],
            new_due_date="2100-01-01", reason="r" * 10_001)
    assert len(outbox_events(organised)) == before


def test_a_reminder_sweep_in_the_year_9999_is_refused_naming_on(organised, people):
    for on in ("9999-12-31T23:59", "9999-12-31", "0001-01-01T00:00+14:00", "2026-11-20T25:00",
               "x" * 1000):
        refused(organised, "run_reminders", people["admin"], "on", on=on)
    assert call(organised, "run_reminders", people["admin"], on="2200-12-31T23:59")["on"] \
        .startswith("2200-12-31T23:59")


@pytest.mark.parametrize("period", ["0000", "2026-13", "2026-00", "9999", "2026-Q5", "1" * 100])
def test_impossible_periods_are_refused_naming_period(organised, people, period):
    refused(organised, "tracking_table", people["lead1"], "period", period=period)


def test_numbers_and_dates_out_of_range_are_refused_naming_the_field(organised, people, mine):
    lead, cv1 = people["lead1"], people["cv1"]
    before = len(outbox_events(organised))
    task = {"title": "Việc", "assignee": "cv1"}
    refused(organised, "create", lead, "due_in_working_days",
            task={**task, "due_in_working_days": 367})
    refused(organised, "create", lead, "due_date", task={**task, "due_date": "9999-12-31"})
    refused(organised, "create", lead, "weight", task={**task, "due_in_working_days": 3,
                                                       "weight": 11})
    refused(organised, "create", lead, "parent_id", task={**task, "due_in_working_days": 3,
                                                          "parent_id": 2**40})
    for method, extra in (("get", {}), ("accept", {}), ("cancel", {"reason": "x"})):
        refused(organised, method, lead, "task_id", task_id=2**40, **extra)
        refused(organised, method, lead, "task_id", task_id=0, **extra)
    refused(organised, "report_progress", cv1, "percent", task_id=mine["id"], percent=101)
    refused(organised, "request_extension", cv1, "new_due_date", task_id=mine["id"],
            new_due_date="9999-12-31", reason="Lâu")
    refused(organised, "incoming_register", lead, "year", year=99999)
    refused(organised, "direct", lead, "document_id", document_id=2**40, lead="PTH",
            due_in_working_days=3)
    assert len(outbox_events(organised)) == before
