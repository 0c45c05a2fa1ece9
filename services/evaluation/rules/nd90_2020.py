"""Nghị định 90/2020/NĐ-CP (amended by 48/2023): years up to 2025, levels from criteria.

- HTXSNV: every task completed on time with quality, and at least 50 % of them above target;
- HTTNV: every task completed on time with quality;
- HTNV: no more than 20 % of tasks deficient (late, below quality or not done);
- KHTNV: more than 50 % deficient, or disciplined in the year.
The decree leaves 20–50 % deficient undefined (`gap_level`, default HTNV) and does not say how a
task is "above target" (`above_target`: completed with quality at least `early_days` days
before its deadline, unverified).  The quota (20 % of HTTNV) is the common one.
Tasks are weighted by their conversion weight.  The per-period figures reuse the product
scoring of the 335 rules, for the tracking table only.
"""
from decimal import Decimal
from datetime import timedelta

from services.evaluation.rules import (HTNV, HTTNV, HTXSNV, KHTNV, LEVEL_NAMES,
                                       ClassificationRules, YearResult, discipline_at_least, r2)
from services.evaluation.rules.nd335_2025 import RULE_SET as ND335

SOURCE = "Nghị định 90/2020/NĐ-CP (sửa đổi bởi Nghị định 48/2023/NĐ-CP)"


class Nd90Rules(ClassificationRules):
    name = "nd90_2020"
    title = "Nghị định 90/2020/NĐ-CP (đến năm 2025)"
    source = SOURCE
    default_settings = {
        **ND335.default_settings,
        "above_target": "early_completion",
        "early_days": 1,
        "excellent_above_share": 0.5,
        "htnv_max_deficient": 0.2,
        "khtnv_above_deficient": 0.5,
        "gap_level": HTNV,
        "discipline_khtnv_from": "khiển trách",
    }

    def score_period(self, products, settings):
        return ND335.score_period(products, settings)

    def level_for(self, score, settings):
        return ND335.level_for(score, settings)

    @staticmethod
    def ok(product):
        return (product.completed and product.quality_met
                and product.delays - min(product.excused, product.delays) == 0)

    def above_target(self, product, settings):
        if not self.ok(product) or not product.due_date or not product.completed_on:
            return False
        return product.completed_on <= product.due_date - timedelta(days=settings["early_days"])

    def year_result(self, person, settings):
        reasons = []
        products = person.products
        lightest = settings["discipline_khtnv_from"]
        heavy = [form for form in person.disciplined if discipline_at_least(form, lightest)]
        if not products:
            level = KHTNV if heavy else None
            reasons.append({"rule": "no_products", "text": "không có nhiệm vụ nào trong năm"})
            if heavy:
                reasons.append(_discipline(heavy))
            return YearResult(None, level, None, person.general_points, (Decimal(-1), Decimal(-1)),
                              reasons)
        total = sum(p.weight for p in products)
        ok_share = sum(p.weight for p in products if self.ok(p)) / total
        above_share = sum(p.weight for p in products if self.above_target(p, settings)) / total
        deficient = 1 - ok_share
        ok_pct, above_pct = r2(ok_share * 100), r2(above_share * 100)
        if deficient == 0 and above_share >= settings["excellent_above_share"]:
            level, why = HTXSNV, (f"100 % nhiệm vụ đúng hạn, bảo đảm chất lượng và {above_pct} % "
                                  f"vượt mức (≥ {settings['excellent_above_share'] * 100:g} %)")
        elif deficient == 0:
            level, why = HTTNV, f"100 % nhiệm vụ đúng hạn, bảo đảm chất lượng ({above_pct} % vượt mức)"
        elif deficient <= settings["htnv_max_deficient"]:
            level, why = HTNV, (f"{r2(deficient * 100)} % nhiệm vụ chưa bảo đảm (không quá "
                                f"{settings['htnv_max_deficient'] * 100:g} %)")
        elif deficient > settings["khtnv_above_deficient"]:
            level, why = KHTNV, (f"{r2(deficient * 100)} % nhiệm vụ chưa bảo đảm (trên "
                                 f"{settings['khtnv_above_deficient'] * 100:g} %)")
        else:
            level = settings["gap_level"]
            why = (f"{r2(deficient * 100)} % nhiệm vụ chưa bảo đảm: khoảng giữa 20 % và 50 % "
                   f"nghị định không quy định, áp dụng mức cấu hình {level}")
        reasons.append({"rule": "levels", "text": f"{why} → {LEVEL_NAMES[level]} ({SOURCE})"})
        if heavy:
            level = KHTNV
            reasons.append(_discipline(heavy))
        if person.degraded:
            level = KHTNV
            reasons.append({"rule": "degradation", "text":
                            "có kết luận suy thoái → Không hoàn thành nhiệm vụ"})
        return YearResult(score=ok_pct, level=level, task_points=None,
                          general_points=person.general_points, rank_key=(ok_pct, above_pct),
                          reasons=reasons,
                          details={"ok_pct": float(ok_pct), "above_target_pct": float(above_pct),
                                   "deficient_pct": float(r2(deficient * 100))})


def _discipline(forms):
    return {"rule": "discipline", "text": f"bị kỷ luật ({', '.join(forms)}) trong năm → "
                                          f"Không hoàn thành nhiệm vụ ({SOURCE})"}


RULE_SET = Nd90Rules()
