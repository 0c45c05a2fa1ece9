"""Issue 9 (evaluation): another office's people and records answer exactly like ones that do
not exist, on every read and write path; naming another office is refused unless an admin or a
service reads it.

Both offices have a published year with one person each (``cv1`` in DT, ``hn1`` in HN); HN's
evaluator then asks about DT's ``cv1`` and about ``ghost``, who exists nowhere.  Real service
container over RPC, SQLite and PostgreSQL.
"""
import pytest
from nameko.exceptions import RemoteError

from services.evaluation.service import EvaluationService
from shared import outbox
from shared.errors import parse_remote_error
from tests.conftest import OFFICE, OTHER_OFFICE, wait_for
from tests.integration.test_evaluation import call, error_of, publish
from tests.security.test_evaluation_bounds import REQUESTS

pytestmark = pytest.mark.integration


def office_year(config, office, staff_id, evaluator):
    """One person with one task done in October 2026, the year classified, published, proposed."""
    publish(config, [
        outbox.build_envelope("tasks", "staff_changed", {
            "staff_id": staff_id, "full_name": f"Cán bộ {staff_id}", "unit_code": "TH",
            "task_group": "chuyen_vien", "active": True, "changed_on": "2026-01-05"}, office=office),
        outbox.build_envelope("tasks", "task_completed", {
            "task_id": 1, "title": "Báo cáo", "assignee": staff_id, "unit_code": "TH",
            "due_date": "2026-10-05", "completed_on": "2026-10-05", "on_time": True}, office=office)])
    wait_for(lambda: call(config, "outcomes", evaluator), timeout=30, message=f"{office}'s outcome")
    call(config, "set_general_criteria", evaluator, period="2026",
         entries=[{"staff_id": staff_id, "points": 25}])
    call(config, "close_period", evaluator, period="2026-10")
    call(config, "classify_year", evaluator, year=2026)
    call(config, "publish_classification", evaluator, year=2026)
    call(config, "propose_titles", evaluator, year=2026)
    return call(config, "record_initiative", evaluator, year=2026, title="Sáng kiến",
                authors=[staff_id])["id"]


def answer(config, method, token, **payload):
    try:
        return ("result", call(config, method, token, **payload))
    except RemoteError as exc:
        return ("error", *parse_remote_error(exc))


def masked(value, *secrets):
    text = repr(value)
    for secret in secrets:
        text = text.replace(str(secret), "<id>")
    return text


@pytest.fixture
def offices(runner_factory, service_config, token):
    config = service_config(EvaluationService)
    runner_factory(config, EvaluationService).start()
    dt_initiative = office_year(config, OFFICE, "cv1", token("dg1", ["evaluator"]))
    office_year(config, OTHER_OFFICE, "hn1", token("hn-dg", ["evaluator"], office=OTHER_OFFICE))
    return config, dt_initiative


def test_another_offices_staff_answer_like_staff_who_do_not_exist(offices, token):
    config, dt_initiative = offices
    hn = token("hn-dg", ["evaluator"], office=OTHER_OFFICE)
    asks = [
        ("explain", lambda who: {"staff_id": who, "period": "2026-10"}),
        ("explain", lambda who: {"staff_id": who, "year": 2026}),
        ("outcomes", lambda who: {"assignee": who}),
        ("decide_tie", lambda who: {"year": 2026, "staff_id": who, "level": "HTTNV",
                                    "reason": "Hội đồng"}),
        ("record_ballot", lambda who: {"year": 2026, "title": "LDTT", "subject": who,
                                       "council_members": 9, "votes_for": 9}),
        ("award_titles", lambda who: {"year": 2026, "awards": [{"title": "LDTT", "subject": who}]}),
    ]
    for method, payload in asks:
        foreign = answer(config, method, hn, **payload("cv1"))
        unknown = answer(config, method, hn, **payload("ghost"))
        assert masked(foreign, "cv1") == masked(unknown, "ghost"), method
    foreign = answer(config, "recognise_initiative", hn, initiative_id=dt_initiative, level="co_so")
    unknown = answer(config, "recognise_initiative", hn, initiative_id=999_999, level="co_so")
    assert foreign[1] == "NOT_FOUND" and masked(foreign, dt_initiative) == masked(unknown, 999_999)

    # the office's own lists hold only its own people
    scores = call(config, "period_scores", hn, period="2026-10")["staff"]
    assert [r["staff_id"] for r in scores] == ["hn1"]
    assert [e["staff_id"] for e in call(config, "get_classification", hn, year=2026)["entries"]] == ["hn1"]
    assert [s["staff_id"] for s in call(config, "list_staff", hn)] == ["hn1"]
    assert {p["subject"] for p in call(config, "propose_titles", hn, year=2026)} <= {"hn1", "TH"}
    report = call(config, "emulation_report", hn, year=2026)
    assert sum(report["classification"].values()) == 1


def test_naming_another_office_is_refused_on_every_rpc_but_an_admins_or_services_reads(offices, token):
    config, _ = offices
    hn_evaluator = token("hn-dg", ["evaluator"], office=OTHER_OFFICE)
    hn_admin = token("hn-adm", ["admin"], office=OTHER_OFFICE)
    readable = {"period_scores", "classify_year", "get_classification", "emulation_report"}
    for method, payload in REQUESTS.items():
        code, _, fields = error_of(config, method, hn_evaluator, **payload, office=OFFICE)
        assert code == "FORBIDDEN" and "office" in fields, (method, code, fields)
        if method not in readable:
            code, _, fields = error_of(config, method, hn_admin, **payload, office=OFFICE)
            assert code == "FORBIDDEN" and "office" in fields, (method, code, fields)
    assert [e["staff_id"] for e in call(config, "get_classification", hn_admin, year=2026,
                                        office=OFFICE)["entries"]] == ["cv1"]
    code, _, fields = error_of(config, "period_scores", hn_admin, period="2026-10",
                               office=["DT-VPHDND"])
    assert code == "VALIDATION_ERROR" and "office" in fields
