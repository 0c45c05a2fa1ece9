"""parse_document on the five real seeds (expectations read off the texts by hand) and on
synthetic documents the parser has never seen, built from the rules of Nghị định 30/2020."""
import json
import os
from pathlib import Path

import pytest

from services.intake import doc_types
from services.intake.parsing import parse_document
from shared.errors import InvalidInput

REPO_ROOT = Path(__file__).resolve().parents[3]
CORPUS_DIR = Path(os.environ.get("VANPHONG_CORPUS", REPO_ROOT.parent / "shared" / "corpus"))
SEEDS_DIR = CORPUS_DIR / "seeds"


def seed(prefix):
    matches = sorted(SEEDS_DIR.glob(f"{prefix}_*.txt"))
    if not matches:
        pytest.fail(f"seed {prefix} not found under {SEEDS_DIR}: the corpus sits beside the "
                    f"repository as ../shared/corpus (or set VANPHONG_CORPUS)")
    return parse_document(matches[0].read_text(encoding="utf-8"))


def assert_fields(result, expected):
    wrong = {key: (result.get(key), value) for key, value in expected.items() if result.get(key) != value}
    assert not wrong, f"(got, expected) per field: {wrong}"


# --- the seeds ------------------------------------------------------------------------------

def test_seed_000_state_notice_with_directive():
    result = seed("000")
    assert_fields(result, {
        "is_administrative": True,
        "numbering_format": "state",
        "code_number": "159",
        "code_notation": "TB-VP",
        "organ_name": None,                 # the text starts at "Số:", no organ header
        "supervising_organ": None,
        "place": "Đồng Tháp",
        "issued_date": "2021-09-01",
        "type_name": "Thông báo",
        "doc_type": "TB",
        "subject": "Ý kiến kết luận của Chủ tịch Hội đồng nhân dân Tỉnh tại buổi làm việc với cán bộ, "
                   "công chức, người lao động thuộc cơ quan Hội đồng nhân dân Tỉnh",
        "title": "Thông báo ý kiến kết luận của Chủ tịch Hội đồng nhân dân Tỉnh tại buổi làm việc với "
                 "cán bộ, công chức, người lao động thuộc cơ quan Hội đồng nhân dân Tỉnh",
        "priority": None,
        "secrecy": None,
        "kinh_gui": [],
        "recipients": ["Thường trực HĐND Tỉnh", "Lãnh đạo Đoàn ĐBQH Tỉnh", "Lãnh đạo các Ban của HĐND Tỉnh",
                       "CB,CC,NLĐ cơ quan (thực hiện)", "Lưu: VT"],
        "signer_competence": None,          # this copy ends at the Nơi nhận list: no signature
        "signer_position": None,
        "signer_full_name": None,
        "references": [{"symbol": "1004/2020/UBTVQH14", "date": None},
                       {"symbol": "04-CT/TU", "date": None}],
        "warnings": [],
    })
    [directive] = result["directives"]
    assert directive["assignee"] == "Ban Chấp hành Công đoàn"
    assert directive["text"].startswith("Giao Ban Chấp hành Công đoàn nghiên cứu xây dựng Quy tắc ứng xử")
    assert directive["text"].endswith("thể hiện tinh thần trách nhiệm, năng động, chuyên nghiệp.")
    assert "(bao gồm ứng xử trong thực thi công vụ" in directive["text"]     # markdown * removed
    assert (directive["due_date"], directive["due_rule"]) == (None, None)


def test_seed_001_report_with_footnotes_and_signature():
    result = seed("001")
    assert_fields(result, {
        "is_administrative": True,
        "numbering_format": "state",
        "code_number": "130",
        "code_notation": "BC-VP",
        "place": "Đồng Tháp",
        "issued_date": "2021-02-03",
        "type_name": "Báo cáo",
        "doc_type": "BC",
        "subject": "Hoạt động thi đua cơ quan năm 2020, phương hướng thi đua năm 2021",
        "title": "Báo cáo hoạt động thi đua cơ quan năm 2020, phương hướng thi đua năm 2021",
        "priority": None,
        "secrecy": None,
        "kinh_gui": [],
        "recipients": ["Lãnh đạo Đoàn ĐBQH Tỉnh", "Thường trực HĐND Tỉnh", "Công đoàn Viên chức Tỉnh",
                       "Các Ban của HĐND Tỉnh", "Lãnh đạo, CBCC, NLĐ Văn phòng", "Lưu: VT"],
        "signer_competence": None,          # the head signs in his own name
        "signer_on_behalf_of": None,
        "signer_position": "CHÁNH VĂN PHÒNG",
        "signer_full_name": "Mai Ngọc Dinh",
        # a report of past work: "đã ... chủ trì" is not an assignment
        "directives": [],
        "references": [{"symbol": "88/2014/QH13", "date": None},
                       {"symbol": "51/2017/QG14", "date": None},
                       {"symbol": "07/2014", "date": "2014-10-31"},          # in a footnote
                       {"symbol": "16/CT-TTg", "date": "2020-03-31"}],
        "warnings": [],
    })


def test_seed_002_news_article_with_posting_date():
    result = seed("002")
    assert_fields(result, {
        "is_administrative": False,
        "title": "Bố trí đủ về số lượng chuyên viên giúp việc sẽ góp phần nâng cao chất lượng tham mưu, "
                 "giúp việc",
        "issued_date": "2021-07-01",        # "(Ngày đăng :01/07/2021 12:00:00 SA)"
        "code_number": None,
        "code_notation": None,              # "Số điện thoại:" in the footer is not a number
        "doc_type": None,
        "type_name": None,
        "directives": [],
        "recipients": [],
        "references": [],
        "warnings": [],
    })


def test_seed_003_party_notice_with_blank_number_and_six_month_rule():
    result = seed("003")
    assert_fields(result, {
        "is_administrative": True,
        "numbering_format": "party",
        "code_number": None,                # "Số * -TB/ĐUK"
        "code_notation": "TB/ĐUK",
        "organ_name": None,
        "place": None,
        "issued_date": None,                # the copy carries no date
        "type_name": "Thông báo",
        "doc_type": "TB",
        "subject": "Kết luận kiểm tra việc lãnh đạo, chỉ đạo và thực hiện Kết luận số 1103-KL/ĐUK, ngày "
                   "12/12/2021 của Ban chấp hành Đảng bộ Khối đối với Đảng ủy và trách nhiệm lãnh đạo, chỉ "
                   "đạo, tổ chức thực hiện của đồng chí Bí thư Đảng ủy Văn phòng UBND tỉnh",
        "recipients": ["UBKT Tỉnh ủy", "P1 UBKT Tỉnh ủy (báo cáo)", "Thường trực Đảng ủy Khối",
                       "Đảng ủy, Bí thư ĐU VPUBND tỉnh(t/h)", "Website Đảng bộ Khối", "Lưu VP ĐUK, HSKT"],
        "signer_competence": "T/M",
        "signer_on_behalf_of": "BAN THƯỜNG VỤ",
        "signer_position": "BÍ THƯ",
        "signer_full_name": "Huỳnh Ngọc Anh",
        "references": [{"symbol": "1103-KL/ĐUK", "date": "2021-12-12"},
                       {"symbol": "04/2015/NĐ-CP", "date": None}],
    })
    assert result["title"].startswith("Thông báo kết luận kiểm tra việc lãnh đạo")
    assert "number (số) left blank" in result["warnings"]
    assert "issued date not found" in result["warnings"]
    [directive] = result["directives"]
    assert directive["text"].startswith("Sau thời gian 06 tháng, kể từ ngày có Thông báo này, Đảng ủy")
    assert directive["text"].endswith("để theo dõi và chỉ đạo.")
    assert directive["assignee"] == "Đảng ủy Văn phòng UBND tỉnh"
    assert directive["due_rule"] == "6 months after issue"
    assert directive["due_date"] is None          # no issued date to count from


def test_seed_004_news_article_dated_in_first_sentence():
    result = seed("004")
    assert_fields(result, {
        "is_administrative": False,
        "title": "Hội nghị tổng kết công tác Đảng, chính quyền, đoàn thể năm 2020, triển khai nhiệm vụ "
                 "công tác năm 2021",
        "issued_date": "2021-01-05",        # "Ngày 05/01/2021, Đảng ủy, ..."
        "code_number": None,
        "doc_type": None,
        "directives": [],
        "kinh_gui": [],
        "warnings": [],
    })


def test_every_seed_is_json_serialisable():
    paths = sorted(SEEDS_DIR.glob("*.txt"))
    assert len(paths) == 5, f"expected the five seeds under {SEEDS_DIR}"
    for path in paths:
        result = parse_document(path.read_text(encoding="utf-8"))
        assert json.loads(json.dumps(result, ensure_ascii=False)) == result


# --- synthetic documents --------------------------------------------------------------------

CONG_VAN_FLATTENED = """\
UBND TỈNH ĐỒNG THÁP CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ NỘI VỤ Độc lập - Tự do - Hạnh phúc
Số: 412/SNV-VP Đồng Tháp, ngày 5 tháng 3 năm 2026
V/v góp ý dự thảo Quy chế làm việc
của Ủy ban nhân dân tỉnh

Kính gửi:
- Văn phòng HĐND tỉnh;
- Các Ban của HĐND tỉnh.

Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh tại Công văn số 215/UBND-NC ngày 02/3/2026, Sở Nội vụ gửi \
dự thảo Quy chế (kèm theo).
Đề nghị Văn phòng HĐND tỉnh tổng hợp ý kiến, gửi về Sở Nội vụ trước ngày 20/3/2026 để hoàn thiện./.

Nơi nhận:
- Như trên;
- Giám đốc Sở (b/c);
- Lưu: VT, VP.
KT. GIÁM ĐỐC
PHÓ GIÁM ĐỐC

Nguyễn Thị Thu Hà
"""


def test_cong_van_with_vv_kinh_gui_flattened_header_and_kt_signature():
    result = parse_document(CONG_VAN_FLATTENED)
    assert_fields(result, {
        "is_administrative": True,
        "numbering_format": "state",
        "code_number": "412",
        "code_notation": "SNV-VP",
        "organ_name": "SỞ NỘI VỤ",
        "supervising_organ": "UBND TỈNH ĐỒNG THÁP",
        "place": "Đồng Tháp",
        "issued_date": "2026-03-05",
        "type_name": "Công văn",
        "doc_type": None,
        "subject": "góp ý dự thảo Quy chế làm việc của Ủy ban nhân dân tỉnh",
        "title": "Công văn góp ý dự thảo Quy chế làm việc của Ủy ban nhân dân tỉnh",
        "kinh_gui": ["Văn phòng HĐND tỉnh", "Các Ban của HĐND tỉnh"],
        "recipients": ["Như trên", "Giám đốc Sở (b/c)", "Lưu: VT, VP"],
        "signer_competence": "KT.",
        "signer_on_behalf_of": "GIÁM ĐỐC",
        "signer_position": "PHÓ GIÁM ĐỐC",
        "signer_full_name": "Nguyễn Thị Thu Hà",
        "references": [{"symbol": "215/UBND-NC", "date": "2026-03-02"}],
        "directives": [{
            "text": "Đề nghị Văn phòng HĐND tỉnh tổng hợp ý kiến, gửi về Sở Nội vụ trước ngày 20/3/2026 "
                    "để hoàn thiện.",
            "assignee": "Văn phòng HĐND tỉnh",
            "due_date": "2026-03-20",
            "due_rule": None,
        }],
        "priority": None,
        "secrecy": None,
        "warnings": [],
    })


QUYET_DINH = """\
ỦY BAN NHÂN DÂN
TỈNH ĐỒNG THÁP
-------
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------
Số: 25/QĐ-UBND
Đồng Tháp, ngày 1 tháng 9 năm 2026

QUYẾT ĐỊNH
Về việc thành lập Tổ công tác chuyển đổi số
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP

Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
Căn cứ Quyết định số 12/QĐ-UBND ngày 05 tháng 01 năm 2026 của Ủy ban nhân dân tỉnh;
Theo đề nghị của Giám đốc Sở Nội vụ.

QUYẾT ĐỊNH:
Điều 1. Thành lập Tổ công tác chuyển đổi số của tỉnh.
Điều 2. Giao Sở Thông tin và Truyền thông chủ trì, phối hợp với các sở, ngành xây dựng kế hoạch hoạt \
động của Tổ công tác, trình Ủy ban nhân dân tỉnh trước ngày 30/9/2026.
Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Trong thời hạn 15 ngày kể từ ngày ký Quyết định \
này, Văn phòng UBND tỉnh tổ chức họp Tổ công tác./.

Nơi nhận:
- Như Điều 3;
- Lưu: VT, NC.

KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
(Đã ký)
Trần Văn Bình
"""


def test_quyet_dinh_with_wrapped_organ_date_without_zeros_and_kt_signature():
    result = parse_document(QUYET_DINH)
    assert_fields(result, {
        "is_administrative": True,
        "code_number": "25",
        "code_notation": "QĐ-UBND",
        "organ_name": "ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP",     # one organ wrapped over two lines
        "supervising_organ": None,
        "place": "Đồng Tháp",
        "issued_date": "2026-09-01",                        # "ngày 1 tháng 9 năm 2026"
        "type_name": "Quyết định",
        "doc_type": "QĐ",
        "subject": "Về việc thành lập Tổ công tác chuyển đổi số",
        "title": "Quyết định về việc thành lập Tổ công tác chuyển đổi số",
        "recipients": ["Như Điều 3", "Lưu: VT, NC"],
        "signer_competence": "KT.",
        "signer_on_behalf_of": "CHỦ TỊCH",
        "signer_position": "PHÓ CHỦ TỊCH",
        "signer_full_name": "Trần Văn Bình",
        "references": [{"symbol": "12/QĐ-UBND", "date": "2026-01-05"}],
        "warnings": [],
    })
    assert result["directives"] == [
        {"text": "Giao Sở Thông tin và Truyền thông chủ trì, phối hợp với các sở, ngành xây dựng kế hoạch "
                 "hoạt động của Tổ công tác, trình Ủy ban nhân dân tỉnh trước ngày 30/9/2026.",
         "assignee": "Sở Thông tin và Truyền thông", "due_date": "2026-09-30", "due_rule": None},
        {"text": "Trong thời hạn 15 ngày kể từ ngày ký Quyết định này, Văn phòng UBND tỉnh tổ chức họp "
                 "Tổ công tác.",
         "assignee": "Văn phòng UBND tỉnh", "due_date": "2026-09-16", "due_rule": "15 days after issue"},
    ]


GIAY_MOI_HOA_TOC = """\
UBND TỈNH ĐỒNG THÁP              CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
VĂN PHÒNG                         Độc lập - Tự do - Hạnh phúc
Số: 07/GM-VP                      Đồng Tháp, ngày 09 tháng 3 năm 2026
HỎA TỐC

GIẤY MỜI
Dự họp giao ban công tác tháng 3 năm 2026

Văn phòng UBND tỉnh trân trọng kính mời lãnh đạo các phòng dự họp giao ban.
Thời gian: 14 giờ 00, ngày 10/3/2026.
Địa điểm: Phòng họp số 2, Văn phòng UBND tỉnh.

Nơi nhận:                         TL. CHỦ TỊCH
- Như trên;                       CHÁNH VĂN PHÒNG
- Lưu: VT.

                                  Lê Minh Tâm
"""


def test_giay_moi_hoa_toc_with_column_gaps_and_tl_signature():
    result = parse_document(GIAY_MOI_HOA_TOC)
    assert_fields(result, {
        "code_number": "07",
        "code_notation": "GM-VP",
        "organ_name": "VĂN PHÒNG",
        "supervising_organ": "UBND TỈNH ĐỒNG THÁP",
        "issued_date": "2026-03-09",
        "priority": "hỏa tốc",
        "secrecy": None,
        "type_name": "Giấy mời",
        "doc_type": "GM",
        "subject": "Dự họp giao ban công tác tháng 3 năm 2026",
        "recipients": ["Như trên", "Lưu: VT"],
        "signer_competence": "TL.",
        "signer_on_behalf_of": "CHỦ TỊCH",
        "signer_position": "CHÁNH VĂN PHÒNG",
        "signer_full_name": "Lê Minh Tâm",
        "directives": [],                   # a meeting time is not a deadline
    })


TO_TRINH_MAT = """\
SỞ TÀI CHÍNH TỈNH ĐỒNG THÁP
CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập – Tự do – Hạnh phúc
Số: 88/TTr-STC
MẬT
Cao Lãnh, ngày 15 tháng 4 năm 2026

TỜ TRÌNH
Về việc phân bổ kinh phí bảo đảm an ninh
năm 2026

Kính gửi: Ủy ban nhân dân tỉnh Đồng Tháp.

Căn cứ Nghị quyết số 45/NQ-HĐND ngày 10/12/2025 của Hội đồng nhân dân tỉnh, Sở Tài chính kính trình \
Ủy ban nhân dân tỉnh xem xét, phê duyệt./.

Nơi nhận:
- Như trên;
- Lưu: VT, NS.

TL. GIÁM ĐỐC
CHÁNH VĂN PHÒNG
Phạm Quốc Việt
"""


def test_to_trinh_marked_mat_with_tl_signature_and_inline_kinh_gui():
    result = parse_document(TO_TRINH_MAT)
    assert_fields(result, {
        "organ_name": "SỞ TÀI CHÍNH TỈNH ĐỒNG THÁP",
        "supervising_organ": None,
        "code_number": "88",
        "code_notation": "TTr-STC",
        "secrecy": "mật",
        "priority": None,
        "place": "Cao Lãnh",
        "issued_date": "2026-04-15",
        "type_name": "Tờ trình",
        "doc_type": "TTr",
        "subject": "Về việc phân bổ kinh phí bảo đảm an ninh năm 2026",
        "title": "Tờ trình về việc phân bổ kinh phí bảo đảm an ninh năm 2026",
        "kinh_gui": ["Ủy ban nhân dân tỉnh Đồng Tháp"],
        "references": [{"symbol": "45/NQ-HĐND", "date": "2025-12-10"}],
        "signer_competence": "TL.",
        "signer_on_behalf_of": "GIÁM ĐỐC",
        "signer_position": "CHÁNH VĂN PHÒNG",
        "signer_full_name": "Phạm Quốc Việt",
        "directives": [],
        "warnings": [],
    })


PARTY_IMPOSSIBLE_DATE = """\
ĐẢNG BỘ TỈNH ĐỒNG THÁP ĐẢNG CỘNG SẢN VIỆT NAM
ĐẢNG ỦY KHỐI CÁC CƠ QUAN
*
Số 215-KL/ĐUK Đồng Tháp, ngày 30 tháng 02 năm 2026

KẾT LUẬN
của Ban Thường vụ Đảng ủy Khối về công tác kiểm tra, giám sát năm 2025

1. Yêu cầu Đảng ủy Sở Y tế rà soát, bổ sung quy chế làm việc; báo cáo kết quả chậm nhất ngày 15 tháng 5 năm 2026.
2. Các chi bộ tiếp tục quán triệt Quy định số 22-QĐ/TW ngày 28/7/2021 của Ban Chấp hành Trung ương.

Nơi nhận:
- Các đảng ủy cơ sở,
- Lưu VP.

T/M BAN THƯỜNG VỤ
PHÓ BÍ THƯ

Võ Thành Nam
"""


def test_party_conclusion_with_impossible_date_warns_and_keeps_going():
    result = parse_document(PARTY_IMPOSSIBLE_DATE)
    assert_fields(result, {
        "numbering_format": "party",
        "code_number": "215",
        "code_notation": "KL/ĐUK",
        "organ_name": "ĐẢNG ỦY KHỐI CÁC CƠ QUAN",
        "supervising_organ": "ĐẢNG BỘ TỈNH ĐỒNG THÁP",
        "place": "Đồng Tháp",
        "issued_date": None,                # 30/02 does not exist
        "type_name": "Kết luận",
        "doc_type": "KL",
        "subject": "của Ban Thường vụ Đảng ủy Khối về công tác kiểm tra, giám sát năm 2025",
        "recipients": ["Các đảng ủy cơ sở", "Lưu VP"],
        "signer_competence": "T/M",
        "signer_on_behalf_of": "BAN THƯỜNG VỤ",
        "signer_position": "PHÓ BÍ THƯ",
        "signer_full_name": "Võ Thành Nam",
        "references": [{"symbol": "22-QĐ/TW", "date": "2021-07-28"}],
        "directives": [{
            "text": "Yêu cầu Đảng ủy Sở Y tế rà soát, bổ sung quy chế làm việc; báo cáo kết quả chậm nhất "
                    "ngày 15 tháng 5 năm 2026.",
            "assignee": "Đảng ủy Sở Y tế", "due_date": "2026-05-15", "due_rule": None}],
    })
    assert any("30 tháng 02 năm 2026" in warning and "does not exist" in warning
               for warning in result["warnings"]), result["warnings"]


KE_HOACH_WITH_TABLE_ROWS = """\
HĐND TỈNH ĐỒNG THÁP CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
VĂN PHÒNG Độc lập - Tự do - Hạnh phúc
Số: 159/KH-VP Đồng Tháp, ngày 01 tháng 9 năm 2026
THƯỢNG KHẨN
KẾ HOẠCH
Thực hiện Thông báo số 159/TB-VP ngày 01/9/2021 của Văn phòng

I. NHIỆM VỤ CỤ THỂ
1. Xây dựng Quy tắc ứng xử của cán bộ, công chức cơ quan
Đơn vị thực hiện: Ban Chấp hành Công đoàn
Thời gian hoàn thành: trước ngày 20/10/2026
2. Rà soát quy chế chi tiêu nội bộ
Đơn vị thực hiện: Phòng Hành chính - Tổ chức; Thời gian hoàn thành: tháng 12/2026
3. Phòng Tổng hợp chủ trì theo dõi, đôn đốc việc thực hiện Kế hoạch này, định kỳ báo cáo Chánh Văn phòng.
4. Sau 03 tháng kể từ ngày ban hành Kế hoạch, các phòng báo cáo kết quả thực hiện./.

Nơi nhận:
- Thường trực HĐND tỉnh (b/c);
- Các phòng thuộc Văn phòng;
- Lưu: VT, TH.
CHÁNH VĂN PHÒNG
Nguyễn Văn An
"""


def test_ke_hoach_with_labelled_rows_and_relative_deadline():
    result = parse_document(KE_HOACH_WITH_TABLE_ROWS)
    assert_fields(result, {
        "organ_name": "VĂN PHÒNG",
        "supervising_organ": "HĐND TỈNH ĐỒNG THÁP",
        "code_number": "159",
        "code_notation": "KH-VP",
        "issued_date": "2026-09-01",
        "priority": "thượng khẩn",
        "type_name": "Kế hoạch",
        "doc_type": "KH",
        "subject": "Thực hiện Thông báo số 159/TB-VP ngày 01/9/2021 của Văn phòng",
        "references": [{"symbol": "159/TB-VP", "date": "2021-09-01"}],
        "recipients": ["Thường trực HĐND tỉnh (b/c)", "Các phòng thuộc Văn phòng", "Lưu: VT, TH"],
        "signer_competence": None,
        "signer_position": "CHÁNH VĂN PHÒNG",
        "signer_full_name": "Nguyễn Văn An",
    })
    assert result["directives"] == [
        {"text": "Xây dựng Quy tắc ứng xử của cán bộ, công chức cơ quan",
         "assignee": "Ban Chấp hành Công đoàn", "due_date": "2026-10-20", "due_rule": None},
        {"text": "Rà soát quy chế chi tiêu nội bộ",
         "assignee": "Phòng Hành chính - Tổ chức", "due_date": "2026-12-31", "due_rule": None},
        {"text": "Phòng Tổng hợp chủ trì theo dõi, đôn đốc việc thực hiện Kế hoạch này, định kỳ báo cáo "
                 "Chánh Văn phòng.",
         "assignee": "Phòng Tổng hợp", "due_date": None, "due_rule": None},
        {"text": "Sau 03 tháng kể từ ngày ban hành Kế hoạch, các phòng báo cáo kết quả thực hiện.",
         "assignee": "các phòng", "due_date": "2026-12-01", "due_rule": "3 months after issue"},
    ]


PARTY_CONG_VAN_SIGNED_ABOVE_RECIPIENTS = """\
TỈNH ỦY ĐỒNG THÁP
BAN TỔ CHỨC
*
Số 45-CV/BTCTU
V/v cử cán bộ dự lớp bồi dưỡng
ĐẢNG CỘNG SẢN VIỆT NAM
Đồng Tháp, ngày 12 tháng 5 năm 2026

Kính gửi: - Đảng ủy Khối các cơ quan tỉnh,
- Các huyện ủy, thành ủy.

Ban Tổ chức Tỉnh ủy đề nghị các đơn vị cử cán bộ tham dự lớp bồi dưỡng; danh sách gửi về Ban Tổ chức
Tỉnh ủy trước ngày 25/5/2026 để tổng hợp.
Giao Phòng Tổ chức cán bộ làm đầu mối
theo dõi việc thực hiện.
Theo đề nghị của Văn phòng, hội nghị được tổ chức tại Hội trường A.
Đề nghị các huyện ủy, thành ủy quan tâm thực hiện./.

K/T TRƯỞNG BAN
PHÓ TRƯỞNG BAN

Lê Văn Tám

Nơi nhận:
- Như trên,
- Lưu VT.
"""


def test_party_cong_van_signed_above_recipients_with_wrapped_lines():
    result = parse_document(PARTY_CONG_VAN_SIGNED_ABOVE_RECIPIENTS)
    assert_fields(result, {
        "numbering_format": "party",
        "code_number": "45",
        "code_notation": "CV/BTCTU",
        "organ_name": "BAN TỔ CHỨC",
        "supervising_organ": "TỈNH ỦY ĐỒNG THÁP",
        "type_name": "Công văn",
        "doc_type": None,
        "subject": "cử cán bộ dự lớp bồi dưỡng",
        "issued_date": "2026-05-12",
        "kinh_gui": ["Đảng ủy Khối các cơ quan tỉnh", "Các huyện ủy, thành ủy"],
        "recipients": ["Như trên", "Lưu VT"],
        "signer_competence": "K/T",
        "signer_on_behalf_of": "TRƯỞNG BAN",
        "signer_position": "PHÓ TRƯỞNG BAN",
        "signer_full_name": "Lê Văn Tám",
    })
    assert [(d["assignee"], d["due_date"]) for d in result["directives"]] == [
        ("các đơn vị", "2026-05-25"),                  # the wrapped line is part of the sentence
        ("Phòng Tổ chức cán bộ", None),
        ("các huyện ủy, thành ủy", None),              # "Theo đề nghị của ..." is not a request
    ]
    assert result["directives"][0]["text"].endswith("Ban Tổ chức Tỉnh ủy trước ngày 25/5/2026 để tổng hợp.")


def test_cong_van_whose_body_has_a_capitalised_type_word():
    result = parse_document("BỘ NỘI VỤ\nSố: 3/BNV-VP\nV/v:\nBáo cáo nhanh tình hình\n"
                            "Hà Nội, ngày 7 tháng 10 năm 2026\n\nKính gửi: Sở Nội vụ.\nTHÔNG BÁO\nNội dung./.\n")
    assert (result["type_name"], result["doc_type"], result["subject"], result["kinh_gui"]) == (
        "Công văn", None, "Báo cáo nhanh tình hình", ["Sở Nội vụ"])


def test_unnumbered_programme_signed_without_recipients():
    result = parse_document(
        "HỘI ĐỒNG NHÂN DÂN TỈNH ĐỒNG THÁP\nTHƯỜNG TRỰC\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Độc lập - Tự do - Hạnh phúc\nĐồng Tháp, ngày 05 tháng 01 năm 2020\nCHƯƠNG TRÌNH\nGiám sát năm 2020\n"
        "Thường trực HĐND tỉnh giám sát chuyên đề. Thời gian hoàn thành: Quý II/2020.\n"
        "TM. THƯỜNG TRỰC HĐND\nCHỦ TỊCH\nPhan Văn Thắng\n")
    assert_fields(result, {
        "is_administrative": True, "code_number": None, "code_notation": None, "numbering_format": None,
        "organ_name": "THƯỜNG TRỰC", "supervising_organ": "HỘI ĐỒNG NHÂN DÂN TỈNH ĐỒNG THÁP",
        "issued_date": "2020-01-05", "type_name": "Chương trình", "doc_type": "CTr",
        "subject": "Giám sát năm 2020",
        "signer_competence": "TM.", "signer_on_behalf_of": "THƯỜNG TRỰC HĐND", "signer_position": "CHỦ TỊCH",
        "signer_full_name": "Phan Văn Thắng",
        "directives": [{"text": "Thường trực HĐND tỉnh giám sát chuyên đề.", "assignee": "Thường trực HĐND tỉnh",
                        "due_date": "2020-06-30", "due_rule": None}],
    })
    assert "number and notation (số, ký hiệu) not found" in result["warnings"]


def test_acting_head_and_authorised_signatures():
    base = ("SỞ Y TẾ\nSố: 10/BC-SYT\nCà Mau, ngày 02 tháng 01 năm 2026\nBÁO CÁO\nTình hình dịch bệnh\n\n"
            "Nội dung báo cáo./.\n\nNơi nhận:\n- UBND tỉnh;\n- Lưu: VT.\n\n{block}\n")
    acting = parse_document(base.format(block="Q. GIÁM ĐỐC\n\nĐỗ Văn Hùng"))
    assert (acting["signer_competence"], acting["signer_position"], acting["signer_full_name"]) == (
        "Q.", "GIÁM ĐỐC", "Đỗ Văn Hùng")
    authorised = parse_document(base.format(block="TUQ. GIÁM ĐỐC\nTRƯỞNG PHÒNG NGHIỆP VỤ\nLý Thị Mai"))
    assert (authorised["signer_competence"], authorised["signer_on_behalf_of"],
            authorised["signer_position"], authorised["signer_full_name"]) == (
        "TUQ.", "GIÁM ĐỐC", "TRƯỞNG PHÒNG NGHIỆP VỤ", "Lý Thị Mai")
    collective = parse_document(base.format(
        block="TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\n\nHồ Văn Mười"))
    assert (collective["signer_competence"], collective["signer_on_behalf_of"],
            collective["signer_position"]) == ("KT.", "CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    assert acting["place"] == "Cà Mau" and acting["issued_date"] == "2026-01-02"


def test_khan_and_secrecy_labels_and_old_tone_marks():
    text = ("BỘ NỘI VỤ\nSố: 3/BNV-VP\nHà Nội, ngày 7 tháng 10 năm 2026\nKHẨN\nTỐI MẬT\n"
            "V/v báo cáo nhanh\n\nKính gửi: Sở Nội vụ các tỉnh; Văn phòng Chính phủ.\n\nNội dung./.\n")
    result = parse_document(text)
    assert_fields(result, {"priority": "khẩn", "secrecy": "tối mật", "organ_name": "BỘ NỘI VỤ",
                           "type_name": "Công văn", "doc_type": None, "subject": "báo cáo nhanh",
                           "kinh_gui": ["Sở Nội vụ các tỉnh", "Văn phòng Chính phủ"],
                           "place": "Hà Nội", "issued_date": "2026-10-07"})
    labelled = parse_document("UBND TỈNH AN GIANG\nSố: 5/UBND-KT\nĐộ khẩn: Hoả tốc\nĐộ mật: Mật\n"
                              "An Giang, ngày 3 tháng 3 năm 2026\nV/v phòng chống bão\n")
    assert (labelled["priority"], labelled["secrecy"]) == ("hỏa tốc", "mật")


def test_body_words_are_not_marks_and_reports_are_not_directives():
    text = ("VĂN PHÒNG\nSố: 9/BC-VP\nHà Nội, ngày 7 tháng 10 năm 2026\nBÁO CÁO\nKết quả công tác\n\n"
            "Văn phòng đã khẩn trương hoàn thành việc bảo mật tài liệu trước ngày 01/10/2026.\n"
            "Văn phòng đã chủ trì tổ chức hội nghị./.\n")
    result = parse_document(text)
    assert (result["priority"], result["secrecy"]) == (None, None)
    assert result["directives"] == []


def test_heading_that_disagrees_with_the_notation_is_warned():
    result = parse_document("VĂN PHÒNG\nSố: 12/TB-VP\nHà Nội, ngày 2 tháng 2 năm 2026\nBÁO CÁO\nTình hình\n")
    assert result["type_name"] == "Báo cáo" and result["doc_type"] == "BC"
    assert any("does not match notation 'TB-VP'" in warning for warning in result["warnings"])


def test_type_from_notation_when_the_heading_is_missing():
    result = parse_document("UBND HUYỆN LAI VUNG\nSố: 77/KH-UBND\nLai Vung, ngày 9 tháng 9 năm 2026\n"
                            "Nội dung kế hoạch.\n")
    assert (result["type_name"], result["doc_type"], result["organ_name"]) == (
        "Kế hoạch", "KH", "UBND HUYỆN LAI VUNG")


def test_type_inferred_from_notation_without_heading():
    cong_van = parse_document("SỞ NỘI VỤ\nSố: 12/SNV-VP\nCà Mau, ngày 3 tháng 3 năm 2026\n\nKính gửi: UBND tỉnh.\n")
    assert (cong_van["type_name"], cong_van["doc_type"]) == ("Công văn", None)
    circular = parse_document("BỘ NỘI VỤ\nSố: 01/2026/TT-BNV\nHà Nội, ngày 3 tháng 3 năm 2026\n")
    assert (circular["type_name"], circular["doc_type"]) == ("Thông tư", "TT")
    party = parse_document("TỈNH ỦY CÀ MAU\nSố 12-TT/TU\nCà Mau, ngày 3 tháng 3 năm 2026\n")
    assert (party["type_name"], party["doc_type"]) == ("Thông tri", "TT")


def test_legal_document_number_with_year_in_the_notation():
    result = parse_document("HỘI ĐỒNG NHÂN DÂN\nTỈNH ĐỒNG THÁP\nSố: 15/2026/NQ-HĐND\n"
                            "Đồng Tháp, ngày 10 tháng 7 năm 2026\nNGHỊ QUYẾT\nQuy định mức chi\n")
    assert_fields(result, {"code_number": "15", "code_notation": "2026/NQ-HĐND", "doc_type": "NQ",
                           "organ_name": "HỘI ĐỒNG NHÂN DÂN TỈNH ĐỒNG THÁP", "warnings": []})


def test_blank_day_and_month_in_a_draft():
    result = parse_document("VĂN PHÒNG\nSố:      /TB-VP\nHà Nội, ngày     tháng     năm 2026\nTHÔNG BÁO\n"
                            "Lịch công tác tuần\n")
    assert (result["code_number"], result["code_notation"], result["issued_date"]) == (None, "TB-VP", None)
    assert "issued date left blank" in result["warnings"]
    assert "number (số) left blank" in result["warnings"]


def test_unseen_news_article():
    text = ("Trang chủ > Tin tức > Hoạt động HĐND\n\nKhai mạc kỳ họp thứ năm HĐND tỉnh khóa X\n\n"
            "Sáng 12/7/2026, HĐND tỉnh khai mạc kỳ họp thứ năm. Đề nghị các đại biểu tập trung thảo luận.\n")
    result = parse_document(text)
    assert_fields(result, {"is_administrative": False, "title": "Khai mạc kỳ họp thứ năm HĐND tỉnh khóa X",
                           "issued_date": "2026-07-12", "directives": [], "doc_type": None})


def test_news_article_with_impossible_date_warns():
    result = parse_document("Tin hoạt động\n\nNgày 31/04/2026, Văn phòng tổ chức hội nghị.\n")
    assert result["issued_date"] is None
    assert any("31/04/2026" in warning for warning in result["warnings"])


def test_windows_line_ends_and_decomposed_unicode_are_normalised():
    import unicodedata
    text = unicodedata.normalize("NFD", QUYET_DINH).replace("\n", "\r\n")
    result = parse_document(text)
    assert (result["code_notation"], result["type_name"], result["issued_date"]) == (
        "QĐ-UBND", "Quyết định", "2026-09-01")


@pytest.mark.parametrize("bad", ["", "   \n\t ", "\x00\x01\x02binary\x00", b"\xff\xfe\x00\x00garbage", None, 42])
def test_empty_or_binary_input_is_invalid(bad):
    with pytest.raises(InvalidInput) as caught:
        parse_document(bad)
    assert "text" in caught.value.fields and caught.value.fields["text"]
    assert caught.value.code == "VALIDATION_ERROR"


# --- the type table ---------------------------------------------------------------------------

def test_type_table_both_ways():
    assert doc_types.abbreviation_for("Thông báo") == "TB"
    assert doc_types.abbreviation_for("TỜ TRÌNH") == "TTr"
    assert doc_types.abbreviation_for("Quy định") == "QyĐ"
    assert doc_types.abbreviation_for("Quy định", doc_types.PARTY) == "QĐ"
    assert doc_types.abbreviation_for("Kết luận") == "KL"             # Party only, found anyway
    assert doc_types.abbreviation_for("Bản thoả thuận") == "BTT"      # old tone placement
    assert doc_types.abbreviation_for("Công văn") is None
    assert doc_types.abbreviation_for("Thư công") is None
    assert doc_types.abbreviation_for("Không có") is None
    assert doc_types.type_name_for("CTr") == "Chương trình"
    assert doc_types.type_name_for("CT") == "Chỉ thị"
    assert doc_types.type_name_for("QyĐ") == "Quy định"
    assert doc_types.type_name_for("KL", doc_types.PARTY) == "Kết luận"
    assert doc_types.type_name_for("VP") is None
    assert doc_types.type_name_for("TT", doc_types.STATE) == "Thông tư"
    assert doc_types.type_name_for("TT", doc_types.PARTY) == "Thông tri"
    assert doc_types.abbreviation_for("Phiếu gửi", doc_types.PARTY) == "PG"     # falls back to the state table
    for name, abbreviation in doc_types.STATE_TYPES:
        if abbreviation:
            assert doc_types.type_name_for(abbreviation) == name
            assert doc_types.abbreviation_for(name) == abbreviation
