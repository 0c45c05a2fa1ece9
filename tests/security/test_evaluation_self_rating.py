"""Issue 9, hole 5 (evaluation): nobody rates themselves, or decides about themselves.

Each test is the attack over RPC against the real service container, on SQLite and PostgreSQL.
The office: ``ld1`` (Chánh Văn phòng, unit VP), ``tp1`` (Trưởng phòng Tổng hợp, TH under VP),
``tk1`` (a staff member of TH who holds the evaluator role: the office's tổ chức cán bộ),
``cv1``, ``cv2`` (TH), ``cv5`` (Hành chính, HC under VP); ``dg1`` is the office's evaluator
account, outside the organisation.
"""
import pytest
from sqlalchemy import func, select, table

from services.evaluation.service import EvaluationService
from shared import outbox
from tests.conftest import OFFICE, read_engine, wait_for
from tests.integration.test_evaluation import call, error_of, publish

pytestmark = pytest.mark.integration

# a quota of 50 %: two candidates at HTXSNV and one at HTTNV leave one place (⌊0.5 × 3 / 1.5⌋)
EVALUATION = {"quota": {"rate": "0.5", "excellent_unit_rate": "0.6", "basis": "httnv_only"}}
UNITS = {"VP": ("Văn phòng", None), "TH": ("Phòng Tổng hợp", "VP"),
         "HC": ("Phòng Hành chính - Quản trị", "VP")}
STAFF = [
    # staff_id, name, unit, head of it, task group
    ("ld1", "Mai Ngọc Dinh", "VP", True, "lanh_dao"),
    ("tp1", "Trần Văn Phòng", "TH", True, "lanh_dao"),
    ("tk1", "Đỗ Thị Tổ Chức", "TH", False, "chuyen_vien"),
    ("cv1", "Nguyễn Thị Một", "TH", False, "chuyen_vien"),
    ("cv2", "Lê Văn Hai", "TH", False, "chuyen_vien"),
    ("cv5", "Võ Văn Năm", "HC", False, "hanh_chinh"),
]


def staff_changed(staff_id, name, unit, head, group):
    unit_name, parent = UNITS[unit]
    return outbox.build_envelope("tasks", "staff_changed", {
        "staff_id": staff_id, "full_name": name, "unit_code": unit, "unit_name": unit_name,
        "parent_unit_code": parent, "is_leader": head, "is_unit_head": head, "task_group": group,
        "active": True, "changed_on": "2026-01-05"}, office=OFFICE)


def completed(task_id, assignee):
    return outbox.build_envelope("tasks", "task_completed", {
        "task_id": task_id, "title": f"Nhiệm vụ {task_id}", "assignee": assignee,
        "assigner": "ld1", "unit_code": "TH", "due_date": "2026-10-05",
        "completed_on": "2026-10-05", "on_time": True}, office=OFFICE)


@pytest.fixture
def office(runner_factory, service_config, token):
    """The running service with the office's organisation loaded; its config."""
    config = service_config(EvaluationService, EVALUATION=EVALUATION)
    runner_factory(config, EvaluationService).start()
    publish(config, [staff_changed(*row) for row in STAFF])
    evaluator = token("dg1", ["evaluator"])
    wait_for(lambda: len(call(config, "list_staff", evaluator)) == len(STAFF), timeout=30,
             message="the staff copy")
    return config


def general_criteria_rows(config):
    engine = read_engine(config["DB_URL"])
    try:
        with engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(
                table("general_criteria"))).scalar()
    finally:
        engine.dispose()


def forbidden(config, method, token, **payload):
    code, _, fields = error_of(config, method, token, **payload)
    assert code == "FORBIDDEN", (code, fields)
    return fields


def test_a_unit_head_cannot_give_themselves_general_criteria_points(office, token):
    head = token("tp1", ["head"])
    fields = forbidden(office, "set_general_criteria", head, period="2026-10",
                       entries=[{"staff_id": "cv1", "points": 25}, {"staff_id": "tp1", "points": 30}])
    assert "yourself" in fields["entries[1].staff_id"][0]
    assert general_criteria_rows(office) == 0          # not even cv1's entry: nothing half-written


def test_a_unit_head_cannot_give_points_to_staff_of_a_unit_they_do_not_head(office, token):
    head = token("tp1", ["head"])
    fields = forbidden(office, "set_general_criteria", head, period="2026-10",
                       entries=[{"staff_id": "cv5", "points": 30}])
    assert "HC" in fields["entries[0].staff_id"][0]
    assert call(office, "set_general_criteria", head, period="2026-10",
                entries=[{"staff_id": "cv1", "points": 25}])["saved"] == 1


def test_a_leader_cannot_give_themselves_general_criteria_points(office, token):
    fields = forbidden(office, "set_general_criteria", token("ld1", ["leader"]), period="2026",
                       entries=[{"staff_id": "ld1", "points": 30}])
    assert "yourself" in fields["entries[0].staff_id"][0]
    # the leader's own entry is set by the office's evaluator
    assert call(office, "set_general_criteria", token("dg1", ["evaluator"]), period="2026",
                entries=[{"staff_id": "ld1", "points": 30}])["saved"] == 1


def test_nobody_rates_a_unit_they_belong_to_or_the_office_they_work_in(office, token):
    leader = token("ld1", ["leader"])
    head_with_leader_role = token("tp1", ["head", "leader"])
    for who, unit in ((leader, "VP"), (leader, OFFICE), (head_with_leader_role, "TH"),
                      (head_with_leader_role, "VP")):
        fields = forbidden(office, "rate_unit", who, year=2026, unit_code=unit, level="HTXSNV")
        assert "unit_code" in fields
    assert call(office, "rate_unit", leader, year=2026, unit_code="TH", level="HTTNV")["level"] == "HTTNV"
    assert call(office, "rate_unit", token("dg1", ["evaluator"]), year=2026, unit_code=OFFICE,
                level="HTXSNV")["unit_code"] == OFFICE


def test_a_leader_cannot_record_discipline_or_history_about_themselves(office, token):
    leader = token("ld1", ["leader"])
    forbidden(office, "record_discipline", leader, staff_id="ld1", kind="degradation",
              decided_on="2026-11-20")
    fields = forbidden(office, "import_history", leader, year=2025,
                       levels=[{"staff_id": "cv1", "level": "HTTNV"},
                               {"staff_id": "ld1", "level": "HTXSNV"}],
                       titles=[{"title": "CSTDCS", "subject": "ld1"}])
    assert set(fields) == {"levels[1].staff_id", "titles[0].subject"}
    fields = forbidden(office, "import_history", token("tp1", ["leader"]), year=2025,
                       titles=[{"title": "TT_LDXS", "subject": "TH"}])
    assert set(fields) == {"titles[0].subject"}
    assert call(office, "import_history", leader, year=2025,
                levels=[{"staff_id": "cv1", "level": "HTTNV"}]) == {"levels": 1, "titles": 0}


def test_an_author_cannot_recognise_their_own_initiative(office, token):
    leader = token("ld1", ["leader"])
    fields = forbidden(office, "record_initiative", leader, year=2026, title="Số hóa sổ cử tri",
                       authors=["cv1", "ld1"], level="co_so")
    assert "authors[1]" in fields
    recorded = call(office, "record_initiative", leader, year=2026, title="Số hóa sổ cử tri",
                    authors=["cv1", "ld1"])
    forbidden(office, "recognise_initiative", leader, initiative_id=recorded["id"], level="co_so")
    assert call(office, "recognise_initiative", token("dg1", ["evaluator"]),
                initiative_id=recorded["id"], level="co_so")["level"] == "co_so"


def classify_a_tie(config, token):
    """tk1 and cv2 both score 98 for one HTXSNV place: the council decides (cv1 is HTTNV)."""
    evaluator = token("dg1", ["evaluator"])
    publish(config, [completed(1, "tk1"), completed(2, "cv2"), completed(3, "cv1")])
    wait_for(lambda: len(call(config, "outcomes", evaluator)) == 3, timeout=30, message="outcomes")
    call(config, "set_general_criteria", evaluator, period="2026", entries=[
        {"staff_id": "tk1", "points": 28}, {"staff_id": "cv2", "points": 28},
        {"staff_id": "cv1", "points": 10}])
    call(config, "close_period", evaluator, period="2026-10")   # scored whatever today is
    draft = call(config, "classify_year", evaluator, year=2026)
    assert sorted(draft["blockers"]) == ["cv2", "tk1"]
    return evaluator


def test_nobody_decides_a_quota_tie_they_are_in(office, token):
    evaluator = classify_a_tie(office, token)
    tied_evaluator = token("tk1", ["evaluator"])
    forbidden(office, "decide_tie", tied_evaluator, year=2026, staff_id="tk1", level="HTXSNV",
              reason="Tự quyết")
    # moving the rival down is a decision about oneself too: it frees the one place
    forbidden(office, "decide_tie", tied_evaluator, year=2026, staff_id="cv2", level="HTTNV",
              reason="Hội đồng bỏ phiếu")
    blockers = call(office, "get_classification", evaluator, year=2026)["blockers"]
    assert sorted(blockers) == ["cv2", "tk1"]
    call(office, "decide_tie", evaluator, year=2026, staff_id="cv2", level="HTXSNV",
         reason="Hội đồng bỏ phiếu 7/9")


def test_nobody_records_a_ballot_on_or_awards_a_title_to_themselves(office, token):
    evaluator = classify_a_tie(office, token)
    call(office, "decide_tie", evaluator, year=2026, staff_id="cv2", level="HTXSNV",
         reason="Hội đồng bỏ phiếu 7/9")
    call(office, "decide_tie", evaluator, year=2026, staff_id="tk1", level="HTTNV",
         reason="Hội đồng bỏ phiếu 2/9")
    call(office, "publish_classification", evaluator, year=2026)
    call(office, "register_emulation", evaluator, year=2026, registered_on="2026-01-10",
         entries=[{"staff_id": s} for s in ("tk1", "cv1", "cv2")])
    call(office, "propose_titles", evaluator, year=2026)
    tk1 = token("tk1", ["evaluator"])

    forbidden(office, "record_ballot", tk1, year=2026, title="CSTDCS", subject="tk1",
              council_members=9, votes_for=9)
    fields = forbidden(office, "award_titles", tk1, year=2026)            # every eligible one
    assert "LDTT:tk1" in fields
    forbidden(office, "award_titles", tk1, year=2026, awards=[{"title": "LDTT", "subject": "tk1"}])
    assert call(office, "emulation_report", evaluator, year=2026)["counts"]["lao_dong_tien_tien"] == 0

    awarded = call(office, "award_titles", evaluator, year=2026)
    assert {a["staff_id"] for a in awarded["awarded"] if a["title"] == "LDTT"} == {"tk1", "cv1", "cv2"}
