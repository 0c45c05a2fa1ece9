"""Document types and their abbreviations.

State documents: Nghị định 30/2020/NĐ-CP, Phụ lục III ("Bảng chữ viết tắt tên loại văn bản"),
then the legal normative types whose ký hiệu carries an abbreviation (Nghị định NĐ, Thông tư TT).
Party documents: the types of the Party's document rules (Hướng dẫn 36-HD/VPTW), where they
differ from the state table (for example Kết luận KL, Thông tri TT, and Quy định written QĐ).

`abbreviation_for("Thông báo")` → "TB"; `type_name_for("TB")` → "Thông báo".  Công văn and Thư
công have no abbreviation (their ký hiệu is issuer + drafting unit), so both give None.
Lookups ignore case, extra spaces and the old/new placement of tone marks ("thoả" = "thỏa").
"""
import re
import unicodedata

STATE = "state"
PARTY = "party"

# Phụ lục III, in the decree's order.  None: the type has no abbreviation.
STATE_TYPES = (
    ("Nghị quyết", "NQ"),
    ("Quyết định", "QĐ"),
    ("Chỉ thị", "CT"),
    ("Quy chế", "QC"),
    ("Quy định", "QyĐ"),
    ("Thông cáo", "TC"),
    ("Thông báo", "TB"),
    ("Hướng dẫn", "HD"),
    ("Chương trình", "CTr"),
    ("Kế hoạch", "KH"),
    ("Phương án", "PA"),
    ("Đề án", "ĐA"),
    ("Dự án", "DA"),
    ("Báo cáo", "BC"),
    ("Biên bản", "BB"),
    ("Tờ trình", "TTr"),
    ("Hợp đồng", "HĐ"),
    ("Công văn", None),
    ("Công điện", "CĐ"),
    ("Bản ghi nhớ", "BGN"),
    ("Bản thỏa thuận", "BTT"),
    ("Giấy ủy quyền", "GUQ"),
    ("Giấy mời", "GM"),
    ("Giấy giới thiệu", "GGT"),
    ("Giấy nghỉ phép", "GNP"),
    ("Phiếu gửi", "PG"),
    ("Phiếu chuyển", "PC"),
    ("Phiếu báo", "PB"),
    ("Thư công", None),
    # copies (bản sao)
    ("Bản sao y", "SY"),
    ("Bản trích sao", "TrS"),
    ("Bản sao lục", "SL"),
)

# Legal normative documents (Luật Ban hành văn bản quy phạm pháp luật) whose ký hiệu carries a
# type abbreviation: "Số: 30/2020/NĐ-CP", "Số: 01/2011/TT-BNV".  Searched after Phụ lục III.
LEGAL_TYPES = (
    ("Nghị định", "NĐ"),
    ("Thông tư", "TT"),
    ("Thông tư liên tịch", "TTLT"),
    ("Nghị quyết liên tịch", "NQLT"),
)

# Party documents (Hướng dẫn 36-HD/VPTW).  Công văn of the Party carries "CV" in its ký hiệu.
PARTY_TYPES = (
    ("Nghị quyết", "NQ"),
    ("Quyết định", "QĐ"),
    ("Chỉ thị", "CT"),
    ("Kết luận", "KL"),
    ("Quy chế", "QC"),
    ("Quy định", "QĐ"),
    ("Thông tri", "TT"),
    ("Hướng dẫn", "HD"),
    ("Báo cáo", "BC"),
    ("Kế hoạch", "KH"),
    ("Chương trình", "CTr"),
    ("Thông báo", "TB"),
    ("Thông cáo", "TC"),
    ("Tờ trình", "TTr"),
    ("Đề án", "ĐA"),
    ("Biên bản", "BB"),
    ("Công văn", "CV"),
    ("Giấy mời", "GM"),
    ("Giấy giới thiệu", "GGT"),
)

# Old-style tone placement (hoà, thoả, uỷ) folded onto the new style (hòa, thỏa, ủy) for keys.
_TONE_PLACEMENT = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}
_TONE_RE = re.compile("|".join(_TONE_PLACEMENT))


def name_key(text):
    """A comparison key: NFC, lower case, one space, tone marks in one placement."""
    text = unicodedata.normalize("NFC", text or "").lower()
    text = _TONE_RE.sub(lambda match: _TONE_PLACEMENT[match.group(0)], text)
    return " ".join(text.split())


# The key of every type name in the tables, computed once.
_NAME_KEYS = {name: name_key(name) for name, _ in STATE_TYPES + LEGAL_TYPES + PARTY_TYPES}


def _own_tables(numbering_format):
    """The tables of a numbering system; every table, state first, when it is not known."""
    if numbering_format == PARTY:
        return (PARTY_TYPES,)
    if numbering_format == STATE:
        return (STATE_TYPES, LEGAL_TYPES)
    return (STATE_TYPES, LEGAL_TYPES, PARTY_TYPES)


def _tables(numbering_format):
    """Every table, the document's own system first."""
    own = _own_tables(numbering_format)
    return own + tuple(table for table in (STATE_TYPES, LEGAL_TYPES, PARTY_TYPES) if table not in own)


def canonical_type_name(name, numbering_format=None):
    """The table's spelling of a type name ("THÔNG BÁO" → "Thông báo"), or None if unknown."""
    key = name_key(name)
    for table in _tables(numbering_format):
        for type_name, _abbreviation in table:
            if _NAME_KEYS[type_name] == key:
                return type_name
    return None


def abbreviation_for(type_name, numbering_format=None):
    """The abbreviation of a type name ("Báo cáo" → "BC"); None for Công văn, Thư công, unknown."""
    key = name_key(type_name)
    if numbering_format != PARTY and key in (name_key("Công văn"), name_key("Thư công")):
        return None
    for table in _tables(numbering_format):
        for name, abbreviation in table:
            if _NAME_KEYS[name] == key:
                return abbreviation
    return None


def type_name_for(abbreviation, numbering_format=None):
    """The type name of an abbreviation ("TTr" → "Tờ trình"), or None.  Case matters: "CTr" ≠ "CT".

    Only the tables of the given numbering system are searched ("TT" is a state Thông tư but a
    Party Thông tri).
    """
    abbreviation = unicodedata.normalize("NFC", abbreviation or "")
    for table in _own_tables(numbering_format):
        for name, table_abbreviation in table:
            if table_abbreviation == abbreviation:
                return name
    return None


def known_type_names():
    """Every type name of both tables, longest first (so "Bản sao y" is tried before "Bản")."""
    names = {name for name, _ in STATE_TYPES + LEGAL_TYPES + PARTY_TYPES}
    return sorted(names, key=len, reverse=True)
