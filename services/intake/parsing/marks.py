"""Urgency (HỎA TỐC, THƯỢNG KHẨN, KHẨN) and secrecy (TUYỆT MẬT, TỐI MẬT, MẬT) marks of the header.

A mark counts when it stands alone (a line, or a column of a flattened line), trails the number
on its line, or follows a label ("Độ khẩn: Hỏa tốc").  Words in the body ("khẩn trương",
"bảo mật") are never marks.
"""
import re
import unicodedata

from services.intake import doc_types
from services.intake.parsing.layout import scan_limit, strip_motto, strip_place_date
from services.intake.parsing.text import column_parts

PRIORITY_MARKS = ("hỏa tốc", "thượng khẩn", "khẩn")
SECRECY_MARKS = ("tuyệt mật", "tối mật", "mật")
NOISE_MARKS = ("lưu hành nội bộ", "xem xong trả lại", "dự thảo", "bản sao")
GLUED_MARKS = ("hỏa tốc", "thượng khẩn", "tuyệt mật", "tối mật")
MAX_MARK_WORDS = max(len(mark.split()) for mark in PRIORITY_MARKS + SECRECY_MARKS + NOISE_MARKS)
MAX_GLUED_WORDS = max(len(mark.split()) for mark in GLUED_MARKS)
# tốc, khẩn, mật: one of them ends every urgency and secrecy mark (they hold none of the vowel
# pairs whose tone mark name_key moves, so NFC and lower() are enough to find them).
LAST_MARK_WORDS = {mark.split()[-1] for mark in PRIORITY_MARKS + SECRECY_MARKS}

MARK_LABEL_RE = re.compile(r"^\s*Độ\s+(?:khẩn|mật)\s*:\s*(?P<value>.+)$", re.I)


def mark_of(text):
    """("priority" | "secrecy" | "noise", value) when the whole text is one mark, else None."""
    text = text.strip(" []()*:-")
    if len(text.split()) > MAX_MARK_WORDS:        # a long text is no mark: skip making its key
        return None
    key = doc_types.name_key(text)
    if key in PRIORITY_MARKS:
        return "priority", key
    if key in SECRECY_MARKS:
        return "secrecy", key
    if key in NOISE_MARKS:
        return "noise", key
    return None


def read_marks(lines, code, end):
    """(priority, secrecy) found in lines[:end] (the header) or in "Độ khẩn/Độ mật:" labels."""
    found = {}
    for index in range(min(end, len(lines))):
        for kind, value in marks_in_line(lines[index], code, index):
            found.setdefault(kind, value)
    for line in lines[:scan_limit(lines)]:
        match = MARK_LABEL_RE.match(line)
        mark = mark_of(match.group("value")) if match else None
        if mark:
            found.setdefault(*mark)
    return found.get("priority"), found.get("secrecy")


def marks_in_line(line, code, index):
    """Marks standing alone in a column of the line, or trailing the number on its line."""
    found = []
    lowered = unicodedata.normalize("NFC", line).lower()
    if not any(word in lowered for word in LAST_MARK_WORDS):     # quick test: no mark in the line
        return found
    if code and code.line_index == index:
        line = line.replace(code.text, "   ", 1)
    for part in column_parts(strip_motto(strip_place_date(line))):
        mark = mark_of(part) or glued_mark(part)
        if mark and mark[0] != "noise":
            found.append(mark)
    return found


def glued_mark(part):
    """A multi-word mark glued to the end of a flattened line ("... VĂN PHÒNG HỎA TỐC").

    name_key works word by word, so the key of the last words ends as the key of the whole part.
    """
    key = doc_types.name_key(" ".join(part.split()[-MAX_GLUED_WORDS - 1:]))
    for mark in GLUED_MARKS:
        if key.endswith(" " + mark):
            return ("priority" if mark in PRIORITY_MARKS else "secrecy"), mark
    return None
