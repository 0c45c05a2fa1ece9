"""Nghị định 335/2025/NĐ-CP: công chức rated on 100 points from 01/01/2026.

General criteria up to 30 points (entered by the evaluator) + task results up to 70, tracked per
month or quarter over products converted with their weight:

- quantity % = completed / assigned;
- quality % = completed meeting quality / assigned, each failed quality review of a product
  taking `quality_deduction` (25 %) of that product's quality points;
- progress % = on time / assigned, each delay taking `progress_deduction` (25 %) of that
  product's progress points, unless the leader approved an objective cause;
- task points = task_max × weighted mean of the three (field software: (a + b + c) / 3 × 0.7,
  unverified: the weights are a setting).

A leader also answers for the unit: the unit part counts 100 % when every subordinate completes
tasks, 50 % otherwise (the shares of own and unit results are settings, unverified).
Levels: ≥ 90 HTXSNV, ≥ 70 HTTNV, ≥ 50 HTNV, otherwise KHTNV; discipline (khiển trách or heavier)
in the year, or concluded degradation, gives KHTNV whatever the points.
"""
from decimal import Decimal

from services.evaluation.rules import (HTNV, HTTNV, HTXSNV, KHTNV, LEVEL_NAMES,
                                       ClassificationRules, PeriodScore, ProductScore,
                                       YearResult, discipline_at_least, r2)

SOURCE = "Nghị định 335/2025/NĐ-CP"


class Nd335Rules(ClassificationRules):
    name = "nd335_2025"
    title = "Nghị định 335/2025/NĐ-CP (công chức, từ năm 2026)"
    source = SOURCE
    default_settings = {
        "general_max": 30,
        "task_max": 70,
        "task_weights": {"quantity": 1, "quality": 1, "progress": 1},
        "quality_deduction": 0.25,
        "progress_deduction": 0.25,
        "levels": {HTXSNV: 90, HTTNV: 70, HTNV: 50},
        "leader": {"own_share": 0.5, "unit_share": 0.5,
                   "unit_factor_complete": 1.0, "unit_factor_incomplete": 0.5},
        "discipline_khtnv_from": "khiển trách",
    }

    def score_product(self, product, settings):
        notes = []
        if not product.completed:
            notes.append("chưa hoàn thành: không tính số lượng, chất lượng, tiến độ")
            return ProductScore(product.task_id, product.title, product.weight, 0.0, 0.0, 0.0,
                                notes)
        quality = 0.0
        if product.quality_met:
            quality = max(0.0, 1.0 - settings["quality_deduction"] * product.failed_reviews)
            if product.failed_reviews:
                notes.append(f"{product.failed_reviews} lần không đạt chất lượng: trừ "
                             f"{_pct(settings['quality_deduction'] * product.failed_reviews)} "
                             "điểm chất lượng của sản phẩm")
        else:
            notes.append("kết quả không đạt yêu cầu chất lượng: 0 điểm chất lượng")
        delays = max(0, product.delays - min(product.excused, product.delays))
        progress = max(0.0, 1.0 - settings["progress_deduction"] * delays)
        if product.delays:
            text = f"trễ hạn {product.delays} lần"
            if product.excused:
                text += (f", {min(product.excused, product.delays)} lần có nguyên nhân khách quan "
                         "được lãnh đạo chấp thuận (không trừ)")
            if delays:
                text += f": trừ {_pct(settings['progress_deduction'] * delays)} điểm tiến độ"
            notes.append(text)
        return ProductScore(product.task_id, product.title, product.weight, 1.0, quality,
                            progress, notes)

    def score_period(self, products, settings):
        if not products:
            return None
        scored = [self.score_product(p, settings) for p in products]
        total = quantity = quality = progress = 0.0
        for p in scored:
            total += p.weight
            quantity += p.weight * p.quantity
            quality += p.weight * p.quality
            progress += p.weight * p.progress
        quantity, quality, progress = (quantity / total * 100, quality / total * 100,
                                       progress / total * 100)
        weights = settings["task_weights"]
        weight_sum = sum(weights.values())
        points = settings["task_max"] * (weights["quantity"] * quantity
                                         + weights["quality"] * quality
                                         + weights["progress"] * progress) / weight_sum / 100
        return PeriodScore(r2(quantity), r2(quality), r2(progress), r2(points), r2(points),
                           scored, total)

    def leader_task_points(self, own_points, unit_complete, settings):
        leader = settings["leader"]
        factor = leader["unit_factor_complete"] if unit_complete else leader["unit_factor_incomplete"]
        points = (leader["own_share"] * float(own_points)
                  + leader["unit_share"] * settings["task_max"] * factor)
        note = (f"lãnh đạo: {_pct(leader['own_share'])} kết quả cá nhân ({own_points}) + "
                f"{_pct(leader['unit_share'])} kết quả đơn vị tính {_pct(factor)} "
                + ("(mọi công chức thuộc quyền hoàn thành nhiệm vụ)" if unit_complete else
                   "(có công chức thuộc quyền không hoàn thành nhiệm vụ)"))
        return r2(points), [note]

    def level_for(self, score, settings):
        thresholds = settings["levels"]
        for level in (HTXSNV, HTTNV, HTNV):
            if score >= Decimal(str(thresholds[level])):
                return level
        return KHTNV

    def year_result(self, person, settings):
        reasons = []
        periods = {code: score for code, score in person.periods.items() if score is not None}
        task_points = None
        if periods:
            task_points = r2(sum(float(s.task_points) for s in periods.values()) / len(periods))
            reasons.append({"rule": "year_task_points", "text":
                            f"điểm nhiệm vụ năm = trung bình {len(periods)} kỳ đánh giá "
                            f"({', '.join(f'{c}: {s.task_points}' for c, s in sorted(periods.items()))})"
                            f" = {task_points}/{settings['task_max']}"})
        general = person.general_points
        score = None
        level = None
        if task_points is None:
            reasons.append({"rule": "no_products", "text": "không có sản phẩm nào trong các kỳ đã khóa"})
        if general is None:
            reasons.append({"rule": "general_criteria_missing",
                            "text": "người đánh giá chưa chấm tiêu chí chung (30 điểm)"})
        if task_points is not None and general is not None:
            score = r2(float(general) + float(task_points))
            level = self.level_for(score, settings)
            reasons.append({"rule": "levels", "text":
                            f"{general} (tiêu chí chung) + {task_points} (nhiệm vụ) = {score} điểm → "
                            f"{LEVEL_NAMES[level]} (≥ 90 HTXSNV, ≥ 70 HTTNV, ≥ 50 HTNV; {SOURCE})"})
        lightest = settings["discipline_khtnv_from"]
        heavy = [form for form in person.disciplined if discipline_at_least(form, lightest)]
        if heavy:
            level = KHTNV
            reasons.append({"rule": "discipline", "text":
                            f"bị kỷ luật ({', '.join(heavy)}) trong năm → Không hoàn thành nhiệm vụ "
                            f"({SOURCE})"})
        if person.degraded:
            level = KHTNV
            reasons.append({"rule": "degradation", "text":
                            "có kết luận suy thoái → Không hoàn thành nhiệm vụ"})
        return YearResult(score=score, level=level, task_points=task_points,
                          general_points=general, rank_key=(score if score is not None else Decimal(-1),),
                          reasons=reasons,
                          details={"periods": {c: float(s.task_points) for c, s in periods.items()}})


def _pct(fraction):
    value = round(float(fraction) * 100, 2)
    return f"{value:g} %"


RULE_SET = Nd335Rules()
