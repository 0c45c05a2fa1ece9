"""Issue 9, holes 1 and 8 (evaluation): every request is bounded, and a value outside its bounds
is a VALIDATION_ERROR naming the field — never a silent default, a database error or SQL.

One test per class of hole, each as the attack over RPC against the real service container,
on SQLite and PostgreSQL.
"""
import pytest

from services.evaluation.service import EvaluationService
from shared.contracts import NUMBER_MAX, STAFF_ID_MAX, TASK_TYPE_MAX, UNIT_CODE_MAX
from tests.integration.test_evaluation import call, error_of

pytestmark = pytest.mark.integration

# each RPC with a payload it accepts as to its form (it may still answer NOT_FOUND or CONFLICT)
REQUESTS = {
    "outcomes": {},
    "set_task_weight": {"task_type": "bao_cao", "weight": 2},
    "list_staff": {},
    "period_scores": {"period": "2026-10"},
    "set_general_criteria": {"period": "2026", "entries": [{"staff_id": "cv1", "points": 25}]},
    "close_period": {"period": "2026-10"},
    "explain": {"staff_id": "cv1", "period": "2026-10"},
    "classify_year": {"year": 2026},
    "get_classification": {"year": 2026},
    "rate_unit": {"year": 2026, "unit_code": "TH", "level": "HTTNV"},
    "decide_tie": {"year": 2026, "staff_id": "cv1", "level": "HTTNV", "reason": "Hội đồng"},
    "publish_classification": {"year": 2026},
    "register_emulation": {"year": 2026, "registered_on": "2026-01-10",
                           "entries": [{"staff_id": "cv1"}]},
    "record_initiative": {"year": 2026, "title": "Số hóa", "authors": ["cv1"]},
    "recognise_initiative": {"initiative_id": 1, "level": "co_so"},
    "record_discipline": {"staff_id": "cv1", "form": "khiển trách", "decided_on": "2026-11-20"},
    "import_history": {"year": 2025, "levels": [{"staff_id": "cv1", "level": "HTTNV"}]},
    "propose_titles": {"year": 2026},
    "record_ballot": {"year": 2026, "title": "CSTDCS", "subject": "cv1", "council_members": 9,
                      "votes_for": 8},
    "award_titles": {"year": 2026, "awards": [{"title": "LDTT", "subject": "cv1"}]},
    "emulation_report": {"year": 2026},
}


@pytest.fixture
def evaluation(runner_factory, service_config):
    config = service_config(EvaluationService)
    runner_factory(config, EvaluationService).start()
    return config


@pytest.fixture
def admin(token):
    """An admin may call every RPC: the answers below are about the payload only."""
    return token("adm", ["admin"])


def refused(config, method, token, payload, field):
    code, _, fields = error_of(config, method, token, **payload)
    assert code == "VALIDATION_ERROR" and field in fields, (method, payload, code, fields)
    return fields[field]


def test_unknown_keys_in_any_evaluation_request_are_refused_by_name(evaluation, admin):
    for method, payload in REQUESTS.items():
        refused(evaluation, method, admin, {**payload, "code_number": "412"}, "code_number")
    refused(evaluation, "set_general_criteria", admin,
            {"period": "2026", "entries": [{"staff_id": "cv1", "points": 25, "pointz": 30}]},
            "entries[0].pointz")
    refused(evaluation, "award_titles", admin,
            {"year": 2026, "awards": [{"title": "LDTT", "subject": "cv1", "name": "x"}]},
            "awards[0].name")


@pytest.mark.parametrize("period", ["0000", "0000-01", "2026-13", "2026-Q5", "99999", "1999-12",
                                    "2101-01", "2026-10\n", "٢٠٢٦-10"])
def test_periods_outside_the_calendar_are_refused_naming_period(evaluation, admin, period):
    for method in ("period_scores", "close_period", "outcomes"):
        refused(evaluation, method, admin, {"period": period}, "period")
    refused(evaluation, "explain", admin, {"staff_id": "cv1", "period": period}, "period")
    refused(evaluation, "set_general_criteria", admin,
            {"period": period, "entries": [{"staff_id": "cv1", "points": 25}]}, "period")


def test_years_and_dates_outside_a_sane_window_are_refused(evaluation, admin):
    for year in (0, 1999, 2101, 99999, "2026", 2026.5, True):
        for method in ("classify_year", "get_classification", "propose_titles", "emulation_report"):
            refused(evaluation, method, admin, {"year": year}, "year")
        refused(evaluation, "explain", admin, {"staff_id": "cv1", "year": year}, "year")
    for day in ("0001-01-01", "1999-12-31", "2101-01-01", "9999-12-31"):
        refused(evaluation, "record_discipline", admin,
                {**REQUESTS["record_discipline"], "decided_on": day}, "decided_on")
        refused(evaluation, "register_emulation", admin,
                {**REQUESTS["register_emulation"], "registered_on": day}, "registered_on")
        refused(evaluation, "award_titles", admin,
                {"year": 2026, "awarded_on": day}, "awarded_on")


def test_lists_longer_than_one_call_may_carry_are_refused(evaluation, admin):
    many = [{"staff_id": f"cv{i}", "points": 20} for i in range(2001)]
    refused(evaluation, "set_general_criteria", admin, {"period": "2026", "entries": many},
            "entries")
    refused(evaluation, "import_history", admin,
            {"year": 2025, "levels": [{"staff_id": f"cv{i}", "level": "HTTNV"} for i in range(2001)]},
            "levels")
    refused(evaluation, "award_titles", admin,
            {"year": 2026, "awards": [{"title": "LDTT", "subject": f"cv{i}"} for i in range(2001)]},
            "awards")
    refused(evaluation, "register_emulation", admin,
            {**REQUESTS["register_emulation"], "entries": [{"staff_id": f"cv{i}"} for i in range(2001)]},
            "entries")
    refused(evaluation, "record_initiative", admin,
            {**REQUESTS["record_initiative"], "authors": [f"cv{i}" for i in range(51)]}, "authors")
    refused(evaluation, "set_general_criteria", admin,
            {"period": "2026", "entries": [{"staff_id": "cv1",
                                            "criteria": {f"c{i}": 0 for i in range(21)}}]},
            "entries[0].criteria")


def test_points_votes_and_counts_outside_their_ranges_are_refused(evaluation, admin):
    for points in (-1, 30.01, 1e300, "abc", True):
        refused(evaluation, "set_general_criteria", admin,
                {"period": "2026", "entries": [{"staff_id": "cv1", "points": points}]},
                "entries[0].points")
    refused(evaluation, "set_general_criteria", admin,   # the criterion's own maximum (5)
            {"period": "2026", "entries": [{"staff_id": "cv1", "criteria": {"chinh_tri": 6}}]},
            "entries[0].criteria.chinh_tri")
    for members in (0, 10 ** 12, -5):
        refused(evaluation, "record_ballot", admin,
                {**REQUESTS["record_ballot"], "council_members": members, "votes_for": 0},
                "council_members")
    refused(evaluation, "record_ballot", admin,
            {**REQUESTS["record_ballot"], "votes_for": 10 ** 12, "council_members": 9}, "votes_for")
    refused(evaluation, "recognise_initiative", admin,
            {"initiative_id": 2 ** 40, "level": "co_so"}, "initiative_id")
    for weight in (0, -1, 101, "x"):
        refused(evaluation, "set_task_weight", admin, {"task_type": "bao_cao", "weight": weight},
                "weight")


def test_strings_longer_than_their_columns_or_outside_their_rule_are_refused(evaluation, admin):
    long_id, long_unit = "a" * (STAFF_ID_MAX + 1), "U" * (UNIT_CODE_MAX + 1)
    for method in ("record_discipline", "decide_tie", "explain"):
        refused(evaluation, method, admin, {**REQUESTS[method], "staff_id": long_id}, "staff_id")
        refused(evaluation, method, admin, {**REQUESTS[method], "staff_id": "cv 1; --"}, "staff_id")
    refused(evaluation, "set_general_criteria", admin,
            {"period": "2026", "entries": [{"staff_id": "a" * 81, "points": 20}]},
            "entries[0].staff_id")
    refused(evaluation, "rate_unit", admin, {**REQUESTS["rate_unit"], "unit_code": "U" * 81},
            "unit_code")
    refused(evaluation, "rate_unit", admin, {**REQUESTS["rate_unit"], "unit_code": long_unit},
            "unit_code")
    refused(evaluation, "set_task_weight", admin,
            {"task_type": "t" * (TASK_TYPE_MAX + 1), "weight": 2}, "task_type")
    refused(evaluation, "record_discipline", admin,
            {**REQUESTS["record_discipline"], "decision_number": "1" * (NUMBER_MAX + 1)},
            "decision_number")
    refused(evaluation, "record_initiative", admin,
            {**REQUESTS["record_initiative"], "title": "x" * 501}, "title")
    refused(evaluation, "record_ballot", admin,
            {**REQUESTS["record_ballot"], "subject": "s" * 81}, "subject")
    refused(evaluation, "import_history", admin,
            {"year": 2025, "titles": [{"title": "LDTT", "subject": "cv1", "name": "n" * 301}]},
            "titles[0].name")


def test_a_page_of_outcomes_is_bounded(evaluation, admin):
    for limit in (0, 2001, 10 ** 9):
        refused(evaluation, "outcomes", admin, {"limit": limit}, "limit")
    refused(evaluation, "outcomes", admin, {"offset": -1}, "offset")
    assert call(evaluation, "outcomes", admin, limit=2000, offset=0) == []
