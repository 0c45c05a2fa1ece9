"""Rules of citizens' petitions (services/intake/petitions.py).

Dates are computed by hand from the real calendar (holidays package): in 2026 Giỗ Tổ Hùng Vương
falls on Sunday 26/4 with nghỉ bù Monday 27/4; 30/4 (Thursday) and 1/5 (Friday) are holidays.
"""
from datetime import date

import pytest

from services.intake import petitions as p
from services.intake.petitions import (
    DEFAULT_RULES, HistoryEntry, Petition, PetitionRules, check_disposition, classify,
    duplicate_key, is_probable_duplicate, stats, stats_text)
from shared.calendar import WorkingCalendar
from shared.errors import Conflict, InvalidInput

CAL = WorkingCalendar()
NAME = "Nguyễn Văn Đức"
ADDRESS = "Số 5, ấp 3, xã An Bình, huyện Cao Lãnh"
CONTENT = "Khiếu nại về việc thu hồi đất của gia đình tôi tại xã An Bình, đề nghị xem xét lại."


def petition(**facts):
    base = dict(petitioner_name=NAME, petitioner_address=ADDRESS, content=CONTENT,
                categories=("complaint",), id=1)
    base.update(facts)
    return Petition(**base)


def check(pet, disposition, history=(), today=date(2026, 4, 29), **kwargs):
    return check_disposition(pet, list(history), disposition, today=today, calendar=CAL, **kwargs)


# ---------------------------------------------------------------------------------- vocabulary

def test_vocabulary_has_the_codes_and_vietnamese_labels():
    assert dict(p.DEFAULT_CATEGORIES) == {
        "complaint": "Khiếu nại", "denunciation": "Tố cáo",
        "recommendation": "Kiến nghị, phản ánh", "multiple": "Đơn có nhiều nội dung khác nhau"}
    assert dict(p.DISPOSITIONS) == {"accept": "Thụ lý", "forward": "Chuyển", "guide": "Hướng dẫn",
                                    "answer": "Trả lời", "file": "Lưu"}
    assert set(p.DEFAULT_FILING_REASONS) == {
        "ineligible", "unclear_content", "illegible", "sent_to_several", "already_guided",
        "past_time_limit", "resolved_no_new_facts", "anonymous_denunciation", "duplicate"}
    assert p.HANDLED_DISPOSITIONS == {"accept", "answer", "guide", "forward"}


@pytest.mark.parametrize("value, code", [
    ("Thụ lý", "accept"), ("thu ly", "accept"), ("CHUYỂN", "forward"), ("chuyển đơn", "forward"),
    ("hướng dẫn", "guide"), ("Trả lời", "answer"), ("lưu", "file"), ("file", "file")])
def test_dispositions_are_named_by_code_or_vietnamese_label(value, code):
    assert p.resolve_disposition(value) == code


def test_unknown_disposition_is_invalid_input_on_the_field():
    with pytest.raises(InvalidInput) as error:
        check(petition(), "xoá")
    assert "disposition" in error.value.fields


# -------------------------------------------------------------------------------- settings

def test_default_settings():
    rules = DEFAULT_RULES
    assert (rules.forward_followup_working_days, rules.denunciation_handling_days,
            rules.denunciation_extension_days, rules.group_threshold,
            rules.filed_retention_years, rules.duplicate_threshold) == (10, 30, 30, 5, 1, 0.8)


def test_settings_from_mapping_override_merge_and_relabel():
    rules = PetitionRules.from_mapping({
        "group_threshold": "4", "forward_followup_working_days": 15,
        "filing_reasons": {"outside_term": "Đơn gửi ngoài nhiệm kỳ", "duplicate": "Đơn trùng"},
        "categories": {"complaint": "Đơn khiếu nại"},
        "duplicate_threshold": "0,9"})
    assert rules.group_threshold == 4
    assert rules.forward_followup_working_days == 15
    assert rules.duplicate_threshold == 0.9
    assert rules.filing_reasons["outside_term"] == "Đơn gửi ngoài nhiệm kỳ"
    assert rules.filing_reasons["duplicate"] == "Đơn trùng"
    assert rules.filing_reasons["illegible"] == p.DEFAULT_FILING_REASONS["illegible"]
    assert rules.categories["complaint"] == "Đơn khiếu nại"
    assert rules.filing_reason("don gui ngoai nhiem ky") == "outside_term"
    # the defaults are untouched
    assert "outside_term" not in DEFAULT_RULES.filing_reasons


def test_settings_can_remove_an_added_reason_but_not_a_core_one():
    with_extra = PetitionRules.from_mapping({"filing_reasons": {"outside_term": "Ngoài nhiệm kỳ"}})
    without = PetitionRules.from_mapping({"filing_reasons": {"outside_term": None}},
                                         base=with_extra)
    assert "outside_term" not in without.filing_reasons
    with pytest.raises(InvalidInput) as error:
        PetitionRules.from_mapping({"filing_reasons": {"illegible": None}})
    assert "filing_reasons" in error.value.fields


@pytest.mark.parametrize("mapping, bad_field", [
    ({"group_threshold": 1}, "group_threshold"),
    ({"group_threshold": "five"}, "group_threshold"),
    ({"group_threshold": True}, "group_threshold"),
    ({"forward_followup_working_days": 0}, "forward_followup_working_days"),
    ({"denunciation_handling_days": -30}, "denunciation_handling_days"),
    ({"filed_retention_years": 1.5}, "filed_retention_years"),
    ({"duplicate_threshold": 0}, "duplicate_threshold"),
    ({"duplicate_threshold": "high"}, "duplicate_threshold"),
    ({"categories": ["khiếu nại"]}, "categories"),
    ({"categories": {"Khiếu Nại": "x"}}, "categories"),
    ({"filing_reasons": {"late": ""}}, "filing_reasons"),
    ({"retention": 2}, "retention"),
])
def test_bad_settings_raise_invalid_input_naming_the_field(mapping, bad_field):
    with pytest.raises(InvalidInput) as error:
        PetitionRules.from_mapping(mapping)
    assert set(error.value.fields) == {bad_field}


def test_bad_settings_are_reported_together():
    with pytest.raises(InvalidInput) as error:
        PetitionRules.from_mapping({"group_threshold": 0, "duplicate_threshold": 2, "x": 1})
    assert set(error.value.fields) == {"group_threshold", "duplicate_threshold", "x"}


# -------------------------------------------------------------------------------- classify

def test_a_complete_petition_is_eligible():
    result = classify(petition())
    assert result.eligible and result.missing == () and result.filing_reasons == ()
    assert result.category == "complaint" and result.category_label == "Khiếu nại"
    assert not result.anonymous and not result.group and not result.within_competence


@pytest.mark.parametrize("facts, missing", [
    ({"signed": False}, ("signed",)),
    ({"dated": False}, ("dated",)),
    ({"petitioner_name": "  "}, ("name",)),
    ({"petitioner_address": ""}, ("address",)),
    ({"content_clear": False}, ("content_clear",)),
    ({"legible": False}, ("legible",)),
    ({"already_handled": True}, ("not_already_handled",)),
    ({"signed": False, "dated": False, "petitioner_address": ""}, ("signed", "dated", "address")),
])
def test_each_missing_condition_makes_it_ineligible(facts, missing):
    result = classify(petition(**facts))
    assert not result.eligible
    assert result.missing == missing
    assert result.missing_labels == tuple(p.ELIGIBILITY_CONDITIONS[c] for c in missing)
    assert "ineligible" in result.filing_reasons


def test_specific_filing_reasons_come_before_ineligible():
    result = classify(petition(legible=False, content_clear=False))
    assert result.filing_reasons == ("illegible", "unclear_content", "ineligible")
    assert classify(petition(sent_to_several_bodies=True)).filing_reasons == ("sent_to_several",)
    assert classify(petition(past_time_limit=True,
                             resolved_without_new_facts=True)).filing_reasons == (
        "resolved_no_new_facts", "past_time_limit")


@pytest.mark.parametrize("signers, group", [(1, False), (4, False), (5, True), (12, True)])
def test_group_threshold_is_five_signers(signers, group):
    assert classify(petition(signer_count=signers)).group is group


def test_group_threshold_follows_the_settings():
    rules = PetitionRules.from_mapping({"group_threshold": 4})
    assert classify(petition(signer_count=4), rules).group is True
    assert classify(petition(signer_count=3), rules).group is False


@pytest.mark.parametrize("categories, category", [
    (("Tố cáo",), "denunciation"),
    (("kien nghi",), "recommendation"),
    (("phản ánh",), "recommendation"),
    (("complaint", "Khiếu nại"), "complaint"),
    (("complaint", "denunciation"), "multiple"),
    (("nhiều nội dung",), "multiple"),
])
def test_category_from_codes_or_labels(categories, category):
    assert classify(petition(categories=categories)).category == category


def test_category_is_required_and_known():
    with pytest.raises(InvalidInput) as error:
        classify(petition(categories=()))
    assert "categories" in error.value.fields
    with pytest.raises(InvalidInput) as error:
        classify(petition(categories=("khen thưởng",)))
    assert "categories" in error.value.fields


def test_anonymous_denunciation():
    result = classify(petition(petitioner_name="", categories=("tố cáo",)))
    assert result.anonymous and result.anonymous_denunciation
    assert result.filing_reasons[0] == "anonymous_denunciation"
    # several contents including a denunciation: still an anonymous denunciation
    assert classify(petition(petitioner_address="", categories=("complaint", "denunciation"))
                    ).anonymous_denunciation
    # an anonymous complaint is anonymous but not an anonymous denunciation
    complaint = classify(petition(petitioner_name=""))
    assert complaint.anonymous and not complaint.anonymous_denunciation


def test_other_classification_facts_are_reported():
    result = classify(petition(has_original_documents=True, within_competence=True,
                               signer_count=7))
    assert result.has_original_documents and result.within_competence
    assert result.signer_count == 7 and result.group


def test_petition_from_mapping_checks_keys_and_types():
    pet = Petition.from_mapping({"petitioner_name": NAME, "categories": ["tố cáo"],
                                 "signed": False, "received_on": "2026-04-29"})
    assert pet.categories == ("tố cáo",) and pet.received_on == date(2026, 4, 29)
    with pytest.raises(InvalidInput) as error:
        Petition.from_mapping({"signned": True, "signed": "yes", "signer_count": -1,
                               "categories": "tố cáo"})
    assert set(error.value.fields) == {"signned", "signed", "signer_count", "categories"}
    # classify and check_disposition take mappings too
    assert classify({"petitioner_name": NAME, "petitioner_address": ADDRESS,
                     "categories": ["kiến nghị"]}).eligible


# -------------------------------------------------------------------------- dispositions

def test_forward_requires_a_target_body():
    with pytest.raises(InvalidInput) as error:
        check(petition(), "chuyển")
    assert set(error.value.fields) == {"forward_to"}
    with pytest.raises(InvalidInput) as error:
        check(petition(), "trả lời", forward_to="UBND tỉnh")
    assert set(error.value.fields) == {"forward_to"}


def test_forward_follow_up_due_in_working_days_across_30_4_and_1_5():
    # Wed 29/4/2026 + 10 working days: 30/4, 1/5 holidays, 2-3/5 weekend;
    # 4, 5, 6, 7, 8, 11, 12, 13, 14, 15/5 -> Friday 15/5/2026.
    result = check(petition(), "forward", forward_to="UBND tỉnh Đồng Tháp")
    assert result.disposition == "forward" and result.disposition_label == "Chuyển"
    assert result.forward_to == "UBND tỉnh Đồng Tháp"
    assert result.follow_up_due == date(2026, 5, 15)
    assert result.retain_until is None and result.suggested_disposition is None


def test_forward_follow_up_due_across_nghi_bu_and_the_holidays():
    # Fri 24/4/2026: 25-26 weekend, 27/4 nghỉ bù Giỗ Tổ, 28(1) 29(2), 30/4-3/5 off,
    # 4(3) 5(4) 6(5) 7(6) 8(7) 11(8) 12(9) 13(10) -> Wednesday 13/5/2026.
    result = check(petition(), "forward", forward_to="Sở Tài nguyên và Môi trường",
                   today=date(2026, 4, 24))
    assert result.follow_up_due == date(2026, 5, 13)


def test_forward_follow_up_uses_the_configured_days_and_the_office_calendar():
    rules = PetitionRules.from_mapping({"forward_followup_working_days": 3})
    result = check(petition(), "forward", forward_to="UBND huyện", rules=rules)
    assert result.follow_up_due == date(2026, 5, 6)  # 4, 5, 6 May
    office = WorkingCalendar(days_off=[date(2026, 5, 5)])
    result = check_disposition(petition(), [], "forward", forward_to="UBND huyện",
                               today=date(2026, 4, 29), rules=rules, calendar=office)
    assert result.follow_up_due == date(2026, 5, 7)


def test_forward_once_same_petition():
    history = [HistoryEntry("forward", on=date(2026, 3, 2), forward_to="UBND tỉnh",
                            petition_id=1)]
    with pytest.raises(Conflict) as error:
        check(petition(), "forward", history, forward_to="Tòa án nhân dân tỉnh")
    assert error.value.fields["rule"] == ["forward_once"]
    assert "forward_once" in error.value.message and "02/03/2026" in error.value.message


def test_forward_once_catches_the_same_content_resent_by_the_same_petitioner():
    earlier = {"disposition": "chuyển", "on": "2026-01-10", "forward_to": "UBND tỉnh",
               "petitioner_name": "NGUYEN VAN DUC",
               "petitioner_address": "so 5 ap 3 xa an binh huyen cao lanh",
               "content": "Khieu nai ve viec thu hoi dat cua gia dinh toi tai xa An Binh",
               "petition_id": 7}
    with pytest.raises(Conflict) as error:
        check(petition(), "forward", [earlier], forward_to="UBND tỉnh")
    assert error.value.fields["rule"] == ["forward_once"]


def test_forward_allowed_when_history_is_another_petitioner_or_another_disposition():
    other = HistoryEntry("forward", petitioner_name="Trần Thị Hoa", petitioner_address=ADDRESS,
                         content=CONTENT, petition_id=9)
    guided = HistoryEntry("guide", petition_id=1)
    result = check(petition(), "forward", [other, guided], forward_to="UBND tỉnh")
    assert result.follow_up_due == date(2026, 5, 15)


def test_forward_of_a_petition_the_facts_say_to_file_suggests_filing():
    result = check(petition(sent_to_several_bodies=True), "forward", forward_to="UBND tỉnh")
    assert (result.suggested_disposition, result.suggested_reason) == ("file", "sent_to_several")
    assert result.warnings


def test_anonymous_denunciation_cannot_be_accepted():
    pet = petition(petitioner_name="", categories=("tố cáo",), within_competence=True)
    with pytest.raises(Conflict) as error:
        check(pet, "thụ lý")
    assert error.value.fields["rule"] == ["anonymous_denunciation"]
    # it can be filed with that reason, kept one year
    result = check(pet, "lưu", reason="anonymous_denunciation")
    assert result.reason == "anonymous_denunciation" and result.warnings == ()
    assert result.retain_until == date(2027, 4, 29)


def test_accept_requires_eligibility_and_competence():
    with pytest.raises(Conflict) as error:
        check(petition(dated=False, within_competence=True), "accept")
    assert error.value.fields["rule"] == ["accept_requires_eligible"]
    with pytest.raises(Conflict) as error:
        check(petition(), "accept")
    assert error.value.fields["rule"] == ["accept_requires_competence"]
    result = check(petition(within_competence=True), "accept")
    assert result.disposition == "accept" and result.handling_due is None


def test_accepted_denunciation_is_due_in_30_days_moved_off_a_holiday():
    pet = petition(categories=("denunciation",), within_competence=True)
    # 1/4/2026 + 30 days = Friday 1/5/2026 (holiday), then 2-3/5 weekend -> Monday 4/5/2026
    assert check(pet, "accept", today=date(2026, 4, 1)).handling_due == date(2026, 5, 4)
    # 10/6/2026 + 30 days = Friday 10/7/2026, a working day
    assert check(pet, "accept", today=date(2026, 6, 10)).handling_due == date(2026, 7, 10)
    # one extension: 1/4/2026 + 60 days = Sunday 31/5/2026 -> Monday 1/6/2026
    assert p.denunciation_due(date(2026, 4, 1), extensions=1, calendar=CAL) == date(2026, 6, 1)


def test_filing_requires_a_known_reason():
    for reason in (None, "", "không thích"):
        with pytest.raises(InvalidInput) as error:
            check(petition(), "file", reason=reason)
        assert set(error.value.fields) == {"reason"}
    with pytest.raises(InvalidInput) as error:
        check(petition(), "answer", reason="duplicate")
    assert set(error.value.fields) == {"reason"}
    result = check(petition(), "lưu", reason="Đơn trùng lặp")
    assert result.reason == "duplicate" and result.reason_label == "Đơn trùng lặp"


def test_filed_petition_is_kept_one_year_by_default():
    assert check(petition(), "file", reason="duplicate",
                 today=date(2026, 3, 15)).retain_until == date(2027, 3, 15)
    assert p.retention_until(date(2024, 2, 29)) == date(2025, 2, 28)
    two_years = PetitionRules.from_mapping({"filed_retention_years": 2})
    assert p.retention_until(date(2026, 3, 15), two_years) == date(2028, 3, 15)


def test_guiding_the_same_content_twice_suggests_filing_already_guided():
    first = check(petition(), "hướng dẫn")
    assert first.suggested_disposition is None and first.warnings == ()
    history = [HistoryEntry("hướng dẫn", on=date(2026, 2, 1), petition_id=1)]
    second = check(petition(), "guide", history)
    assert (second.suggested_disposition, second.suggested_reason) == ("file", "already_guided")
    assert second.warnings
    filed = check(petition(), "file", history, reason="already_guided")
    assert filed.warnings == ()
    # filing as "already guided" with no guidance on record is allowed but flagged
    assert check(petition(), "file", reason="already_guided").warnings


# ------------------------------------------------------------------------------ duplicates

def test_normalize_text_removes_diacritics_case_and_spacing():
    assert p.normalize_text("  Nguyễn   Văn ĐỨC, ") == "nguyen van duc"
    assert p.normalize_text("Hoà") == p.normalize_text("HÒA") == "hoa"
    # decomposed input (NFD) gives the same result as composed
    import unicodedata
    assert p.normalize_text(unicodedata.normalize("NFD", "Đồng Tháp")) == "dong thap"


def test_duplicate_key_ignores_diacritics_case_punctuation_and_spacing():
    key = duplicate_key(NAME, ADDRESS, "Khiếu nại thu hồi đất")
    assert key == duplicate_key("NGUYEN  VAN DUC", "so 5 ap 3 xa an binh huyen cao lanh",
                                "khieu nai thu hoi dat.")
    assert len(key) == 64
    assert key != duplicate_key(NAME, ADDRESS, "Khiếu nại bồi thường")
    assert key != duplicate_key("Nguyễn Văn Đạt", ADDRESS, "Khiếu nại thu hồi đất")
    assert key != duplicate_key(NAME, "Số 6, ấp 3, xã An Bình", "Khiếu nại thu hồi đất")


def test_probable_duplicate_same_petitioner_similar_content_without_diacritics():
    a = petition()
    b = {"petitioner_name": "nguyễn văn đức",
         "petitioner_address": "SỐ 5 ẤP 3 XÃ AN BÌNH HUYỆN CAO LÃNH",
         "content": "Khieu nai viec thu hoi dat cua gia dinh toi tai xa An Binh, de nghi xem xet"}
    duplicate, score = is_probable_duplicate(a, b)
    assert duplicate is True and 0.8 <= score < 1


def test_not_a_duplicate_different_content_or_petitioner():
    other_content = petition(content="Tố cáo cán bộ địa chính xã An Bình nhận tiền khi làm sổ đỏ")
    duplicate, score = is_probable_duplicate(petition(), other_content)
    assert duplicate is False and score < 0.5
    other_person = petition(petitioner_name="Nguyễn Văn Đạt")
    duplicate, score = is_probable_duplicate(petition(), other_person)
    assert duplicate is False and score == 1.0
    # two anonymous petitions are never "the same petitioner"
    assert is_probable_duplicate(petition(petitioner_name=""),
                                 petition(petitioner_name=""))[0] is False


def test_duplicate_threshold_is_inclusive_and_configurable():
    b = petition(content=CONTENT + " Xin cảm ơn.")
    _, score = is_probable_duplicate(petition(), b)
    assert is_probable_duplicate(petition(), b, threshold=score)[0] is True
    assert is_probable_duplicate(petition(), b, threshold=min(1.0, score + 0.001))[0] is False
    strict = PetitionRules.from_mapping({"duplicate_threshold": 1})
    assert is_probable_duplicate(petition(), b, rules=strict)[0] is False


# ---------------------------------------------------------------------------------- stats

def seed_001_petitions():
    """Seed 001 (Đoàn ĐBQH, 2020): 195 received; 10 answered, 3 guided, 14 forwarded; 168 filed."""
    rows = ([{"categories": ["khiếu nại"], "disposition": "trả lời"}] * 10
            + [{"categories": ["kiến nghị"], "disposition": "hướng dẫn"}] * 3
            + [{"categories": ["tố cáo"], "disposition": "chuyển"}] * 14
            + [{"categories": ["khiếu nại"], "disposition": "lưu",
                "filing_reason": "resolved_no_new_facts"}] * 150
            + [{"categories": ["khiếu nại", "tố cáo"], "disposition": "lưu",
                "filing_reason": "Đơn trùng lặp"}] * 18)
    return rows


def test_stats_reproduce_seed_001():
    result = stats(seed_001_petitions())
    assert result["received"] == 195
    assert (result["handled"], result["handled_percent"]) == (27, 14)  # 13.85 % -> 14 %
    assert (result["answered"], result["guided"], result["forwarded"], result["accepted"]) == (
        10, 3, 14, 0)
    assert result["filed"] == 168
    # The seed prints "168, chiếm 82%", but 168 / 195 = 86.15 %: no rounding gives 82 (and
    # 14 % + 82 % leaves 4 % unaccounted for although 27 + 168 = 195), so the seed's figure is
    # a typo; we report the arithmetic.
    assert result["filed_percent"] == 86
    assert result["pending"] == 0
    assert result["filed_by_reason"] == {"resolved_no_new_facts": 150, "duplicate": 18}
    by_category = result["by_category"]
    assert by_category["complaint"]["received"] == 160
    assert by_category["complaint"]["answered"] == 10 and by_category["complaint"]["filed"] == 150
    assert by_category["denunciation"]["forwarded"] == 14
    assert by_category["denunciation"]["handled"] == 14
    assert by_category["recommendation"]["guided"] == 3
    assert by_category["multiple"]["filed"] == 18 and by_category["multiple"]["label"] == (
        "Đơn có nhiều nội dung khác nhau")
    assert sum(c["received"] for c in by_category.values()) == 195


def test_stats_with_decimals():
    result = stats(seed_001_petitions(), decimals=2)
    assert (result["handled_percent"], result["filed_percent"]) == (13.85, 86.15)


def test_percent_rounds_half_up():
    assert p.percent(1, 8) == 13  # 12.5 -> 13 (Python's round() would give 12)
    assert p.percent(27, 195) == 14 and p.percent(168, 195) == 86
    assert p.percent(0, 0) is None


def test_stats_pending_unclassified_and_accepted():
    rows = [{"categories": ["tố cáo"], "disposition": "thụ lý"},
            {"categories": [], "disposition": None},
            {"categories": ["kiến nghị"], "disposition": "answer"},
            {"categories": ["kiến nghị"], "disposition": "lưu"}]
    result = stats(rows)
    assert (result["received"], result["handled"], result["accepted"], result["filed"],
            result["pending"]) == (4, 2, 1, 1, 1)
    assert (result["handled_percent"], result["filed_percent"]) == (50, 25)
    assert result["by_category"]["unclassified"]["pending"] == 1
    assert result["filed_by_reason"] == {None: 1}
    assert stats([])["handled_percent"] is None


def test_stats_rejects_an_unknown_disposition_naming_the_row():
    with pytest.raises(InvalidInput) as error:
        stats([{"categories": ["tố cáo"], "disposition": "answer"},
               {"categories": ["tố cáo"], "disposition": "huỷ"}])
    assert "petitions[1].disposition" in error.value.fields


SEED_001_TEXT = (
    "Năm 2020, Văn phòng đã nhận được 195 đơn; đã tham mưu Đoàn ĐBQH xem xét 27 đơn, chiếm 14%"
    " (trong đó: ban hành 10 văn bản trả lời, 03 văn bản hướng dẫn công dân gửi đơn đến cơ quan"
    " có thẩm quyền giải quyết, chuyển đến các cơ quan có thẩm quyền giải quyết: 14 đơn);"
    " số đơn thư lưu, theo dõi là 168, chiếm 86%.")


def test_stats_text_in_the_words_of_seed_001():
    assert stats_text(stats(seed_001_petitions()), 2020, body="Đoàn ĐBQH") == SEED_001_TEXT


def test_stats_text_compares_with_the_previous_year_like_the_seed():
    # 2019 from the seed's comparisons: 195 - 81 = 114 received, 14 - 6 = 8 forwarded,
    # 168 - 75 = 93 filed (the other 13 answered).
    rows_2019 = ([{"categories": ["tố cáo"], "disposition": "chuyển"}] * 8
                 + [{"categories": ["khiếu nại"], "disposition": "lưu"}] * 93
                 + [{"categories": ["khiếu nại"], "disposition": "trả lời"}] * 13)
    text = stats_text(stats(seed_001_petitions()), 2020, body="Đoàn ĐBQH",
                      previous=stats(rows_2019))
    assert text.startswith(
        "Năm 2020, Văn phòng đã nhận được 195 đơn (tăng 81 đơn so với năm 2019);")
    assert "giải quyết: 14 đơn (tăng 06 đơn so với năm 2019));" in text
    assert text.endswith("là 168, chiếm 86% (tăng 75 đơn so với năm 2019).")


def test_stats_text_leaves_out_zeros_and_adds_pending():
    rows = [{"categories": ["tố cáo"], "disposition": "chuyển"}] * 2 + [
        {"categories": ["tố cáo"], "disposition": None}] * 2
    text = stats_text(stats(rows, decimals=2), 2021, office="Văn phòng HĐND tỉnh")
    assert text == ("Năm 2021, Văn phòng HĐND tỉnh đã nhận được 04 đơn; đã tham mưu xem xét 02"
                    " đơn, chiếm 50% (trong đó: chuyển đến các cơ quan có thẩm quyền giải quyết:"
                    " 02 đơn); số đơn thư lưu, theo dõi là 0, chiếm 0%; còn 02 đơn đang xử lý.")
