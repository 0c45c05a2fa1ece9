"""The event contract: one envelope for every event, and a data schema per event type.

Envelope: ``event_id``, ``event_type``, ``occurred_at`` (ISO 8601, Asia/Ho_Chi_Minh),
``office``, ``actor`` and ``data``.  Producers validate before the event enters the outbox;
consumers validate again on receipt.  An event type must be registered here before it can be
recorded, so every payload on the bus has a schema both sides can read.
"""
from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate

from shared.errors import InvalidInput

# Priority marks (Nghị định 30/2020) that make a document urgent, as events carry them.
URGENT_PRIORITIES = frozenset({"khẩn", "thượng khẩn", "hỏa tốc"})

OFFICE_CODE = validate.Regexp(r"^[A-Z0-9][A-Z0-9_-]{1,39}$",
                              error="office codes are 2-40 capital letters, digits, '-' or '_'")


class ActorSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    sub = fields.String(required=True)
    office = fields.String(load_default=None)
    roles = fields.List(fields.String(), load_default=list)


class EnvelopeSchema(Schema):
    class Meta:
        unknown = RAISE

    event_id = fields.UUID(required=True)
    event_type = fields.String(required=True, validate=validate.Length(min=1, max=100))
    source = fields.String(required=True)
    occurred_at = fields.AwareDateTime(required=True)
    office = fields.String(required=True, validate=OFFICE_CODE)
    actor = fields.Nested(ActorSchema, allow_none=True, load_default=None)
    data = fields.Dict(required=True)


class DocumentReceivedData(Schema):
    class Meta:
        unknown = EXCLUDE

    document_id = fields.Integer(required=True)
    arrival_number = fields.Integer(required=True)
    arrival_date = fields.Date(required=True)
    channel = fields.String(required=True)
    code_number = fields.String(allow_none=True, load_default=None)
    code_notation = fields.String(allow_none=True, load_default=None)
    organ_name = fields.String(allow_none=True, load_default=None)
    subject = fields.String(allow_none=True, load_default=None)
    type_name = fields.String(allow_none=True, load_default=None)
    doc_type = fields.String(allow_none=True, load_default=None)
    issued_date = fields.Date(allow_none=True, load_default=None)
    due_date = fields.Date(allow_none=True, load_default=None)
    priority = fields.String(allow_none=True, load_default=None)
    secrecy = fields.String(allow_none=True, load_default=None)
    directives = fields.List(fields.Dict(), load_default=list)


class DocumentIssuedData(Schema):
    class Meta:
        unknown = EXCLUDE

    document_id = fields.Integer(required=True)
    code_number = fields.String(required=True)
    code_notation = fields.String(required=True)
    issued_date = fields.Date(required=True)
    type_name = fields.String(allow_none=True, load_default=None)
    doc_type = fields.String(allow_none=True, load_default=None)
    subject = fields.String(allow_none=True, load_default=None)
    secrecy = fields.String(allow_none=True, load_default=None)
    priority = fields.String(allow_none=True, load_default=None)
    to_offices = fields.List(fields.String(), load_default=list)


class DocumentChangedData(Schema):
    class Meta:
        unknown = EXCLUDE

    document_id = fields.Integer(required=True)
    direction = fields.String(required=True)
    reason = fields.String(allow_none=True, load_default=None)
    changed_fields = fields.List(fields.String(), load_default=list)


class DirectionRequestedData(Schema):
    class Meta:
        unknown = EXCLUDE

    item_id = fields.Integer(required=True)
    document_id = fields.Integer(required=True)
    arrival_number = fields.Integer(required=True)
    subject = fields.String(allow_none=True, load_default=None)
    urgent = fields.Boolean(required=True)
    recipient_role = fields.String(required=True)


class TaskCompletedData(Schema):
    class Meta:
        unknown = EXCLUDE

    task_id = fields.Integer(required=True)
    assignee = fields.String(required=True)
    weight = fields.Float(load_default=1.0)
    due_date = fields.Date(required=True)
    completed_on = fields.Date(required=True)
    on_time = fields.Boolean(required=True)
    delay_count = fields.Integer(load_default=0)
    failed_reviews = fields.Integer(load_default=0)


class NotificationCreatedData(Schema):
    class Meta:
        unknown = EXCLUDE

    notification_id = fields.Integer(required=True)
    recipient = fields.String(required=True)
    category = fields.String(required=True)


class OutcomeRecordedData(Schema):
    class Meta:
        unknown = EXCLUDE

    task_id = fields.Integer(required=True)
    assignee = fields.String(required=True)
    period = fields.String(required=True)


# (source service, event type) → schema of `data`
EVENT_DATA_SCHEMAS = {
    ("intake", "document_received"): DocumentReceivedData,
    ("intake", "document_issued"): DocumentIssuedData,
    ("intake", "document_corrected"): DocumentChangedData,
    ("intake", "document_recalled"): DocumentChangedData,
    ("tasks", "direction_requested"): DirectionRequestedData,
    ("tasks", "task_completed"): TaskCompletedData,
    ("notify", "notification_created"): NotificationCreatedData,
    ("evaluation", "outcome_recorded"): OutcomeRecordedData,
}


def register_event(source, event_type, schema_cls):
    EVENT_DATA_SCHEMAS[(source, event_type)] = schema_cls


def validate_data(source, event_type, data):
    """The event's data as its schema dumps it (JSON-ready); InvalidInput naming the fields."""
    schema_cls = EVENT_DATA_SCHEMAS.get((source, event_type))
    if schema_cls is None:
        raise InvalidInput("unknown event type",
                           {"event_type": [f"{source}.{event_type} has no registered schema"]})
    schema = schema_cls()
    try:
        loaded = schema.load(data)
    except ValidationError as exc:
        raise InvalidInput(f"{source}.{event_type}: event data is not valid",
                           {"data": exc.messages})
    return schema.dump(loaded)


def validate_envelope(envelope):
    """A received envelope, checked against the envelope schema and its data schema."""
    try:
        loaded = EnvelopeSchema().load(envelope)
    except ValidationError as exc:
        raise InvalidInput("event envelope is not valid", exc.messages)
    validate_data(loaded["source"], loaded["event_type"], loaded["data"])
    return envelope
