"""The HTXSNV quota: at most 20 % of those rated HTTNV, per office and task group.

Where the office itself is rated excellent the rate is 25 % (verified for viên chức by Nghị định
233/2026; a setting for công chức).  ``basis`` says what "those rated HTTNV" counts:

- ``httnv_only`` (default): the final number rated HTTNV, so moving a person down from HTXSNV
  adds to the base: the largest x with x ≤ rate × (h + k − x), i.e. x = ⌊rate (h + k) / (1 + rate)⌋;
- ``httnv_or_better``: everyone rated HTTNV or HTXSNV: x = ⌊rate (h + k)⌋;

where k candidates are at HTXSNV and h at HTTNV.  Candidates are ranked by the rule set's rank
key (the score); the best x keep HTXSNV, the others move down to HTTNV.  When candidates with
equal keys straddle the cut, none of them is chosen by the program: they go to the council
with the number of places left.
"""
import math
from dataclasses import dataclass, field
from fractions import Fraction

QUOTA_SOURCE = ("tỷ lệ HTXSNV không quá {rate} số được xếp loại HTTNV theo nhóm có nhiệm vụ "
                "tương đồng (Nghị định 90/2020 sửa đổi bởi 48/2023; Nghị định 335/2025)")

KEPT, MOVED_DOWN, COUNCIL = "kept", "moved_down", "council"


@dataclass
class Candidate:
    staff_id: str
    rank_key: tuple


@dataclass
class QuotaDecision:
    group: str
    rate: Fraction
    basis: str
    excellent_count: int
    good_count: int
    allowed: int
    places_for_council: int = 0
    outcome: dict = field(default_factory=dict)     # staff_id → KEPT | MOVED_DOWN | COUNCIL
    positions: dict = field(default_factory=dict)   # staff_id → 1-based rank among candidates

    def as_dict(self):
        return {"group": self.group, "rate": f"{float(self.rate) * 100:g} %", "basis": self.basis,
                "excellent_count": self.excellent_count, "good_count": self.good_count,
                "allowed": self.allowed, "places_for_council": self.places_for_council,
                "outcome": dict(self.outcome)}


def rate_of(value):
    """A rate from config ("0.20", 0.2, "20%") as an exact fraction."""
    text = str(value).strip()
    if text.endswith("%"):
        return Fraction(text[:-1].strip()) / 100
    return Fraction(text)


def allowed_count(excellent, good, rate, basis="httnv_only"):
    if basis == "httnv_or_better":
        return math.floor(rate * (good + excellent))
    if basis != "httnv_only":
        raise ValueError(f"unknown quota basis {basis!r}")
    return math.floor(rate * (good + excellent) / (1 + rate))


def apply(group, candidates, good_count, rate, basis="httnv_only"):
    """Decide who of `candidates` (rated HTXSNV before the quota) keeps the level."""
    ordered = sorted(candidates, key=lambda c: (_neg(c.rank_key), c.staff_id))
    allowed = allowed_count(len(ordered), good_count, rate, basis)
    decision = QuotaDecision(group, rate, basis, len(ordered), good_count, allowed)
    for position, candidate in enumerate(ordered, start=1):
        decision.positions[candidate.staff_id] = position
    if len(ordered) <= allowed:
        decision.outcome = {c.staff_id: KEPT for c in ordered}
        return decision
    cut = ordered[allowed].rank_key          # the best key that does not fit
    above = [c for c in ordered if c.rank_key > cut]
    tied = [c for c in ordered if c.rank_key == cut]
    places = allowed - len(above)
    for candidate in ordered:
        if candidate.rank_key > cut:
            decision.outcome[candidate.staff_id] = KEPT
        elif candidate.rank_key == cut and places > 0:
            decision.outcome[candidate.staff_id] = COUNCIL
        else:
            decision.outcome[candidate.staff_id] = MOVED_DOWN
    decision.places_for_council = places if places > 0 and tied else 0
    return decision


def _neg(key):
    return tuple(-value for value in key)
