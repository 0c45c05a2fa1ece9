"""The email channel of intake: read one RFC 5322 message, and poll an IMAP mailbox.

Framework-free: no nameko, no database.  `parse_email` turns the raw bytes of a mail into plain
fields (sender, subject, body as text, attachments with checksums) and says in `warnings` what it
had to guess or repair; it refuses only what cannot be a mail or carries nothing.  `ImapPoller`
takes each new mail of a mailbox once, in UID order, remembering the last UID handled per
(account, mailbox, UIDVALIDITY) in a state object with `get(key)` / `set(key, uid)`.

The poller uses the standard library's `imaplib`: it needs five commands (LOGIN, SELECT or
EXAMINE, UID SEARCH, UID FETCH, UID STORE), so a further dependency would buy nothing.
"""
import base64
import codecs
import email
import email.errors
import email.header
import email.policy
import email.utils
import hashlib
import html
import imaplib
import logging
import mimetypes
import re
import socket
import ssl as ssl_module
import threading
import unicodedata
from html.parser import HTMLParser

from services.intake.extraction import DEFAULT_LIMITS, cut_text
from shared.errors import InvalidInput, Unavailable

log = logging.getLogger("vanphong.intake.email")

DEFAULT_MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
# A mail is fetched only up to this size (RFC822.SIZE, asked first): a mail server takes mail
# from anyone, and 100 attachments at the attachment limit are already ~30 MB of base64.
DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024

# A mail always carries some of these (RFC 5322 requires From and Date); bytes whose parsed
# headers include none of them are not a mail.
_KNOWN_HEADERS = frozenset((
    "from", "sender", "reply-to", "to", "cc", "date", "subject", "message-id", "mime-version",
    "content-type", "received", "return-path", "delivered-to"))
_ENCODED_WORD_CHARSET = re.compile(r"=\?([^?*\s]+)(?:\*[^?]*)?\?[bBqQ]\?", re.ASCII)
_BOUNDARY_PARAMETER = re.compile(rb'boundary\s*=\s*(?:"([^"\r\n]{1,200})"|([^\s;"]{1,200}))', re.I)
_DELIMITER_LINE = re.compile(rb"^--([^\r\n]{1,202})", re.M)

_DEFECT_TEXT = {
    email.errors.CloseBoundaryNotFoundDefect:
        "the closing MIME boundary is missing; the message may be truncated",
    email.errors.StartBoundaryNotFoundDefect:
        "the MIME boundary announced in Content-Type never appears",
    email.errors.NoBoundaryInMultipartDefect:
        "a multipart part declares no boundary",
    email.errors.FirstHeaderLineIsContinuationDefect:
        "the first header line is a continuation line",
    email.errors.MisplacedEnvelopeHeaderDefect:
        "an envelope 'From ' line sits among the headers",
    email.errors.MissingHeaderBodySeparatorDefect:
        "a line that is not a header ends the headers without a blank line",
    email.errors.MultipartInvariantViolationDefect:
        "a part declared multipart holds no sub-parts",
    email.errors.InvalidMultipartContentTransferEncodingDefect:
        "a multipart part declares a content transfer encoding it may not have",
    email.errors.UndecodableBytesDefect:
        "non-ASCII bytes in a header",
    email.errors.InvalidBase64PaddingDefect:
        "base64 data with wrong padding",
    email.errors.InvalidBase64CharactersDefect:
        "base64 data with invalid characters",
    email.errors.InvalidBase64LengthDefect:
        "base64 data of an impossible length",
}


# --------------------------------------------------------------------------- parse_email

def parse_email(raw, max_attachment_bytes=DEFAULT_MAX_ATTACHMENT_BYTES, limits=DEFAULT_LIMITS):
    """The fields of one raw RFC 5322 message.

    Returns a dict with `message_id`, `from_address`, `from_name`, `to` (addresses), `date`
    (ISO 8601 or None), `subject`, `body` (plain text), `attachments` (each `file_name`,
    `content_type`, `data`, `size`, `sha256`) and `warnings` (what was repaired or guessed).
    Raises `InvalidInput` for input that is not a mail (field `message`), for a mail with
    neither body nor attachments (`message`), for attachments over `max_attachment_bytes`
    (`attachment`, one entry per file), and for more attachments (or MIME parts) than
    ``limits`` allow (`attachments`).  A body longer than the text limit of a document is cut,
    with a warning.
    """
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogateescape")
    elif isinstance(raw, (bytearray, memoryview)):
        raw = bytes(raw)
    if not isinstance(raw, bytes):
        raise InvalidInput("an email must be given as bytes",
                           {"message": [f"expected bytes, got {type(raw).__name__}"]})
    if not raw.strip():
        raise InvalidInput("the email is empty", {"message": ["empty input"]})
    _refuse_too_many_parts(raw, limits)
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
    except RecursionError:
        raise InvalidInput("the email cannot be read",
                           {"message": ["MIME parts nested too deeply"]}) from None
    names = {name.lower() for name in msg.keys()}
    if not names & _KNOWN_HEADERS:
        raise InvalidInput("the input is not an email message",
                           {"message": ["no email headers (From, Date, Subject, ...) found"]})

    warnings = []
    result = {
        "message_id": _message_id(msg, warnings),
        "from_address": None,
        "from_name": None,
        "to": _addresses(msg, "To", warnings),
        "date": _date(msg, warnings),
        "subject": _text_header(msg, "Subject", warnings),
    }
    senders = _addresses(msg, "From", warnings, with_names=True)
    if senders:
        result["from_address"], result["from_name"] = senders[0]
    else:
        warnings.append("From: no sender address")

    collector = _PartCollector(warnings, limits.attachments_per_document)
    collector.collect(msg)
    body = cut_text(collector.body(), limits.text_chars_per_document, "the e-mail body", warnings)
    attachments = collector.attachments

    too_large = [f"{item['file_name']}: {item['size']} bytes, limit {max_attachment_bytes} bytes"
                 for item in attachments if item["size"] > max_attachment_bytes]
    if too_large:
        raise InvalidInput("an attachment is too large", {"attachment": too_large})
    if not body.strip() and not attachments:
        raise InvalidInput("the email has neither a body nor attachments",
                           {"message": ["no text body and no attachment"]})

    result["body"] = body
    result["attachments"] = attachments
    result["warnings"] = _unique(warnings)
    return result


def _refuse_too_many_parts(raw, limits):
    """Count the MIME parts from the raw bytes before parsing: the parser builds every part,
    and a mail of 20,000 tiny parts takes it seconds and hundreds of megabytes."""
    boundaries = {match.group(1) or match.group(2) for match in _BOUNDARY_PARAMETER.finditer(raw)}
    if not boundaries:
        return
    parts = sum(1 for match in _DELIMITER_LINE.finditer(raw)
                if match.group(1).rstrip() in boundaries)
    if parts > limits.mime_parts:
        raise InvalidInput("the email has too many parts", {"attachments": [
            f"{parts:,} MIME parts; the limit is {limits.mime_parts:,}"]})


def _too_many_attachments(limit):
    return InvalidInput("the email has too many attachments", {"attachments": [
        f"more than {limit:,} attachments"]})


def _unique(items):
    seen, out = set(), []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def _clean_text(value):
    """Repair raw 8-bit bytes carried as surrogates (undeclared UTF-8) and compose accents."""
    if value is None:
        return None
    value = str(value)
    if any("\udc80" <= ch <= "\udcff" for ch in value):
        value = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return unicodedata.normalize("NFC", value)


def _defect_text(defect):
    text = _DEFECT_TEXT.get(type(defect))
    detail = str(defect)
    if text and detail and detail != text:
        return f"{text} ({detail})"
    return text or detail or type(defect).__name__


def _raw_header(msg, name):
    for key, value in msg.raw_items():
        if key.lower() == name.lower():
            return value
    return None


def _header(msg, name, warnings):
    """The parsed header object (or None); a header the library cannot parse becomes None."""
    try:
        header = msg[name]
    except Exception as exc:  # the email package still raises on some malformed headers
        warnings.append(f"{name}: could not be parsed ({exc.__class__.__name__}: {exc})")
        return None
    if header is not None:
        for defect in getattr(header, "defects", ()):
            warnings.append(f"{name}: {_defect_text(defect)}")
    return header


def _charset_warnings(name, raw_value, warnings):
    for charset in _ENCODED_WORD_CHARSET.findall(raw_value or ""):
        try:
            codecs.lookup(charset)
        except LookupError:
            warnings.append(f"{name}: unknown charset {charset!r} in an encoded word; "
                            "decoded as UTF-8 where possible")


def _text_header(msg, name, warnings):
    raw_value = _raw_header(msg, name)
    if raw_value is None:
        warnings.append(f"{name}: missing")
        return None
    _charset_warnings(name, raw_value, warnings)
    header = _header(msg, name, warnings)
    value = str(header) if header is not None else _decode_words(raw_value, name, warnings)
    value = _clean_text(value)
    if "\ufffd" in value:
        warnings.append(f"{name}: some characters could not be decoded")
    return " ".join(value.split())


def _decode_words(value, name, warnings):
    """RFC 2047 decoding without the header registry (fallback and for parameters)."""
    if "=?" not in value:
        return value
    try:
        parts = []
        for chunk, charset in email.header.decode_header(value):
            if isinstance(chunk, str):
                parts.append(chunk)
                continue
            try:
                parts.append(chunk.decode(charset or "ascii"))
            except (LookupError, UnicodeDecodeError):
                warnings.append(f"{name}: text in charset {charset!r} decoded as UTF-8")
                parts.append(chunk.decode("utf-8", "replace"))
        return "".join(parts)
    except (email.errors.HeaderParseError, ValueError) as exc:
        warnings.append(f"{name}: encoded words could not be decoded ({exc})")
        return value


def _message_id(msg, warnings):
    raw_value = _raw_header(msg, "Message-ID")
    if raw_value is None:
        warnings.append("Message-ID: missing")
        return None
    value = " ".join(_clean_text(raw_value).split())
    return value or None


def _addresses(msg, name, warnings, with_names=False):
    if _raw_header(msg, name) is None:
        return []
    header = _header(msg, name, warnings)
    found = []
    if header is not None and hasattr(header, "addresses"):
        try:
            for address in header.addresses:
                if address.addr_spec and address.addr_spec != "<>":
                    found.append((_clean_text(address.addr_spec),
                                  _clean_text(address.display_name) or None))
        except Exception as exc:
            warnings.append(f"{name}: could not be parsed ({exc.__class__.__name__})")
            found = []
    if not found:  # fall back to the lenient parser of email.utils
        raw_values = [value for key, value in msg.raw_items() if key.lower() == name.lower()]
        for display, addr in email.utils.getaddresses([_clean_text(v) for v in raw_values]):
            if addr:
                found.append((addr, _clean_text(_decode_words(display, name, warnings)) or None))
    if with_names:
        return found
    return [addr for addr, _ in found]


def _date(msg, warnings):
    raw_value = _raw_header(msg, "Date")
    if raw_value is None:
        warnings.append("Date: missing")
        return None
    header = _header(msg, "Date", [])  # an invalid date gets one warning, below
    moment = getattr(header, "datetime", None) if header is not None else None
    if moment is None:
        try:
            moment = email.utils.parsedate_to_datetime(raw_value)
        except (TypeError, ValueError, IndexError):
            moment = None
    if moment is None:
        warnings.append(f"Date: {raw_value.strip()!r} is not a date")
        return None
    return moment.isoformat()


class _PartCollector:
    """Walks the MIME tree: text parts for the body, everything else as attachments."""

    def __init__(self, warnings, max_attachments):
        self.warnings = warnings
        self.max_attachments = max_attachments
        self.plain = []
        self.html = []
        self.attachments = []

    MAX_DEPTH = 20

    def collect(self, part, path="message", depth=0):
        for defect in part.defects:
            self.warnings.append(f"{path}: {_defect_text(defect)}")
        if depth > self.MAX_DEPTH:
            self.warnings.append(f"{path}: MIME parts nested deeper than {self.MAX_DEPTH} "
                                 "levels were left out")
            return
        content_type = part.get_content_type()
        if part.get_content_maintype() == "message":  # a forwarded mail: one attachment
            self._attach(part, path, data=self._message_bytes(part, path))
            return
        if part.is_multipart():
            payload = part.get_payload()
            if isinstance(payload, list):
                for index, child in enumerate(payload, 1):
                    self.collect(child, f"{path}/part {index}", depth + 1)
            return
        if part.get_content_maintype() == "multipart":  # no usable boundary: keep it as text
            self.warnings.append(f"{path}: multipart without parts; read as plain text")
            text = self._text(part, path)
            if text.strip():
                self.plain.append(text)
            return
        disposition = part.get_content_disposition()
        if content_type in ("text/plain", "text/html") and disposition != "attachment" \
                and not part.get_filename():
            text = self._text(part, path)
            if text.strip():
                (self.plain if content_type == "text/plain" else self.html).append(text)
            return
        self._attach(part, path)

    def body(self):
        if self.plain:
            return "\n\n".join(text.strip("\n") for text in self.plain).strip()
        if self.html:
            return "\n\n".join(html_to_text(text) for text in self.html).strip()
        return ""

    def _payload_bytes(self, part, path):
        try:
            data = part.get_payload(decode=True)
        except Exception as exc:
            self.warnings.append(f"{path}: the content could not be decoded ({exc})")
            data = None
        if data is None:
            payload = part.get_payload()
            data = payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else b""
        for defect in part.defects:  # decoding may record new defects (bad base64 ...)
            text = f"{path}: {_defect_text(defect)}"
            if text not in self.warnings:
                self.warnings.append(text)
        return data

    def _text(self, part, path):
        data = self._payload_bytes(part, path)
        declared = part.get_content_charset()
        if declared:
            try:
                text = data.decode(declared)
            except LookupError:
                self.warnings.append(f"{path}: unknown charset {declared!r}; decoded as UTF-8")
                text = self._as_utf8(data, path)
            except UnicodeDecodeError:
                self.warnings.append(
                    f"{path}: the text is not valid {declared!r} as declared; decoded as UTF-8")
                text = self._as_utf8(data, path)
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                self.warnings.append(f"{path}: no charset declared and the text is not UTF-8")
                text = data.decode("utf-8", "replace")
        return unicodedata.normalize("NFC", text.replace("\r\n", "\n"))

    def _as_utf8(self, data, path):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            self.warnings.append(f"{path}: undecodable bytes replaced by U+FFFD")
            return data.decode("utf-8", "replace")

    def _message_bytes(self, part, path):
        payload = part.get_payload()
        if not isinstance(payload, list) or not payload:
            return self._payload_bytes(part, path)
        try:  # message/rfc822 holds one message; delivery-status holds blocks of headers
            return b"".join(inner.as_bytes(policy=email.policy.default) for inner in payload)
        except Exception as exc:
            self.warnings.append(f"{path}: the attached message could not be re-encoded ({exc})")
            return b""

    def _attach(self, part, path, data=None):
        if len(self.attachments) >= self.max_attachments:
            raise _too_many_attachments(self.max_attachments)
        if data is None:
            data = self._payload_bytes(part, path)
        content_type = part.get_content_type()
        number = len(self.attachments) + 1
        name = self._file_name(part, path)
        if not name and content_type == "message/rfc822":
            name = self._forwarded_name(part)
        if not name:
            extension = mimetypes.guess_extension(content_type) or ".bin"
            name = f"attachment-{number}{extension}"
        self.attachments.append({
            "file_name": name,
            "content_type": content_type,
            "data": data,
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        })

    @staticmethod
    def _forwarded_name(part):
        """'<subject>.eml' for a forwarded mail, slashes of '12/UBND' kept as '_'."""
        payload = part.get_payload()
        try:
            subject = _clean_text(payload[0].get("Subject", "")) if payload else ""
        except Exception:
            subject = ""
        subject = _safe_file_name(re.sub(r"[\\/]", "_", " ".join(subject.split())))
        return f"{subject[:200]}.eml" if subject else ""

    def _file_name(self, part, path):
        try:
            name = part.get_filename()
        except Exception as exc:
            self.warnings.append(f"{path}: the file name could not be read ({exc})")
            name = None
        if not name:
            return ""
        if "=?" in name:  # RFC 2047 inside a parameter: wrong but common
            name = _decode_words(name, f"{path} file name", self.warnings)
        name = _clean_text(name)
        if "\ufffd" in name:
            self.warnings.append(f"{path}: the file name has undecodable characters")
        return _safe_file_name(name)


def _safe_file_name(name):
    """The last path component, without control characters."""
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = " ".join(name.split()).strip(". ")
    return name[:255]


_LINE, _PARAGRAPH = "\x00", "\x01"  # break markers, resolved once the page is read


class _HtmlText(HTMLParser):
    PARAGRAPH = frozenset((
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "dl", "blockquote", "pre",
        "hr", "section", "article", "header", "footer", "address", "figure", "form", "fieldset"))
    LINE = frozenset(("div", "br", "tr", "li", "dt", "dd", "figcaption", "main", "nav", "center",
                      "caption"))
    SKIP = frozenset(("script", "style", "head", "title", "template", "noscript"))

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skipping = 0
        self.pre = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.PARAGRAPH:
            self.parts.append(_PARAGRAPH)
            self.pre += tag == "pre"
        elif tag in self.LINE:
            self.parts.append(_LINE)
            if tag == "li":
                self.parts.append("- ")
        elif tag in ("td", "th"):
            self.parts.append("\t")

    def handle_startendtag(self, tag, attrs):
        if tag in ("br", "hr"):
            self.parts.append(_LINE)

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.PARAGRAPH:
            self.parts.append(_PARAGRAPH)
            if tag == "pre":
                self.pre = max(0, self.pre - 1)
        elif tag in self.LINE:
            self.parts.append(_LINE)

    def handle_data(self, data):
        if self.skipping:
            return
        if self.pre:
            self.parts.append(data.replace("\r\n", "\n").replace("\n", _LINE))
        else:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(markup):
    """Plain text of an HTML fragment or page: blocks become lines, scripts and styles go."""
    parser = _HtmlText()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # html.parser is lenient; never let a page break intake
        return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", markup)).split())
    text = "".join(parser.parts).replace("\xa0", " ")
    text = re.sub(r"[ \t]*[\x00\x01][ \t\x00\x01]*",
                  lambda m: "\n\n" if _PARAGRAPH in m.group(0) else "\n", text)
    lines = [re.sub(r" *\t[ \t]*", "\t", re.sub(r" {2,}", " ", line)).strip(" \t")
             for line in text.split("\n")]
    return unicodedata.normalize("NFC", "\n".join(lines).strip())


# --------------------------------------------------------------------------- IMAP poller

class MemoryPollState:
    """Last UID handled per mailbox key, in memory (tests, single process)."""

    def __init__(self):
        self._uids = {}
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            return self._uids.get(key)

    def set(self, key, uid):
        with self._lock:
            self._uids[key] = int(uid)


def imap_utf7(name):
    """A mailbox name in IMAP's modified UTF-7 (RFC 3501 5.1.3), e.g. "Văn bản đến"."""
    out, pending = [], []

    def flush():
        if pending:
            data = "".join(pending).encode("utf-16-be")
            out.append("&" + base64.b64encode(data).decode("ascii").rstrip("=").replace("/", ",")
                       + "-")
            pending.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            pending.append(ch)
    flush()
    return "".join(out)


def _quote(name):
    return '"' + imap_utf7(name).replace("\\", "\\\\").replace('"', '\\"') + '"'


class ImapPoller:
    """Takes each new mail of one IMAP mailbox once, in UID order.

    `poll(handle)` calls `handle(uid, raw_bytes)` for every message whose UID is above the last
    one handled, and records a UID only after `handle` returned.  When `handle` raises, the
    UIDs before it stay recorded, the batch stops and the exception propagates: the next poll
    starts again at that message.  A new UIDVALIDITY (the server renumbered the mailbox) is a
    new state key, so the poller starts over from UID 0 for it.

    `state` needs `get(key) -> int | None` and `set(key, uid)`; two pollers that share a state
    (one after the other, or a restarted process with a database-backed state) never hand the
    same message twice.  Two pollers running at the same moment on one mailbox must be
    serialised by the caller (or by a locking state).

    A message larger than `max_message_bytes` is never fetched: it is logged as an error,
    left in the mailbox for a person to look at, and its UID recorded as taken.
    """

    def __init__(self, host, port, user, password, mailbox="INBOX", ssl=False, state=None,
                 mark_seen=False, starttls=False, timeout=30.0, ssl_context=None,
                 max_message_bytes=DEFAULT_MAX_MESSAGE_BYTES):
        self.host = host
        self.port = int(port)
        self.user = user
        self.password = password
        self.mailbox = mailbox
        self.ssl = ssl
        self.starttls = starttls
        self.state = state if state is not None else MemoryPollState()
        self.mark_seen = mark_seen
        self.timeout = timeout
        self.ssl_context = ssl_context
        self.max_message_bytes = int(max_message_bytes)

    def state_key(self, uidvalidity):
        """The key under which the last UID of this mailbox and UIDVALIDITY is kept."""
        return f"imap://{self.user}@{self.host}/{self.mailbox};UIDVALIDITY={int(uidvalidity)}"

    def _where(self):
        return f"{self.user}@{self.host}:{self.port}/{self.mailbox}"

    def _unavailable(self, what, exc):
        return Unavailable(f"IMAP mailbox {self._where()} unavailable",
                           {"imap": [f"{what}: {exc.__class__.__name__}: {exc}"]})

    def _imap(self, what, call, *args):
        try:
            typ, data = call(*args)
        except (OSError, imaplib.IMAP4.error, EOFError) as exc:
            raise self._unavailable(what, exc) from exc
        if typ != "OK":
            detail = b" ".join(d for d in data if isinstance(d, bytes)).decode("utf-8", "replace")
            raise Unavailable(f"IMAP mailbox {self._where()} unavailable",
                              {"imap": [f"{what}: {typ} {detail}".strip()]})
        return data

    def _connect(self):
        try:
            if self.ssl:
                context = self.ssl_context or ssl_module.create_default_context()
                connection = imaplib.IMAP4_SSL(self.host, self.port, ssl_context=context,
                                               timeout=self.timeout)
            else:
                connection = imaplib.IMAP4(self.host, self.port, timeout=self.timeout)
                if self.starttls:
                    connection.starttls(self.ssl_context or ssl_module.create_default_context())
        except (OSError, imaplib.IMAP4.error, EOFError, socket.timeout) as exc:
            raise self._unavailable("connect", exc) from exc
        try:
            self._imap("login", connection.login, self.user, self.password)
        except Unavailable:
            self._close(connection)
            raise
        return connection

    @staticmethod
    def _close(connection, selected=False):
        try:
            if selected:
                connection.close()
        except Exception:
            pass
        try:
            connection.logout()
        except Exception:
            pass

    def _select(self, connection):
        self._imap(f"select {self.mailbox}", connection.select, _quote(self.mailbox),
                   not self.mark_seen)
        typ, data = connection.response("UIDVALIDITY")
        values = [d for d in (data or []) if d]
        if not values:  # not in the SELECT answer: ask for it
            data = self._imap("status", connection.status, _quote(self.mailbox), "(UIDVALIDITY)")
            match = re.search(rb"UIDVALIDITY (\d+)", b" ".join(d for d in data if d))
            if not match:
                raise Unavailable(f"IMAP mailbox {self._where()} unavailable",
                                  {"imap": ["the server gives no UIDVALIDITY"]})
            return int(match.group(1))
        return int(values[-1])

    def _new_uids(self, connection, last):
        data = self._imap("search", connection.uid, "SEARCH", None, f"UID {last + 1}:*")
        uids = set()
        for chunk in data:
            if chunk:
                uids.update(int(token) for token in chunk.split() if token.isdigit())
        # "n:*" always matches the highest UID, even below n: keep only what is new
        return sorted(uid for uid in uids if uid > last)

    def _sizes(self, connection, uids):
        """{uid: size in bytes} of the new messages, in one FETCH."""
        if not uids:
            return {}
        data = self._imap("fetch sizes", connection.uid, "FETCH", f"{uids[0]}:{uids[-1]}",
                          "(RFC822.SIZE)")
        sizes = {}
        for item in data:
            line = item[0] if isinstance(item, tuple) else item
            uid = re.search(rb"UID (\d+)", line or b"")
            size = re.search(rb"RFC822\.SIZE (\d+)", line or b"")
            if uid and size:
                sizes[int(uid.group(1))] = int(size.group(1))
        return sizes

    def _fetch(self, connection, uid):
        data = self._imap(f"fetch UID {uid}", connection.uid, "FETCH", str(uid), "(BODY.PEEK[])")
        for item in data:
            if isinstance(item, tuple) and len(item) >= 2:
                match = re.search(rb"UID (\d+)", item[0])
                if match is None or int(match.group(1)) == uid:
                    return item[1]
        return None  # expunged between SEARCH and FETCH

    def poll(self, handle):
        """Hand every new message to `handle(uid, raw_bytes)`; the list of UIDs handled."""
        connection = self._connect()
        selected = False
        handled = []
        try:
            uidvalidity = self._select(connection)
            selected = True
            key = self.state_key(uidvalidity)
            last = self.state.get(key) or 0
            uids = self._new_uids(connection, last)
            sizes = self._sizes(connection, uids)
            for uid in uids:
                if sizes.get(uid, 0) > self.max_message_bytes:
                    log.error("IMAP %s: UID %s is %s bytes, over the limit of %s; left in the "
                              "mailbox, not registered", self._where(), uid, sizes[uid],
                              self.max_message_bytes)
                    self.state.set(key, uid)
                    continue
                raw = self._fetch(connection, uid)
                if raw is None:
                    log.info("IMAP %s: UID %s vanished before it was fetched", self._where(), uid)
                    continue
                handle(uid, raw)  # raises: stop here, this UID is taken again next time
                self.state.set(key, uid)
                handled.append(uid)
                if self.mark_seen:
                    self._imap(f"store UID {uid}", connection.uid, "STORE", str(uid),
                               "+FLAGS.SILENT", "(\\Seen)")
        finally:
            self._close(connection, selected)
        return handled
