"""Sentences of an administrative document that give someone work, with who and by when.

A sentence (or list item) is a directive when
- it starts with "Giao ..." or asks with "Đề nghị ..." / "Yêu cầu ..." (at its start or after a
  comma, followed by a named body);
- it names a lead with "... chủ trì" and is not a report of past work ("đã");
- it sets a deadline ("trước ngày 20/10/2026", "chậm nhất ngày ...", "Sau thời gian 06 tháng, kể
  từ ngày có Thông báo này") and is not a report of past work;
- it carries labels "Đơn vị thực hiện: ..." / "Thời gian hoàn thành: ...".  A sentence that is
  only labels completes the sentence before it (a plan's table row read line by line).
The assignee is the named body as written, cut before the first action verb.
"""
import re

from services.intake.parsing.dates import (
    ANY_DATE, add_days, add_months, date_at, date_from_match, month_end, quarter_end)
from services.intake.parsing.text import (
    LOWER, UPPER, contains_any, is_bullet, is_upper_line, squash, strip_bullet)

ACTION_VERBS = (
    "bảo đảm", "báo cáo", "biên soạn", "bổ sung", "bố trí", "cân đối", "cập nhật", "chỉ đạo",
    "chịu trách nhiệm", "chủ động", "chủ trì", "chuẩn bị", "chuyển", "có trách nhiệm", "cung cấp",
    "cử", "dự thảo", "đảm bảo", "đăng tải", "đánh giá", "đề xuất", "điều chỉnh", "đôn đốc", "gửi",
    "giải quyết", "giám sát", "góp ý", "hoàn chỉnh", "hoàn thành", "hoàn thiện", "hướng dẫn",
    "khắc phục", "khẩn trương", "là cơ quan", "là đầu mối", "là đơn vị", "làm đầu mối", "kiểm tra", "kiện toàn", "làm việc", "lập", "liên hệ", "nghiên cứu",
    "nghiêm túc", "phân công", "phát động", "phát huy", "phối hợp", "phổ biến", "phụ trách",
    "quán triệt", "quan tâm", "rà soát", "rút kinh nghiệm", "sắp xếp", "soạn thảo", "sơ kết",
    "sửa đổi", "tăng cường", "tập trung", "tham mưu", "thẩm định", "thẩm tra", "theo dõi",
    "thống nhất", "thông báo", "thực hiện", "tiến hành", "tiếp nhận", "tiếp thu", "tiếp tục",
    "tổ chức", "tổng hợp", "tổng kết", "trả lời", "trình", "triển khai", "tuyên truyền", "xây dựng",
    "xem xét", "xử lý")
VERB_RE = re.compile(r"(?<!\w)(?:" + "|".join(sorted(ACTION_VERBS, key=len, reverse=True)) + r")(?!\w)")

GIAO_RE = re.compile(r"^Giao\s+(?:nhiệm\s+vụ\s+)?(?:cho\s+)?(?P<rest>.+)$", re.S)
REQUEST_WORD_RE = re.compile(r"Đề\s+nghị|Yêu\s+cầu|đề\s+nghị|yêu\s+cầu")   # quick test before REQUEST_RE
REQUEST_RE = re.compile(
    r"(?:^|(?<=\s))(?P<before>\w+\s+)?(?:Đề\s+nghị|Yêu\s+cầu|đề\s+nghị|yêu\s+cầu)\s+(?:cho\s+)?(?P<rest>.+)$",
    re.S)
NOT_A_REQUEST_BEFORE = {"được", "đã", "theo", "xét", "có", "các", "những", "của", "ứng", "cầu"}
LEAD_RE = re.compile(r"\s(?:là\s+đơn\s+vị\s+|làm\s+đầu\s+mối\s+)?chủ\s+trì(?!\w)")
PAST_RE = re.compile(r"(?<!\w)(?:đã|vừa\s+qua)(?!\w)")
DIGIT_RE = re.compile(r"\d")
NAMED_START_RE = re.compile(rf"^(?:[{UPPER}]|các\s|mỗi\s|từng\s|đồng\s+chí\s)")

# DEADLINE_LEAD_RE, RELATIVE_RE and LABEL_RE open with (?=[...]), the first letters of their
# alternatives, so that the engine passes over most positions without trying each alternative.
DEADLINE_LEAD_RE = re.compile(
    r"(?=[tchkx])(?<!\w)(?:trước|chậm\s+nhất(?:\s+là)?(?:\s+vào)?|hạn\s+chót(?:\s+là)?|"
    r"không\s+muộn\s+hơn|hoàn\s+thành\s+(?:vào|trong)|xong\s+trước)\s+(?=(?:ngày\s+)?\d)", re.I)
RELATIVE_RE = re.compile(
    r"(?=[st])(?<!\w)(?:sau|trong)(?:\s+(?:thời\s+gian|thời\s+hạn|vòng))?\s+(?P<count>\d{1,3})\s+"
    r"(?P<unit>ngày\s+làm\s+việc|ngày|tuần|tháng|năm)\s*,?\s*(?:kể\s+)?từ\s+(?:ngày\s+|khi\s+)?"
    r"(?P<anchor>[^,.;]+)", re.I)
# Every match of DEADLINE_LEAD_RE, RELATIVE_RE and LABEL_RE holds one of these words (see
# contains_any): a sentence without them is not searched.
DEADLINE_WORDS = ("trước", "chậm", "hạn", "không", "hoàn", "xong")      # the leads' first words
RELATIVE_WORDS = ("từ",)                                                 # "kể từ ngày ..."
LABEL_WORDS = ("thực", "trì", "trách", "hạn", "hoàn")
MAX_LABEL_WORDS = 4                                                      # "Thời gian hoàn thành"
MONTH_RE = re.compile(r"tháng\s+(?P<month>\d{1,2})\s*(?:/|năm\s+)(?P<year>\d{4})", re.I)
QUARTER_RE = re.compile(r"quý\s+(?P<quarter>IV|I{1,3}|[1-4])\s*(?:/|năm\s+)(?P<year>\d{4})", re.I)

ASSIGNEE_LABEL = (r"(?:Đơn\s+vị|Cơ\s+quan|Bộ\s+phận|Người)\s+(?:thực\s+hiện|chủ\s+trì|phụ\s+trách)"
                  r"|Chủ\s+trì")
DUE_LABEL = (r"Thời\s+gian\s+(?:hoàn\s+thành|thực\s+hiện)|Thời\s+hạn(?:\s+hoàn\s+thành)?"
             r"|Hạn\s+hoàn\s+thành")
LABEL_RE = re.compile(
    rf"(?=[đcbnth])(?P<label>{ASSIGNEE_LABEL}|{DUE_LABEL})\s*:\s*(?P<value>.+?)(?=\s*;|\.\s|\.?$)",
    re.I | re.S)
DUE_LABEL_RE = re.compile(rf"^(?:{DUE_LABEL})$", re.I)

# The spaces after ".", "!" or "?" that follows a small letter, a digit or a closing bracket or
# quote, before a capital, an opening quote or "(".  The pattern starts with the first space (the
# look-behind checks the two characters before it), so the engine goes quickly from space to space.
SENTENCE_END_RE = re.compile(rf"\s(?<=[{LOWER}\d)\]”\"][.!?]\s)\s*(?=[{UPPER}“\"(])")
MAX_ASSIGNEE_WORDS = 15
END_MARK = "./."                 # the end of a document's content
WRAPPED_LINE_LENGTH = 60         # a line this long without an end mark was probably wrapped
NUMBERED_RE = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[a-zđ]\)|[IVX]+\.|Điều\s+\d+)\s")

UNITS = {"ngày": "day", "ngày làm việc": "working day", "tuần": "week", "tháng": "month", "năm": "year"}


def find_directives(lines, issued_date, warnings):
    """[{"text", "assignee", "due_date", "due_rule"}] for the body lines of a document."""
    directives, previous = [], None      # previous: (sentence, its directive or None)
    for sentence in sentences(lines):
        if starts_with_label(sentence):
            target = label_target(previous, sentence, directives)
            apply_labels(target, sentence, issued_date, warnings)
            previous = (previous[0] if previous else sentence, target)
            continue
        directive = directive_from_sentence(sentence, issued_date, warnings)
        if directive:
            directives.append(directive)
        previous = (sentence, directive)
    return directives


def sentences(lines):
    """Sentences of the body: wrapped lines joined into paragraphs, list marks removed."""
    for paragraph in paragraphs(lines):
        for sentence in SENTENCE_END_RE.split(paragraph.replace(END_MARK, ".")):
            sentence = squash(sentence)
            if sentence:
                yield sentence


def paragraphs(lines):
    """Non-blank lines, a line joined to the one before when it only continues it (PDF wrap)."""
    current = None
    for line in lines:
        line = line.strip()
        if not line:
            if current:
                yield current
            current = None
            continue
        if current and continues(current, line):
            current = f"{current} {line}"
            continue
        if current:
            yield current
        current = strip_bullet(line)
    if current:
        yield current


def continues(previous, line):
    """True for a line that carries on the previous one: it was cut mid-sentence (no end mark)
    and this line starts small, or the previous line is as long as a wrapped line of text."""
    if previous.endswith((".", ":", ";", "!", "?")) or is_bullet(line) or LABEL_RE.match(line):
        return False
    if NUMBERED_RE.match(line) or is_upper_line(line):
        return False
    return line[:1].islower() or len(previous) >= WRAPPED_LINE_LENGTH


def starts_with_label(sentence):
    return LABEL_RE.match(sentence) is not None


def label_target(previous, sentence, directives):
    """The directive a label line completes: the one of the sentence before, made if needed."""
    if previous is not None and previous[1] is not None:
        return previous[1]
    text = previous[0] if previous else sentence
    directive = new_directive(text, cut_assignee(text) if previous else None)
    directives.append(directive)
    return directive


def new_directive(text, assignee=None):
    return {"text": text, "assignee": assignee, "due_date": None, "due_rule": None}


def directive_from_sentence(sentence, issued_date, warnings):
    """A directive for a sentence that gives work, else None."""
    if is_upper_line(sentence):
        return None
    due_date, due_rule, due_span = find_due(sentence, issued_date, warnings)
    assignee, triggered = trigger_assignee(sentence)
    has_labels = has_label(sentence)
    if not triggered and due_span and not reports_past(sentence[:due_span[0]]):
        triggered = True
        assignee = assignee_around_deadline(sentence, due_span)
    if not (triggered or has_labels):
        return None
    directive = new_directive(sentence, assignee)
    directive["due_date"], directive["due_rule"] = due_date, due_rule
    if has_labels:
        apply_labels(directive, sentence, issued_date, warnings)
    return directive


def trigger_assignee(sentence):
    """(assignee, True) for "Giao ...", "Đề nghị ...", "... chủ trì"; (None, False) otherwise."""
    match = GIAO_RE.match(sentence)
    if match:
        return cut_assignee(match.group("rest")), True
    match = request_match(sentence)
    if match:
        return cut_assignee(match.group("rest")), True
    match = LEAD_RE.search(sentence) if "chủ" in sentence else None
    if match and not reports_past(sentence[:match.start()]):
        clause = re.split(r"[,;:]", sentence[:match.start()])[-1]
        clause = re.sub(r"^\s*(?:Giao|giao|do|để|và)\s+", "", clause).strip()
        return (clause if acceptable_assignee(clause) else None), True
    return None, False


def request_match(sentence):
    """A "Đề nghị ..." / "Yêu cầu ..." at the start, or mid-sentence before a named body
    ("Sở Nội vụ đề nghị các đơn vị ..."), but not "được đề nghị", "theo đề nghị của"."""
    word = REQUEST_WORD_RE.search(sentence)
    if not word:
        return None
    # a match starts at a request word or at the word before it: none starts before the word
    # in front of the first request word
    for match in REQUEST_RE.finditer(sentence, start_of_words_before(sentence, word.start(), 1)):
        before = (match.group("before") or "").strip().lower()
        if match.start() == 0 and not before:
            return match
        if before not in NOT_A_REQUEST_BEFORE and NAMED_START_RE.match(match.group("rest")) \
                and not reports_past(sentence[:match.start("rest")]):
            return match
    return None


def start_of_words_before(text, index, count, floor=0):
    """Where the `count` words in front of text[index] start (the spaces between are skipped),
    going back no further than `floor`."""
    for _ in range(count):
        while index > floor and text[index - 1].isspace():
            index -= 1
        while index > floor and not text[index - 1].isspace():
            index -= 1
    return index


def reports_past(text):
    """True for text that reports work already done ("đã", "vừa qua")."""
    return ("đã" in text or "vừa" in text) and PAST_RE.search(text) is not None


def has_label(text):
    """True when the text holds a label ("Đơn vị thực hiện: ...").

    A label is at most MAX_LABEL_WORDS words right before a ":" (and after the ":" before, if
    any) and holds one of LABEL_WORDS, so the text is searched only when the words before one
    of its ":" pass that test.
    """
    after_colon, colon = 0, text.find(":")
    while colon >= 0:
        words_before = text[start_of_words_before(text, colon, MAX_LABEL_WORDS, after_colon):colon]
        if contains_any(words_before, LABEL_WORDS):
            return LABEL_RE.search(text) is not None
        after_colon, colon = colon + 1, text.find(":", colon + 1)
    return False


def cut_assignee(text):
    """The named body at the start of the text, cut before the first action verb."""
    match = VERB_RE.search(text)
    if not match or match.start() == 0:
        return None
    candidate = text[:match.start()].strip(" ,;:")
    return candidate if acceptable_assignee(candidate) else None


def acceptable_assignee(candidate):
    words = candidate.split()
    if not words or len(words) > MAX_ASSIGNEE_WORDS or not NAMED_START_RE.match(candidate):
        return False
    return any(word[:1].isupper() for word in words) or len(words) >= 2


def assignee_around_deadline(sentence, due_span):
    """The subject of a sentence with a deadline; a leading time clause is skipped."""
    start, end = due_span
    rest = sentence[end:].lstrip(" ,") if start <= 1 else sentence
    return cut_assignee(rest)


def find_due(text, issued_date, warnings):
    """(due_date, due_rule, (start, end) of the phrase) of the first deadline phrase, or Nones."""
    if not DIGIT_RE.search(text):          # both kinds of phrase hold a number
        return None, None, None
    lead = DEADLINE_LEAD_RE.search(text) if contains_any(text, DEADLINE_WORDS) else None
    relative = RELATIVE_RE.search(text) if contains_any(text, RELATIVE_WORDS) else None
    if lead and (not relative or lead.start() < relative.start()):
        due_date, end = date_at(text, lead.end(), warnings)
        return due_date, None, (lead.start(), end)
    if relative:
        due_date, due_rule = relative_due(relative, issued_date)
        return due_date, due_rule, relative.span()
    return None, None, None


def relative_due(match, issued_date):
    """("2022-06-01" or None, "6 months after issue") for "Sau 06 tháng, kể từ ngày ký ..."."""
    count = int(match.group("count"))
    unit_vi = squash(match.group("unit")).lower()
    unit = UNITS[unit_vi] + ("" if count == 1 else "s")
    anchor = squash(match.group("anchor"))
    event = anchor_event(anchor)
    rule = f"{count} {unit} after {event or anchor}"
    if event != "issue" or not issued_date:
        return None, rule
    if unit_vi == "tháng":
        return add_months(issued_date, count), rule
    if unit_vi == "năm":
        return add_months(issued_date, 12 * count), rule
    if unit_vi in ("ngày", "tuần"):
        return add_days(issued_date, count * (7 if unit_vi == "tuần" else 1)), rule
    return None, rule          # working days need the office's calendar


def anchor_event(anchor):
    """ "issue" for "ký", "ban hành", "có Thông báo này"; "receipt" for "nhận được ..."."""
    key = anchor.lower()
    if "nhận" in key:
        return "receipt"
    if re.match(r"(?:ký|ban\s+hành|phát\s+hành)", key) or re.search(r"(?<!\w)này(?!\w)", key):
        return "issue"
    return None


def apply_labels(directive, sentence, issued_date, warnings):
    """Fill assignee and due date from "Đơn vị thực hiện: ..." and "Thời gian hoàn thành: ..."."""
    for match in LABEL_RE.finditer(sentence):
        value = squash(match.group("value")).rstrip(" .;")
        if DUE_LABEL_RE.match(squash(match.group("label"))):
            due_date, due_rule = due_from_value(value, issued_date, warnings)
            directive["due_date"] = directive["due_date"] or due_date
            directive["due_rule"] = directive["due_rule"] or due_rule
        elif value and directive["assignee"] is None:
            directive["assignee"] = value


def due_from_value(value, issued_date, warnings):
    """(due_date, due_rule) of a label value: a date, a month, a quarter or a relative rule."""
    relative = RELATIVE_RE.search(value)
    if relative:
        return relative_due(relative, issued_date)
    match = ANY_DATE.search(value)
    if match:
        return date_from_match(match, warnings), None
    match = MONTH_RE.search(value)
    if match:
        return month_end(match.group("month"), match.group("year"), warnings, match.group(0)), None
    match = QUARTER_RE.search(value)
    if match:
        return quarter_end(match.group("quarter"), match.group("year")), None
    return None, value or None
