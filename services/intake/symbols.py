"""Số, ký hiệu as a clerk types them: "412/UBND-VP", "412/ubnd-vp", "Số 412/UBND-VP",
"1103-KL/ĐUK" (a Party document: number, hyphen, notation), or the number alone ("412", "05").

`parse(text)` reads one such reference into a `Symbol` (number without leading zeros, folded
notation or None); anything else is None.  `number_variants` are the ways the number may be
stored (Nghị định 30/2020 writes numbers below 10 with a leading zero: "05").
"""
import re
from dataclasses import dataclass

from shared.text import fold

PREFIX_RE = re.compile(r"^(?:so|so hieu|so, ky hieu|so ky hieu)\s*[:.]?\s+")
SYMBOL_RE = re.compile(r"^(?P<number>\d{1,11})(?:\s*[/-]\s*(?P<notation>[a-z0-9][a-z0-9./-]*))?$")
LETTER_RE = re.compile(r"[a-z]")


@dataclass(frozen=True)
class Symbol:
    number: str                 # digits, no leading zeros ("0" for zero)
    notation: str | None        # folded ("ubnd-vp", "kl/duk"), or None for a number alone


def parse(text):
    """The Symbol `text` names, or None when it is not a số / số, ký hiệu."""
    folded = PREFIX_RE.sub("", fold(text or ""))
    match = SYMBOL_RE.match(folded)
    if match is None:
        return None
    notation = match.group("notation")
    if notation is not None and not LETTER_RE.search(notation):
        return None                     # "12/05/2026" is a date, not a symbol
    return Symbol(match.group("number").lstrip("0") or "0", notation)


def number_variants(number):
    """The stored forms of `number` (digits): "5" → ("5", "05"), "412" → ("412",)."""
    plain = number.lstrip("0") or "0"
    return tuple(dict.fromkeys((plain, plain.zfill(2), number)))


def notation_matches(stored, notation):
    """Does the stored ký hiệu match the typed one (case and marks aside)?  The typed one may
    stop at a part boundary: "UBND" finds "UBND-VP", "KL" finds "KL/ĐUK"."""
    stored = fold(stored or "").replace(" ", "")
    if not stored or not notation:
        return False
    return stored == notation or (stored.startswith(notation) and stored[len(notation)] in "-/.")
