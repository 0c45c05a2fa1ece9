"""Why a number is what it is: each score and level with the tasks and rules behind it."""
from sqlalchemy import select

from services.evaluation import assessment, periods
from services.evaluation.models import ClassificationEntry, GeneralCriteria
from services.evaluation.rules import LEVEL_NAMES
from shared.errors import NotFound


def _general(session, office, staff_id, codes):
    rows = {r.period: r for r in session.execute(select(GeneralCriteria).where(
        GeneralCriteria.office == office, GeneralCriteria.staff_id == staff_id,
        GeneralCriteria.period.in_(list(codes)))).scalars()}
    for code in codes:
        if code in rows:
            row = rows[code]
            return {"period": row.period, "points": row.points, "criteria": row.criteria,
                    "comment": row.comment, "evaluator": row.evaluator}
    return None


def period(session, office, staff_id, period_code, rules, rule_settings, settings, today):
    found = periods.parse(period_code)
    periods.require_closed(found, today, assessment.closed_early(session, office))
    data = assessment.OfficeData(session, office, [found], settings)
    result = data.score(rules, rule_settings, found).get(staff_id)
    if result is None or result.score is None:
        raise NotFound(f"{staff_id} has no tasks in {found.code}",
                       {"staff_id": [f"no products of {staff_id} fall in {found.code}"]})
    score = result.score
    weights = rule_settings.get("task_weights", {})
    formula = (f"điểm nhiệm vụ = {rule_settings.get('task_max', 70)} × (số lượng × "
               f"{weights.get('quantity', 1)} + chất lượng × {weights.get('quality', 1)} + tiến độ × "
               f"{weights.get('progress', 1)}) / {sum(weights.values()) or 3} / 100")
    return {
        "staff_id": staff_id, "full_name": result.member.full_name, "period": found.code,
        "unit_code": result.member.unit_code, "rule_set": rules.name, "source": rules.source,
        "products": [{"task_id": p.task_id, "title": p.title, "weight": p.weight,
                      "quantity": p.quantity, "quality": p.quality, "progress": p.progress,
                      "notes": p.notes} for p in score.products],
        "quantity_pct": float(score.quantity_pct), "quality_pct": float(score.quality_pct),
        "progress_pct": float(score.progress_pct),
        "rules": [
            "số lượng % = tổng hệ số sản phẩm hoàn thành / tổng hệ số sản phẩm được giao",
            f"chất lượng %: mỗi lần không đạt chất lượng trừ "
            f"{rule_settings.get('quality_deduction', 0.25) * 100:g} % điểm chất lượng của sản phẩm",
            f"tiến độ %: mỗi lần trễ hạn trừ {rule_settings.get('progress_deduction', 0.25) * 100:g} "
            "% điểm tiến độ của sản phẩm, trừ khi nguyên nhân khách quan được lãnh đạo chấp thuận",
            formula],
        "own_task_points": float(score.own_task_points), "task_points": float(score.task_points),
        "leader": {"subordinates": [{"staff_id": s, "completes_tasks": ok}
                                    for s, ok in result.subordinates],
                   "notes": [n for n in score.notes if n.startswith("lãnh đạo") or "chưa hoàn thành" in n]}
        if result.subordinates else None,
        "general": _general(session, office, staff_id, [found.code, str(found.year)]),
        "total": None if result.total is None else float(result.total),
        "provisional_level": result.provisional_level,
        "level_name": LEVEL_NAMES.get(result.provisional_level, ""),
    }


def year(session, office, staff_id, year_value):
    found = assessment.get_classification(session, office, year_value)
    entry = session.execute(select(ClassificationEntry).where(
        ClassificationEntry.classification_id == found.id,
        ClassificationEntry.staff_id == staff_id)).scalar_one_or_none()
    if entry is None:
        raise NotFound(f"{staff_id} is not in the classification of {year_value}",
                       {"staff_id": ["not classified"]})
    group = next((q for q in found.quota if q["group"] == entry.task_group), None)
    return {
        "staff_id": staff_id, "full_name": entry.full_name, "year": year_value,
        "status": found.status, "rule_set": found.rule_set, "unit_code": entry.unit_code,
        "task_group": entry.task_group, "score": entry.score, "task_points": entry.task_points,
        "general_points": entry.general_points, "provisional_level": entry.provisional_level,
        "level": entry.level, "level_name": LEVEL_NAMES.get(entry.level, "") if entry.level else "",
        "council_pending": entry.council_pending,
        "reasons": entry.reasons, "adjustments": entry.adjustments,
        "periods": entry.details.get("periods", {}),
        "general": _general(session, office, staff_id, [str(year_value)]),
        "unit": found.units.get(entry.unit_code),
        "quota": group, "quota_position": entry.quota_position,
        "periods_used": found.periods,
    }
