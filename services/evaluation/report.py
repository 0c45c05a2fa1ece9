"""The year-end emulation report (shape of seed 001, Báo cáo 130/BC-VP): figures and a .docx.

Seed 001 reports: "Có 08 cá nhân đạt danh hiệu lao động tiên tiến; 02 cá nhân đạt danh hiệu
chiến sĩ thi đua cơ sở; 01 cá nhân được tặng Bằng khen ...; 04 cá nhân được tặng giấy khen;
02 tập thể phòng đạt danh hiệu Tập thể lao động tiên tiến". Counts below ten keep their leading 0.
"""
import io
from collections import Counter, defaultdict

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from services.evaluation.rules import LEVEL_NAMES, LEVELS
from services.evaluation.rules.emulation_2022 import (BANG_KHEN, CSTD_TINH, CSTDCS, GIAY_KHEN,
                                                      LDTT, TITLE_NAMES, TT_LDTT, TT_LDXS)

COUNT_KEYS = {LDTT: "lao_dong_tien_tien", CSTDCS: "chien_si_thi_dua_co_so",
              CSTD_TINH: "chien_si_thi_dua_cap_tinh", GIAY_KHEN: "giay_khen",
              BANG_KHEN: "bang_khen", TT_LDTT: "tap_the_lao_dong_tien_tien",
              TT_LDXS: "tap_the_lao_dong_xuat_sac"}
SENTENCES = (
    (LDTT, "{n} cá nhân đạt danh hiệu Lao động tiên tiến"),
    (CSTDCS, "{n} cá nhân đạt danh hiệu Chiến sĩ thi đua cơ sở"),
    (CSTD_TINH, "{n} cá nhân được đề nghị tặng danh hiệu Chiến sĩ thi đua cấp tỉnh"),
    (BANG_KHEN, "{n} cá nhân được đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"),
    (GIAY_KHEN, "{n} cá nhân được tặng Giấy khen"),
    (TT_LDXS, "{n} tập thể phòng đạt danh hiệu Tập thể lao động xuất sắc"),
    (TT_LDTT, "{n} tập thể phòng đạt danh hiệu Tập thể lao động tiên tiến"),
)


def two_digits(count):
    return f"{count:02d}"


def build(office_name, year, awards, entries, registrations, initiatives):
    """The report's figures as data. `awards`: Award rows; `entries`: classification entries."""
    counts = Counter(a.title for a in awards)
    names = defaultdict(list)
    for award in awards:
        names[award.title].append({"subject": award.subject, "name": award.name})
    rated = [e for e in entries if e.level]
    staff_registered = {r.subject for r in registrations if r.subject_type == "staff"}
    levels = Counter(e.level for e in rated)
    sentences = [template.format(n=two_digits(counts[title]))
                 for title, template in SENTENCES if counts[title]]
    summary = ("Có " + "; ".join(sentences) + ".") if sentences else "Chưa có danh hiệu nào được tặng."
    registered_pct = round(100 * len(staff_registered & {e.staff_id for e in rated}) / len(rated)) if rated else 0
    return {
        "office_name": office_name, "year": year,
        "counts": {COUNT_KEYS[t]: counts[t] for t in COUNT_KEYS},
        "names": {COUNT_KEYS[t]: names[t] for t in COUNT_KEYS},
        "classification": {level: levels[level] for level in reversed(LEVELS)},
        "staff_rated": len(rated),
        "registered_pct": registered_pct,
        "initiatives_recognised": sum(1 for i in initiatives if i.level),
        "summary": summary,
    }


def docx_bytes(data):
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)

    def paragraph(text, bold=False, center=False, italic=False):
        para = document.add_paragraph()
        run = para.add_run(text)
        run.bold, run.italic = bold, italic
        if center:
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        return para

    year = data["year"]
    paragraph(data["office_name"].upper(), bold=True, center=True)
    paragraph("Số:        /BC-VP", center=True)
    paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, center=True)
    paragraph("Độc lập - Tự do - Hạnh phúc", bold=True, center=True)
    paragraph("BÁO CÁO", bold=True, center=True)
    paragraph(f"Kết quả thi đua, khen thưởng năm {year}", bold=True, center=True)
    paragraph(f"I. KẾT QUẢ THI ĐUA, KHEN THƯỞNG NĂM {year}", bold=True)
    paragraph("1. Đăng ký thi đua", bold=True)
    paragraph(f"{data['registered_pct']}% công chức, người lao động đã đăng ký tham gia phong trào "
              f"thi đua; {two_digits(data['initiatives_recognised'])} sáng kiến được công nhận.")
    paragraph("2. Kết quả đánh giá, xếp loại chất lượng", bold=True)
    for level, count in data["classification"].items():
        paragraph(f"- {LEVEL_NAMES[level]}: {two_digits(count)} người.")
    paragraph("3. Kết quả khen thưởng", bold=True)
    paragraph(f"Kết quả khen thưởng năm {year} như sau: {data['summary']}")
    titled = [(key, people) for key, people in data["names"].items() if people]
    if titled:
        by_key = {v: k for k, v in COUNT_KEYS.items()}
        table = document.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        for cell, heading in zip(table.rows[0].cells, ("STT", "Danh hiệu, hình thức", "Cá nhân, tập thể")):
            cell.text = heading
        number = 0
        for key, people in titled:
            for person in people:
                number += 1
                row = table.add_row().cells
                row[0].text = str(number)
                row[1].text = TITLE_NAMES[by_key[key]]
                row[2].text = person["name"]
    paragraph("Nơi nhận:", bold=True, italic=True)
    paragraph("- Lãnh đạo Văn phòng;\n- Công đoàn cơ quan;\n- Lưu: VT.")
    paragraph("CHÁNH VĂN PHÒNG", bold=True, center=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
