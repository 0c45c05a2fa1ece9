"""The top of an administrative document (Nghị định 30/2020, Điều 8 and Phụ lục I).

Reads số and ký hiệu, the type name and trích yếu (or "V/v" for a công văn), place and date,
and the issuing and supervising organs; marks.py reads the urgency and secrecy marks and
addressees.py the "Kính gửi" list.  Works on cleaned lines (see text.py) and on headers whose
two columns were flattened into one line ("HĐND TỈNH ĐỒNG THÁP CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").
"""
import re
from dataclasses import dataclass, field

from services.intake import doc_types
from services.intake.parsing.addressees import read_kinh_gui
from services.intake.parsing.dates import iso_date
from services.intake.parsing.layout import (
    CODE_RE, DATE_LINE_RE, KINH_GUI_RE, find_motto, find_place_date, scan_limit, skip_blank,
    strip_motto, strip_place_date)
from services.intake.parsing.marks import mark_of, read_marks
from services.intake.parsing.text import (
    column_parts, is_bullet, is_rule_line, is_upper_line, sentence_case, squash)

MAX_SUBJECT_LINES = 5
MAX_SUBJECT_LINE_LENGTH = 120
VV_SEARCH_LINES = 8             # "V/v" sits right under the number

VV_RE = re.compile(r"^\s*(?:V/v|V/V|v/v|Về\s+việc)\s*[:.]?\s*(?P<subject>.*)$")
SUBJECT_STOP_RE = re.compile(
    r"^(?:Kính\s+gửi|Căn\s+cứ|Theo\s+đề\s+nghị|Xét\s|Trên\s+cơ\s+sở|Điều\s+\d|Nơi\s+nhận|"
    r"(?:[IVX]+|\d+)\.\s|Ngày\s+\d)", re.I)
CONTINUATION_SUBJECT_STOP_RE = re.compile(r"^(?:Thực\s+hiện|Theo\s|Sau\s+khi|Hôm\s+nay|Vào\s+lúc)")
OPEN_END_RE = re.compile(
    r"(?<!\w)(?:của|về|và|với|cho|tại|năm|các|số|đối\s+với|trên|thuộc|giai\s+đoạn|đến|trong|theo|"
    r"việc|nhằm|từ|khóa|nhiệm\s+kỳ)$|[,&-]$")

ORGAN_CONTINUES_RE = re.compile(
    r"^(?:TỈNH|THÀNH\s+PHỐ|TP\.|HUYỆN|QUẬN|THỊ\s+XÃ|XÃ|PHƯỜNG|THỊ\s+TRẤN|VÀ|CỦA)\b(?!\s+(?:ỦY|UỶ))")
ORGAN_OPEN_END_RE = re.compile(r"(?:\b(?:VÀ|CỦA|VỀ|CÁC)|[,&-])$")

# (type name, its key followed by a space, its number of words), longest name first.
TYPE_NAME_PREFIXES = [(name, doc_types.name_key(name) + " ", len(name.split()))
                      for name in doc_types.known_type_names()]


@dataclass
class Code:
    number: str | None
    notation: str
    numbering_format: str
    line_index: int
    text: str                        # the code as written ("Số: 159/TB-VP")

    @property
    def type_segment(self):
        """The type part of the notation: "TB" of "TB-VP", "KL" of "KL/ĐUK", "QĐ" of "2020/QĐ-UBND"."""
        segments = [segment for segment in re.split(r"[/-]", self.notation) if segment]
        if segments and re.fullmatch(r"\d{4}", segments[0]):
            segments = segments[1:]
        return segments[0] if segments else None


@dataclass
class Header:
    code: Code | None = None
    type_name: str | None = None
    heading_index: int | None = None
    subject: str | None = None
    subject_end: int | None = None    # index after the last line of the trích yếu
    is_cong_van: bool = False
    place: str | None = None
    issued_date: str | None = None
    date_index: int | None = None
    organ_name: str | None = None
    supervising_organ: str | None = None
    priority: str | None = None
    secrecy: str | None = None
    kinh_gui: list = field(default_factory=list)
    kinh_gui_end: int | None = None
    has_motto: bool = False

    @property
    def body_start(self):
        """Index of the first line after the header, the trích yếu and Kính gửi."""
        ends = [end for end in (self.subject_end, self.kinh_gui_end) if end is not None]
        if ends:
            return max(ends)
        known = [index for index in (self.date_index, self.code.line_index if self.code else None)
                 if index is not None]
        return max(known) + 1 if known else 0


def read_header(lines, warnings):
    """Every header field that can be read from the lines."""
    header = Header()
    scan_end = scan_limit(lines)
    header.has_motto = any(find_motto(line) for line in lines[:scan_end])
    header.code = find_code(lines, scan_end)
    search_from = header.code.line_index + 1 if header.code else 0
    read_type_and_subject(header, lines, search_from, scan_end)
    read_place_and_date(header, lines, warnings)
    read_organs(header, lines)
    zone_end = max(header_zone_end(header, lines), (header.heading_index or 0) + 1)
    header.priority, header.secrecy = read_marks(lines, header.code, zone_end)
    kinh_gui_from = header.subject_end if header.subject_end is not None else 0
    header.kinh_gui, header.kinh_gui_end = read_kinh_gui(lines, kinh_gui_from)
    return header


def find_code(lines, scan_end):
    """The first "Số ..." line with a ký hiệu in the header, split into number and notation."""
    for index in range(scan_end):
        for part in [lines[index].strip()] + column_parts(lines[index]):
            match = CODE_RE.match(part)
            if match:
                return code_from_match(match, index)
    return None


def code_from_match(match, index):
    notation = match.group("notation").rstrip(".")
    number_format = doc_types.PARTY if match.group("sep") == "-" else doc_types.STATE
    return Code(match.group("number"), notation, number_format, index, match.group(0).strip())


def read_type_and_subject(header, lines, start, scan_end):
    """Type name from the capitalised heading (or the notation), trích yếu from the lines below it.

    A công văn has no heading: its trích yếu follows "V/v" under the number.
    """
    heading = find_type_heading(lines, start, scan_end)
    vv_end = min(scan_end, header.code.line_index + VV_SEARCH_LINES) if header.code else scan_end
    vv = find_vv(lines, max(start - 1, 0), vv_end)
    numbering_format = header.code.numbering_format if header.code else None
    if vv and (heading is None or vv[0] < heading[0]):
        _index, header.subject, header.subject_end = vv
        header.type_name, header.is_cong_van = "Công văn", True
    elif heading:
        index, type_name, qualifier = heading
        header.heading_index = index
        header.type_name = doc_types.canonical_type_name(type_name, numbering_format) or type_name
        subject, header.subject_end = collect_subject(lines, index + 1)
        if qualifier:
            subject = sentence_case(qualifier) + (" " + lower_first(subject) if subject else "")
        header.subject = subject
    elif header.code and header.code.type_segment:
        header.type_name = type_from_notation(header.code)


def type_from_notation(code):
    """The type its ký hiệu names; a state ký hiệu that starts with no type abbreviation is a
    công văn's (issuer-unit, "SNV-VP")."""
    known = doc_types.type_name_for(code.type_segment, code.numbering_format)
    if known or code.numbering_format == doc_types.PARTY:
        return known
    return None if doc_types.type_name_for(code.type_segment) else "Công văn"


def lower_first(text):
    return text[:1].lower() + text[1:] if text else text


def find_type_heading(lines, start, scan_end):
    """(index, type name, qualifier) of a line that is a type name: "THÔNG BÁO", "TỜ TRÌNH".

    A capitalised heading may carry a short qualifier ("THÔNG BÁO KẾT LUẬN" → "Thông báo",
    qualifier "KẾT LUẬN").
    """
    for index in range(start, scan_end):
        candidate = squash(lines[index]).rstrip(":").strip()
        if not candidate or len(candidate) > 60:
            continue
        exact = doc_types.canonical_type_name(candidate)
        if exact:
            return index, exact, None
        if is_upper_line(candidate):
            key, words = doc_types.name_key(candidate), candidate.split()
            for name, prefix, word_count in TYPE_NAME_PREFIXES:
                rest = words[word_count:]
                if key.startswith(prefix) and 0 < len(rest) <= 4:
                    return index, name, " ".join(rest)
    return None


def collect_subject(lines, start):
    """(trích yếu, index after it): the lines under the heading, up to a blank or a stop line."""
    index = skip_blank(lines, start)
    taken = []
    while index < len(lines) and len(taken) < MAX_SUBJECT_LINES:
        line = squash(lines[index])
        if not line or ends_subject(line, taken):
            break
        taken.append(line)
        if line.endswith((".", ":")):
            index += 1
            break
        index += 1
    if not taken:
        return None, start
    return squash(" ".join(taken)).rstrip(".:") or None, index


def ends_subject(line, taken):
    """True for a line that cannot belong to the trích yếu."""
    if is_rule_line(line) or is_upper_line(line) or SUBJECT_STOP_RE.match(line) or KINH_GUI_RE.match(line):
        return True
    if find_motto(line) or find_place_date(line) or mark_of(line):
        return True
    return bool(taken) and not continues_subject(taken[-1], line)


def continues_subject(previous, line):
    """A wrapped trích yếu goes on in small letters, or after a line cut at a linking word."""
    if CONTINUATION_SUBJECT_STOP_RE.match(line) or is_bullet(line) or ". " in line:
        return False
    if line.endswith((":", ";")) or len(line) > MAX_SUBJECT_LINE_LENGTH:
        return False
    return line[:1].islower() or bool(OPEN_END_RE.search(previous))


def find_vv(lines, start, end):
    """(index, trích yếu, index after it) of a công văn's "V/v ..." line under the number."""
    for found in range(start, end):
        match = VV_RE.match(strip_place_date(lines[found]))
        if not match:
            continue
        taken = [squash(match.group("subject"))] if match.group("subject").strip() else []
        index = found + 1 if taken else skip_blank(lines, found + 1)
        while index < len(lines) and len(taken) < MAX_SUBJECT_LINES:
            line = squash(strip_place_date(lines[index]))
            if not line or ends_subject(line, taken) or is_upper_line(line):
                break
            taken.append(line)
            index += 1
        subject = squash(" ".join(taken)).rstrip(".:") or None
        return found, subject, index
    return None


def read_place_and_date(header, lines, warnings):
    """Place and issued date from "Đồng Tháp, ngày 01 tháng 9 năm 2021" above the body."""
    end = header.heading_index if header.heading_index is not None else header_zone_end(header, lines)
    for index in range(end):
        match = find_place_date(lines[index])
        if match:
            header.place = squash(match.group("place"))
            header.issued_date = date_of(match, warnings)
            header.date_index = index
            return
    for index in range(end):
        match = DATE_LINE_RE.match(lines[index])
        if match:
            header.issued_date = date_of(match, warnings)
            header.date_index = index
            return


def header_zone_end(header, lines):
    """Where the header surely ends when there is no type heading."""
    if header.subject_end is not None:
        return min(header.subject_end + 3, len(lines))
    if header.code:
        return min(header.code.line_index + 6, len(lines))
    return scan_limit(lines)


def date_of(match, warnings):
    day, month, year = match.group("day"), match.group("month"), match.group("year")
    if not (day and month and year):
        warnings.append("issued date left blank")
        return None
    return iso_date(day, month, year, warnings, squash(match.group(0)))


def read_organs(header, lines):
    """Issuing organ (the last organ line) and the supervising organ above it."""
    stops = [index for index in (header.code.line_index if header.code else None,
                                 header.heading_index, header.date_index) if index is not None]
    stop = min(stops) if stops else 0
    pieces = []
    for line in lines[:stop + 1]:
        pieces.extend(organ_pieces(line))
    organs = merge_organ_lines(pieces)
    if organs:
        header.organ_name = organs[-1]
        header.supervising_organ = organs[-2] if len(organs) > 1 else None


def organ_pieces(line):
    """The capitalised organ names of one header line, mottos, rules and marks removed."""
    pieces = []
    for part in column_parts(strip_motto(strip_place_date(line))):
        part = part.strip(" -_=*—–•~")
        if not part or CODE_RE.match(part) or mark_of(part) or not is_upper_line(part):
            continue
        if doc_types.canonical_type_name(part):
            continue
        pieces.append(squash(part))
    return pieces


def merge_organ_lines(pieces):
    """Join an organ name wrapped over two lines ("ỦY BAN NHÂN DÂN" + "TỈNH ĐỒNG THÁP")."""
    organs = []
    for piece in pieces:
        if organs and (ORGAN_CONTINUES_RE.match(piece) or ORGAN_OPEN_END_RE.search(organs[-1])):
            organs[-1] = f"{organs[-1]} {piece}"
        else:
            organs.append(piece)
    return organs


