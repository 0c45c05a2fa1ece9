"""Units inside units, recognising a unit in a directive, and proposals from real documents."""
from datetime import date

import pytest

from services.intake.parsing import parse_document
from services.tasks.directions import proposal
from services.tasks.organisation import ancestors, check_parent, recognise_unit
from shared.calendar import WorkingCalendar
from shared.errors import InvalidInput

CAL = WorkingCalendar()
UNITS = [("PTH", "Phòng Tổng hợp", []), ("PHC", "Phòng Hành chính - Tổ chức - Quản trị", []),
         ("CD", "Công đoàn cơ quan", ["Ban Chấp hành Công đoàn"]),
         ("DU", "Đảng ủy Văn phòng", ["Đảng ủy Văn phòng UBND tỉnh"]),
         ("TH", "Tổ Tin học", [])]


def test_a_unit_is_never_inside_itself():
    parents = {"VP": None, "PTH": "VP", "TH": "PTH"}
    assert ancestors(parents, "TH") == ["PTH", "VP"]
    check_parent(parents, "TH", "VP")
    with pytest.raises(InvalidInput) as raised:
        check_parent(parents, "VP", "TH")
    assert "parent_code" in raised.value.fields
    with pytest.raises(InvalidInput):
        check_parent(parents, "PTH", "PTH")


def test_units_are_recognised_without_marks_longest_name_first():
    assert recognise_unit("Phòng Tổng hợp", UNITS) == "PTH"
    assert recognise_unit("phong tong hop", UNITS) == "PTH"
    assert recognise_unit("Ban Chấp hành Công đoàn", UNITS) == "CD"
    assert recognise_unit("Đảng ủy Văn phòng UBND tỉnh", UNITS) == "DU"
    assert recognise_unit("Sở Nội vụ", UNITS) is None
    assert recognise_unit("Phòng Tổng", UNITS) is None          # a part of a name is not it
    assert recognise_unit("Tổ Tin họcbáo", UNITS) is None       # whole words only
    assert recognise_unit("", UNITS) is None


def directives_of(corpus_dir, name):
    return parse_document((corpus_dir / "seeds" / name).read_text(encoding="utf-8"))


def recognise(text):
    return recognise_unit(text, UNITS)


def test_the_report_six_months_after_the_notice(corpus_dir):
    parsed = directives_of(corpus_dir, "003_ccf1fd8162f83281.txt")
    (directive,) = [d for d in parsed["directives"] if d["due_rule"]]
    assert directive["due_rule"] == "6 months after issue" and parsed["issued_date"] is None
    # the notice has no date ("Số * -TB/ĐUK"): counted from its arrival, Mon 23/11/2026,
    # -> Sun 23/5/2027 -> Mon 24/5/2027
    found, why_not = proposal(directive, recognise, None, date(2026, 11, 23), CAL)
    assert why_not is None
    unit_code, due, how = found
    assert (unit_code, due) == ("DU", date(2027, 5, 24))
    assert "6 months after issue" in how and "receipt" in how


def test_a_directive_without_a_deadline_is_not_proposed(corpus_dir):
    parsed = directives_of(corpus_dir, "000_f5e64ef9a2fe196c.txt")
    union = [d for d in parsed["directives"] if d["assignee"] == "Ban Chấp hành Công đoàn"]
    assert union
    found, why_not = proposal(union[0], recognise, date(2021, 9, 1), date(2021, 9, 3), CAL)
    assert found is None and why_not == "no deadline could be read"
    found, why_not = proposal({"text": "x", "assignee": "Sở Y tế", "due_date": "2026-12-01"},
                              recognise, None, None, CAL)
    assert found is None and "Sở Y tế" in why_not
    found, _ = proposal({"text": "x", "assignee": "Phòng Tổng hợp", "due_date": "2026-12-01"},
                        recognise, None, None, CAL)
    assert found[:2] == ("PTH", date(2026, 12, 1))
