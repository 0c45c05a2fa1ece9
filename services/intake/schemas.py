"""intake's boundary: what callers send and what they get back."""
import json

from marshmallow import EXCLUDE, Schema, fields, post_dump, validate

CHANNELS = ("paper", "email", "edxml", "api")
PRIORITIES = ("khẩn", "thượng khẩn", "hỏa tốc")
SECRECY_MARKS = ("mật", "tối mật", "tuyệt mật")
EXPORT_FORMATS = ("json", "csv", "xlsx")


class AttachmentInput(Schema):
    class Meta:
        unknown = EXCLUDE

    file_name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    content_type = fields.String(load_default=None)
    data = fields.String(required=True, metadata={"description": "base64"})


class DocumentFields(Schema):
    """Registration fields (Phụ lục VI names); all optional where a text can supply them."""

    class Meta:
        unknown = EXCLUDE

    code_number = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=11))
    code_notation = fields.String(allow_none=True, load_default=None,
                                  validate=validate.Length(max=30))
    organ_name = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=200))
    type_name = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=100))
    doc_type = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=10))
    subject = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=500))
    issued_date = fields.Date(allow_none=True, load_default=None)
    place = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=100))
    priority = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(PRIORITIES))
    secrecy = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(SECRECY_MARKS))
    signer_competence = fields.String(allow_none=True, load_default=None)
    signer_position = fields.String(allow_none=True, load_default=None)
    signer_full_name = fields.String(allow_none=True, load_default=None)
    to_places = fields.List(fields.String(), allow_none=True, load_default=None)
    kinh_gui = fields.List(fields.String(), allow_none=True, load_default=None)
    due_date = fields.Date(allow_none=True, load_default=None)


class ReceiveDocumentSchema(DocumentFields):
    channel = fields.String(load_default="api", validate=validate.OneOf(CHANNELS))
    text = fields.String(allow_none=True, load_default=None,
                         metadata={"description": "the document's text, read by parse_document"})
    attachments = fields.List(fields.Nested(AttachmentInput), load_default=list)
    arrival_date = fields.Date(load_default=None)
    external_id = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=200))


class IssueDocumentSchema(DocumentFields):
    content = fields.String(allow_none=True, load_default=None)
    drafting_unit = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=20))
    to_offices = fields.List(fields.String(), load_default=list)


class CorrectionSchema(DocumentFields):
    class Meta:
        unknown = EXCLUDE


class SearchSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    query = fields.String(load_default="")
    direction = fields.String(load_default=None, validate=validate.OneOf(("in", "out")))
    doc_type = fields.String(load_default=None)
    organ = fields.String(load_default=None)
    priority = fields.String(load_default=None, validate=validate.OneOf(PRIORITIES))
    status = fields.String(load_default=None)
    date_from = fields.Date(load_default=None)
    date_to = fields.Date(load_default=None)
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=200))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


class RegisterBookSchema(Schema):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    direction = fields.String(load_default="in", validate=validate.OneOf(("in", "out")))
    format = fields.String(load_default="json", validate=validate.OneOf(EXPORT_FORMATS))


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
        return data
