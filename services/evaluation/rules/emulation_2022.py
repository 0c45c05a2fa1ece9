"""Luật Thi đua, khen thưởng 2022 (in force 2024), Nghị định 98/2023 then 152/2025.

Individuals:
- Lao động tiên tiến (LĐTT): rated HTTNV or better, took part in the emulation movement
  (registered at the start of the year), no disqualifying discipline in the year;
- Chiến sĩ thi đua cơ sở (CSTĐCS): meets LĐTT and (HTXSNV, or an initiative recognised at
  grassroots level or higher, or an accepted research topic); no fixed quota since 2024
  (`cstdcs_max_share`, off by default, for a province that sets one);
- Chiến sĩ thi đua cấp tỉnh: CSTĐCS three years running (this one included) and an initiative
  with province-wide effect;
- Bằng khen of the provincial chairman: HTXSNV two years running (unverified: one of the
  alternatives); Giấy khen: the agency's rules (`giay_khen_min_level`, default HTXSNV).
Collectives (criteria of the 2022 law not found; old law and field software, unverified):
- Tập thể LĐTT: the unit completes its tasks, more than 50 % of members LĐTT, nobody
  disciplined at cảnh cáo or heavier;
- Tập thể LĐXS: 100 % of members complete tasks, ≥ 70 % LĐTT, at least one CSTĐCS, nobody
  disciplined at cảnh cáo or heavier.
Council ballot (Nghị định 98/2023 Điều 30.7): CSTĐCS needs ≥ 80 % of ALL council members
(absent members vote in writing), provincial and national titles ≥ 90 %.
"""
from dataclasses import dataclass, field
from fractions import Fraction

from services.evaluation.rules import (HTNV, HTTNV, HTXSNV, LEVEL_NAMES, at_least,
                                       discipline_at_least)
from shared.config import merge

LDTT, CSTDCS, CSTD_TINH, BANG_KHEN, GIAY_KHEN = "LDTT", "CSTDCS", "CSTD_TINH", "BANG_KHEN", "GIAY_KHEN"
TT_LDTT, TT_LDXS = "TT_LDTT", "TT_LDXS"
TITLE_NAMES = {
    LDTT: "Lao động tiên tiến",
    CSTDCS: "Chiến sĩ thi đua cơ sở",
    CSTD_TINH: "Chiến sĩ thi đua cấp tỉnh",
    BANG_KHEN: "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
    GIAY_KHEN: "Giấy khen",
    TT_LDTT: "Tập thể lao động tiên tiến",
    TT_LDXS: "Tập thể lao động xuất sắc",
}
INDIVIDUAL_TITLES = (LDTT, CSTDCS, CSTD_TINH, BANG_KHEN, GIAY_KHEN)
COLLECTIVE_TITLES = (TT_LDTT, TT_LDXS)
INITIATIVE_LEVELS = ("co_so", "tinh", "toan_quoc")     # recognised at grassroots, province, nation
LAW = "Luật Thi đua, khen thưởng 2022"
DECREE = "Nghị định 98/2023/NĐ-CP (thay bởi 152/2025/NĐ-CP)"


@dataclass
class Individual:
    staff_id: str
    full_name: str
    unit_code: str | None
    level: str | None                                   # this year's published level
    registered: set = field(default_factory=set)        # titles registered for this year
    discipline: list = field(default_factory=list)      # forms in the year
    initiatives: list = field(default_factory=list)     # [{"level", "kind", "province_wide"}]
    past_titles: dict = field(default_factory=dict)     # year → set of titles
    past_levels: dict = field(default_factory=dict)     # year → level


@dataclass
class Collective:
    unit_code: str
    unit_name: str
    level: str | None                                   # the unit's level this year
    members: list                                       # staff ids
    registered: set = field(default_factory=set)


@dataclass
class Proposal:
    title: str
    subject_type: str          # staff | unit
    subject: str
    name: str
    criteria: list             # [{"rule", "text", "met"}]
    needs_ballot: bool
    threshold: float | None

    @property
    def eligible(self):
        return all(c["met"] for c in self.criteria)

    def as_dict(self):
        return {"title": self.title, "title_name": TITLE_NAMES[self.title],
                "subject_type": self.subject_type, "subject": self.subject, "name": self.name,
                "criteria": list(self.criteria), "eligible": self.eligible,
                "met": [c["rule"] for c in self.criteria if c["met"]],
                "missed": [c["rule"] for c in self.criteria if not c["met"]],
                "needs_ballot": self.needs_ballot, "threshold": self.threshold}


def criterion(rule, text, met):
    return {"rule": rule, "text": text, "met": bool(met)}


class Emulation2022:
    name = "emulation_2022"
    title = f"{LAW}; {DECREE}"
    kind = "emulation"
    default_settings = {
        "require_registration": True,
        "disqualifying_discipline_from": "khiển trách",      # individuals: any discipline
        "collective_discipline_from": "cảnh cáo",
        "cstdcs_max_share": None,                             # of LĐTT awarded; None = no quota
        "giay_khen_min_level": HTXSNV,
        "ballot_thresholds": {CSTDCS: 0.8, CSTD_TINH: 0.9},
        "collective_ldtt_min_share": 0.5,                     # strictly more than
        "collective_ldxs_min_share": 0.7,                     # at least
    }

    def settings(self, overrides=None):
        return merge(self.default_settings, overrides or {})

    def disqualifying(self, forms, settings, collective=False):
        lightest = settings["collective_discipline_from" if collective
                            else "disqualifying_discipline_from"]
        return [f for f in forms if discipline_at_least(f, lightest)]

    def needs_ballot(self, title, settings):
        threshold = (settings.get("ballot_thresholds") or {}).get(title)
        return threshold is not None, threshold

    # --- individuals

    def _base(self, person, settings, title):
        rules = [criterion("level_httnv", f"xếp loại Hoàn thành tốt nhiệm vụ trở lên "
                                          f"(năm nay: {LEVEL_NAMES.get(person.level, 'chưa xếp loại')})",
                           at_least(person.level, HTTNV))]
        if settings["require_registration"]:
            rules.append(criterion("registered", "đăng ký thi đua đầu năm (đăng ký: " +
                                   (", ".join(TITLE_NAMES[t] for t in sorted(person.registered))
                                    or "không") + ")", person.registered))
        bad = self.disqualifying(person.discipline, settings)
        rules.append(criterion("no_discipline", "không bị kỷ luật trong năm" +
                               (f" (bị {', '.join(bad)})" if bad else ""), not bad))
        return rules

    def ldtt(self, person, settings):
        return self._base(person, settings, LDTT)

    def cstdcs(self, person, settings):
        rules = self._base(person, settings, CSTDCS)
        grassroots = [i for i in person.initiatives
                      if i.get("kind", "initiative") == "initiative" and i.get("level") in INITIATIVE_LEVELS]
        research = [i for i in person.initiatives
                    if i.get("kind") == "research" and i.get("level") in INITIATIVE_LEVELS]
        rules.append(criterion(
            "excellence_or_initiative",
            "Hoàn thành xuất sắc nhiệm vụ, hoặc sáng kiến được công nhận cấp cơ sở, hoặc đề tài "
            f"nghiên cứu được nghiệm thu (xếp loại: {person.level or 'chưa'}; sáng kiến: "
            f"{len(grassroots)}; đề tài: {len(research)})",
            person.level == HTXSNV or grassroots or research))
        return rules

    def cstd_tinh(self, person, year, settings):
        rules = self.cstdcs(person, settings)
        previous = [y for y in (year - 1, year - 2) if CSTDCS in person.past_titles.get(y, set())]
        rules.append(criterion("three_cstdcs", f"3 năm liền Chiến sĩ thi đua cơ sở (đã đạt: "
                                               f"{', '.join(map(str, sorted(previous))) or 'không'}"
                                               f" và năm {year})", len(previous) == 2))
        wide = [i for i in person.initiatives if i.get("province_wide")]
        rules.append(criterion("province_wide_initiative",
                               "sáng kiến có phạm vi ảnh hưởng trong tỉnh", wide))
        return rules

    def bang_khen(self, person, year, settings):
        last = person.past_levels.get(year - 1)
        bad = self.disqualifying(person.discipline, settings)
        return [criterion("two_years_htxsnv", f"2 năm liền Hoàn thành xuất sắc nhiệm vụ (năm "
                                              f"{year - 1}: {last or 'không có dữ liệu'}; năm {year}: "
                                              f"{person.level or 'chưa'})",
                          person.level == HTXSNV and last == HTXSNV),
                criterion("no_discipline", "không bị kỷ luật trong năm", not bad)]

    def giay_khen(self, person, settings):
        floor_level = settings["giay_khen_min_level"]
        bad = self.disqualifying(person.discipline, settings)
        return [criterion("agency_rule_level", f"quy chế cơ quan: xếp loại từ "
                                               f"{LEVEL_NAMES[floor_level]} trở lên",
                          at_least(person.level, floor_level)),
                criterion("no_discipline", "không bị kỷ luật trong năm", not bad)]

    # --- collectives

    def collectives(self, unit, people, ldtt_ids, cstdcs_ids, settings):
        members = [people[s] for s in unit.members if s in people]
        count = len(members) or 1
        ldtt_share = Fraction(sum(1 for m in members if m.staff_id in ldtt_ids), count)
        complete = [m for m in members if at_least(m.level, HTNV)]
        bad = sorted({f"{m.staff_id}: {f}" for m in members
                      for f in self.disqualifying(m.discipline, settings, collective=True)})
        no_bad = criterion("no_heavy_discipline", "không có cá nhân bị kỷ luật từ cảnh cáo trở lên"
                           + (f" ({'; '.join(bad)})" if bad else ""), not bad)
        pct = f"{float(ldtt_share) * 100:.1f} %"
        ldtt = [criterion("unit_completes", "tập thể hoàn thành nhiệm vụ (xếp loại đơn vị: "
                                            f"{LEVEL_NAMES.get(unit.level, 'chưa có')})",
                          at_least(unit.level, HTNV)),
                criterion("over_half_ldtt", f"trên 50 % cá nhân đạt Lao động tiên tiến ({pct})",
                          members and ldtt_share > Fraction(str(settings["collective_ldtt_min_share"]))),
                no_bad]
        ldxs = [criterion("all_complete", f"100 % cá nhân hoàn thành nhiệm vụ ({len(complete)}/"
                                          f"{len(members)})", members and len(complete) == len(members)),
                criterion("ldtt_70", f"từ 70 % cá nhân đạt Lao động tiên tiến ({pct})",
                          members and ldtt_share >= Fraction(str(settings["collective_ldxs_min_share"]))),
                criterion("one_cstdcs", "có cá nhân đạt Chiến sĩ thi đua cơ sở",
                          any(m.staff_id in cstdcs_ids for m in members)),
                no_bad]
        if settings["require_registration"]:
            for rules in (ldtt, ldxs):
                rules.append(criterion("registered", "tập thể đăng ký thi đua đầu năm", unit.registered))
        return ldtt, ldxs

    def propose(self, year, people, collectives, settings):
        """Every individual and collective candidate with the criteria met and missed."""
        proposals = []
        people = {p.staff_id: p for p in people}

        def add(title, subject_type, subject, name, criteria):
            needs, threshold = self.needs_ballot(title, settings)
            proposals.append(Proposal(title, subject_type, subject, name, criteria, needs, threshold))

        ldtt_ids, cstdcs_ids = set(), set()
        for person in sorted(people.values(), key=lambda p: p.staff_id):
            for title, criteria in ((LDTT, self.ldtt(person, settings)),
                                    (CSTDCS, self.cstdcs(person, settings)),
                                    (CSTD_TINH, self.cstd_tinh(person, year, settings)),
                                    (BANG_KHEN, self.bang_khen(person, year, settings)),
                                    (GIAY_KHEN, self.giay_khen(person, settings))):
                met = all(c["met"] for c in criteria)
                if title == LDTT and met:
                    ldtt_ids.add(person.staff_id)
                if title == CSTDCS and met:
                    cstdcs_ids.add(person.staff_id)
                # higher titles list only those who reach this year's part of them
                if title == CSTD_TINH and person.staff_id not in cstdcs_ids:
                    continue
                if title == BANG_KHEN and person.level != HTXSNV:
                    continue
                add(title, "staff", person.staff_id, person.full_name, criteria)
        for unit in sorted(collectives, key=lambda u: u.unit_code):
            ldtt, ldxs = self.collectives(unit, people, ldtt_ids, cstdcs_ids, settings)
            add(TT_LDTT, "unit", unit.unit_code, unit.unit_name, ldtt)
            add(TT_LDXS, "unit", unit.unit_code, unit.unit_name, ldxs)
        return proposals

    def ballot(self, title, council_members, votes_for, settings):
        """(needed, threshold, share, passed): share of ALL council members, not of those present."""
        needs, threshold = self.needs_ballot(title, settings)
        share = Fraction(votes_for, council_members)
        passed = share >= Fraction(str(threshold)) if needs else True
        return needs, threshold, share, passed


RULE_SET = Emulation2022()
