"""Year-end classification: each person's year result, the unit cap on leaders, the quota.

Order (each step can only lower a level, and says why):
1. the rule set's year result (score from the period scores, level, discipline);
2. a leader is rated no higher than the unit they lead (the unit's level is the one the
   evaluator recorded with `rate_unit`, or else derived from its members' mean score);
3. the HTXSNV quota per office and task group (`quota.apply`); ties at the cut go to the council.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from services.evaluation import quota
from services.evaluation.rules import (HTTNV, HTXSNV, LEVEL_NAMES, YearInput, lower, r2, rank)

DEFAULT_GROUP = "chung"


@dataclass
class Person:
    member: object                 # scoring.Member (the unit held at the end of the year)
    year_input: YearInput


@dataclass
class Entry:
    staff_id: str
    full_name: str
    unit_code: str | None
    task_group: str
    is_leader: bool
    score: Decimal | None
    task_points: Decimal | None
    general_points: Decimal | None
    provisional_level: str | None
    level: str | None
    reasons: list = field(default_factory=list)
    adjustments: list = field(default_factory=list)
    council_pending: bool = False
    quota_position: int | None = None
    rank_key: tuple = ()
    details: dict = field(default_factory=dict)

    def as_dict(self):
        return {"staff_id": self.staff_id, "full_name": self.full_name,
                "unit_code": self.unit_code, "task_group": self.task_group,
                "is_leader": self.is_leader, "score": _f(self.score),
                "task_points": _f(self.task_points), "general_points": _f(self.general_points),
                "provisional_level": self.provisional_level, "level": self.level,
                "level_name": LEVEL_NAMES.get(self.level, "") if self.level else "",
                "reasons": list(self.reasons), "adjustments": list(self.adjustments),
                "council_pending": self.council_pending, "quota_position": self.quota_position,
                "details": dict(self.details)}


@dataclass
class Result:
    entries: list
    units: dict                     # unit → {"level", "source", "score"}
    quota: list                     # [QuotaDecision.as_dict()]
    office_excellent: bool


def unit_levels(rules, settings, entries, units, ratings):
    """Each unit's level: the evaluator's rating, or the level of its members' mean score."""
    levels = {}
    codes = set(ratings)
    for entry in entries:
        codes.update(units.ancestors(entry.unit_code))
    for code in sorted(c for c in codes if c):
        if code in ratings:
            levels[code] = {"level": ratings[code], "source": "rated", "score": None}
            continue
        scores = [e.score for e in entries
                  if e.score is not None and not e.is_leader and units.contains(code, e.unit_code)]
        if not scores:
            continue
        mean = r2(sum(float(s) for s in scores) / len(scores))
        levels[code] = {"level": rules.level_for(mean, settings), "source": "derived",
                        "score": float(mean)}
    return levels


def classify(rules, settings, people, units, ratings, office, quota_settings):
    """`ratings`: unit code (or the office code, for the whole office) → level set by the evaluator."""
    entries = []
    for person in people:
        result = rules.year_result(person.year_input, settings)
        member = person.member
        entries.append(Entry(
            staff_id=member.staff_id, full_name=member.full_name, unit_code=member.unit_code,
            task_group=member.task_group or DEFAULT_GROUP, is_leader=member.is_leader,
            score=result.score, task_points=result.task_points,
            general_points=result.general_points, provisional_level=result.level,
            level=result.level, reasons=list(result.reasons), rank_key=result.rank_key,
            details=dict(result.details)))

    levels = unit_levels(rules, settings, entries, units, ratings)
    for entry in entries:
        unit = levels.get(entry.unit_code)
        if entry.is_leader and entry.level and unit and rank(unit["level"]) < rank(entry.level):
            capped = lower(entry.level, unit["level"])
            entry.adjustments.append({
                "rule": "leader_capped_by_unit", "from": entry.level, "to": capped,
                "text": f"lãnh đạo không được xếp loại cao hơn đơn vị {entry.unit_code} "
                        f"({LEVEL_NAMES[unit['level']]}, "
                        f"{'do cấp có thẩm quyền đánh giá' if unit['source'] == 'rated' else 'theo điểm bình quân ' + str(unit['score'])})"})
            entry.level = capped

    office_excellent = ratings.get(office) == HTXSNV
    rate = quota.rate_of(quota_settings["excellent_unit_rate"] if office_excellent
                         else quota_settings["rate"])
    basis = quota_settings.get("basis", "httnv_only")
    decisions = []
    for group in sorted({e.task_group for e in entries}):
        members = [e for e in entries if e.task_group == group]
        candidates = [quota.Candidate(e.staff_id, e.rank_key) for e in members if e.level == HTXSNV]
        if not candidates:
            continue
        good = sum(1 for e in members if e.level == HTTNV)
        decision = quota.apply(group, candidates, good, rate, basis)
        decisions.append(decision.as_dict())
        source = quota.QUOTA_SOURCE.format(rate=f"{float(rate) * 100:g} %")
        base = (f"nhóm {group}: {decision.excellent_count} đề xuất HTXSNV, {decision.good_count} "
                f"HTTNV → tối đa {decision.allowed} HTXSNV")
        if office_excellent:
            base += " (cơ quan được đánh giá Hoàn thành xuất sắc nhiệm vụ: tỷ lệ 25 %)"
        for entry in members:
            outcome = decision.outcome.get(entry.staff_id)
            if outcome is None:
                continue
            entry.quota_position = decision.positions[entry.staff_id]
            if outcome == quota.MOVED_DOWN:
                entry.adjustments.append({
                    "rule": "quota", "from": HTXSNV, "to": HTTNV,
                    "text": f"{base}; xếp thứ {entry.quota_position} với {_key(entry.rank_key)} "
                            f"nên chuyển xuống Hoàn thành tốt nhiệm vụ ({source})"})
                entry.level = HTTNV
            elif outcome == quota.COUNCIL:
                entry.council_pending = True
                tied = [e.staff_id for e in members
                        if decision.outcome.get(e.staff_id) == quota.COUNCIL]
                entry.adjustments.append({
                    "rule": "quota_tie", "from": HTXSNV, "to": None,
                    "text": f"{base}; {len(tied)} người bằng {_key(entry.rank_key)} "
                            f"({', '.join(tied)}) cho {decision.places_for_council} suất còn lại: "
                            f"chuyển Hội đồng quyết định, chương trình không tự chọn ({source})"})
    return Result(entries, levels, decisions, office_excellent)


def _key(rank_key):
    return "điểm " + " / ".join(str(v) for v in rank_key)


def _f(value):
    return None if value is None else float(value)
