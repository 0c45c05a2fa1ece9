"""Other documents a text cites: "Kết luận số 1103-KL/ĐUK, ngày 12/12/2021", "Chỉ thị 16/CT-TTg ngày
31 tháng 3 năm 2020", "Nghị định số 04/2015/NĐ-CP".

A citation needs a document kind and a symbol with "/" or "-" ("Chỉ thị số 10" alone is too
vague to link and is left out).  Each symbol is listed once, with the first date seen for it.
"""
import re

from services.intake import doc_types
from services.intake.parsing.dates import date_at
from services.intake.parsing.text import UPPER

OTHER_KINDS = (
    "Hiến pháp", "Bộ luật", "Luật", "Pháp lệnh", "Nghị định", "Thông tư liên tịch", "Thông tư",
    "Văn bản", "Công văn", "Kết luận", "Thông tri", "Điều lệ", "Quy định")
KINDS = sorted(set(OTHER_KINDS) | set(doc_types.known_type_names()), key=len, reverse=True)
KIND_PATTERN = "|".join(re.escape(kind) for kind in KINDS)

SYMBOL = (rf"\d{{1,6}}[a-z]?(?:/\d{{4}})?(?:[/-][{UPPER}][\w.&]*)+"
          rf"|\d{{1,6}}/\d{{4}}(?![/\d])")
REFERENCE_RE = re.compile(
    rf"(?<!\w)(?i:{KIND_PATTERN})\s+(?:(?i:số)\s*:?\s*)?(?P<symbol>{SYMBOL})")
DATE_LEAD_RE = re.compile(r"\s*,?\s*(?:ban\s+hành\s+)?(?=ngày\s)", re.I)

NUMBER_RE = re.compile(r"\d+")
NUMBER_PART = 7                                # \d{1,6}[a-z]? of SYMBOL, before its first "/" or "-"
SYMBOL_CHARS_RE = re.compile(r"[\w.&/-]*")     # every character a symbol can hold
LONGEST_KIND = max(len(kind) for kind in KINDS)


def find_references(text, own_symbol, warnings):
    """[{"symbol", "date"}] for each document cited in the text, in order of first mention."""
    found = {}
    for match in reference_matches(text):
        symbol = match.group("symbol").rstrip(".")
        if symbol == own_symbol:
            continue
        date = date_after(text, match.end(), warnings)
        if symbol not in found:
            found[symbol] = {"symbol": symbol, "date": date}
        elif found[symbol]["date"] is None:
            found[symbol]["date"] = date
    return list(found.values())


def reference_matches(text):
    """The matches of REFERENCE_RE.finditer(text), found by trying the pattern only just before
    the numbers that can start a symbol.

    Trying the case-insensitive list of kinds at every position of a long text is slow.  A
    reference ends in a symbol; its number ("159", "12a") is followed by "/" or "-" within
    NUMBER_PART characters, and only the kind, spaces, "số" and ":" come before it.  So each
    search covers that stretch only, and is cut where the characters a symbol can hold end
    (which does not change what the pattern matches).
    """
    position = 0                          # end of the last match, as finditer goes on from there
    for start in symbol_number_starts(text):
        if start < position or not may_start_symbol(text, start):
            continue
        end = SYMBOL_CHARS_RE.match(text, start).end()
        match = REFERENCE_RE.search(text, max(position, lead_start(text, start)), end)
        if match:
            yield match
            position = match.end()


def symbol_number_starts(text):
    """Sorted starts of the numbers within the NUMBER_PART characters before each "/" and "-"."""
    starts = set()
    for separator in "/-":
        index = text.find(separator)
        while index >= 0:
            numbers = NUMBER_RE.finditer(text, max(index - NUMBER_PART, 0), index)
            starts.update(number.start() for number in numbers)
            index = text.find(separator, index + 1)
    return sorted(starts)


def may_start_symbol(text, index):
    """A symbol comes after a space, ":" or the letter ending "số"; not after "/", "." or "-"
    (the "12" and "2021" of "12/12/2021")."""
    before = text[index - 1] if index else ""
    return before.isspace() or before == ":" or before.isalpha()


def lead_start(text, number_start):
    """A position no later than the start of a reference whose symbol starts at number_start:
    back over spaces and ":", over a "số" and the spaces before it, then over the longest kind."""
    index = skip_back_spaces(text, number_start)
    index = skip_back_spaces(text, max(index - len("số"), 0))
    return max(index - LONGEST_KIND, 0)


def skip_back_spaces(text, index):
    """The index after going back over the spaces and ":" before text[index]."""
    while index > 0 and (text[index - 1].isspace() or text[index - 1] == ":"):
        index -= 1
    return index


def date_after(text, end, warnings):
    """The date written right after a symbol (", ngày 12/12/2021", " ngày 31 tháng 3 năm 2020")."""
    lead = DATE_LEAD_RE.match(text, end)
    if not lead:
        return None
    return date_at(text, lead.end(), warnings)[0]
