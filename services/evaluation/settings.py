"""evaluation's settings for an office: ``EVALUATION`` in deploy/config/evaluation.yaml.

Values DOMAIN.md marks unverified are here, with their defaults; an office overrides any of them
under ``EVALUATION.offices.<code>``.
"""
from shared.config import merge

DEFAULTS = {
    "period_kind": "month",          # month | quarter: how tasks are tracked through the year
    "period_basis": "due_date",      # a task counts in the period of its deadline (or completed_on)
    "general_criteria": {
        "max": 30,
        # split of the 30 points between the criteria (unverified: the decree's table not found)
        "parts": {"chinh_tri": 5, "dao_duc": 5, "van_hoa": 4, "ky_luat": 4, "trach_nhiem": 4,
                  "thai_do": 4, "doi_moi": 4},
    },
    "task_type_weights": {},         # quy đổi per task type; a task's own weight ≠ 1 wins
    "quota": {"rate": "0.20", "excellent_unit_rate": "0.25", "basis": "httnv_only"},
    "emulation": {"registration_deadline": "03-31"},   # MM-DD: registrations at the start of the year
}


def office_settings(config, office):
    evaluation = dict((config or {}).get("EVALUATION") or {})
    office_conf = dict((evaluation.get("offices") or {}).get(office) or {})
    base = {key: value for key, value in evaluation.items()
            if key not in ("offices", "rule_sets", "settings")}
    overrides = {key: value for key, value in office_conf.items()
                 if key not in ("rule_sets", "settings")}
    return merge(merge(DEFAULTS, base), overrides)
