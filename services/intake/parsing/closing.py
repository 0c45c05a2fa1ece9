"""The end of an administrative document: the "Nơi nhận" list and the signature block.

Signature block (Nghị định 30/2020, Phụ lục I): an optional authority line ("TM. ỦY BAN NHÂN DÂN",
"KT. CHỦ TỊCH", "TL. BỘ TRƯỞNG", "TUQ. GIÁM ĐỐC", "Q. CHÁNH VĂN PHÒNG", Party "T/M BAN THƯỜNG VỤ"),
the signer's position on the next line(s), then the full name as the last name-like line.
The block may come before or after "Nơi nhận" (two columns read one after the other).
"""
import re
from dataclasses import dataclass, field

from services.intake.parsing.text import (
    LOWER, UPPER, column_parts, is_bullet, is_upper_line, squash, strip_item_punctuation)

END_OF_CONTENT = "./."
CLOSING_FALLBACK_LINES = 15

RECIPIENTS_RE = re.compile(r"^\s*(?:Nơi\s+nhận|NƠI\s+NHẬN)\s*:?\s*(?P<rest>.*)$")
ARCHIVE_RE = re.compile(r"^\s*[-+•]?\s*Lưu\b", re.I)
COMPETENCE_RE = re.compile(
    r"^(?P<marker>T/M|K/T|T/L|T/UQ|TUQ\.|TM\.|KT\.|TL\.|Q\.|(?:TUQ|TM|KT|TL)(?=\s))\s*(?P<rest>.*)$")
NAME_RE = re.compile(rf"^(?:[{UPPER}][{LOWER}]*\.?\s+){{1,5}}[{UPPER}][{LOWER}]*$")
SIGN_NOISE_RE = re.compile(
    r"^[\[(]?\s*(?:đã\s+ký|ký\s*(?:tên|,|và|bởi|số)|chữ\s+ký|đóng\s+dấu|thời\s+gian\s+ký|signed)", re.I)
UPPER_TAIL_RE = re.compile(rf"^(?P<left>.*?;)\s+(?P<right>[{UPPER}][{UPPER}./\s]*[{UPPER}])$")


@dataclass
class Closing:
    start: int                              # first line after the content (body end)
    marked: bool = True                     # start found from "./." or "Nơi nhận", not guessed
    recipients: list = field(default_factory=list)
    signer_competence: str | None = None
    signer_on_behalf_of: str | None = None
    signer_position: str | None = None
    signer_full_name: str | None = None


def read_closing(lines, body_start):
    """Nơi nhận and signature, read from the lines after the content."""
    recipients_index = find_recipients_line(lines, body_start)
    start, marked = closing_start(lines, body_start, recipients_index)
    closing = Closing(start=start, marked=marked)
    used, signature_parts = set(), []
    if recipients_index is not None:
        closing.recipients, used, signature_parts = read_recipients(lines, recipients_index)
    block_start = read_signer(closing, lines, used, signature_parts)
    if not marked:
        closing.start = block_start if block_start is not None else len(lines)
    return closing


def find_recipients_line(lines, body_start):
    """Index of the last "Nơi nhận:" line after the header, or None."""
    found = None
    for index in range(body_start, len(lines)):
        if RECIPIENTS_RE.match(lines[index]):
            found = index
    return found


def closing_start(lines, body_start, recipients_index):
    """Where the content ends: after the line with "./.", or at "Nơi nhận", whichever is first."""
    limit = recipients_index if recipients_index is not None else len(lines)
    ends = [index for index in range(body_start, limit) if END_OF_CONTENT in lines[index]]
    candidates = [index for index in (recipients_index, ends[-1] + 1 if ends else None) if index is not None]
    if candidates:
        return min(candidates), True
    return max(body_start, len(lines) - CLOSING_FALLBACK_LINES), False


def read_recipients(lines, start):
    """(items, indices of the list's lines, signature pieces flattened onto those lines)."""
    items, used, signature_parts = [], {start}, []
    rest = RECIPIENTS_RE.match(lines[start]).group("rest")
    if rest.strip():
        item, signature = split_flattened(rest)
        if item:
            items.append(item)
        signature_parts.extend(signature)
    index, archived = start + 1, False
    while index < len(lines):
        line = lines[index].strip()
        if not line:
            following = next_filled(lines, index)
            if archived or following is None or not is_bullet(lines[following]):
                break
            index = following
            continue
        if is_bullet(line) and not archived:
            item, signature = split_flattened(line)
            items.append(item)
            signature_parts.extend(signature)
            archived = bool(ARCHIVE_RE.match(line))
        elif items and continues_item(line):
            items[-1] = squash(f"{items[-1]} {clean_recipient(line)}")
        else:
            break
        used.add(index)
        index += 1
    return [item for item in items if item], used, signature_parts


def next_filled(lines, index):
    while index < len(lines) and not lines[index].strip():
        index += 1
    return index if index < len(lines) else None


def continues_item(line):
    """A wrapped recipient line: starts with a small letter or a bracket, and is not a name."""
    return (line[:1].islower() or line[:1] == "(") and not is_upper_line(line)


def split_flattened(line):
    """(recipient, [signature pieces]) of a line that holds both columns.

    "- Như trên;          PHÓ CHỦ TỊCH" (wide gap) or "- Như trên; KT. CHỦ TỊCH" (capitals after ";").
    """
    parts = column_parts(line)
    signature = []
    while len(parts) > 1 and is_upper_line(parts[-1]):
        signature.insert(0, squash(parts.pop()))
    left = " ".join(parts)
    if not signature and not ARCHIVE_RE.match(left):
        match = UPPER_TAIL_RE.match(left.strip())
        if match and len(match.group("right").split()) >= 2:
            left, signature = match.group("left"), [squash(match.group("right"))]
    if is_upper_line(left) and COMPETENCE_RE.match(left.strip()):
        return None, [squash(left)] + signature
    return clean_recipient(left) or None, signature


def clean_recipient(text):
    """ "- P1 UBKT Tỉnh ủy, | (báo cáo)" → "P1 UBKT Tỉnh ủy (báo cáo)"."""
    pieces = [strip_item_punctuation(piece) for piece in text.split("|")]
    return squash(" ".join(piece for piece in pieces if piece))


def read_signer(closing, lines, used, signature_parts):
    """Competence, position and full name from the capitalised block above the last name line.

    Returns the index where the signature block starts (None when there is none).
    """
    name_index = last_name_line(lines, closing.start, used)
    block, block_start = capital_block_above(lines, closing.start, used, name_index)
    block = signature_parts + block
    if name_index is not None and (block or closing.marked):
        closing.signer_full_name = squash(lines[name_index])
    if block:
        fill_authority(closing, block[-4:])
    if block_start is None and closing.signer_full_name:
        block_start = name_index
    return block_start


def last_name_line(lines, start, used):
    """Index of the last line after the content that looks like a person's full name."""
    for index in range(len(lines) - 1, start - 1, -1):
        if index not in used and NAME_RE.match(squash(lines[index])):
            return index
    return None


def capital_block_above(lines, start, used, name_index):
    """(lines, index of the first) of the capitalised block right above the name; blank lines and
    "(Đã ký)" are skipped."""
    block, first = [], None
    index = (name_index if name_index is not None else len(lines)) - 1
    while index >= start and index not in used:
        line = squash(lines[index])
        if line and not SIGN_NOISE_RE.match(line):
            if not is_upper_line(line) or END_OF_CONTENT in line:
                break
            block.insert(0, line)
            first = index
        index -= 1
    return block, first


def fill_authority(closing, block):
    """Split the block at its last authority marker: marker, on whose behalf, position."""
    marked = [index for index, line in enumerate(block) if COMPETENCE_RE.match(line)]
    if not marked:
        closing.signer_position = " ".join(block)
        return
    index = marked[-1]
    match = COMPETENCE_RE.match(block[index])
    marker, rest = normalize_competence(match.group("marker")), squash(match.group("rest")) or None
    below = " ".join(block[index + 1:]) or None
    closing.signer_competence = marker
    if marker == "Q.":
        closing.signer_position = below or rest
    else:
        closing.signer_on_behalf_of = rest
        closing.signer_position = below


def normalize_competence(marker):
    """ "TM" → "TM.", "KT." → "KT.", Party "T/M" stays "T/M"."""
    marker = marker.strip()
    if "/" in marker:
        return marker
    return marker.rstrip(".") + "."
