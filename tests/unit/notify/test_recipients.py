from services.notify.recipients import clean_place, resolve

STAFF = [
    {"staff_id": "ct", "full_name": "Nguyễn Văn Chủ", "unit_code": "TT", "unit_name": "Thường trực HĐND tỉnh",
     "position": "Chủ tịch HĐND tỉnh", "is_leader": True, "is_unit_head": True, "roles": ["leader"]},
    {"staff_id": "pct", "full_name": "Lê Thị Phó", "unit_code": "TT", "unit_name": "Thường trực HĐND tỉnh",
     "position": "Phó Chủ tịch HĐND tỉnh", "is_leader": True, "roles": ["leader"]},
    {"staff_id": "cvp", "full_name": "Trần Văn Chánh", "unit_code": "VP", "unit_name": "Văn phòng",
     "position": "Chánh Văn phòng", "is_leader": True, "is_unit_head": True, "roles": ["leader", "head"]},
    {"staff_id": "th1", "full_name": "Phạm Hoà", "unit_code": "TH", "unit_name": "Phòng Tổng hợp",
     "position": "Trưởng phòng", "is_unit_head": True, "roles": ["head"]},
    {"staff_id": "th2", "full_name": "Võ Đức", "unit_code": "TH", "unit_name": "Phòng Tổng hợp",
     "position": "Chuyên viên", "roles": ["staff"], "email": "duc@example.vn"},
    {"staff_id": "bkt", "full_name": "Đỗ Minh", "unit_code": "BKTNS",
     "unit_name": "Ban Kinh tế - Ngân sách", "position": "Trưởng Ban", "is_unit_head": True,
     "roles": ["head"]},
    {"staff_id": "bvh", "full_name": "Hồ Lan", "unit_code": "BVHXH",
     "unit_name": "Ban Văn hóa - Xã hội", "position": "Chuyên viên", "roles": ["staff"]},
    {"staff_id": "old", "full_name": "Cũ", "unit_code": "TH", "unit_name": "Phòng Tổng hợp",
     "active": False, "roles": ["staff"]},
]


def people(entries, staff=STAFF):
    result = resolve(entries, staff)
    return sorted(result.people), result


def test_people_units_and_roles():
    assert people(["th2"])[0] == ["th2"]
    assert people(["staff:th2"])[0] == ["th2"]
    assert people(["unit:TH"])[0] == ["th1", "th2"]      # the inactive member is left out
    assert people(["role:leader"])[0] == ["ct", "cvp", "pct"]
    assert people(["role:head"])[0] == ["bkt", "ct", "cvp", "th1"]  # the role or the unit-head flag
    assert people(["th2", "unit:TH"])[0] == ["th1", "th2"]  # once each


def test_a_role_nobody_holds_goes_to_the_roles_shared_inbox():
    names, result = people(["role:leader"], staff=[])
    assert names == [] and result.groups == ["role:leader"]


def test_noi_nhan_lines_of_the_seed_documents():
    assert clean_place("- Thường trực HĐND Tỉnh;") == "Thường trực HĐND Tỉnh"
    assert clean_place("- P1 UBKT Tỉnh ủy, | (báo cáo)") == "P1 UBKT Tỉnh ủy"
    names, result = people([
        "place:- Thường trực HĐND Tỉnh;",
        "place:- Lãnh đạo các Ban của HĐND Tỉnh;",
        "place:- Chánh Văn phòng;",
        "place:- Lưu: VT.",
        "place:- Như trên;",
        "place:- Công đoàn Viên chức Tỉnh;",
    ])
    assert names == ["bkt", "ct", "cvp", "pct"]
    assert result.skipped == ["- Lưu: VT.", "- Như trên;"]
    assert result.unresolved == ["- Công đoàn Viên chức Tỉnh;: no unit, position or person "
                                 "of this office matches"]


def test_whole_office_phrasings_and_units_by_name_without_marks():
    everyone = sorted(p["staff_id"] for p in STAFF if p.get("active", True))
    assert people(["place:- CB,CC,NLĐ cơ quan (thực hiện);"])[0] == everyone
    assert people(["place:Lãnh đạo, CBCC, NLĐ Văn phòng"])[0] == everyone
    assert people(["place:phong tong hop"])[0] == ["th1", "th2"]
    assert people(["place:Các Ban của HĐND tỉnh"])[0] == ["bkt", "bvh"]


def test_unknown_and_inactive_recipients_are_reported():
    _, result = people(["nobody", "old", "unit:XX"])
    assert result.unknown == ["nobody"] and result.people["nobody"] is None
    assert result.unresolved == ["old: no longer active", "unit:XX: no active staff in this unit"]


def test_entries_that_cannot_name_anybody_are_unresolved_not_stored():
    """An event may carry any string: what is no staff id, unit code or role (or is longer
    than a recipient column) is reported, never written as a recipient."""
    names, result = people(["x" * 100, "role:boss", "unit:Phòng", "staff:", "th2"])
    assert names == ["th2"] and result.unknown == [] and result.groups == []
    assert len(result.unresolved) == 4
    assert "no role 'boss'" in result.unresolved[1]
