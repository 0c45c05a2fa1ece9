"""The rules of citizens' petitions (đơn thư) at an elected body's office.

Framework-free: plain dataclasses and pure functions, no nameko and no database.  The intake
service stores petitions and their dispositions and calls these functions to decide.

Sources (see the suite's DOMAIN.md, section 5):

* Thông tư 07/2014/TT-TTCP, Điều 6-7: classification by content (khiếu nại, tố cáo, kiến nghị /
  phản ánh, several contents), by the conditions for handling (signed, dated, name and address,
  clear content, not already handled), by competence, by the number of signers, by whether
  original documents are attached.
* Luật Tiếp công dân 2013, Điều 21-22: the Đoàn ĐBQH and the Thường trực HĐND forward petitions to
  the competent body and follow up their handling; a petition is forwarded once for the same
  content; the competent body replies to the forwarder.
* Luật Tố cáo 2018: a denunciation is handled within 30 days of acceptance, extendable (Điều 30);
  a denunciation whose author is unknown (no name or address) is not handled as a denunciation
  (Điều 25).
* Bộ luật Dân sự 2015, Điều 148: a period counted in days that ends on a day off ends on the next
  working day.

The rule now in force for elected bodies, Nghị quyết 116/2025/UBTVQH15, was not available, so
the categories, the reasons to file and the deadlines are settings (`PetitionRules`) with the
defaults documented there; an office overrides them with `PetitionRules.from_mapping`.

Public API
----------
``PetitionRules``, ``DEFAULT_RULES``; ``Petition``, ``HistoryEntry``; ``classify`` →
``Classification``; ``check_disposition`` → ``DispositionCheck``; ``normalize_text``,
``petitioner_key``, ``duplicate_key``, ``content_similarity``, ``is_probable_duplicate``;
``denunciation_due``, ``retention_until``; ``stats``, ``stats_text``.

Every code is a stable English identifier; every label is Vietnamese.  Wherever a code is
expected, its Vietnamese label is accepted too, in any case and with or without diacritics
("Thụ lý", "thu ly" and "accept" are the same disposition).
"""
import difflib
import hashlib
import re
from dataclasses import dataclass, field, fields as dataclass_fields, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType

from shared.calendar import WorkingCalendar
from shared.errors import Conflict, InvalidInput
from shared.text import fold
from shared.timeutil import today_local

# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------

# Content categories, Thông tư 07/2014/TT-TTCP Điều 6 khoản 1.  A petition names one or more of
# the first three; a petition with several different contents is classified "multiple".
COMPLAINT = "complaint"
DENUNCIATION = "denunciation"
RECOMMENDATION = "recommendation"
MULTIPLE = "multiple"
UNCLASSIFIED = "unclassified"  # only in statistics: a petition whose content is not yet known

DEFAULT_CATEGORIES = MappingProxyType({
    COMPLAINT: "Khiếu nại",
    DENUNCIATION: "Tố cáo",
    RECOMMENDATION: "Kiến nghị, phản ánh",
    MULTIPLE: "Đơn có nhiều nội dung khác nhau",
})
UNCLASSIFIED_LABEL = "Chưa phân loại"
# Categories the rules themselves use: an office may relabel them, not remove them.
CORE_CATEGORIES = frozenset(DEFAULT_CATEGORIES)

# Dispositions (not configurable: the rules below are written for exactly these).
ACCEPT = "accept"
FORWARD = "forward"
GUIDE = "guide"
ANSWER = "answer"
FILE = "file"

DISPOSITIONS = MappingProxyType({
    ACCEPT: "Thụ lý",
    FORWARD: "Chuyển",
    GUIDE: "Hướng dẫn",
    ANSWER: "Trả lời",
    FILE: "Lưu",
})

# "Handled" (đã xem xét, xử lý) in the yearly report: every disposition that acts on the petition,
# i.e. all but filing.  Seed 001: 27 handled = 10 answered + 3 guided + 14 forwarded (none
# accepted); the 168 filed are counted apart.  A petition with no disposition yet is "pending"
# and is in neither.
HANDLED_DISPOSITIONS = frozenset({ACCEPT, ANSWER, GUIDE, FORWARD})

# Reasons to file without action (lưu đơn), DOMAIN.md section 5 and the reasons seed 001 lists.
INELIGIBLE = "ineligible"
UNCLEAR_CONTENT = "unclear_content"
ILLEGIBLE = "illegible"
SENT_TO_SEVERAL = "sent_to_several"
ALREADY_GUIDED = "already_guided"
PAST_TIME_LIMIT = "past_time_limit"
RESOLVED_NO_NEW_FACTS = "resolved_no_new_facts"
ANONYMOUS_DENUNCIATION = "anonymous_denunciation"
DUPLICATE = "duplicate"

DEFAULT_FILING_REASONS = MappingProxyType({
    INELIGIBLE: "Đơn không đủ điều kiện xử lý",
    UNCLEAR_CONTENT: "Nội dung đơn không rõ ràng",
    ILLEGIBLE: "Đơn không đọc được",
    SENT_TO_SEVERAL: "Đơn gửi nhiều nơi, trong đó đã gửi đến cơ quan có thẩm quyền giải quyết",
    ALREADY_GUIDED: "Đơn đã được hướng dẫn một lần",
    PAST_TIME_LIMIT: "Đơn đã hết thời hiệu, thời hạn theo quy định",
    RESOLVED_NO_NEW_FACTS:
        "Vụ việc đã được cơ quan có thẩm quyền giải quyết, không có tình tiết mới",
    ANONYMOUS_DENUNCIATION: "Đơn tố cáo không rõ họ tên, địa chỉ người tố cáo (nặc danh, mạo danh)",
    DUPLICATE: "Đơn trùng lặp",
})
CORE_FILING_REASONS = frozenset(DEFAULT_FILING_REASONS)

# Conditions for handling a petition (Thông tư 07/2014/TT-TTCP Điều 7); `Classification.missing`
# lists the codes of those a petition does not meet.
ELIGIBILITY_CONDITIONS = MappingProxyType({
    "signed": "Có chữ ký hoặc điểm chỉ của người viết đơn",
    "dated": "Ghi rõ ngày, tháng, năm viết đơn",
    "name": "Ghi rõ họ, tên người viết đơn",
    "address": "Ghi rõ địa chỉ người viết đơn",
    "content_clear": "Nội dung đơn rõ ràng",
    "legible": "Đơn viết bằng tiếng Việt, đọc được",
    "not_already_handled": "Đơn chưa được cơ quan có thẩm quyền tiếp nhận, xử lý",
})

# Rules `check_disposition` enforces; a `Conflict` names one of them in its message and in
# ``fields["rule"]``.
RULE_FORWARD_ONCE = "forward_once"
RULE_ANONYMOUS_DENUNCIATION = "anonymous_denunciation"
RULE_ACCEPT_REQUIRES_ELIGIBLE = "accept_requires_eligible"
RULE_ACCEPT_REQUIRES_COMPETENCE = "accept_requires_competence"

RULES = MappingProxyType({
    RULE_FORWARD_ONCE: "Đơn có cùng nội dung chỉ được chuyển một lần",
    RULE_ANONYMOUS_DENUNCIATION: "Tố cáo nặc danh không được thụ lý giải quyết như tố cáo",
    RULE_ACCEPT_REQUIRES_ELIGIBLE: "Chỉ thụ lý đơn đủ điều kiện xử lý",
    RULE_ACCEPT_REQUIRES_COMPETENCE: "Chỉ thụ lý đơn thuộc thẩm quyền giải quyết",
})

# --------------------------------------------------------------------------------------------
# Text normalisation and code lookup
# --------------------------------------------------------------------------------------------

_NON_WORD = re.compile(r"[^\w]+|_+")


def normalize_text(text):
    """A comparison form: NFC, casefolded, Vietnamese diacritics removed (đ → d), punctuation
    turned into spaces, whitespace collapsed.  "Nguyễn  Văn Đức," → "nguyen van duc".

    Tone marks in either placement (hoà / hòa) give the same result.
    """
    return " ".join(_NON_WORD.sub(" ", fold(text)).split())


def _aliases(table, extra=None):
    """{folded alias: code} for a code → label table: the code, the label, each part of a label
    split at ',' or '/', plus ``extra`` aliases."""
    aliases = {}
    for code, label in table.items():
        names = [code, label] + re.split(r"[,/]", label) + list((extra or {}).get(code, ()))
        for name in names:
            key = normalize_text(name)
            if key:
                aliases.setdefault(key, code)
    return aliases


_DISPOSITION_ALIASES = _aliases(DISPOSITIONS, {
    ACCEPT: ("thụ lý giải quyết",), FORWARD: ("chuyển đơn",), GUIDE: ("hướng dẫn công dân",),
    ANSWER: ("trả lời công dân",), FILE: ("lưu đơn", "lưu, theo dõi", "lưu theo dõi"),
})
_CATEGORY_EXTRA = {MULTIPLE: ("nhiều nội dung",)}


def _resolve(aliases, value, field_name, what):
    """The code ``value`` names (a code or a label), or InvalidInput on ``field_name``."""
    code = aliases.get(normalize_text(value)) if isinstance(value, str) else None
    if code is None:
        message = f"unknown {what}: {value!r}"
        raise InvalidInput(message, {field_name: [message]})
    return code


def resolve_disposition(value, field_name="disposition"):
    """The disposition code of ``value`` ("forward", "Chuyển", "chuyen" → "forward")."""
    return _resolve(_DISPOSITION_ALIASES, value, field_name, "disposition")


# --------------------------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------------------------

_INT_SETTINGS = {
    # name: smallest allowed value
    "forward_followup_working_days": 1,
    "denunciation_handling_days": 1,
    "denunciation_extension_days": 1,
    "group_threshold": 2,
    "filed_retention_years": 1,
}
_CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class PetitionRules:
    """An office's settings for petitions.  Defaults:

    ``categories``: `DEFAULT_CATEGORIES` (code → Vietnamese label).
    ``filing_reasons``: `DEFAULT_FILING_REASONS` (code → Vietnamese label).
    ``forward_followup_working_days`` = 10: a forwarded petition is followed up (đôn đốc) when
        the competent body has not replied within this many working days after forwarding.
        Office default modelled on the 10 days a competent body has to accept a complaint and
        notify the forwarder (Luật Khiếu nại 2011 Điều 27); not taken from NQ 116/2025.
    ``denunciation_handling_days`` = 30: calendar days to handle an accepted denunciation
        (Luật Tố cáo 2018 Điều 30); ``denunciation_extension_days`` = 30 per extension.
    ``group_threshold`` = 5: a petition signed by this many people or more is a group petition
        (đơn đông người).
    ``filed_retention_years`` = 1: a filed petition is kept this many years.
    ``duplicate_threshold`` = 0.8: content similarity (0-1) from which two petitions of the same
        petitioner are probable duplicates (see `content_similarity`).

    Build one directly or with `from_mapping`; bad values raise InvalidInput naming the field.
    """

    categories: object = field(default_factory=lambda: DEFAULT_CATEGORIES)
    filing_reasons: object = field(default_factory=lambda: DEFAULT_FILING_REASONS)
    forward_followup_working_days: int = 10
    denunciation_handling_days: int = 30
    denunciation_extension_days: int = 30
    group_threshold: int = 5
    filed_retention_years: int = 1
    duplicate_threshold: float = 0.8

    def __post_init__(self):
        errors = {}
        for name, minimum in _INT_SETTINGS.items():
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
                errors[name] = [f"must be an integer >= {minimum}, got {value!r}"]
        threshold = self.duplicate_threshold
        if (not isinstance(threshold, (int, float)) or isinstance(threshold, bool)
                or not 0 < threshold <= 1):
            errors["duplicate_threshold"] = [f"must be a number in (0, 1], got {threshold!r}"]
        for name, core in (("categories", CORE_CATEGORIES),
                           ("filing_reasons", CORE_FILING_REASONS)):
            table = getattr(self, name)
            problems = _table_problems(table, core)
            if problems:
                errors[name] = problems
            else:
                object.__setattr__(self, name, MappingProxyType(dict(table)))
        if errors:
            raise InvalidInput("invalid petition rules: " + ", ".join(sorted(errors)), errors)
        object.__setattr__(self, "_category_aliases",
                           _aliases(self.categories, _CATEGORY_EXTRA))
        object.__setattr__(self, "_reason_aliases", _aliases(self.filing_reasons))

    @classmethod
    def from_mapping(cls, mapping, base=None):
        """Settings from an office's mapping, over ``base`` (default: the defaults).

        Integers may be given as ints or digit strings.  ``categories`` and ``filing_reasons``
        are merged into the base tables: ``{code: label}`` adds or relabels an entry,
        ``{code: None}`` removes one; the codes the rules use (`CORE_CATEGORIES`,
        `CORE_FILING_REASONS`) can be relabelled but not removed.  Unknown keys are refused.
        """
        base = base or DEFAULT_RULES
        mapping = dict(mapping or {})
        known = {f.name for f in dataclass_fields(cls)}
        errors = {key: ["unknown field"] for key in mapping if key not in known}
        values = {}
        for name in _INT_SETTINGS:
            if name in mapping:
                value = mapping[name]
                if isinstance(value, str) and value.strip().isdigit():
                    value = int(value.strip())
                values[name] = value
        if "duplicate_threshold" in mapping:
            value = mapping["duplicate_threshold"]
            if isinstance(value, str):
                try:
                    value = float(value.strip().replace(",", "."))
                except ValueError:
                    pass
            values["duplicate_threshold"] = value
        for name in ("categories", "filing_reasons"):
            if name not in mapping:
                continue
            override = mapping[name]
            if not isinstance(override, dict):
                errors[name] = [f"must be a mapping of code to label, got {override!r}"]
                continue
            merged = dict(getattr(base, name))
            for code, label in override.items():
                if label is None:
                    merged.pop(code, None)
                else:
                    merged[code] = label
            values[name] = merged
        try:
            rules = replace(base, **values)
        except InvalidInput as error:
            errors.update({k: v for k, v in error.fields.items() if k not in errors})
            rules = None
        if errors:
            raise InvalidInput("invalid petition rules: " + ", ".join(sorted(errors)), errors)
        return rules

    # lookups ------------------------------------------------------------------------------

    def category(self, value, field_name="categories"):
        """The category code ``value`` names (code or label)."""
        return _resolve(self._category_aliases, value, field_name, "category")

    def filing_reason(self, value, field_name="reason"):
        """The filing-reason code ``value`` names (code or label)."""
        return _resolve(self._reason_aliases, value, field_name, "filing reason")

    def category_label(self, code):
        return UNCLASSIFIED_LABEL if code == UNCLASSIFIED else self.categories[code]


def _table_problems(table, core):
    if not hasattr(table, "items"):
        return [f"must be a mapping of code to label, got {table!r}"]
    problems = []
    for code, label in table.items():
        if not isinstance(code, str) or not _CODE_RE.match(code):
            problems.append(f"code must be lower-case letters, digits and _: {code!r}")
        if not isinstance(label, str) or not label.strip():
            problems.append(f"label of {code!r} must be a non-empty text")
    missing = sorted(core - set(table))
    if missing:
        problems.append("cannot remove the codes the rules use: " + ", ".join(missing))
    return problems


DEFAULT_RULES = PetitionRules()

# --------------------------------------------------------------------------------------------
# Petitions and their history
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Petition:
    """The facts of one petition as the office records them.

    ``categories``: the content categories it raises (codes or labels; several → "multiple").
    ``signer_count``: the number of people who signed it.
    ``within_competence``: the office's own body is competent to resolve it (rare for an
    elected body, hence False by default).
    ``sent_to_several_bodies``: also sent to other bodies, including the competent one.
    ``disposition``, ``filing_reason``: the current disposition, used by `stats` (None while
    pending).
    """

    petitioner_name: str = ""
    petitioner_address: str = ""
    content: str = ""
    categories: tuple = ()
    signed: bool = True
    dated: bool = True
    content_clear: bool = True
    legible: bool = True
    already_handled: bool = False
    signer_count: int = 1
    has_original_documents: bool = False
    within_competence: bool = False
    sent_to_several_bodies: bool = False
    past_time_limit: bool = False
    resolved_without_new_facts: bool = False
    received_on: date = None
    disposition: str = None
    filing_reason: str = None
    id: object = None

    @classmethod
    def from_mapping(cls, mapping):
        """A Petition from a dict (an RPC payload, a row).  Unknown keys are refused, so that a
        misspelt fact does not silently keep its default; types are checked."""
        mapping = dict(mapping or {})
        known = {f.name for f in dataclass_fields(cls)}
        errors = {key: ["unknown field"] for key in mapping if key not in known}
        for key, value in mapping.items():
            if key not in known or value is None:
                continue
            default = cls.__dataclass_fields__[key].default
            if isinstance(default, bool) and not isinstance(value, bool):
                errors[key] = [f"must be true or false, got {value!r}"]
            elif key == "signer_count" and (
                    not isinstance(value, int) or isinstance(value, bool) or value < 0):
                errors[key] = [f"must be an integer >= 0, got {value!r}"]
            elif key in ("petitioner_name", "petitioner_address", "content", "disposition",
                         "filing_reason") and not isinstance(value, str):
                errors[key] = [f"must be a text, got {value!r}"]
            elif key == "categories" and (
                    isinstance(value, str) or not isinstance(value, (list, tuple))):
                errors[key] = [f"must be a list of categories, got {value!r}"]
            elif key == "received_on" and not isinstance(value, date):
                try:
                    mapping[key] = date.fromisoformat(value)
                except (TypeError, ValueError):
                    errors[key] = [f"not an ISO date (YYYY-MM-DD): {value!r}"]
        if errors:
            raise InvalidInput("invalid petition: " + ", ".join(sorted(errors)), errors)
        if "categories" in mapping:
            mapping["categories"] = tuple(mapping["categories"] or ())
        for key in ("petitioner_name", "petitioner_address", "content"):
            if mapping.get(key) is None:
                mapping.pop(key, None)
        return cls(**mapping)


def _as_petition(value):
    return value if isinstance(value, Petition) else Petition.from_mapping(value)


@dataclass(frozen=True)
class HistoryEntry:
    """A disposition already made, on this petition or on another one.

    It concerns the same content as the petition being decided when ``petition_id`` equals the
    petition's ``id``, or else when `is_probable_duplicate` says so (same petitioner, similar
    content).  Give the petitioner and content for entries of other petitions.
    """

    disposition: str
    on: date = None
    petitioner_name: str = ""
    petitioner_address: str = ""
    content: str = ""
    forward_to: str = None
    reason: str = None
    petition_id: object = None

    @classmethod
    def from_mapping(cls, mapping):
        mapping = dict(mapping)
        known = {f.name for f in dataclass_fields(cls)}
        unknown = sorted(key for key in mapping if key not in known)
        if unknown or "disposition" not in mapping:
            errors = {key: ["unknown field"] for key in unknown}
            if "disposition" not in mapping:
                errors["disposition"] = ["required"]
            raise InvalidInput("invalid history entry: " + ", ".join(sorted(errors)), errors)
        if isinstance(mapping.get("on"), str):
            mapping["on"] = date.fromisoformat(mapping["on"])
        for key in ("petitioner_name", "petitioner_address", "content"):
            if mapping.get(key) is None:
                mapping.pop(key, None)
        return cls(**mapping)


# --------------------------------------------------------------------------------------------
# Classification
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Classification:
    """How a petition is classified (Thông tư 07/2014/TT-TTCP Điều 6).

    ``category``: one code ("multiple" when ``categories`` holds several); ``categories``: the
    distinct codes, in the order given.  ``eligible``: all conditions met; ``missing``: the codes
    of `ELIGIBILITY_CONDITIONS` not met.  ``group``: signed by ``group_threshold`` people or
    more.  ``anonymous``: the petitioner's name or address is missing.
    ``anonymous_denunciation``: anonymous and raising a denunciation.  ``filing_reasons``: the
    reasons to file that the facts alone establish, most specific first (empty when none).
    """

    category: str
    category_label: str
    categories: tuple
    eligible: bool
    missing: tuple
    missing_labels: tuple
    within_competence: bool
    group: bool
    signer_count: int
    anonymous: bool
    anonymous_denunciation: bool
    has_original_documents: bool
    filing_reasons: tuple

    def to_dict(self):
        return {f.name: getattr(self, f.name) for f in dataclass_fields(self)}


def classify(petition, rules=DEFAULT_RULES):
    """Classify a `Petition` (or a mapping of its facts).

    Raises InvalidInput on ``categories`` when the petition names no category or an unknown one.
    """
    petition = _as_petition(petition)
    if not petition.categories:
        message = "a petition must name at least one content category"
        raise InvalidInput(message, {"categories": [message]})
    codes = []
    for value in petition.categories:
        code = rules.category(value)
        if code not in codes:
            codes.append(code)
    category = codes[0] if len(codes) == 1 else MULTIPLE
    has_name = bool(petition.petitioner_name.strip())
    has_address = bool(petition.petitioner_address.strip())
    met = {
        "signed": petition.signed,
        "dated": petition.dated,
        "name": has_name,
        "address": has_address,
        "content_clear": petition.content_clear,
        "legible": petition.legible,
        "not_already_handled": not petition.already_handled,
    }
    missing = tuple(code for code in ELIGIBILITY_CONDITIONS if not met[code])
    anonymous = not (has_name and has_address)
    anonymous_denunciation = anonymous and DENUNCIATION in codes
    reasons = []
    if anonymous_denunciation:
        reasons.append(ANONYMOUS_DENUNCIATION)
    if not petition.legible:
        reasons.append(ILLEGIBLE)
    if not petition.content_clear:
        reasons.append(UNCLEAR_CONTENT)
    if petition.resolved_without_new_facts:
        reasons.append(RESOLVED_NO_NEW_FACTS)
    if petition.past_time_limit:
        reasons.append(PAST_TIME_LIMIT)
    if petition.sent_to_several_bodies:
        reasons.append(SENT_TO_SEVERAL)
    if missing:
        reasons.append(INELIGIBLE)
    return Classification(
        category=category,
        category_label=rules.category_label(category),
        categories=tuple(codes),
        eligible=not missing,
        missing=missing,
        missing_labels=tuple(ELIGIBILITY_CONDITIONS[code] for code in missing),
        within_competence=petition.within_competence,
        group=petition.signer_count >= rules.group_threshold,
        signer_count=petition.signer_count,
        anonymous=anonymous,
        anonymous_denunciation=anonymous_denunciation,
        has_original_documents=petition.has_original_documents,
        filing_reasons=tuple(reasons),
    )


# --------------------------------------------------------------------------------------------
# Duplicates
# --------------------------------------------------------------------------------------------


def petitioner_key(petitioner_name, petitioner_address):
    """"name|address" normalised (`normalize_text`): the same petitioner gives the same key.
    Index it to find the candidates `is_probable_duplicate` then compares."""
    return f"{normalize_text(petitioner_name)}|{normalize_text(petitioner_address)}"


def duplicate_key(petitioner_name, petitioner_address, content):
    """A key (SHA-256 hex) equal for petitions of the same petitioner with the same content once
    normalised (case, diacritics, punctuation, spacing): an exact-duplicate key."""
    text = petitioner_key(petitioner_name, petitioner_address) + "|" + normalize_text(content)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# The matcher is quadratic: two 10,000-character contents take it seconds.  The opening of a
# petition is what a re-sent one repeats, so only that much is compared.
SIMILARITY_CHARS = 1000


def content_similarity(a, b):
    """Similarity 0-1 of two contents: `difflib.SequenceMatcher` ratio of the normalised texts
    (2 × matching characters / total characters) over their first `SIMILARITY_CHARS`
    characters; 1.0 for two texts equal once normalised."""
    a, b = normalize_text(a), normalize_text(b)
    if a == b:
        return 1.0
    return difflib.SequenceMatcher(None, a[:SIMILARITY_CHARS], b[:SIMILARITY_CHARS],
                                   autojunk=False).ratio()


def _facts(value):
    if isinstance(value, dict):
        return (value.get("petitioner_name") or "", value.get("petitioner_address") or "",
                value.get("content") or "")
    return value.petitioner_name or "", value.petitioner_address or "", value.content or ""


def is_probable_duplicate(a, b, threshold=None, rules=DEFAULT_RULES):
    """(duplicate?, score) for two petitions (Petition, HistoryEntry or mapping with
    petitioner_name, petitioner_address, content).

    ``score`` is `content_similarity` of the contents.  They are probable duplicates when the
    petitioner is the same — equal `petitioner_key`, with a name present — and ``score`` is at
    least ``threshold`` (default ``rules.duplicate_threshold``, 0.8).
    """
    threshold = rules.duplicate_threshold if threshold is None else threshold
    name_a, address_a, content_a = _facts(a)
    name_b, address_b, content_b = _facts(b)
    score = content_similarity(content_a, content_b)
    same_petitioner = (bool(normalize_text(name_a))
                       and petitioner_key(name_a, address_a) == petitioner_key(name_b, address_b))
    return same_petitioner and score >= threshold, score


# --------------------------------------------------------------------------------------------
# Dispositions
# --------------------------------------------------------------------------------------------

_DEFAULT_CALENDAR = None


def _calendar(calendar):
    global _DEFAULT_CALENDAR
    if calendar is not None:
        return calendar
    if _DEFAULT_CALENDAR is None:
        _DEFAULT_CALENDAR = WorkingCalendar()
    return _DEFAULT_CALENDAR


def denunciation_due(accepted_on, extensions=0, rules=DEFAULT_RULES, calendar=None):
    """The last day to handle a denunciation accepted on ``accepted_on``: the handling period
    (30 days) plus ``extensions`` × the extension period, in calendar days counted from the
    day after acceptance; a last day that is off moves to the next working day (BLDS Điều 148).
    """
    days = rules.denunciation_handling_days + extensions * rules.denunciation_extension_days
    return _calendar(calendar).next_working_day(accepted_on + timedelta(days=days),
                                                include_self=True)


def retention_until(filed_on, rules=DEFAULT_RULES):
    """The day until which a filed petition is kept: the same day ``filed_retention_years``
    later (29 February → 28 February)."""
    year = filed_on.year + rules.filed_retention_years
    try:
        return filed_on.replace(year=year)
    except ValueError:
        return filed_on.replace(year=year, day=28)


@dataclass(frozen=True)
class DispositionCheck:
    """A disposition that passed the rules, with what follows from it.

    ``follow_up_due``: for a forward, the day the reply is due and follow-up starts.
    ``handling_due``: for an accepted denunciation, the last day to handle it.
    ``retain_until``: for a filed petition, the day until which it is kept.
    ``suggested_disposition`` / ``suggested_reason``: what the rules advise instead (e.g. file
    with "already_guided" when the same content was guided before), with ``warnings`` saying
    why; the disposition itself is allowed.
    """

    disposition: str
    disposition_label: str
    reason: str
    reason_label: str
    forward_to: str
    classification: Classification
    follow_up_due: date = None
    handling_due: date = None
    retain_until: date = None
    warnings: tuple = ()
    suggested_disposition: str = None
    suggested_reason: str = None

    def to_dict(self):
        data = {f.name: getattr(self, f.name) for f in dataclass_fields(self)}
        data["classification"] = self.classification.to_dict()
        return data


def _same_content(petition, entry, rules):
    if entry.petition_id is not None and petition.id is not None:
        if entry.petition_id == petition.id:
            return True
    return is_probable_duplicate(petition, entry, rules=rules)[0]


def _conflict(rule, detail):
    message = f"{rule}: {RULES[rule]} — {detail}"
    return Conflict(message, {"disposition": [message], "rule": [rule]})


def check_disposition(petition, history, disposition, reason=None, forward_to=None, today=None,
                      rules=DEFAULT_RULES, calendar=None):
    """Check ``disposition`` of ``petition`` against the rules; return a `DispositionCheck`.

    ``history``: earlier dispositions (`HistoryEntry` or mappings), of this petition and of other
    petitions that may carry the same content.  ``today``: the disposition's date (default: today
    in the suite's time zone).  ``calendar``: the office's `WorkingCalendar`.

    InvalidInput: unknown disposition; filing without a known reason; a reason on anything but a
    filing; forwarding without a target; a target on anything but a forward.
    Conflict (``fields["rule"]`` names the rule): forwarding content already forwarded
    (forward_once); accepting an anonymous denunciation as a denunciation
    (anonymous_denunciation); accepting an ineligible petition or one outside the body's
    competence (accept_requires_eligible / accept_requires_competence).
    Guiding content already guided once passes with a suggestion to file it (already_guided).
    """
    petition = _as_petition(petition)
    today = today or today_local()
    code = resolve_disposition(disposition)
    classification = classify(petition, rules)
    entries = [entry if isinstance(entry, HistoryEntry) else HistoryEntry.from_mapping(entry)
               for entry in (history or ())]
    prior = [(resolve_disposition(entry.disposition, "history"), entry) for entry in entries
             if _same_content(petition, entry, rules)]

    errors = {}
    reason_code = None
    if code == FILE:
        if reason is None or (isinstance(reason, str) and not reason.strip()):
            errors["reason"] = ["filing (lưu) requires a reason: "
                                + ", ".join(rules.filing_reasons)]
        else:
            try:
                reason_code = rules.filing_reason(reason)
            except InvalidInput as error:
                errors.update(error.fields)
    elif reason is not None:
        errors["reason"] = ["a reason applies only to filing (lưu)"]
    target = forward_to.strip() if isinstance(forward_to, str) else forward_to
    if code == FORWARD:
        if not target or not isinstance(target, str):
            errors["forward_to"] = ["forwarding (chuyển) requires the body it is forwarded to"]
    elif target:
        errors["forward_to"] = ["a target body applies only to forwarding (chuyển)"]
    if errors:
        raise InvalidInput("invalid disposition: " + ", ".join(sorted(errors)), errors)

    warnings = []
    suggested_disposition = suggested_reason = None
    follow_up_due = handling_due = retain_until_day = None

    if code == FORWARD:
        forwards = [entry for done, entry in prior if done == FORWARD]
        if forwards:
            entry = forwards[0]
            when = entry.on.strftime("%d/%m/%Y") if entry.on else "earlier"
            raise _conflict(RULE_FORWARD_ONCE, (
                f"the same content was forwarded on {when} to {entry.forward_to or 'another body'};"
                " follow up that forward, or file this petition (reason: duplicate)"))
        if classification.anonymous_denunciation:
            warnings.append("an anonymous denunciation is forwarded as information only, not as a"
                            " denunciation (Luật Tố cáo 2018 Điều 25)")
        elif classification.filing_reasons:
            suggested_disposition, suggested_reason = FILE, classification.filing_reasons[0]
            warnings.append("the facts call for filing: "
                            + rules.filing_reasons[suggested_reason])
        follow_up_due = _calendar(calendar).add_working_days(
            today, rules.forward_followup_working_days)

    elif code == ACCEPT:
        if classification.anonymous_denunciation:
            raise _conflict(RULE_ANONYMOUS_DENUNCIATION,
                            "the denouncer's name or address is missing; file it (reason:"
                            " anonymous_denunciation)")
        if not classification.eligible:
            raise _conflict(RULE_ACCEPT_REQUIRES_ELIGIBLE,
                            "missing: " + ", ".join(classification.missing))
        if not classification.within_competence:
            raise _conflict(RULE_ACCEPT_REQUIRES_COMPETENCE,
                            "forward it to the competent body or guide the petitioner")
        if DENUNCIATION in classification.categories:
            handling_due = denunciation_due(today, rules=rules, calendar=calendar)

    elif code == GUIDE:
        if any(done == GUIDE for done, _entry in prior):
            suggested_disposition, suggested_reason = FILE, ALREADY_GUIDED
            warnings.append("the same content was already guided once: file it ("
                            + rules.filing_reasons[ALREADY_GUIDED] + ")")

    elif code == FILE:
        retain_until_day = retention_until(today, rules)
        if reason_code == ALREADY_GUIDED and not any(done == GUIDE for done, _entry in prior):
            warnings.append("no earlier guidance for this content is in the history")
        if reason_code == ANONYMOUS_DENUNCIATION and not classification.anonymous_denunciation:
            warnings.append("the petition is not an anonymous denunciation")

    return DispositionCheck(
        disposition=code,
        disposition_label=DISPOSITIONS[code],
        reason=reason_code,
        reason_label=rules.filing_reasons[reason_code] if reason_code else None,
        forward_to=target if code == FORWARD else None,
        classification=classification,
        follow_up_due=follow_up_due,
        handling_due=handling_due,
        retain_until=retain_until_day,
        warnings=tuple(warnings),
        suggested_disposition=suggested_disposition,
        suggested_reason=suggested_reason,
    )


# --------------------------------------------------------------------------------------------
# Statistics
# --------------------------------------------------------------------------------------------

_COUNTED = {ACCEPT: "accepted", ANSWER: "answered", GUIDE: "guided", FORWARD: "forwarded",
            FILE: "filed"}


def percent(count, total, decimals=0):
    """``count`` as a percentage of ``total``, rounded half up (27/195 → 14, 1/8 → 13);
    an int when ``decimals`` is 0; None when ``total`` is 0."""
    if not total:
        return None
    value = (Decimal(count) * 100 / Decimal(total)).quantize(Decimal(1).scaleb(-decimals),
                                                            rounding=ROUND_HALF_UP)
    return int(value) if decimals == 0 else float(value)


def _empty_counts():
    return {"received": 0, "handled": 0, "accepted": 0, "answered": 0, "guided": 0,
            "forwarded": 0, "filed": 0, "pending": 0}


def stats(petitions, rules=DEFAULT_RULES, decimals=0):
    """Counts of a period's petitions, shaped like seed 001's report.

    Each petition (Petition or mapping) counts once, by its current ``disposition``::

        {"received", "handled", "handled_percent", "accepted", "answered", "guided",
         "forwarded", "filed", "filed_percent", "pending",
         "by_category": {code: {"label", "received", "handled", "accepted", "answered",
                                "guided", "forwarded", "filed", "pending"}},
         "filed_by_reason": {reason code: count}}

    handled = accepted + answered + guided + forwarded (`HANDLED_DISPOSITIONS`); filed counts
    "lưu"; pending those without a disposition; received = handled + filed + pending.
    Percentages are of ``received``, rounded half up (see `percent`).  ``by_category`` has every
    configured category (zeros included), plus "unclassified" when some petition has none.
    """
    totals = _empty_counts()
    by_category = {code: {"label": label, **_empty_counts()}
                   for code, label in rules.categories.items()}
    filed_by_reason = {}
    for index, item in enumerate(petitions):
        petition = _as_petition(item)
        codes = []
        for value in petition.categories:
            code = rules.category(value, f"petitions[{index}].categories")
            if code not in codes:
                codes.append(code)
        category = (UNCLASSIFIED if not codes else codes[0] if len(codes) == 1 else MULTIPLE)
        if category not in by_category:
            by_category[category] = {"label": rules.category_label(category), **_empty_counts()}
        keys = ["received"]
        if petition.disposition is None:
            keys.append("pending")
        else:
            code = resolve_disposition(petition.disposition, f"petitions[{index}].disposition")
            keys.append(_COUNTED[code])
            if code in HANDLED_DISPOSITIONS:
                keys.append("handled")
            if code == FILE:
                reason = (rules.filing_reason(petition.filing_reason,
                                              f"petitions[{index}].filing_reason")
                          if petition.filing_reason else None)
                filed_by_reason[reason] = filed_by_reason.get(reason, 0) + 1
        for key in keys:
            totals[key] += 1
            by_category[category][key] += 1
    return {
        "received": totals["received"],
        "handled": totals["handled"],
        "handled_percent": percent(totals["handled"], totals["received"], decimals),
        "accepted": totals["accepted"],
        "answered": totals["answered"],
        "guided": totals["guided"],
        "forwarded": totals["forwarded"],
        "filed": totals["filed"],
        "filed_percent": percent(totals["filed"], totals["received"], decimals),
        "pending": totals["pending"],
        "by_category": by_category,
        "filed_by_reason": filed_by_reason,
    }


def _number(count):
    """A count as Vietnamese reports write it: two digits below 10 ("03"), "." for thousands."""
    return f"{count:02d}" if 0 < count < 10 else f"{count:,}".replace(",", ".")


def _percent_text(value):
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return text.replace(".", ",") + "%"


def _change(current, previous, previous_year):
    if previous is None:
        return ""
    difference = current - previous
    if difference == 0:
        return f" (bằng năm {previous_year})"
    word = "tăng" if difference > 0 else "giảm"
    return f" ({word} {_number(abs(difference))} đơn so với năm {previous_year})"


def stats_text(stats, year, office="Văn phòng", body=None, previous=None):
    """One Vietnamese sentence in the words of seed 001's report, e.g. for its numbers::

        Năm 2020, Văn phòng đã nhận được 195 đơn; đã tham mưu Đoàn ĐBQH xem xét 27 đơn, chiếm 14%
        (trong đó: ban hành 10 văn bản trả lời, 03 văn bản hướng dẫn công dân gửi đơn đến cơ quan
        có thẩm quyền giải quyết, chuyển đến các cơ quan có thẩm quyền giải quyết: 14 đơn); số đơn
        thư lưu, theo dõi là 168, chiếm 86%.

    ``stats``: the result of `stats`.  ``body``: whom the office advises ("Đoàn ĐBQH",
    "Thường trực HĐND"), left out when None.  ``previous``: last year's `stats`, to add
    "(tăng 81 đơn so với năm 2019)" to the received, forwarded and filed counts as the seed does.
    Zero items inside "trong đó" are left out; pending petitions are added at the end.
    """
    previous_year = year - 1
    prev = previous or {}

    def change(key):
        return _change(stats[key], prev.get(key), previous_year) if previous else ""

    def share(key):
        value = stats.get(f"{key}_percent")
        return f", chiếm {_percent_text(value)}" if value is not None else ""

    text = f"Năm {year}, {office} đã nhận được {_number(stats['received'])} đơn{change('received')}"
    parts = []
    if stats["accepted"]:
        parts.append(f"thụ lý giải quyết {_number(stats['accepted'])} đơn")
    if stats["answered"]:
        parts.append(f"ban hành {_number(stats['answered'])} văn bản trả lời")
    if stats["guided"]:
        parts.append(f"{_number(stats['guided'])} văn bản hướng dẫn công dân gửi đơn đến cơ quan"
                     " có thẩm quyền giải quyết")
    if stats["forwarded"]:
        parts.append("chuyển đến các cơ quan có thẩm quyền giải quyết: "
                     f"{_number(stats['forwarded'])} đơn{change('forwarded')}")
    advised = f" {body}" if body else ""
    text += (f"; đã tham mưu{advised} xem xét {_number(stats['handled'])} đơn{share('handled')}")
    if parts:
        text += " (trong đó: " + ", ".join(parts) + ")"
    text += (f"; số đơn thư lưu, theo dõi là {_number(stats['filed'])}{share('filed')}"
             f"{change('filed')}")
    if stats.get("pending"):
        text += f"; còn {_number(stats['pending'])} đơn đang xử lý"
    return text + "."
