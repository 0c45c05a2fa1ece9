"""Emulation titles (Luật Thi đua, khen thưởng 2022): candidates with criteria met and missed."""
from fractions import Fraction

import pytest

from services.evaluation.rules import HTNV, HTTNV, HTXSNV
from services.evaluation.rules.emulation_2022 import (BANG_KHEN, CSTD_TINH, CSTDCS, GIAY_KHEN,
                                                      LDTT, RULE_SET, TT_LDTT, TT_LDXS,
                                                      Collective, Individual)

SETTINGS = RULE_SET.settings()
YEAR = 2026


def people():
    return [
        Individual("a", "Nguyễn Văn A", "P1", HTXSNV, {LDTT, CSTDCS}, [],
                   [{"level": "tinh", "kind": "initiative", "province_wide": True}],
                   past_titles={2025: {CSTDCS}, 2024: {CSTDCS}}, past_levels={2025: HTXSNV}),
        Individual("b", "Trần Thị B", "P1", HTTNV, {LDTT}, [],
                   [{"level": "co_so", "kind": "initiative", "province_wide": False}]),
        Individual("c", "Lê Văn C", "P1", HTTNV, {LDTT}),
        Individual("d", "Phạm Văn D", "P1", HTTNV, {LDTT}, ["khiển trách"]),
        Individual("e", "Võ Thị E", "P1", HTTNV),                      # did not register
    ]


def proposals(units=(), settings=SETTINGS, persons=None):
    found = RULE_SET.propose(YEAR, persons or people(), list(units), settings)
    return {(p.title, p.subject): p for p in found}


def test_individual_titles():
    found = proposals()
    eligible = sorted(key for key, p in found.items() if p.eligible)
    assert eligible == [(BANG_KHEN, "a"), (CSTDCS, "a"), (CSTDCS, "b"), (CSTD_TINH, "a"),
                        (GIAY_KHEN, "a"), (LDTT, "a"), (LDTT, "b"), (LDTT, "c")]
    assert found[(CSTDCS, "c")].as_dict()["missed"] == ["excellence_or_initiative"]
    assert found[(LDTT, "d")].as_dict()["missed"] == ["no_discipline"]
    assert found[(LDTT, "e")].as_dict()["missed"] == ["registered"]
    assert found[(CSTDCS, "a")].needs_ballot and found[(CSTDCS, "a")].threshold == 0.8
    assert not found[(LDTT, "a")].needs_ballot
    assert (CSTD_TINH, "c") not in found and (BANG_KHEN, "b") not in found


def test_provincial_title_needs_three_years_and_a_province_wide_initiative():
    person = people()[0]
    person.past_titles = {2025: {CSTDCS}}                              # only two years running
    found = proposals(persons=[person])
    assert found[(CSTD_TINH, "a")].as_dict()["missed"] == ["three_cstdcs"]


def test_bang_khen_needs_two_years_of_htxsnv():
    person = people()[0]
    person.past_levels = {2025: HTTNV}
    assert proposals(persons=[person])[(BANG_KHEN, "a")].as_dict()["missed"] == ["two_years_htxsnv"]


def test_collectives():
    unit = Collective("P1", "Phòng Tổng hợp", HTTNV, ["a", "b", "c", "d", "e"], {TT_LDTT})
    found = proposals([unit])
    # 3 of 5 LĐTT (60 %): more than half, less than 70 %
    assert found[(TT_LDTT, "P1")].eligible
    assert found[(TT_LDXS, "P1")].as_dict()["missed"] == ["ldtt_70"]


def test_a_warning_in_the_unit_blocks_collective_titles():
    persons = people()
    persons[3].discipline = ["cảnh cáo"]
    unit = Collective("P1", "Phòng Tổng hợp", HTTNV, ["a", "b", "c", "d", "e"], {TT_LDTT})
    found = proposals([unit], persons=persons)
    assert "no_heavy_discipline" in found[(TT_LDTT, "P1")].as_dict()["missed"]


def test_an_excellent_collective():
    persons = [Individual(s, s, "P2", HTXSNV if s == "x" else HTTNV, {LDTT}) for s in "xyz"]
    unit = Collective("P2", "Phòng Hành chính", HTXSNV, ["x", "y", "z"], {TT_LDXS})
    found = proposals([unit], persons=persons)
    assert found[(TT_LDXS, "P2")].eligible
    persons[2].level = HTNV                                            # still completes tasks
    found = proposals([unit], persons=persons)
    # 2 of 3 LĐTT = 66.7 % < 70 %
    assert found[(TT_LDXS, "P2")].as_dict()["missed"] == ["ldtt_70"]


@pytest.mark.parametrize("title,members,votes,passed", [
    (CSTDCS, 9, 7, False),      # 77.8 % of all members
    (CSTDCS, 9, 8, True),
    (CSTDCS, 5, 4, True),       # exactly 80 %
    (CSTD_TINH, 9, 8, False),   # 88.9 % < 90 %
    (CSTD_TINH, 10, 9, True),
    (LDTT, 9, 1, True),         # no ballot threshold for LĐTT
])
def test_ballot_is_a_share_of_all_council_members(title, members, votes, passed):
    needs, threshold, share, ok = RULE_SET.ballot(title, members, votes, SETTINGS)
    assert share == Fraction(votes, members)
    assert ok is passed
