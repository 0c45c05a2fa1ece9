"""edXML (QCVN 102:2016/BTTTT, amended 2022): documents and status messages between agencies.

    from services.intake.channels.edxml import parse_edxml, build_status

    message = parse_edxml(raw_bytes)            # {"kind": "document" | "status", ...}
    reply = build_status(document_id=message["document_id"], from_organ=us,
                         to_organ=message["from"], timestamp=now_local())

Parsing goes through defusedxml only, with DTDs refused outright (so no entity expansion and no
external entity can happen).  Elements are matched by local name, so a file that leaves out the
namespace on some elements (the SDK's own samples write AttachmentEncoded and Signature in the
default namespace) reads the same.  Values that are present but wrong (an impossible date, an
unknown priority code) give None plus a line in `warnings`; a message that cannot be used at all
(not XML, DTD, wrong root, no MessageHeader, a broken or oversized attachment) raises
`InvalidInput`.  Times in edXML carry no zone: they are read as Asia/Ho_Chi_Minh.
"""
import base64
import binascii
import datetime
import hashlib
import re
from xml.etree.ElementTree import ParseError

import defusedxml
import defusedxml.ElementTree as safe_etree

from shared.errors import InvalidInput
from shared.timeutil import TIMEZONE

NAMESPACE = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
FIELD = "edxml"
ATTACHMENTS_FIELD = "attachments"
DEFAULT_MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024

# TraceHeaderList/Bussiness/BussinessDocType (QCVN 102:2016 amended 2022).
BUSINESS_ACTIONS = {0: "new", 1: "recall", 2: "update", 3: "replacement"}

# OtherInfo/Priority code -> urgency mark (độ khẩn).  UNCONFIRMED: no primary text was found for
# this code list; the mapping is the one a product in the field uses (DOMAIN.md section 2).
# Change it here if the national hub documents another one.
PRIORITY_NAMES = {0: "thường", 1: "khẩn", 2: "thượng khẩn", 3: "hỏa tốc"}

# MessageHeader/StatusCode of a status message.  Names of the codes the hub's samples show; the
# other codes in 01..16 are accepted without a name (no sample or primary text for them here).
STATUS_NAMES = {
    "01": "đã đến",
    "02": "từ chối",
    "03": "tiếp nhận",
    "04": "phân công",
    "05": "đang xử lý",
    "06": "hoàn thành",
    "13": "thu hồi",
    "15": "đồng ý cập nhật, lấy lại",
    "16": "từ chối cập nhật, lấy lại",
}
STATUS_CODES = {f"{number:02d}" for number in range(1, 17)}

# (edXML element, dict key) of an organisation block (From, To).
ORGAN_FIELDS = (
    ("OrganId", "organ_id"),
    ("OrganName", "organ_name"),
    ("OrganizationInCharge", "organization_in_charge"),
    ("OrganAdd", "organ_add"),
    ("Email", "email"),
    ("Telephone", "telephone"),
    ("Fax", "fax"),
    ("Website", "website"),
)
STAFF_FIELDS = (("Department", "department"), ("Staff", "staff"), ("Email", "email"),
                ("Mobile", "mobile"))

DATE_RE = re.compile(r"^(?P<year>\d{4})[/-](?P<month>\d{1,2})[/-](?P<day>\d{1,2})(?:[ T].*)?$")
TIMESTAMP_RE = re.compile(
    r"^(?P<year>\d{4})[/-](?P<month>\d{1,2})[/-](?P<day>\d{1,2})[ T]"
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?$")
# DocumentId: "<sender OrganId>,<yyyy/MM/dd>,<số>/<ký hiệu>"
DOCUMENT_ID_RE = re.compile(r"^(?P<organ_id>[^,]+),(?P<date>\d{4}/\d{1,2}/\d{1,2}),(?P<code>.+)$")
START_TAG_RE = re.compile(rb"<[A-Za-z_]")
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
WHITESPACE_RE = re.compile(r"\s+")
# Characters XML 1.0 does not allow in text (they would make the built message unreadable).
XML_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
UNSAFE_NAME_RE = re.compile(r"[\x00-\x1f\x7f]")


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------

def parse_edxml(data, max_attachment_bytes=DEFAULT_MAX_ATTACHMENT_BYTES):
    """The content of one edXML message as a plain dict (see the module docstring).

    `kind` is "status" when the MessageHeader carries a StatusCode, else "document".
    """
    warnings = []
    root = read_xml(data, warnings)
    header = message_header(root)
    if child(header, "StatusCode") is not None:
        return read_status(header, warnings)
    return read_document(root, header, max_attachment_bytes, warnings)


def read_xml(data, warnings):
    """The root element of `data`, parsed with defusedxml, junk before the XML dropped."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"parse_edxml needs bytes, not {type(data).__name__}")
    data = strip_leading_junk(bytes(data), warnings)
    try:
        root = safe_etree.fromstring(data, forbid_dtd=True, forbid_entities=True,
                                     forbid_external=True)
    except defusedxml.DTDForbidden:
        refuse("a DTD (<!DOCTYPE ...>) is not allowed in edXML")
    except defusedxml.EntitiesForbidden:
        refuse("entity declarations are not allowed in edXML")
    except defusedxml.ExternalReferenceForbidden:
        refuse("external references are not allowed in edXML")
    except defusedxml.DefusedXmlException as error:
        refuse(f"refused unsafe XML: {error}")
    except ParseError as error:
        refuse(f"not well-formed XML: {error}")
    if local_name(root.tag) != "edXML" or namespace(root.tag) not in (NAMESPACE, ""):
        refuse(f"root element is {root.tag!r}, expected edXML in {NAMESPACE}")
    return root


def strip_leading_junk(data, warnings):
    """`data` from its XML declaration (or else its first "<"); real files carry junk before it.

    The declaration counts only when nothing before it looks like a start tag, so a "<?xml"
    quoted inside the message never cuts it.
    """
    if not data.strip():
        refuse("empty input, expected an edXML message")
    if data.startswith(UTF16_BOMS):
        return data
    first_tag = data.find(b"<")
    if first_tag < 0:
        refuse("not XML: no '<' in the input")
    declaration = data.find(b"<?xml")
    start = first_tag
    if declaration >= 0 and START_TAG_RE.search(data, 0, declaration) is None:
        start = declaration
    if data[:start].strip():
        warnings.append(f"{start} bytes before the XML ignored")
    return data[start:]


def message_header(root):
    header = path(root, "edXMLEnvelope", "edXMLHeader", "MessageHeader")
    if header is None:
        refuse("no MessageHeader (edXML/edXMLEnvelope/edXMLHeader/MessageHeader)")
    return header


def read_status(header, warnings):
    organ = require_organ(header, "From")
    response = child(header, "ResponseFor")
    if response is None:
        refuse("status message without ResponseFor")
    code = status_code(text(header, "StatusCode"), warnings)
    return {
        "kind": "status",
        "from": organ,
        "response_for": read_response_for(response, warnings),
        "staff": read_staff(child(header, "StaffInfo")),
        "status_code": code,
        "status_name": STATUS_NAMES.get(code),
        "status_description": text(header, "Description"),
        "timestamp": parse_timestamp(text(header, "Timestamp"), "Timestamp", warnings),
        "warnings": warnings,
    }


def status_code(raw, warnings):
    """Two-digit status code ("1" -> "01"); an unknown one is kept as written, with a warning."""
    code = raw.zfill(2) if raw and raw.isdigit() else raw
    if code not in STATUS_CODES:
        warnings.append(f"StatusCode {raw!r} is not one of 01..16")
    return code


def read_document(root, header, max_attachment_bytes, warnings):
    organ = require_organ(header, "From")
    document_id = text(header, "DocumentId")
    if document_id is None:
        refuse("document message without DocumentId")
    check_document_id(document_id, "DocumentId", warnings)
    document = {
        "kind": "document",
        "document_id": document_id,
        "from": organ,
        "to": [read_organ(element) for element in children(header, "To")],
        "code_number": text(header, "Code", "CodeNumber"),
        "code_notation": text(header, "Code", "CodeNotation"),
        "place": text(header, "PromulgationInfo", "Place"),
        "issued_date": parse_date(
            text(header, "PromulgationInfo", "PromulgationDate"), "PromulgationDate", warnings),
        "doc_type_code": text(header, "DocumentType", "Type"),
        "type_detail": text(header, "DocumentType", "TypeDetail"),
        "type_name": text(header, "DocumentType", "TypeName"),
        "subject": text(header, "Subject"),
        "content": text(header, "Content"),
        "signer_competence": text(header, "SignerInfo", "Competence"),
        "signer_position": text(header, "SignerInfo", "Position"),
        "signer_full_name": text(header, "SignerInfo", "FullName"),
        "due_date": parse_date(text(header, "DueDate"), "DueDate", warnings),
        "steering_type": parse_int(text(header, "SteeringType"), "SteeringType", warnings),
        "to_places": texts(child(header, "ToPlaces"), "Place"),
        "response_for": [read_response_for(element, warnings)
                         for element in children(header, "ResponseFor")],
    }
    document.update(read_other_info(child(header, "OtherInfo"), warnings))
    business = read_business(root, document_id, warnings)
    document["business_doc_type"] = business["doc_type"]
    document["action"] = business["action"]
    document["business"] = business
    document["trace"] = read_trace(root, warnings)
    document["has_signature"] = path(root, "edXMLEnvelope", "edXMLHeader", "Signature") is not None
    document["attachments"] = read_attachments(root, max_attachment_bytes, warnings)
    document["warnings"] = warnings
    return document


def read_other_info(other, warnings):
    """Priority (code and name) and the rest of OtherInfo."""
    code = parse_int(text(other, "Priority"), "Priority", warnings)
    if code is not None and code not in PRIORITY_NAMES:
        warnings.append(f"Priority code {code} is not in the priority table")
    return {
        "priority_code": code,
        "priority": PRIORITY_NAMES.get(code),
        "other_info": {
            "sphere_of_promulgation": text(other, "SphereOfPromulgation"),
            "typer_notation": text(other, "TyperNotation"),
            "promulgation_amount": parse_int(
                text(other, "PromulgationAmount"), "PromulgationAmount", warnings),
            "page_amount": parse_int(text(other, "PageAmount"), "PageAmount", warnings),
            "direction": parse_bool(text(other, "Direction")),
            "appendixes": texts(child(other, "Appendixes"), "Appendix"),
        },
    }


def read_business(root, document_id, warnings):
    """TraceHeaderList/Bussiness: what the message does to a document, and to which one.

    `target_document_ids`: for a recall or an update, the message's own DocumentId (the sender
    re-sends the document it recalls or updates); for a replacement, the documents listed in
    ReplacementInfoList; for a new document, none.
    """
    business = path(root, "edXMLEnvelope", "edXMLHeader", "TraceHeaderList", "Bussiness")
    if business is None:
        warnings.append("no TraceHeaderList/Bussiness; taken as a new document")
        doc_type = 0
    else:
        doc_type = business_doc_type(text(business, "BussinessDocType"))
    replacements = read_replacements(child(business, "ReplacementInfoList"), warnings)
    business_id = text(business, "DocumentId")
    if business_id is not None:
        check_document_id(business_id, "Bussiness/DocumentId", warnings)
    return {
        "doc_type": doc_type,
        "action": BUSINESS_ACTIONS[doc_type],
        "reason": text(business, "BussinessDocReason"),
        "document_id": business_id,
        "paper": parse_int(text(business, "Paper"), "Paper", warnings),
        "staff": read_staff(child(business, "StaffInfo")),
        "document_info": read_business_document_info(
            child(business, "BussinessDocumentInfo"), warnings),
        "replacements": replacements,
        "target_document_ids": target_document_ids(doc_type, document_id, replacements),
    }


def business_doc_type(raw):
    """BussinessDocType as an int; a missing or unknown one cannot be acted on safely."""
    if raw is None:
        refuse("Bussiness without BussinessDocType")
    if not raw.isdigit() or int(raw) not in BUSINESS_ACTIONS:
        refuse(f"BussinessDocType {raw!r} is not one of 0 new, 1 recall, 2 update, 3 replacement")
    return int(raw)


def read_business_document_info(info, warnings):
    """BussinessDocumentInfo of an update: flags for what changed and the receivers concerned.

    The values are returned as written: their meanings (DocumentInfo / DocumentReceiver 0 or 1,
    ReceiverType 0 or 1) are not confirmed by a primary text.
    """
    if info is None:
        return None
    receivers = [
        {"organ_id": text(receiver, "OrganId"),
         "receiver_type": parse_int(text(receiver, "ReceiverType"), "ReceiverType", warnings)}
        for receiver in children(child(info, "ReceiverList"), "Receiver")
    ]
    return {
        "document_info": parse_int(text(info, "DocumentInfo"), "DocumentInfo", warnings),
        "document_receiver": parse_int(
            text(info, "DocumentReceiver"), "DocumentReceiver", warnings),
        "receivers": receivers,
    }


def read_replacements(replacement_list, warnings):
    replacements = []
    for info in children(replacement_list, "ReplacementInfo"):
        document_id = text(info, "DocumentId")
        if document_id is not None:
            check_document_id(document_id, "ReplacementInfo/DocumentId", warnings)
        replacements.append({"document_id": document_id,
                             "organ_ids": texts(child(info, "OrganIdList"), "OrganId")})
    return replacements


def target_document_ids(doc_type, document_id, replacements):
    if BUSINESS_ACTIONS[doc_type] in ("recall", "update"):
        return [document_id]
    if BUSINESS_ACTIONS[doc_type] == "replacement":
        return list(dict.fromkeys(item["document_id"] for item in replacements
                                  if item["document_id"]))
    return []


def read_trace(root, warnings):
    trace_list = path(root, "edXMLEnvelope", "edXMLHeader", "TraceHeaderList")
    return [
        {"organ_id": text(trace, "OrganId"),
         "timestamp": parse_timestamp(text(trace, "Timestamp"), "TraceHeader/Timestamp", warnings)}
        for trace in children(trace_list, "TraceHeader")
    ]


def read_response_for(response, warnings):
    document_id = text(response, "DocumentId")
    if document_id is not None:
        check_document_id(document_id, "ResponseFor/DocumentId", warnings)
    return {
        "organ_id": text(response, "OrganId"),
        "code": text(response, "Code"),
        "document_id": document_id,
        "promulgation_date": parse_date(
            text(response, "PromulgationDate"), "ResponseFor/PromulgationDate", warnings),
    }


def require_organ(header, name):
    element = child(header, name)
    if element is None or text(element, "OrganId") is None:
        refuse(f"MessageHeader has no {name}/OrganId")
    return read_organ(element)


def read_organ(element):
    return {key: text(element, tag) for tag, key in ORGAN_FIELDS}


def read_staff(element):
    if element is None:
        return None
    return {key: text(element, tag) for tag, key in STAFF_FIELDS}


# --- attachments ------------------------------------------------------------------------------

def read_attachments(root, max_bytes, warnings):
    """Every AttachmentEncoded/Attachment decoded, described from itself or the manifest."""
    manifest = read_manifest(root)
    attachments = []
    encoded_ids = set()
    for index, element in enumerate(children(child(root, "AttachmentEncoded"), "Attachment"), 1):
        content_id = text(element, "ContentId")
        encoded_ids.add(content_id)
        listed = manifest.get(content_id, {})
        written_name = (text(element, "AttachmentName") or listed.get("AttachmentName")
                        or content_id or f"attachment-{index}")
        file_name = safe_file_name(written_name, index, warnings)
        data = decode_attachment(text(element, "ContentTransferEncoded"), file_name, max_bytes)
        attachments.append({
            "file_name": file_name,
            "content_type": text(element, "ContentType") or listed.get("ContentType"),
            "description": text(element, "Description") or listed.get("Description"),
            "content_id": content_id,
            "data": data,
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        })
    for content_id in manifest.keys() - encoded_ids:
        warnings.append(f"manifest lists {content_id!r} but no encoded attachment carries it")
    return attachments


def read_manifest(root):
    """ContentId -> {ContentType, Description, AttachmentName} from edXMLBody/edXMLManifest."""
    manifest = path(root, "edXMLEnvelope", "edXMLBody", "edXMLManifest")
    return {
        text(reference, "ContentId"): {
            tag: text(reference, tag) for tag in ("ContentType", "Description", "AttachmentName")}
        for reference in children(manifest, "Reference")
    }


def decode_attachment(encoded, file_name, max_bytes):
    """The bytes of a base64 attachment, refused when broken or larger than `max_bytes`."""
    compact = WHITESPACE_RE.sub("", encoded or "")
    padding = len(compact) - len(compact.rstrip("="))
    if len(compact) // 4 * 3 - padding > max_bytes:
        refuse_attachment(file_name, f"larger than the limit of {max_bytes} bytes")
    try:
        data = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        refuse_attachment(file_name, "its base64 content is broken")
    if len(data) > max_bytes:
        refuse_attachment(file_name, f"larger than the limit of {max_bytes} bytes")
    return data


def safe_file_name(name, index, warnings):
    """The last path part of `name` without control characters (never a path to write to)."""
    cleaned = UNSAFE_NAME_RE.sub("", re.split(r"[/\\]", name)[-1]).strip()
    if cleaned in ("", ".", ".."):
        cleaned = f"attachment-{index}"
    if cleaned != name:
        warnings.append(f"attachment name {name!r} stored as {cleaned!r}")
    return cleaned


def refuse_attachment(file_name, problem):
    message = f"attachment '{file_name}': {problem}"
    raise InvalidInput(message, {ATTACHMENTS_FIELD: [message]})


# --- values -----------------------------------------------------------------------------------

def parse_date(raw, field, warnings):
    """ISO date of an edXML date (yyyy/MM/dd); None with a warning when it is not a real date."""
    if raw is None:
        return None
    match = DATE_RE.match(raw)
    if match is None:
        warnings.append(f"{field} {raw!r} is not a date (yyyy/MM/dd); left empty")
        return None
    try:
        return datetime.date(int(match["year"]), int(match["month"]), int(match["day"])).isoformat()
    except ValueError:
        warnings.append(f"{field} {raw!r} does not exist; left empty")
        return None


def parse_timestamp(raw, field, warnings):
    """ISO date-time (Asia/Ho_Chi_Minh) of "yyyy/MM/dd HH:mm:ss"; None with a warning if wrong."""
    if raw is None:
        return None
    match = TIMESTAMP_RE.match(raw)
    if match is None:
        warnings.append(f"{field} {raw!r} is not a time (yyyy/MM/dd HH:mm:ss); left empty")
        return None
    try:
        moment = datetime.datetime(
            int(match["year"]), int(match["month"]), int(match["day"]), int(match["hour"]),
            int(match["minute"]), int(match["second"] or 0), tzinfo=TIMEZONE)
    except ValueError:
        warnings.append(f"{field} {raw!r} does not exist; left empty")
        return None
    return moment.isoformat()


def parse_int(raw, field, warnings):
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        warnings.append(f"{field} {raw!r} is not a number; left empty")
        return None


def parse_bool(raw):
    if raw is None:
        return None
    return raw.strip().lower() in ("true", "1")


def split_document_id(document_id):
    """(organ_id, "yyyy/MM/dd", "số/ký hiệu") of an edXML DocumentId, or None if malformed."""
    match = DOCUMENT_ID_RE.match(document_id or "")
    if match is None:
        return None
    return match["organ_id"].strip(), match["date"], match["code"].strip()


def check_document_id(document_id, field, warnings):
    """Warn when a DocumentId is not "<OrganId>,<yyyy/MM/dd>,<số/ký hiệu>" or its date is unreal."""
    parts = split_document_id(document_id)
    if parts is None:
        warnings.append(f"{field} {document_id!r} is not '<OrganId>,<yyyy/MM/dd>,<số/ký hiệu>'")
        return
    parse_date(parts[1], f"{field} date", warnings)


# --- XML access -------------------------------------------------------------------------------

def local_name(tag):
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def namespace(tag):
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def child(element, name):
    """First child of `element` whose local name is `name` (None-safe)."""
    if element is None:
        return None
    for item in element:
        if local_name(item.tag) == name:
            return item
    return None


def children(element, name):
    if element is None:
        return []
    return [item for item in element if local_name(item.tag) == name]


def path(element, *names):
    for name in names:
        element = child(element, name)
    return element


def text(element, *names):
    """Stripped text at `names` under `element`; None when missing or blank."""
    target = path(element, *names)
    if target is None or target.text is None:
        return None
    value = target.text.strip()
    return value or None


def texts(element, name):
    return [value for value in (text(item) for item in children(element, name)) if value]


def refuse(reason):
    raise InvalidInput(f"invalid edXML message: {reason}", {FIELD: [reason]})


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------

def build_status(*, document_id, from_organ, to_organ, status_code="01", description="Đã đến",
                 staff_name=None, timestamp, staff_department=None, staff_email=None,
                 staff_mobile=None, code=None, promulgation_date=None):
    """A status message (UTF-8 bytes) answering `document_id`, shaped like the hub's samples.

    `from_organ` is the office answering, `to_organ` the one that sent the document (its OrganId
    goes into ResponseFor).  Code and PromulgationDate default to the parts of `document_id`.
    A naive `timestamp` is taken as Asia/Ho_Chi_Minh time; an aware one is converted to it.
    """
    problems = status_problems(document_id, from_organ, to_organ, status_code, timestamp)
    if problems:
        raise InvalidInput("cannot build the edXML status message", problems)
    code_value = str(status_code).zfill(2)
    parts = split_document_id(document_id) or ("", "", "")
    header = ("MessageHeader", [
        ("From", organ_elements(from_organ)),
        ("ResponseFor", [
            ("OrganId", to_organ["organ_id"]),
            ("Code", code if code is not None else parts[2]),
            ("PromulgationDate", edxml_date(promulgation_date) or parts[1]),
            ("DocumentId", document_id),
        ]),
        ("StaffInfo", [
            ("Department", staff_department),
            ("Staff", staff_name),
            ("Mobile", staff_mobile),
            ("Email", staff_email),
        ]),
        ("StatusCode", code_value),
        ("Description", description),
        ("Timestamp", edxml_timestamp(timestamp)),
    ])
    envelope = ("edXMLEnvelope", [("edXMLHeader", [header])])
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<edXML xmlns="{NAMESPACE}">',
             f'  <edXML:edXMLEnvelope xmlns:edXML="{NAMESPACE}">']
    for item in envelope[1]:
        lines.extend(render_element(item, depth=2))
    lines.extend(["  </edXML:edXMLEnvelope>", "</edXML>", ""])
    return "\n".join(lines).encode("utf-8")


def status_problems(document_id, from_organ, to_organ, status_code, timestamp):
    """Field -> messages for the arguments build_status cannot use."""
    problems = {}
    if not (isinstance(document_id, str) and document_id.strip()):
        problems["document_id"] = ["required"]
    if not (isinstance(from_organ, dict) and from_organ.get("organ_id")
            and from_organ.get("organ_name")):
        problems["from_organ"] = ["needs organ_id and organ_name"]
    if not (isinstance(to_organ, dict) and to_organ.get("organ_id")):
        problems["to_organ"] = ["needs organ_id"]
    if str(status_code).zfill(2) not in STATUS_CODES:
        problems["status_code"] = [f"{status_code!r} is not one of 01..16"]
    if not isinstance(timestamp, datetime.datetime):
        problems["timestamp"] = ["needs a datetime"]
    return problems


def organ_elements(organ):
    values = dict(organ)
    values["organization_in_charge"] = organ.get("organization_in_charge") or organ["organ_name"]
    order = ("organ_id", "organ_name", "organization_in_charge", "organ_add", "email",
             "telephone", "fax", "website")
    tags = dict((key, tag) for tag, key in ORGAN_FIELDS)
    return [(tags[key], values.get(key)) for key in order]


def edxml_timestamp(moment):
    if moment.tzinfo is not None:
        moment = moment.astimezone(TIMEZONE)
    return moment.strftime("%Y/%m/%d %H:%M:%S")


def edxml_date(value):
    """yyyy/MM/dd of a date, an ISO string or an edXML date string; None stays None."""
    if value is None:
        return None
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.strftime("%Y/%m/%d")
    return str(value).replace("-", "/")


def render_element(item, depth):
    """Lines of `(tag, text | [children])` with the edXML: prefix, indented two spaces a level."""
    tag, content = item
    indent = "  " * depth
    if isinstance(content, list):
        lines = [f"{indent}<edXML:{tag}>"]
        for sub in content:
            lines.extend(render_element(sub, depth + 1))
        lines.append(f"{indent}</edXML:{tag}>")
        return lines
    return [f"{indent}<edXML:{tag}>{xml_text(content)}</edXML:{tag}>"]


def xml_text(value):
    if value is None:
        return ""
    cleaned = XML_ILLEGAL_RE.sub("", str(value))
    return cleaned.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
