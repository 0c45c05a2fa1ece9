"""The year-end pipeline (leader cap, quota per group, 25 % exception) with a fake rule set,
and the period scoring of leaders and transferred people with the real 335 rules."""
from decimal import Decimal

from services.evaluation import classification, scoring
from services.evaluation.rules import (HTTNV, HTXSNV, KHTNV, Product, YearInput,
                                       YearResult)
from services.evaluation.rules.nd335_2025 import RULE_SET as ND335
from services.evaluation.scoring import Member, Units

OFFICE = "DT-VPHDND"
QUOTA = {"rate": "0.20", "excellent_unit_rate": "0.25", "basis": "httnv_only"}
UNITS = Units({"VP": None, "P1": "VP", "P2": "VP"})


class FakeRules:
    """Scores are given, levels by the 335 thresholds: isolates the pipeline from scoring."""
    name = "fake"

    def year_result(self, person, settings):
        score = person.general_points
        return YearResult(score, ND335.level_for(score, settings), None, None, (score,), [])

    def level_for(self, score, settings):
        return ND335.level_for(score, settings)


def person(staff_id, score, unit="P1", leader=False, group="chuyen_vien"):
    member = Member(staff_id, staff_id.upper(), unit, leader, group)
    return classification.Person(member, YearInput(staff_id, {}, [], Decimal(score)))


def run(people, ratings=None):
    result = classification.classify(FakeRules(), ND335.settings(), people, UNITS,
                                     ratings or {}, OFFICE, QUOTA)
    return result, {e.staff_id: e for e in result.entries}


def test_a_leader_is_capped_by_the_units_rating():
    _, entries = run([person("tp1", "95", leader=True), person("cv1", "80")],
                     ratings={"P1": HTTNV})
    assert entries["tp1"].provisional_level == HTXSNV
    assert entries["tp1"].level == HTTNV
    assert entries["tp1"].adjustments[0]["rule"] == "leader_capped_by_unit"
    assert entries["cv1"].level == HTTNV and entries["cv1"].adjustments == []


def test_a_leader_is_capped_by_the_units_derived_level():
    # members 80 and 64 → mean 72 → HTTNV; the leader's 92 is capped
    result, entries = run([person("tp1", "92", leader=True), person("cv1", "80"),
                           person("cv2", "64")])
    assert result.units["P1"] == {"level": HTTNV, "source": "derived", "score": 72.0}
    assert entries["tp1"].level == HTTNV
    assert "72.0" in entries["tp1"].adjustments[0]["text"]


def test_a_leader_within_the_units_level_is_not_touched():
    _, entries = run([person("tp1", "75", leader=True), person("cv1", "95")])
    assert entries["tp1"].level == HTTNV and entries["tp1"].adjustments == []


def test_the_quota_is_applied_per_task_group():
    people = [person("a1", "95"), person("a2", "93"), person("a3", "91")]
    people += [person(f"g{i}", "80") for i in range(7)]
    people += [person("b1", "96", group="phuc_vu")] + [person(f"h{i}", "75", group="phuc_vu")
                                                       for i in range(5)]
    result, entries = run(people)
    # chuyen_vien: 3 + 7 → 1 place; phuc_vu: 1 + 5 → 1 place
    assert [entries[s].level for s in ("a1", "a2", "a3", "b1")] == [HTXSNV, HTTNV, HTTNV, HTXSNV]
    moved = entries["a2"].adjustments[0]
    assert moved["rule"] == "quota" and moved["from"] == HTXSNV and moved["to"] == HTTNV
    assert "xếp thứ 2" in moved["text"] and "tối đa 1" in moved["text"]
    assert {d["group"]: d["allowed"] for d in result.quota} == {"chuyen_vien": 1, "phuc_vu": 1}


def test_an_excellent_office_gets_25_percent():
    people = [person("a1", "95"), person("a2", "93"), person("a3", "91")]
    people += [person(f"g{i}", "80") for i in range(7)]
    result, entries = run(people, ratings={OFFICE: HTXSNV})
    assert result.office_excellent
    assert [entries[s].level for s in ("a1", "a2", "a3")] == [HTXSNV, HTXSNV, HTTNV]
    assert "25 %" in entries["a3"].adjustments[0]["text"]


def test_ties_at_the_cut_are_sent_to_the_council():
    people = [person("a1", "95"), person("a2", "93"), person("a3", "93")]
    people += [person(f"g{i}", "80") for i in range(9)]
    _, entries = run(people)
    assert entries["a1"].level == HTXSNV and not entries["a1"].council_pending
    for staff in ("a2", "a3"):
        assert entries[staff].council_pending
        assert entries[staff].adjustments[0]["rule"] == "quota_tie"
        assert "Hội đồng" in entries[staff].adjustments[0]["text"]


def test_nobody_at_httnv_means_no_htxsnv():
    _, entries = run([person("a1", "95"), person("a2", "92"), person("k1", "40")])
    assert entries["a1"].level == HTTNV and entries["a2"].level == HTTNV
    assert entries["k1"].level == KHTNV


def test_the_cap_runs_before_the_quota():
    # the capped leader no longer takes an HTXSNV place: cv1 keeps the only one
    people = [person("tp1", "99", leader=True), person("cv1", "95")]
    people += [person(f"g{i}", "80") for i in range(5)]
    _, entries = run(people, ratings={"P1": HTTNV})
    assert entries["tp1"].level == HTTNV and entries["cv1"].level == HTXSNV


# --- period scoring: leaders answer for their unit; a transferred person stays with the old unit

def products(done_well):
    return [Product(1)] if done_well else [Product(1, completed=False)]


def test_a_leader_answers_for_the_unit_in_each_period():
    members = [Member("tp1", unit_code="P1", is_leader=True), Member("cv1", unit_code="P1"),
               Member("cv2", unit_code="P1")]
    results = scoring.score_period(ND335, ND335.settings(), members,
                                   {"tp1": products(True), "cv1": products(True),
                                    "cv2": products(False)}, {}, UNITS)
    # cv2 did nothing: task points 0 → the unit part counts 50 %: 0.5 × 70 + 0.5 × 70 × 0.5
    assert results["tp1"].score.own_task_points == Decimal("70.00")
    assert results["tp1"].score.task_points == Decimal("52.50")
    assert results["tp1"].subordinates == [("cv1", True), ("cv2", False)]


def test_a_transferred_person_counts_for_the_old_units_leader_in_old_periods():
    january = [Member("tp1", unit_code="P1", is_leader=True), Member("tp2", unit_code="P2", is_leader=True),
               Member("cv1", unit_code="P1")]
    february = [Member("tp1", unit_code="P1", is_leader=True), Member("tp2", unit_code="P2", is_leader=True),
                Member("cv1", unit_code="P2")]
    work = {"tp1": products(True), "tp2": products(True), "cv1": products(False)}
    jan = scoring.score_period(ND335, ND335.settings(), january, work, {}, UNITS)
    feb = scoring.score_period(ND335, ND335.settings(), february, work, {}, UNITS)
    assert (jan["tp1"].score.task_points, jan["tp2"].score.task_points) == (Decimal("52.50"),
                                                                          Decimal("70.00"))
    assert (feb["tp1"].score.task_points, feb["tp2"].score.task_points) == (Decimal("70.00"),
                                                                          Decimal("52.50"))


def test_the_office_leader_answers_for_unit_leaders_after_their_own_factor():
    members = [Member("ld", unit_code="VP", is_leader=True),
               Member("tp1", unit_code="P1", is_leader=True), Member("cv1", unit_code="P1")]
    work = {"ld": products(True), "tp1": [Product(1, quality_met=False, delays=4)],
            "cv1": products(False)}
    results = scoring.score_period(ND335, ND335.settings(), members, work, {}, UNITS)
    # tp1 own: quantity 100, quality 0, progress 0 → 23.33; unit incomplete → 11.67 + 17.5 = 29.17
    assert results["tp1"].score.task_points == Decimal("29.17")
    # ld: tp1 at 29.17 / 70 × 100 = 41.7 < 50 and cv1 at 0 → 35 + 17.5
    assert results["ld"].score.task_points == Decimal("52.50")


def test_period_totals_and_provisional_levels_use_the_general_points():
    members = [Member("cv1", unit_code="P1")]
    results = scoring.score_period(ND335, ND335.settings(), members, {"cv1": products(True)},
                                   {"cv1": Decimal("25")}, UNITS)
    assert results["cv1"].total == Decimal("95.00")
    assert results["cv1"].provisional_level == HTXSNV
    missing = scoring.score_period(ND335, ND335.settings(), members, {"cv1": products(True)},
                                   {}, UNITS)
    assert missing["cv1"].total is None and missing["cv1"].provisional_level is None
