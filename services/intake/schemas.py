"""intake's boundary: what callers send and what they get back.

A request schema refuses keys nobody defined, by name, and bounds every value by the column it
goes into (read off the model, so the two cannot drift apart), every list by what a real
document carries, every date by a plausible year and every id by a signed 64-bit integer.
"""
import json
import re
from datetime import date

from marshmallow import RAISE, Schema, ValidationError, fields, post_dump, validate

from services.intake.extraction import DEFAULT_LIMITS
from services.intake.models import Attachment, Document, PetitionRecord
from shared.contracts import LONG_TEXT_MAX, NAME_MAX, OFFICE_CODE, TITLE_MAX

CHANNELS = ("paper", "email", "edxml", "api")
PRIORITIES = ("khẩn", "thượng khẩn", "hỏa tốc")
SECRECY_MARKS = ("mật", "tối mật", "tuyệt mật")
EXPORT_FORMATS = ("json", "csv", "xlsx")

DATES = validate.Range(min=date(1900, 1, 1), max=date(2200, 12, 31),
                       error="must be a date between 1900 and 2200")
MAX_ID = 2 ** 63 - 1
IDS = validate.Range(min=1, max=MAX_ID, error=f"must be an integer from 1 to {MAX_ID}")
LIST_MAX = 100                  # places in "Nơi nhận" / "Kính gửi", recipient offices
FILE_NAME_MAX = 255
UNSAFE_FILE_NAME = re.compile(r"[/\\\x00-\x1f\x7f]")


def column_length(name, model=Document):
    return model.__table__.columns[name].type.length


def column_text(name, model=Document, **kwargs):
    """A string no longer than the column `name` of `model` holds."""
    return fields.String(validate=validate.Length(max=column_length(name, model)), **kwargs)


def date_field(**kwargs):
    return fields.Date(validate=DATES, **kwargs)


def id_field(**kwargs):
    return fields.Integer(strict=True, validate=IDS, **kwargs)


def safe_file_name(value):
    """A file name is one name: no path separators, no control characters, not "." or ".."."""
    if UNSAFE_FILE_NAME.search(value) or value.strip() in (".", ".."):
        raise ValidationError("must be a file name without '/', '\\' or control characters")


def places(**kwargs):
    return fields.List(fields.String(validate=validate.Length(max=TITLE_MAX)),
                       validate=validate.Length(max=LIST_MAX), **kwargs)


class AttachmentInput(Schema):
    class Meta:
        unknown = RAISE

    file_name = fields.String(required=True, validate=[
        validate.Length(min=1, max=FILE_NAME_MAX), safe_file_name])
    content_type = column_text("content_type", Attachment, load_default=None, allow_none=True)
    data = fields.String(required=True, metadata={"description": "base64; its decoded size is "
                                                                 "checked against "
                                                                 "MAX_ATTACHMENT_BYTES"})


class DocumentFields(Schema):
    """Registration fields (Phụ lục VI names); all optional where a text can supply them."""

    class Meta:
        unknown = RAISE

    code_number = column_text("code_number", allow_none=True, load_default=None)
    code_notation = column_text("code_notation", allow_none=True, load_default=None)
    organ_name = column_text("organ_name", allow_none=True, load_default=None)
    type_name = column_text("type_name", allow_none=True, load_default=None)
    doc_type = column_text("doc_type", allow_none=True, load_default=None)
    subject = column_text("subject", allow_none=True, load_default=None)
    issued_date = date_field(allow_none=True, load_default=None)
    place = column_text("place", allow_none=True, load_default=None)
    priority = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(PRIORITIES))
    secrecy = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(SECRECY_MARKS))
    signer_competence = column_text("signer_competence", allow_none=True, load_default=None)
    signer_position = column_text("signer_position", allow_none=True, load_default=None)
    signer_full_name = column_text("signer_full_name", allow_none=True, load_default=None)
    to_places = places(allow_none=True, load_default=None)
    kinh_gui = places(allow_none=True, load_default=None)
    due_date = date_field(allow_none=True, load_default=None)


class ReceiveDocumentSchema(DocumentFields):
    channel = fields.String(load_default="api", validate=validate.OneOf(CHANNELS))
    text = fields.String(allow_none=True, load_default=None,
                         validate=validate.Length(max=DEFAULT_LIMITS.text_chars_per_document),
                         metadata={"description": "the document's text, read by parse_document"})
    attachments = fields.List(fields.Nested(AttachmentInput), load_default=list,
                              validate=validate.Length(max=DEFAULT_LIMITS.attachments_per_document))
    arrival_date = date_field(load_default=None)
    external_id = column_text("external_id", allow_none=True, load_default=None)


class IssueDocumentSchema(DocumentFields):
    content = fields.String(allow_none=True, load_default=None,
                            validate=validate.Length(max=DEFAULT_LIMITS.text_chars_per_document))
    drafting_unit = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=20))
    to_offices = fields.List(fields.String(validate=OFFICE_CODE), load_default=list,
                             validate=validate.Length(max=LIST_MAX))


class RegisterBookSchema(Schema):
    class Meta:
        unknown = RAISE

    year = fields.Integer(required=True, strict=True, validate=validate.Range(min=2000, max=2100))
    direction = fields.String(load_default="in", validate=validate.OneOf(("in", "out")))
    format = fields.String(load_default="json", validate=validate.OneOf(EXPORT_FORMATS))


class StrictBoolean(fields.Boolean):
    """true or false only: "yes", 1 or "0" are not facts a clerk confirmed."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


PETITION_CONTENT_MAX = LONG_TEXT_MAX
CATEGORIES_MAX = 10
SIGNERS_MAX = 1_000_000


class PetitionFacts(Schema):
    """The facts of a petition a clerk records or corrects (see `petitions.Petition`)."""

    class Meta:
        unknown = RAISE

    petitioner_name = column_text("petitioner_name", PetitionRecord, allow_none=True)
    petitioner_address = column_text("petitioner_address", PetitionRecord, allow_none=True)
    content = fields.String(allow_none=True, validate=validate.Length(max=PETITION_CONTENT_MAX))
    categories = fields.List(fields.String(validate=validate.Length(min=1, max=NAME_MAX)),
                             validate=validate.Length(max=CATEGORIES_MAX))
    signed = StrictBoolean()
    dated = StrictBoolean()
    content_clear = StrictBoolean()
    legible = StrictBoolean()
    already_handled = StrictBoolean()
    signer_count = fields.Integer(strict=True, validate=validate.Range(min=0, max=SIGNERS_MAX))
    has_original_documents = StrictBoolean()
    within_competence = StrictBoolean()
    sent_to_several_bodies = StrictBoolean()
    past_time_limit = StrictBoolean()
    resolved_without_new_facts = StrictBoolean()
    received_on = date_field()


class ReceivePetitionSchema(PetitionFacts):
    document_id = id_field(allow_none=True, metadata={
        "description": "the registered document the petition arrived as, if any"})


class DisposePetitionSchema(Schema):
    class Meta:
        unknown = RAISE

    disposition = fields.String(required=True, validate=validate.Length(min=1, max=NAME_MAX))
    reason = fields.String(allow_none=True, validate=validate.Length(max=NAME_MAX))
    forward_to = column_text("forward_to", PetitionRecord, allow_none=True)
    disposed_on = date_field(allow_none=True)


class PetitionReplySchema(Schema):
    class Meta:
        unknown = RAISE

    summary = fields.String(required=True, validate=validate.Length(min=1, max=LONG_TEXT_MAX))
    from_body = column_text("reply_from", PetitionRecord, allow_none=True)
    replied_on = date_field(allow_none=True)


class AttachmentSchema(Schema):
    id = fields.Integer()
    file_name = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()


class DocumentSchema(Schema):
    id = fields.Integer()
    office = fields.String()
    direction = fields.String()
    channel = fields.String()
    status = fields.String()
    arrival_number = fields.Integer()
    arrival_date = fields.Date()
    code_number = fields.String()
    code_notation = fields.String()
    organ_name = fields.String()
    type_name = fields.String()
    doc_type = fields.String()
    subject = fields.String()
    issued_date = fields.Date()
    place = fields.String()
    priority = fields.String()
    secrecy = fields.String()
    signer_competence = fields.String()
    signer_position = fields.String()
    signer_full_name = fields.String()
    to_places = fields.String()
    kinh_gui = fields.String()
    due_date = fields.Date()
    duplicate_of = fields.Integer()
    warnings = fields.String()
    corrections = fields.String()
    external_id = fields.String()
    created_by = fields.String()
    attachments = fields.List(fields.Nested(AttachmentSchema))

    @post_dump
    def decode_json_columns(self, data, **_):
        for key in ("to_places", "kinh_gui", "warnings"):
            data[key] = json.loads(data[key]) if data.get(key) else []
        data["corrections"] = json.loads(data["corrections"]) if data.get("corrections") else {}
        return data


class DocumentDetailSchema(DocumentSchema):
    content = fields.String()
    parsed = fields.String()
    history = fields.String()

    @post_dump
    def decode_detail_columns(self, data, **_):
        data["parsed"] = json.loads(data["parsed"]) if data.get("parsed") else None
        data["history"] = json.loads(data["history"]) if data.get("history") else []
        # text stored before extraction was bounded may be longer than any reply should carry
        limit = DEFAULT_LIMITS.text_chars_per_document
        data["content_cut"] = bool(data.get("content")) and len(data["content"]) > limit
        if data["content_cut"]:
            data["content"] = data["content"][:limit]
        return data
