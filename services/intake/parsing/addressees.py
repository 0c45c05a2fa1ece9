"""The "Kính gửi:" addressees of a công văn, a report or a submission."""
import re

from services.intake.parsing.layout import KINH_GUI_RE, scan_limit, skip_blank
from services.intake.parsing.text import is_bullet, squash, strip_item_punctuation

LINES_AFTER_HEADER = 10


def read_kinh_gui(lines, start):
    """(addressees, index after the list) for the first "Kính gửi" line at or after `start`."""
    for index in range(start, min(scan_limit(lines) + LINES_AFTER_HEADER, len(lines))):
        match = KINH_GUI_RE.match(lines[index])
        if match:
            return addressee_list(match.group("rest"), lines, index + 1)
    return [], None


def addressee_list(inline, lines, index):
    """(items, index after the list): inline text split at ";", then "- ..." lines."""
    items = [strip_item_punctuation(piece) for piece in re.split(r";\s*(?=[-+•]?\s*\S)", inline)]
    items = [item for item in items if item]
    last_open = bool(items) and not inline.rstrip().endswith((".", ";"))
    while index < len(lines):
        line = lines[index].strip()
        if not line:
            following = skip_blank(lines, index)
            if items and not (following < len(lines) and is_bullet(lines[following])):
                break
            index = following
            continue
        if is_bullet(line):
            items.append(strip_item_punctuation(line))
        elif items and last_open and line[:1].islower():
            items[-1] = squash(f"{items[-1]} {strip_item_punctuation(line)}")
        else:
            break
        last_open = not line.endswith((".", ";", ","))
        index += 1
    return [item for item in items if item], index
