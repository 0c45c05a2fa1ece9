"""evaluation against the real broker, on SQLite and PostgreSQL: tasks' events in, scores out.

The events are published the way tasks publishes them (the contract's envelope on the
``tasks.events`` exchange); the figures are worked out by hand in the comments.
"""
import base64
import io
import json

import pytest
from docx import Document
from kombu import Connection, Exchange, Queue
from nameko.exceptions import RemoteError

from services.evaluation.service import EvaluationService
from shared import outbox
from shared.errors import parse_remote_error
from shared.rpc_client import suite_proxy
from tests.support.events import publish_events
from tests.conftest import OFFICE, OTHER_OFFICE, wait_for

pytestmark = pytest.mark.integration

# a quota rate of 50 % leaves one HTXSNV place among cv1..cv4 (see test_year_end)
EVALUATION = {"quota": {"rate": "0.5", "excellent_unit_rate": "0.6", "basis": "httnv_only"}}

STAFF = [
    # staff_id, name, unit, parent, leader, group
    ("ld1", "Mai Ngọc Dinh", "VP", None, True, "lanh_dao"),
    ("tp1", "Trần Văn Phòng", "TH", "VP", True, "lanh_dao"),
    ("cv1", "Nguyễn Thị Một", "TH", "VP", False, "chuyen_vien"),
    ("cv2", "Lê Văn Hai", "TH", "VP", False, "chuyen_vien"),
    ("cv3", "Phạm Thị Ba", "TH", "VP", False, "chuyen_vien"),
    ("cv4", "Võ Văn Bốn", "TH", "VP", False, "chuyen_vien"),
]
UNIT_NAMES = {"VP": "Văn phòng", "TH": "Phòng Tổng hợp", "HC": "Phòng Hành chính - Quản trị"}


def staff_event(staff_id, name, unit, parent, leader, group, changed_on="2026-01-05", **extra):
    return outbox.build_envelope("tasks", "staff_changed", {
        "staff_id": staff_id, "full_name": name, "unit_code": unit, "unit_name": UNIT_NAMES[unit],
        "parent_unit_code": parent, "is_leader": leader, "is_unit_head": leader,
        "task_group": group, "active": True, "changed_on": changed_on, **extra}, office=OFFICE)


def task(task_id, assignee, due, **extra):
    return {"task_id": task_id, "title": f"Nhiệm vụ {task_id}", "assignee": assignee,
            "assigner": "ld1", "unit_code": "TH", "due_date": due, **extra}


def assigned(task_id, assignee, due, **extra):
    return outbox.build_envelope("tasks", "task_assigned", task(task_id, assignee, due, **extra),
                                 office=OFFICE)


def completed(task_id, assignee, due, completed_on=None, **extra):
    data = task(task_id, assignee, due, completed_on=completed_on or due,
                on_time=extra.pop("on_time", True), **extra)
    return outbox.build_envelope("tasks", "task_completed", data, office=OFFICE)


def publish(config, envelopes):
    publish_events(config["AMQP_URI"], envelopes)


class EventListener:
    """A queue bound to a service's event exchange, as notify's would be."""

    def __init__(self, config, source, event_type):
        self.connection = Connection(config["AMQP_URI"])
        exchange = Exchange(f"{source}.events", type="topic", durable=True)
        self.queue = Queue(f"test-{event_type}", exchange=exchange, routing_key=event_type,
                           auto_delete=True)(self.connection.default_channel)
        self.queue.declare()

    def get(self):
        message = self.queue.get(no_ack=True)
        return None if message is None else json.loads(message.body)


def call(config, method, token, **kwargs):
    with suite_proxy(config, token=token, timeout=30) as proxy:
        return getattr(proxy.evaluation, method)(**kwargs)


def error_of(config, method, token, **kwargs):
    with pytest.raises(RemoteError) as raised:
        call(config, method, token, **kwargs)
    return parse_remote_error(raised.value)


@pytest.fixture
def evaluation(runner_factory, service_config):
    config = service_config(EvaluationService, EVALUATION=EVALUATION)
    runner_factory(config, EvaluationService).start()
    return config


def load_office(config, token):
    evaluator = token("dg1", ["evaluator"])
    publish(config, [staff_event(*row) for row in STAFF])
    wait_for(lambda: len(call(config, "list_staff", evaluator)) == len(STAFF), timeout=30,
             message="staff")
    # cv4 moves from Tổng hợp to Hành chính on 1 October
    publish(config, [staff_event("cv4", "Võ Văn Bốn", "HC", "VP", False, "chuyen_vien",
                                 changed_on="2026-10-01", previous_unit_code="TH")])
    wait_for(lambda: [s for s in call(config, "list_staff", evaluator)
                      if s["staff_id"] == "cv4" and s["unit_code"] == "HC"], message="the transfer")
    first = completed(1, "cv1", "2026-10-10")
    events = [
        assigned(1, "cv1", "2026-10-10"), first, first,                     # delivered twice
        completed(2, "cv2", "2026-10-12", weight=2, failed_reviews=1),
        assigned(3, "cv2", "2026-10-20"),                                   # never done
        # an objective cause approved before the completion arrives
        outbox.build_envelope("tasks", "extension_decided", {
            **task(4, "cv3", "2026-10-16"), "approved": True, "old_due_date": "2026-10-14",
            "new_due_date": "2026-10-16", "objective_cause": True, "decided_by": "tp1"},
            office=OFFICE),
        completed(4, "cv3", "2026-10-16", "2026-10-18", on_time=False, delay_count=1),
        completed(5, "cv3", "2026-10-22", "2026-10-28", on_time=False, delay_count=2),
        completed(6, "tp1", "2026-10-05"),
        assigned(7, "cv4", "2026-09-15"),                                   # September, in TH
        completed(8, "tp1", "2026-09-20"),
        completed(9, "cv4", "2026-10-25", unit_code="HC"),
        completed(10, "ld1", "2026-10-30"),
        assigned(11, "cv1", "2026-10-25"),
        outbox.build_envelope("tasks", "task_cancelled", task(11, "cv1", "2026-10-25"), office=OFFICE),
    ]
    publish(config, events)
    wait_for(lambda: {o["task_id"]: o["status"] for o in call(config, "outcomes", evaluator)}
             == {1: "completed", 2: "completed", 3: "assigned", 4: "completed", 5: "completed",
                 6: "completed", 7: "assigned", 8: "completed", 9: "completed", 10: "completed",
                 11: "cancelled"}, timeout=30, message="the outcomes")
    call(config, "set_general_criteria", evaluator, period="2026", entries=[
        {"staff_id": "cv1", "points": 28, "comment": "Chấp hành tốt kỷ luật"},
        {"staff_id": "cv2", "points": 30},
        {"staff_id": "cv3", "criteria": {"chinh_tri": 5, "dao_duc": 5, "van_hoa": 4, "ky_luat": 4,
                                         "trach_nhiem": 3, "thai_do": 3, "doi_moi": 3}},
        {"staff_id": "tp1", "points": 29}, {"staff_id": "ld1", "points": 30},
        {"staff_id": "cv4", "points": 26}])
    return evaluator


def test_outcomes_are_recorded_once_and_scored_per_period(evaluation, token):
    evaluator = load_office(evaluation, token)
    outcome = {o["task_id"]: o for o in call(evaluation, "outcomes", evaluator)}
    assert outcome[4]["objective_causes"] == 1 and outcome[4]["delay_count"] == 1
    assert outcome[2]["weight"] == 2.0 and outcome[2]["failed_reviews"] == 1

    october = call(evaluation, "period_scores", evaluator, period="2026-10")
    rows = {r["staff_id"]: r for r in october["staff"]}
    # cv2: task 2 (weight 2, one failed review) done, task 3 (weight 1) not done
    # quantity 2/3, quality 1.5/3, progress 2/3 → 70 × (66.67 + 50 + 66.67) / 300 = 42.78
    assert (rows["cv2"]["quantity_pct"], rows["cv2"]["quality_pct"],
            rows["cv2"]["progress_pct"], rows["cv2"]["task_points"]) == (66.67, 50.0, 66.67, 42.78)
    assert rows["cv2"]["total"] == 72.78 and rows["cv2"]["provisional_level"] == "HTTNV"
    # cv3: task 4's delay excused, task 5 two delays (50 % off) → progress 75 → 64.17
    assert rows["cv3"]["progress_pct"] == 75.0 and rows["cv3"]["task_points"] == 64.17
    assert rows["cv3"]["general_points"] == 27.0
    # the cancelled task 11 does not count against cv1
    assert (rows["cv1"]["products"], rows["cv1"]["task_points"], rows["cv1"]["total"]) == (1, 70.0, 98.0)
    assert rows["cv4"]["unit_code"] == "HC"
    assert rows["tp1"]["task_points"] == 70.0                 # every subordinate completes tasks

    september = {r["staff_id"]: r for r in
                 call(evaluation, "period_scores", evaluator, period="2026-09")["staff"]}
    # cv4 was still in Tổng hợp and did nothing: tp1's unit part counts 50 %
    assert september["cv4"]["unit_code"] == "TH" and september["cv4"]["task_points"] == 0.0
    assert september["tp1"]["own_task_points"] == 70.0
    assert september["tp1"]["task_points"] == 52.5            # 35 + 0.5 × 70 × 0.5

    quarter = {r["staff_id"]: r for r in
               call(evaluation, "period_scores", evaluator, period="2026-Q3")["staff"]}
    assert set(quarter) == {"cv4", "tp1"}

    why = call(evaluation, "explain", evaluator, staff_id="cv3", period="2026-10")
    assert [p["task_id"] for p in why["products"]] == [4, 5]
    assert any("nguyên nhân khách quan" in n for n in why["products"][0]["notes"])
    assert any("trừ 50 %" in n for n in why["products"][1]["notes"])
    assert why["general"]["points"] == 27.0


def test_year_end(evaluation, token):
    evaluator = load_office(evaluation, token)
    draft = call(evaluation, "classify_year", evaluator, year=2026)
    entries = {e["staff_id"]: e for e in draft["entries"]}
    scores = {s: (e["score"], e["provisional_level"], e["level"]) for s, e in entries.items()}
    assert scores == {
        "cv1": (98.0, "HTXSNV", "HTXSNV"),
        "cv2": (72.78, "HTTNV", "HTTNV"),
        "cv3": (91.17, "HTXSNV", "HTTNV"),     # quota: ⌊0.5 × 3 / 1.5⌋ = 1 place, cv1 ranks first
        "cv4": (61.0, "HTNV", "HTNV"),         # (0 in September + 70 in October) / 2 + 26
        "tp1": (90.25, "HTXSNV", "HTTNV"),     # (52.5 + 70) / 2 + 29, capped by Tổng hợp (87.32)
        "ld1": (100.0, "HTXSNV", "HTTNV"),     # capped by the office's mean 80.74
    }
    assert draft["units"]["TH"] == {"level": "HTTNV", "source": "derived", "score": 87.32}
    assert draft["units"]["VP"]["score"] == 80.74
    assert entries["cv3"]["adjustments"][0]["rule"] == "quota"
    assert entries["tp1"]["adjustments"][0]["rule"] == "leader_capped_by_unit"
    assert draft["status"] == "draft" and draft["blockers"] == {}

    why = call(evaluation, "explain", evaluator, staff_id="cv4", year=2026)
    assert why["periods"]["2026-09"]["unit_code"] == "TH"
    assert why["periods"]["2026-09"]["tasks"] == [7]
    assert why["periods"]["2026-10"]["unit_code"] == "HC"

    listener = EventListener(evaluation, "evaluation", "classification_published")
    staff = token("cv1", ["staff"])
    code, message, _ = error_of(evaluation, "publish_classification", staff, year=2026)
    assert code == "FORBIDDEN" and "evaluator" in message
    published = call(evaluation, "publish_classification", token("ld1", ["leader"]), year=2026)
    assert published["status"] == "published"
    code, _, fields = error_of(evaluation, "classify_year", evaluator, year=2026)
    assert code == "CONFLICT" and "no longer be recomputed" in fields["year"][0]

    envelope = wait_for(lambda: listener.get(), message="classification_published on the broker")
    listener.connection.release()
    assert envelope["office"] == OFFICE
    assert {r["staff_id"]: r["level"] for r in envelope["data"]["results"]}["cv3"] == "HTTNV"

    # another office sees nothing
    other = token("dg2", ["evaluator"], office=OTHER_OFFICE)
    assert error_of(evaluation, "get_classification", other, year=2026)[0] == "NOT_FOUND"
    assert error_of(evaluation, "get_classification", other, year=2026, office=OFFICE)[0] == "FORBIDDEN"
    admin = token("adm", ["admin"], office=OTHER_OFFICE)
    assert call(evaluation, "get_classification", admin, year=2026, office=OFFICE)["status"] == "published"


def test_bad_input_names_the_rule(evaluation, token):
    evaluator = token("dg1", ["evaluator"])
    code, _, fields = error_of(evaluation, "period_scores", evaluator, period="2099-01")
    assert code == "VALIDATION_ERROR"
    assert "is scored once it is closed" in fields["period"][0]
    code, _, fields = error_of(evaluation, "set_general_criteria", evaluator, period="2026-10",
                               entries=[{"staff_id": "cv1", "points": 31},
                                        {"staff_id": "cv2", "criteria": {"chinh_tri": 6}}])
    assert code == "VALIDATION_ERROR"
    assert "tiêu chí chung tối đa 30 điểm" in fields["entries[0].points"][0]
    assert "chinh_tri is 0 to 5" in fields["entries[1].criteria.chinh_tri"][0]
    # nothing half-written: a valid entry next to a bad one is not saved either
    error_of(evaluation, "set_general_criteria", evaluator, period="2026-10",
             entries=[{"staff_id": "cv1", "points": 20}, {"staff_id": "cv2", "points": -1}])
    publish(evaluation, [completed(1, "cv1", "2026-10-10")])
    wait_for(lambda: call(evaluation, "outcomes", evaluator), message="the outcome")
    rows = call(evaluation, "period_scores", evaluator, period="2026-10")["staff"]
    assert rows[0]["general_points"] is None
    code, _, fields = error_of(evaluation, "period_scores", evaluator, period="2026-13")
    assert code == "VALIDATION_ERROR" and "period" in fields
    code, _, fields = error_of(evaluation, "classify_year", evaluator, year=2099)
    assert code == "VALIDATION_ERROR" and "closed periods" in fields["year"][0]
    code, _, _ = error_of(evaluation, "period_scores", token("cv1", ["staff"]), period="2026-10")
    assert code == "FORBIDDEN"


def test_emulation_titles_ballots_and_report(evaluation, token):
    evaluator = load_office(evaluation, token)
    leader = token("ld1", ["leader"])
    code, _, fields = error_of(evaluation, "propose_titles", leader, year=2026)
    assert code == "NOT_FOUND"                                  # nothing classified yet
    call(evaluation, "classify_year", evaluator, year=2026)
    code, _, fields = error_of(evaluation, "propose_titles", leader, year=2026)
    assert code == "CONFLICT" and "published classification" in fields["year"][0]
    call(evaluation, "publish_classification", leader, year=2026)

    code, _, fields = error_of(evaluation, "register_emulation", evaluator, year=2026,
                               registered_on="2026-05-02", entries=[{"staff_id": "cv1"}])
    assert code == "VALIDATION_ERROR" and "registration deadline" in fields["registered_on"][0]
    call(evaluation, "register_emulation", evaluator, year=2026, registered_on="2026-01-10",
         entries=[*({"staff_id": s, "titles": ["LDTT"]} for s in ("ld1", "tp1", "cv1", "cv2", "cv3")),
                  {"unit_code": "TH", "titles": ["TT_LDXS"]}])
    call(evaluation, "record_initiative", leader, year=2026, authors=["cv2"], level="co_so",
         title="Số hóa sổ theo dõi ý kiến cử tri", recognised_on="2026-11-02")
    call(evaluation, "import_history", leader, year=2025, levels=[{"staff_id": "cv1", "level": "HTXSNV"}])

    proposals = {(p["title"], p["subject"]): p for p in
                 call(evaluation, "propose_titles", leader, year=2026)}
    eligible = sorted(k for k, p in proposals.items() if p["eligible"])
    assert eligible == [("BANG_KHEN", "cv1"), ("CSTDCS", "cv1"), ("CSTDCS", "cv2"),
                        ("GIAY_KHEN", "cv1"), ("LDTT", "cv1"), ("LDTT", "cv2"), ("LDTT", "cv3"),
                        ("LDTT", "ld1"), ("LDTT", "tp1"), ("TT_LDTT", "TH"), ("TT_LDXS", "TH")]
    assert proposals[("LDTT", "cv4")]["missed"] == ["level_httnv", "registered"]
    assert proposals[("CSTDCS", "cv3")]["missed"] == ["excellence_or_initiative"]

    code, _, fields = error_of(evaluation, "record_ballot", leader, year=2026, title="CSTDCS",
                               subject="cv1", council_members=9, votes_for=10)
    assert code == "VALIDATION_ERROR" and "exceed the 9 council members" in fields["votes_for"][0]
    passed = call(evaluation, "record_ballot", leader, year=2026, title="CSTDCS", subject="cv1",
                  council_members=9, votes_for=8)
    assert (passed["share"], passed["passed"]) == (88.89, True)
    failed = call(evaluation, "record_ballot", leader, year=2026, title="CSTDCS", subject="cv2",
                  council_members=9, votes_for=7)                # 77.78 % of all members
    assert failed["passed"] is False and "80 %" in failed["rule"]

    code, _, fields = error_of(evaluation, "award_titles", leader, year=2026,
                               awards=[{"title": "CSTDCS", "subject": "cv2"}])
    assert code == "VALIDATION_ERROR" and "Điều 30.7" in fields["CSTDCS:cv2"][0]
    call(evaluation, "record_discipline", leader, staff_id="cv3", form="khiển trách",
         decided_on="2026-11-20", reason="Vi phạm quy chế làm việc")
    code, _, fields = error_of(evaluation, "award_titles", leader, year=2026,
                               awards=[{"title": "LDTT", "subject": "cv3"}])
    assert code == "VALIDATION_ERROR" and "bị kỷ luật (khiển trách)" in fields["LDTT:cv3"][0]

    proposals = {(p["title"], p["subject"]): p for p in
                 call(evaluation, "propose_titles", leader, year=2026)}
    assert proposals[("LDTT", "cv3")]["missed"] == ["no_discipline"]
    assert proposals[("CSTDCS", "cv1")]["ballot_passed"] is True      # the ballot is kept

    listener = EventListener(evaluation, "evaluation", "titles_awarded")
    # ld1 is among the candidates: the evaluator awards (nobody awards a title to themselves)
    awarded = call(evaluation, "award_titles", evaluator, year=2026, decision_number="25/QĐ-VP")
    assert sorted((a["title"], a.get("staff_id") or a.get("unit_code")) for a in awarded["awarded"]) == [
        ("BANG_KHEN", "cv1"), ("CSTDCS", "cv1"), ("GIAY_KHEN", "cv1"), ("LDTT", "cv1"),
        ("LDTT", "cv2"), ("LDTT", "ld1"), ("LDTT", "tp1"), ("TT_LDXS", "TH")]
    event = wait_for(listener.get, message="titles_awarded on the broker")
    listener.connection.release()
    assert len(event["data"]["awards"]) == 8

    report = call(evaluation, "emulation_report", evaluator, year=2026)
    assert report["counts"] == {"lao_dong_tien_tien": 4, "chien_si_thi_dua_co_so": 1,
                                "chien_si_thi_dua_cap_tinh": 0, "giay_khen": 1, "bang_khen": 1,
                                "tap_the_lao_dong_tien_tien": 0, "tap_the_lao_dong_xuat_sac": 1}
    assert report["summary"].startswith(
        "Có 04 cá nhân đạt danh hiệu Lao động tiên tiến; 01 cá nhân đạt danh hiệu Chiến sĩ thi "
        "đua cơ sở; 01 cá nhân được đề nghị tặng Bằng khen")
    assert report["classification"] == {"HTXSNV": 1, "HTTNV": 4, "HTNV": 1, "KHTNV": 0}
    document = call(evaluation, "emulation_report", evaluator, year=2026, format="docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(base64.b64decode(document["data"]))).paragraphs)
    assert "BÁO CÁO" in text and "Kết quả khen thưởng năm 2026 như sau: Có 04 cá nhân" in text
