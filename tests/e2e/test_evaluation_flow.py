"""tasks → evaluation across processes: tasks' events on the real broker, evaluation's RPCs and CLI.

The events are the contract's (shared.outbox.build_envelope) published to ``tasks.events`` as
the tasks service publishes them. The office HN-VPHDND and the E2E- units keep this test's
figures apart from the other end-to-end tests sharing the suite.
"""
import json

from docx import Document

from shared import outbox
from shared.auth import mint_token
from shared.rpc_client import suite_proxy
from tests.support.events import publish_events
from tests.conftest import OTHER_OFFICE as OFFICE, wait_for

STAFF = [("e2e-ld", "Nguyễn Lãnh Đạo", True), ("e2e-cv1", "Trần Chuyên Viên", False),
         ("e2e-cv2", "Lê Thị Hai", False)]


def envelope(event_type, data):
    return outbox.build_envelope("tasks", event_type, data, office=OFFICE)


def publish(suite, bodies):
    publish_events(suite.env["AMQP_URI"], bodies)


def completed(task_id, assignee, due, done, **extra):
    return envelope("task_completed", {
        "task_id": task_id, "title": f"Báo cáo {task_id}", "assignee": assignee,
        "assigner": "e2e-ld", "unit_code": "E2E-TH", "due_date": due, "completed_on": done,
        "on_time": done <= due, **extra})


def test_tasks_events_become_scores_and_a_published_classification(suite):
    evaluator = mint_token(suite.config, "e2e-dg", OFFICE, ["evaluator"])
    leader = mint_token(suite.config, "e2e-ld", OFFICE, ["leader"])
    publish(suite, [envelope("staff_changed", {
        "staff_id": staff_id, "full_name": name, "unit_code": "E2E-TH",
        "unit_name": "Phòng Tổng hợp (e2e)", "parent_unit_code": None, "is_leader": is_leader,
        "task_group": "e2e", "active": True, "changed_on": "2026-01-02"})
        for staff_id, name, is_leader in STAFF])
    with suite_proxy(suite.config, token=evaluator, timeout=30) as proxy:
        wait_for(lambda: {s["staff_id"] for s in proxy.evaluation.list_staff()} >= {s for s, _, _ in STAFF},
                 timeout=30, message="the staff copy")
    publish(suite, [
        completed(970001, "e2e-cv1", "2026-10-09", "2026-10-08"),
        completed(970002, "e2e-cv2", "2026-10-15", "2026-10-20", delay_count=1, failed_reviews=1),
        completed(970003, "e2e-ld", "2026-10-28", "2026-10-28"),
        envelope("task_assigned", {"task_id": 970004, "title": "Tổng hợp ý kiến cử tri",
                                   "assignee": "e2e-cv2", "due_date": "2026-10-30"}),
    ])
    with suite_proxy(suite.config, token=evaluator, timeout=30) as proxy:
        wait_for(lambda: {o["task_id"] for o in proxy.evaluation.outcomes()
                          if o["task_id"] >= 970001} == {970001, 970002, 970003, 970004},
                 timeout=30, message="the outcomes in evaluation")
        proxy.evaluation.set_general_criteria(period="2026", entries=[
            {"staff_id": "e2e-cv1", "points": 27, "comment": "Tích cực, đúng giờ"},
            {"staff_id": "e2e-cv2", "points": 24}, {"staff_id": "e2e-ld", "points": 29}])
        rows = {r["staff_id"]: r for r in proxy.evaluation.period_scores(period="2026-10")["staff"]}
        # e2e-cv2: one task done late with a failed review (75 % quality, 75 % progress),
        # one not done → quantity 50, quality 37.5, progress 37.5 → 70 × 125 / 300 = 29.17
        assert (rows["e2e-cv2"]["quantity_pct"], rows["e2e-cv2"]["quality_pct"],
                rows["e2e-cv2"]["task_points"]) == (50.0, 37.5, 29.17)
        # e2e-cv2 stands at 53.17 ≥ 50: the leader's unit part counts in full
        assert rows["e2e-ld"]["task_points"] == 70.0 and rows["e2e-cv1"]["total"] == 97.0

    cli = suite.cli("eval", "scores", "--period", "2026-10", "--token", evaluator, check=True)
    assert "Điểm nhiệm vụ (/70)" in cli.stdout and "Trần Chuyên Viên" in cli.stdout
    cli = suite.cli("eval", "classify", "--year", "2026", "--token", evaluator, check=True)
    assert "XẾP LOẠI CHẤT LƯỢNG NĂM 2026" in cli.stdout and "dự thảo" in cli.stdout

    with suite_proxy(suite.config, token=leader, timeout=60) as proxy:
        draft = proxy.evaluation.get_classification(year=2026)
        assert draft["status"] == "draft"
        entries = {e["staff_id"]: e for e in draft["entries"] if e["staff_id"].startswith("e2e-")}
        assert {s: (e["score"], e["provisional_level"], e["level"]) for s, e in entries.items()} == {
            # group e2e: 1 HTXSNV and 1 HTTNV → ⌊0.2 × 2 / 1.2⌋ = 0 places
            "e2e-cv1": (97.0, "HTXSNV", "HTTNV"),
            "e2e-cv2": (53.17, "HTNV", "HTNV"),
            # the unit's mean (97 + 53.17) / 2 = 75.09 caps the leader at HTTNV
            "e2e-ld": (99.0, "HTXSNV", "HTTNV")}
        assert [a["rule"] for a in entries["e2e-cv1"]["adjustments"]] == ["quota"]
        why = proxy.evaluation.explain(staff_id="e2e-ld", year=2026)
        assert why["adjustments"][0]["rule"] == "leader_capped_by_unit"
        assert why["periods"]["2026-10"]["tasks"] == [970003]
        # people of other tests in this office may lack general criteria: the evaluator fills them
        if draft["blockers"]:
            proxy.evaluation.set_general_criteria(period="2026", entries=[
                {"staff_id": staff_id, "points": 25} for staff_id in draft["blockers"]])
            proxy.evaluation.classify_year(year=2026)

    # the rest of the evaluator's year-end path, as the README shows it
    cli = suite.cli("eval", "explain", "e2e-cv2", "--period", "2026-10", "--token", evaluator,
                    check=True)
    assert json.loads(cli.stdout)["products"][0]["task_id"] == 970002
    cli = suite.cli("eval", "publish", "--year", "2026", "--token", leader, check=True)
    assert "đã công bố" in cli.stdout
    suite.cli("rpc", "evaluation.register_emulation", json.dumps({
        "year": 2026, "registered_on": "2026-01-15",
        "entries": [{"staff_id": "e2e-cv1"}, {"staff_id": "e2e-ld"}, {"unit_code": "E2E-TH"}]}),
        "--token", evaluator, check=True)
    cli = suite.cli("eval", "titles", "--year", "2026", "--json", "--token", leader, check=True)
    proposals = {(p["title"], p["subject"]): p for p in json.loads(cli.stdout)}
    assert proposals[("LDTT", "e2e-cv1")]["eligible"] and proposals[("LDTT", "e2e-ld")]["eligible"]
    assert proposals[("LDTT", "e2e-cv2")]["missed"] == ["level_httnv", "registered"]
    suite.cli("rpc", "evaluation.award_titles", json.dumps({
        "year": 2026, "decision_number": "12/QĐ-VP",
        "awards": [{"title": "LDTT", "subject": "e2e-cv1"}, {"title": "LDTT", "subject": "e2e-ld"}]}),
        "--token", evaluator, check=True)      # the leader is a candidate: not theirs to award
    output = suite.var / "bao-cao-thi-dua-2026.docx"
    cli = suite.cli("eval", "report", "--year", "2026", "-o", str(output), "--token", evaluator,
                    check=True)
    assert "02 cá nhân đạt danh hiệu Lao động tiên tiến" in cli.stdout
    text = "\n".join(p.text for p in Document(output).paragraphs)
    assert "Kết quả khen thưởng năm 2026 như sau: Có 02 cá nhân" in text
