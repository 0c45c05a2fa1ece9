"""Input checks and line clean-up shared by every part of the parser."""
import re
import unicodedata

from shared.errors import InvalidInput

# Character classes for Vietnamese capitals and small letters (Latin-1 to Latin Extended Additional).
_LETTERS = [chr(code) for code in range(0xC0, 0x1F00) if chr(code).isalpha()]
UPPER = "A-Z" + "".join(char for char in _LETTERS if char.isupper())
LOWER = "a-z" + "".join(char for char in _LETTERS if char.islower())

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_HEADING_HASHES = re.compile(r"^\s*#{1,6}\s+")
_BOLD = re.compile(r"\*\*|__")
_ITALIC_STAR = re.compile(r"(?<=[\w(“\"'])\*|\*(?=[\w)”\"'])")
_COLUMN_GAP = re.compile(r"\s{3,}")
_BULLET = re.compile(r"^\s*(?:[-+•–—*]|\d+(?:\.\d+)*[.)]|[a-zđ]\)|[IVXLC]+\.)\s+")
_RULE_LINE = re.compile(r"^[\s\-_=*.—–•~]+$")
_DASH_BULLET = re.compile(r"^\s*[-+•–—]\s*\S")

MAX_CONTROL_SHARE = 0.01
_ODD_CHAR = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")
_UPPER_RE = re.compile(f"[{UPPER}]")
_LOWER_RE = re.compile(f"[{LOWER}]")


def ensure_text(text):
    """The input as NFC text, or InvalidInput when it is empty, binary or not text at all."""
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInput("text is not UTF-8", {"text": ["not UTF-8 text (binary data?)"]})
    if not isinstance(text, str):
        raise InvalidInput("text must be a string", {"text": ["must be a string"]})
    text = unicodedata.normalize("NFC", text)
    if not text.strip():
        raise InvalidInput("text is empty", {"text": ["is empty"]})
    if looks_binary(text):
        raise InvalidInput("text looks like binary data", {"text": ["looks like binary data, not text"]})
    return text


def looks_binary(text):
    """True for NUL bytes or more than 1% control or replacement characters."""
    if "\x00" in text:
        return True
    return len(_ODD_CHAR.findall(text)) > MAX_CONTROL_SHARE * len(text)


def split_lines(text):
    """Cleaned lines; blank lines are kept (as "") because they end paragraphs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\v", "\n")
    return [strip_markdown(line) for line in clean_characters(text).split("\n")]


def clean_line(line):
    """One line without markdown decoration, odd spaces or zero-width characters."""
    return strip_markdown(clean_characters(line))


def clean_characters(text):
    """The text without zero-width characters, with plain spaces for no-break spaces and tabs."""
    return _ZERO_WIDTH.sub("", text).replace("\xa0", " ").replace("\t", "   ")


def strip_markdown(line):
    """One line without markdown decoration (headings, bold, italics) and trailing spaces."""
    if "#" in line:
        line = _HEADING_HASHES.sub("", line)
    if "*" in line or "_" in line:      # markdown emphasis is rare: skip the scans without it
        line = _BOLD.sub("", line)
        line = _ITALIC_STAR.sub("", line)
    return line.rstrip()


def squash(text):
    """Runs of whitespace as one space, ends trimmed."""
    if text.isprintable() and "  " not in text and not text.startswith(" ") and not text.endswith(" "):
        return text         # already so: the only whitespace a printable text can hold is " "
    return " ".join(text.split())


def contains_any(text, words):
    """True when one of the small-letter `words` is in the text, in any case: a quick test before
    a case-insensitive search for a pattern whose every match holds one of the words.

    lower() turns every character that re.IGNORECASE matches to a letter of these words into that
    letter (checked over all of Unicode).  It would not hold for "i" and "s", which re also matches
    as "ı", "İ" and "ſ": no word may hold them.
    """
    lowered = text.lower()
    return any(word in lowered for word in words)


def column_parts(line):
    """The pieces of a line whose columns were flattened with wide gaps ("A      B" → [A, B])."""
    return [part.strip() for part in _COLUMN_GAP.split(line.strip()) if part.strip()]


def strip_bullet(line):
    """The line without a leading list mark ("- ", "+ ", "1.2. ", "a) ", "II. ")."""
    return _BULLET.sub("", line, count=1).strip()


def is_bullet(line):
    return bool(_DASH_BULLET.match(line))


def is_rule_line(line):
    """A line that is only a rule or decoration (-----, ___, *)."""
    return bool(line.strip()) and bool(_RULE_LINE.match(line))


def is_upper_line(line):
    """Has capitals and no small letter (digits and punctuation are allowed)."""
    return _LOWER_RE.search(line) is None and _UPPER_RE.search(line) is not None


def first_word_lower(text):
    """The text with its first letter lower-cased unless the first word is an acronym (HĐND)."""
    if not text:
        return text
    first_word = text.split()[0]
    if len(first_word) > 1 and is_upper_line(first_word):
        return text
    return text[0].lower() + text[1:]


def sentence_case(text):
    """ "KẾT LUẬN" → "Kết luận"."""
    text = squash(text).lower()
    return text[:1].upper() + text[1:]


def strip_item_punctuation(text):
    """An item without its list mark and trailing ; , . : (and the end mark ./.)."""
    text = strip_bullet(text) if is_bullet(text) else text.strip()
    text = text.replace("./.", "")
    return squash(text).rstrip(" ;,.:")
