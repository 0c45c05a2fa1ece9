"""Texts that are not administrative documents (news articles): a title and a date."""
import re

from services.intake.parsing.dates import ANY_DATE, date_at, first_date
from services.intake.parsing.text import contains_any, squash

DATE_LABEL_RE = re.compile(
    r"(?:Ngày\s+đăng|Đăng\s+ngày|Ngày\s+cập\s+nhật|Cập\s+nhật|Thời\s+gian\s+đăng|Ngày\s+xuất\s+bản)"
    r"\s*:?\s*", re.I)
DATE_LABEL_WORDS = ("đăng", "cập", "xuất")   # every DATE_LABEL_RE match holds one (see contains_any)
BREADCRUMB_RE = re.compile(r"^(?:Trang\s+chủ|Home)\b|\s[>»/|]\s", re.I)
TRAILING_STAMP_RE = re.compile(r"\s*\(\s*\d{1,2}/\d{1,2}/\d{4}[^)]*\)\s*$")
LEADING_LINES_FOR_DATE = 10


def news_title(lines):
    """The headline: the line above a "(Ngày đăng ...)" line, else the first line that is not a
    breadcrumb ("Trang chủ Tin tức ...")."""
    filled = [index for index, line in enumerate(lines) if line.strip()]
    labelled = contains_any("\n".join(lines), DATE_LABEL_WORDS)
    for position, index in enumerate(filled if labelled else []):
        if DATE_LABEL_RE.search(lines[index]) and position > 0:
            candidate = title_text(lines[filled[position - 1]])
            if candidate and not BREADCRUMB_RE.search(candidate):
                return candidate
    for index in filled:
        candidate = title_text(lines[index])
        if candidate and not BREADCRUMB_RE.search(candidate):
            return candidate
    return None


def title_text(line):
    return TRAILING_STAMP_RE.sub("", squash(line)) or None


def news_date(lines, warnings):
    """The publication date: after a "Ngày đăng" label, else the first date near the top, else
    the first date anywhere."""
    text = "\n".join(lines)
    labels = DATE_LABEL_RE.finditer(text) if contains_any(text, DATE_LABEL_WORDS) else []
    for match in labels:
        iso, _end = date_at(text, match.end(), warnings)
        if iso:
            return iso
    top = "\n".join(line for line in lines if line.strip())
    top_lines = top.split("\n")[:LEADING_LINES_FOR_DATE]
    if ANY_DATE.search("\n".join(top_lines)):
        return first_date("\n".join(top_lines), warnings)
    return first_date(text, warnings)
