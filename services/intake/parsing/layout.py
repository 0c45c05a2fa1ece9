"""Patterns of the header's fixed parts, shared by the header readers."""
import re

from services.intake.parsing.text import LOWER, UPPER, contains_any

HEADER_SCAN_LINES = 30          # non-blank lines searched for the header parts

MOTTO_RE = re.compile(
    r"CỘNG\s+H(?:ÒA|OÀ)\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM"
    r"|Độc\s+lập\s*[-–—]\s*Tự\s+do\s*[-–—]\s*Hạnh\s+phúc"
    r"|ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM", re.I)
MOTTO_WORDS = ("cộng", "độc")        # every MOTTO_RE match holds one (see contains_any)

# "Số: 159/TB-VP" (state), "Số 1103-KL/ĐUK" (Party), "Số: 15/2020/QĐ-UBND", "Số * -TB/ĐUK" (blank).
CODE_RE = re.compile(
    r"^\s*(?:Số|SỐ)\s*(?:[:.]\s*)?(?:[*._…]+\s*)*"
    r"(?P<number>\d{1,7}[a-zA-Z]?)?\s*(?:[*._…]+\s*)*"
    rf"(?P<sep>[/-])\s*(?P<notation>(?:\d{{4}}/)?[{UPPER}][\w.&]*(?:[/-][{UPPER}\d][\w.&]*)*)")

# "Đồng Tháp, ngày 01 tháng 9 năm 2021", "TP. Hồ Chí Minh, ngày   tháng   năm 2026" (left blank).
PLACE_FIRST_WORD = rf"(?:[{UPPER}][{LOWER}]+\.?|TP\.|Tp\.)"
PLACE_WORD = rf"(?:{PLACE_FIRST_WORD}|phố|xã|thị|trấn)"
PLACE_DATE_RE = re.compile(
    rf"(?P<place>(?<![\w/-]){PLACE_FIRST_WORD}(?:\s+{PLACE_WORD}){{0,5}})\s*,\s*"
    r"[Nn]gày\s*(?P<day>\d{1,2})?[\s.…_]*tháng\s*(?P<month>\d{1,2})?[\s.…_]*năm\s*(?P<year>\d{4})?")
DATE_LINE_RE = re.compile(
    r"^\s*[Nn]gày\s*(?P<day>\d{1,2})?[\s.…_]*tháng\s*(?P<month>\d{1,2})?[\s.…_]*năm\s*(?P<year>\d{4})")

KINH_GUI_RE = re.compile(r"^\s*(?:Kính\s+gửi|KÍNH\s+GỬI)\s*:?\s*(?P<rest>.*)$")


def scan_limit(lines):
    """Index just after the HEADER_SCAN_LINES-th non-blank line."""
    seen = 0
    for index, line in enumerate(lines):
        if line.strip():
            seen += 1
            if seen == HEADER_SCAN_LINES:
                return index + 1
    return len(lines)


def skip_blank(lines, index):
    """The index of the first non-blank line at or after `index` (len(lines) if none)."""
    while index < len(lines) and not lines[index].strip():
        index += 1
    return index


def find_motto(line):
    """MOTTO_RE.search(line); a line without "cộng" or "độc" (in any case) is not searched."""
    return MOTTO_RE.search(line) if contains_any(line, MOTTO_WORDS) else None


def strip_motto(line):
    """The line with the motto replaced by a column gap."""
    return MOTTO_RE.sub("   ", line) if find_motto(line) else line


def find_place_date(line):
    """PLACE_DATE_RE.search(line); a line without "ngày" / "Ngày" is not searched."""
    return PLACE_DATE_RE.search(line) if has_ngay(line) else None


def strip_place_date(line):
    """The line without a "Place, ngày ... năm ..." part (found in flattened headers)."""
    if not has_ngay(line):
        return line.rstrip()
    return PLACE_DATE_RE.sub("   ", line).rstrip()


def has_ngay(line):
    """True when the line holds "ngày" or "Ngày", as every match of PLACE_DATE_RE does."""
    return "ngày" in line or "Ngày" in line
