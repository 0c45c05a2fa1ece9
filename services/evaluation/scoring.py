"""Period scores of an office: each person's products, then the leaders' unit factor.

Framework-free: the caller loads members (with the unit each held in the period, so a person
transferred later is scored with the old unit), products and general-criteria points.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from services.evaluation.rules import HTNV, LEVEL_NAMES, r2


@dataclass(frozen=True)
class Member:
    staff_id: str
    full_name: str = ""
    unit_code: str | None = None
    is_leader: bool = False
    task_group: str | None = None
    active: bool = True


class Units:
    """The unit tree (unit → parent unit) of an office."""

    def __init__(self, parents=None):
        self.parents = dict(parents or {})

    def ancestors(self, unit):
        seen = []
        while unit is not None and unit not in seen:
            seen.append(unit)
            unit = self.parents.get(unit)
        return seen

    def contains(self, unit, other):
        """True when `other` is `unit` or below it."""
        return other is not None and unit in self.ancestors(other)

    def depth(self, unit):
        return len(self.ancestors(unit))


@dataclass
class StaffPeriod:
    member: Member
    score: object                  # PeriodScore or None (no products in the period)
    general_points: Decimal | None
    total: Decimal | None = None
    provisional_level: str | None = None
    subordinates: list = field(default_factory=list)

    def as_dict(self):
        score = self.score
        return {
            "staff_id": self.member.staff_id, "full_name": self.member.full_name,
            "unit_code": self.member.unit_code, "is_leader": self.member.is_leader,
            "task_group": self.member.task_group,
            "products": len(score.products) if score else 0,
            "quantity_pct": _f(score.quantity_pct) if score else None,
            "quality_pct": _f(score.quality_pct) if score else None,
            "progress_pct": _f(score.progress_pct) if score else None,
            "own_task_points": _f(score.own_task_points) if score else None,
            "task_points": _f(score.task_points) if score else None,
            "general_points": _f(self.general_points),
            "total": _f(self.total),
            "provisional_level": self.provisional_level,
            "notes": list(score.notes) if score else [],
        }


def subordinates(leader, by_unit, units):
    """Who a leader answers for: everyone in the unit and below it, except co-leaders of the unit.

    `by_unit` maps a unit code to the members in it.
    """
    found = []
    for unit, members in by_unit.items():
        if not units.contains(leader.unit_code, unit):
            continue
        found.extend(m for m in members if m.staff_id != leader.staff_id
                     and not (m.is_leader and m.unit_code == leader.unit_code))
    return found


def completes_tasks(result, rules, settings):
    """Whether a person reaches HTNV in the period (task points scaled to 100 without general points)."""
    if result.score is None:
        return None
    if result.general_points is not None:
        standing = float(result.general_points) + float(result.score.task_points)
    else:
        standing = float(result.score.task_points) * 100 / settings["task_max"]
    return standing >= settings["levels"][HTNV]


def score_period(rules, settings, members, products, general_points, units):
    """{staff_id: StaffPeriod} for one period.

    `products`: staff_id → [Product]; `general_points`: staff_id → Decimal (absent = not entered).
    """
    results = {}
    for member in members:
        score = rules.score_period(products.get(member.staff_id) or [], settings)
        results[member.staff_id] = StaffPeriod(member, score, general_points.get(member.staff_id))
    by_unit = {}
    for member in members:
        by_unit.setdefault(member.unit_code, []).append(member)
    leaders = sorted((m for m in members if m.is_leader and m.unit_code),
                     key=lambda m: (-units.depth(m.unit_code), m.staff_id))
    for leader in leaders:
        own = results[leader.staff_id]
        if own.score is None:
            continue
        standing = {}
        for sub in subordinates(leader, by_unit, units):
            ok = completes_tasks(results[sub.staff_id], rules, settings)
            if ok is not None:
                standing[sub.staff_id] = ok
        if not standing:
            continue
        own.subordinates = sorted(standing.items())
        complete = all(standing.values())
        points, notes = rules.leader_task_points(own.score.own_task_points, complete, settings)
        own.score.task_points = points
        missing = sorted(s for s, ok in standing.items() if not ok)
        own.score.notes.extend(notes)
        if missing:
            own.score.notes.append("chưa hoàn thành nhiệm vụ trong kỳ: " + ", ".join(missing))
    for result in results.values():
        if result.score is not None and result.general_points is not None:
            result.total = r2(float(result.general_points) + float(result.score.task_points))
            result.provisional_level = rules.level_for(result.total, settings)
    return results


def level_name(level):
    return LEVEL_NAMES.get(level, "") if level else ""


def _f(value):
    return None if value is None else float(value)
