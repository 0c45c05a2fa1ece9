"""Rule sets: the legal texts, as plugins (entry-point group ``vanphong.evaluation_rules``).

A classification rule set (``nd335_2025``, ``nd90_2020``) scores a period's products and turns a
year's periods into a score and a level; an emulation rule set (``emulation_2022``) proposes
titles.  Everything here is framework-free: plain dataclasses in, plain dataclasses out.
Which rule set applies to an office and a year is configuration (`choose`).
"""
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from shared import plugins
from shared.config import merge
from shared.errors import InvalidInput

GROUP = "vanphong.evaluation_rules"
DEFAULT_RULE_SETS = (
    {"rules": "nd90_2020", "until_year": 2025},
    {"rules": "nd335_2025", "from_year": 2026},
    {"rules": "emulation_2022", "from_year": 2024},
)

HTXSNV, HTTNV, HTNV, KHTNV = "HTXSNV", "HTTNV", "HTNV", "KHTNV"
LEVELS = (KHTNV, HTNV, HTTNV, HTXSNV)            # lowest first: LEVELS.index is the rank
LEVEL_NAMES = {
    HTXSNV: "Hoàn thành xuất sắc nhiệm vụ",
    HTTNV: "Hoàn thành tốt nhiệm vụ",
    HTNV: "Hoàn thành nhiệm vụ",
    KHTNV: "Không hoàn thành nhiệm vụ",
}

# Discipline forms, lightest first (Luật Cán bộ, công chức; Nghị định 112/2020).
DISCIPLINE_FORMS = ("khiển trách", "cảnh cáo", "hạ bậc lương", "giáng chức", "cách chức",
                    "buộc thôi việc")


def rank(level):
    return LEVELS.index(level)


def lower(level_a, level_b):
    return level_a if rank(level_a) <= rank(level_b) else level_b


def at_least(level, floor_level):
    return level is not None and rank(level) >= rank(floor_level)


def discipline_at_least(form, lightest):
    """True when `form` is `lightest` or heavier."""
    return DISCIPLINE_FORMS.index(form) >= DISCIPLINE_FORMS.index(lightest)


def r2(value):
    """Round half up to 2 decimals: every score shown, stored and compared is rounded this way."""
    if value is None:
        return None
    return Decimal(repr(float(value))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(slots=True)
class Product:
    """One task as evaluation sees it (a sản phẩm, converted with its weight)."""
    task_id: int
    title: str = ""
    weight: float = 1.0
    completed: bool = True
    quality_met: bool = True
    failed_reviews: int = 0
    delays: int = 0            # deadlines missed (a late completion counts one)
    excused: int = 0           # of those, objective causes approved by the leader
    due_date: date | None = None
    completed_on: date | None = None
    task_type: str = "general"


@dataclass(slots=True)
class ProductScore:
    task_id: int
    title: str
    weight: float
    quantity: float            # 0 or 1
    quality: float             # 0..1 of this product's quality points
    progress: float            # 0..1 of this product's progress points
    notes: list = field(default_factory=list)


@dataclass
class PeriodScore:
    """One person's task results in one month or quarter."""
    quantity_pct: Decimal
    quality_pct: Decimal
    progress_pct: Decimal
    own_task_points: Decimal           # before the leader's unit factor
    task_points: Decimal               # what counts (of task_max)
    products: list
    weight_total: float
    notes: list = field(default_factory=list)

    def as_dict(self):
        return {"quantity_pct": float(self.quantity_pct), "quality_pct": float(self.quality_pct),
                "progress_pct": float(self.progress_pct),
                "own_task_points": float(self.own_task_points),
                "task_points": float(self.task_points), "weight_total": self.weight_total,
                "notes": list(self.notes),
                "products": [asdict(p) for p in self.products]}


@dataclass
class YearInput:
    """What a classification rule set needs about one person for one year."""
    staff_id: str
    periods: dict                      # period code → PeriodScore (only periods with products)
    products: list                     # every product of the year's closed periods
    general_points: Decimal | None     # of general_max; None when the evaluator has not entered it
    disciplined: list = field(default_factory=list)   # discipline forms in the year
    degraded: bool = False


@dataclass
class YearResult:
    score: Decimal | None
    level: str | None
    task_points: Decimal | None
    general_points: Decimal | None
    rank_key: tuple
    reasons: list = field(default_factory=list)   # [{rule, text}]
    details: dict = field(default_factory=dict)


class ClassificationRules:
    """Base of classification rule sets; subclasses set the constants and the scoring."""
    name = ""
    title = ""
    kind = "classification"
    source = ""
    default_settings = {}

    def settings(self, overrides=None):
        return merge(self.default_settings, overrides or {})

    def score_period(self, products, settings):
        raise NotImplementedError

    def leader_task_points(self, own_points, unit_complete, settings):
        """The leader's period task points given whether every subordinate completes tasks."""
        return own_points, []

    def year_result(self, person, settings):
        raise NotImplementedError

    def level_for(self, score, settings):
        raise NotImplementedError


def load(name):
    rules = plugins.load(GROUP, name)
    return rules


def choose(config, office, year, kind="classification"):
    """The rule set configured for an office and a year, with its merged settings.

    ``EVALUATION.rule_sets`` lists ``{rules, from_year, until_year}`` entries; an office may
    carry its own list under ``EVALUATION.offices.<code>.rule_sets``.  The first match wins.
    """
    evaluation = (config or {}).get("EVALUATION") or {}
    office_conf = (evaluation.get("offices") or {}).get(office) or {}
    entries = (list(office_conf.get("rule_sets") or [])
               + list(evaluation.get("rule_sets") or DEFAULT_RULE_SETS))
    for entry in entries:
        rules = load(entry["rules"])
        if getattr(rules, "kind", "classification") != kind:
            continue
        if entry.get("from_year") and year < int(entry["from_year"]):
            continue
        if entry.get("until_year") and year > int(entry["until_year"]):
            continue
        overrides = merge((evaluation.get("settings") or {}).get(rules.name) or {},
                          (office_conf.get("settings") or {}).get(rules.name) or {})
        return rules, rules.settings(overrides)
    raise InvalidInput(f"no {kind} rule set configured for {office} in {year}",
                       {"year": [f"EVALUATION.rule_sets has no {kind} rules covering {year}"]})
