"""parse_document: every field of a Vietnamese administrative text (or a news article)."""
from services.intake import doc_types
from services.intake.parsing.closing import read_closing
from services.intake.parsing.directives import find_directives
from services.intake.parsing.header import read_header
from services.intake.parsing.news import news_date, news_title
from services.intake.parsing.references import find_references
from services.intake.parsing.text import ensure_text, first_word_lower, split_lines


def parse_document(text):
    """The fields of a document as a JSON-ready dict (dates as "YYYY-MM-DD").

    Raises shared.errors.InvalidInput for empty or binary input.  Anything that looks wrong but
    can be read (a date that does not exist, a blank number) goes to "warnings".
    """
    text = ensure_text(text)
    lines = split_lines(text)
    warnings = []
    header = read_header(lines, warnings)
    closing = read_closing(lines, header.body_start)
    if is_administrative(header, closing):
        fields = administrative_fields(header, closing, lines, warnings)
    else:
        fields = news_fields(lines, warnings)
    fields["references"] = find_references("\n".join(lines), own_symbol(header), warnings)
    fields["warnings"] = list(dict.fromkeys(warnings))
    return fields


def is_administrative(header, closing):
    """A number, a national motto, or a type heading with a date, addressees or a Nơi nhận list."""
    if header.code or header.has_motto:
        return True
    return header.heading_index is not None and bool(
        header.issued_date or header.kinh_gui or closing.recipients or header.place)


def administrative_fields(header, closing, lines, warnings):
    code = header.code
    numbering_format = code.numbering_format if code else None
    doc_type = None if header.is_cong_van or header.type_name == "Công văn" else (
        doc_types.abbreviation_for(header.type_name, numbering_format) if header.type_name else None)
    check_header(header, doc_type, warnings)
    body = lines[header.body_start:closing.start]
    return {
        "is_administrative": True,
        "numbering_format": numbering_format,
        "code_number": code.number if code else None,
        "code_notation": code.notation if code else None,
        "organ_name": header.organ_name,
        "supervising_organ": header.supervising_organ,
        "place": header.place,
        "issued_date": header.issued_date,
        "type_name": header.type_name,
        "doc_type": doc_type,
        "subject": header.subject,
        "title": title_of(header.type_name, header.subject),
        "priority": header.priority,
        "secrecy": header.secrecy,
        "kinh_gui": header.kinh_gui,
        "recipients": closing.recipients,
        "signer_competence": closing.signer_competence,
        "signer_on_behalf_of": closing.signer_on_behalf_of,
        "signer_position": closing.signer_position,
        "signer_full_name": closing.signer_full_name,
        "directives": find_directives(body, header.issued_date, warnings),
    }


def check_header(header, doc_type, warnings):
    """Warnings for a blank number, a missing date, a type that disagrees with the notation."""
    code = header.code
    if code is None:
        warnings.append("number and notation (số, ký hiệu) not found")
    elif code.number is None:
        warnings.append("number (số) left blank")
    if header.issued_date is None and not any("date" in warning for warning in warnings):
        warnings.append("issued date not found")
    segment = code.type_segment if code else None
    if doc_type and segment and doc_types.type_name_for(segment, code.numbering_format) and segment != doc_type:
        warnings.append(f"type name '{header.type_name}' does not match notation '{code.notation}'")


def title_of(type_name, subject):
    if type_name and subject:
        return f"{type_name} {first_word_lower(subject)}"
    return type_name or subject


def news_fields(lines, warnings):
    return {
        "is_administrative": False,
        "numbering_format": None,
        "code_number": None,
        "code_notation": None,
        "organ_name": None,
        "supervising_organ": None,
        "place": None,
        "issued_date": news_date(lines, warnings),
        "type_name": None,
        "doc_type": None,
        "subject": None,
        "title": news_title(lines),
        "priority": None,
        "secrecy": None,
        "kinh_gui": [],
        "recipients": [],
        "signer_competence": None,
        "signer_on_behalf_of": None,
        "signer_position": None,
        "signer_full_name": None,
        "directives": [],
    }


def own_symbol(header):
    """The document's own "159/TB-VP" or "1103-KL/ĐUK", so it is not listed as a reference."""
    code = header.code
    if not code or not code.number:
        return None
    return f"{code.number}{'-' if code.numbering_format == doc_types.PARTY else '/'}{code.notation}"
