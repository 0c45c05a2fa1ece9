"""The event contract: one envelope for every event, and a data schema per event type.

Envelope: ``event_id``, ``event_type``, ``occurred_at`` (ISO 8601, Asia/Ho_Chi_Minh),
``office``, ``actor`` and ``data``.  Producers validate before the event enters the outbox;
consumers validate again on receipt.  An event type must be registered here before it can be
recorded, so every payload on the bus has a schema both sides can read.
"""
from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate

from shared.errors import InvalidInput
from shared.schemas import instance

# Priority marks (Nghị định 30/2020) that make a document urgent, as events carry them.
URGENT_PRIORITIES = frozenset({"khẩn", "thượng khẩn", "hỏa tốc"})

OFFICE_CODE = validate.Regexp(r"^[A-Z0-9][A-Z0-9_-]{1,39}\Z",
                              error="office codes are 2-40 capital letters, digits, '-' or '_'")

# One definition of every field that crosses a service boundary.  The producer's schema and
# every consumer's column are sized from these, so a value one service accepts is a value the
# others can store (a 100-character staff id once dead-lettered staff_changed in two services).
STAFF_ID_MAX, UNIT_CODE_MAX, TASK_GROUP_MAX, TASK_TYPE_MAX = 64, 40, 100, 40
NAME_MAX, TITLE_MAX, SUBJECT_MAX, NUMBER_MAX, LONG_TEXT_MAX = 200, 500, 500, 60, 10_000
STAFF_ID_RULE = validate.And(
    validate.Length(min=1, max=STAFF_ID_MAX),
    validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._@-]*\Z",
                    error="staff ids are letters without diacritics, digits, '.', '_', '@' or '-'"))
UNIT_CODE_RULE = validate.And(
    validate.Length(min=1, max=UNIT_CODE_MAX),
    validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]*\Z",
                    error="unit codes are letters without diacritics, digits, '.', '_' or '-'"))


def staff_id_field(**kwargs):
    return fields.String(validate=STAFF_ID_RULE, **kwargs)


def unit_code_field(**kwargs):
    return fields.String(validate=UNIT_CODE_RULE, **kwargs)


def text_field(max_length, **kwargs):
    return fields.String(validate=validate.Length(max=max_length), **kwargs)


ID_MAX, COUNT_MAX = 2 ** 31 - 1, 1000      # ids and counts fit a 32-bit integer column


def id_field(**kwargs):
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=ID_MAX), **kwargs)


def count_field(**kwargs):
    return fields.Integer(validate=validate.Range(min=0, max=COUNT_MAX), **kwargs)


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
    signature = fields.String(load_default=None, validate=validate.Length(max=200))


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


class StaffChangedData(Schema):
    """A staff member's record as tasks keeps it; other services keep copies from this."""
    class Meta:
        unknown = EXCLUDE

    staff_id = staff_id_field(required=True)
    full_name = fields.String(required=True, validate=validate.Length(min=1, max=NAME_MAX))
    unit_code = unit_code_field(allow_none=True, load_default=None)
    unit_name = text_field(NAME_MAX, allow_none=True, load_default=None)
    parent_unit_code = unit_code_field(allow_none=True, load_default=None)
    position = text_field(NAME_MAX, allow_none=True, load_default=None)
    is_leader = fields.Boolean(load_default=False)      # lãnh đạo (office or unit head)
    is_unit_head = fields.Boolean(load_default=False)
    task_group = text_field(TASK_GROUP_MAX, allow_none=True, load_default=None)   # nhóm có nhiệm vụ tương đồng
    roles = fields.List(fields.String(validate=validate.Length(max=20)), load_default=list,
                        validate=validate.Length(max=10))
    email = text_field(NAME_MAX, allow_none=True, load_default=None)
    active = fields.Boolean(load_default=True)
    previous_unit_code = unit_code_field(allow_none=True, load_default=None)
    changed_on = fields.Date(allow_none=True, load_default=None)


class TaskData(Schema):
    """What every task event carries: enough for notify to address and evaluation to score."""
    class Meta:
        unknown = EXCLUDE

    task_id = id_field(required=True)
    title = fields.String(required=True, validate=validate.Length(max=TITLE_MAX))
    assignee = staff_id_field(allow_none=True, load_default=None)     # staff id of the owner
    assigner = staff_id_field(allow_none=True, load_default=None)
    unit_code = unit_code_field(allow_none=True, load_default=None)
    unit_head = staff_id_field(allow_none=True, load_default=None)
    coordinators = fields.List(staff_id_field(), load_default=list)
    due_date = fields.Date(allow_none=True, load_default=None)
    task_type = fields.String(load_default="general", validate=validate.Length(max=TASK_TYPE_MAX))
    weight = fields.Float(load_default=1.0, allow_nan=False,
                          validate=validate.Range(min=0, max=100, min_inclusive=False))
    urgent = fields.Boolean(load_default=False)
    document_id = fields.Integer(allow_none=True, load_default=None)
    arrival_number = fields.Integer(allow_none=True, load_default=None)
    parent_id = fields.Integer(allow_none=True, load_default=None)
    status = fields.String(allow_none=True, load_default=None)


class TaskAssignedData(TaskData):
    """A task given or re-given: `previous_assignee` is whom it was taken from (None at first)."""
    previous_assignee = staff_id_field(allow_none=True, load_default=None)


class TaskProgressData(TaskData):
    percent = fields.Integer(required=True, validate=validate.Range(0, 100))
    note = fields.String(allow_none=True, load_default=None)


class TaskSubmittedData(TaskData):
    result = text_field(LONG_TEXT_MAX, allow_none=True, load_default=None)
    reply_number = text_field(NUMBER_MAX, allow_none=True, load_default=None)
    submitted_on = fields.Date(required=True)


class TaskReviewedData(TaskData):
    decision = fields.String(required=True, validate=validate.OneOf(["accept", "return"]))
    quality_met = fields.Boolean(required=True)
    reason = fields.String(allow_none=True, load_default=None)
    reviewer = staff_id_field(required=True)
    reviewed_on = fields.Date(required=True)
    failed_reviews = count_field(load_default=0)        # so far, this one included


class TaskCompletedData(TaskData):
    """The outcome evaluation scores: quantity, quality (failed reviews), progress (delays)."""
    assignee = staff_id_field(required=True)
    due_date = fields.Date(required=True)
    completed_on = fields.Date(required=True)
    on_time = fields.Boolean(required=True)
    delay_count = count_field(load_default=0)           # deadlines missed (late completion counts 1)
    excused_delays = count_field(load_default=0)        # of those, objective causes the leader approved
    failed_reviews = count_field(load_default=0)        # reviews returned with quality failed
    quality_met = fields.Boolean(load_default=True)      # the final review met the quality bar
    assigned_on = fields.Date(allow_none=True, load_default=None)


class TaskDeadlineData(TaskData):
    """due soon / overdue / escalated: one per task, threshold and day."""
    threshold = fields.Integer(required=True)            # working days before (due soon) or past due
    on_date = fields.Date(required=True)
    working_days_overdue = fields.Integer(load_default=0)
    recipients = fields.List(staff_id_field(), load_default=list, validate=validate.Length(max=500))


class ExtensionRequestedData(TaskData):
    requested_due_date = fields.Date(allow_none=True, load_default=None)
    reason = fields.String(allow_none=True, load_default=None)


class ExtensionDecidedData(TaskData):
    approved = fields.Boolean(required=True)
    old_due_date = fields.Date(required=True)
    new_due_date = fields.Date(allow_none=True, load_default=None)
    objective_cause = fields.Boolean(load_default=False)
    reason = fields.String(allow_none=True, load_default=None)
    decided_by = staff_id_field(required=True)


class TaskCancelledData(TaskData):
    reason = fields.String(allow_none=True, load_default=None)


class ClassificationResultData(Schema):
    class Meta:
        unknown = EXCLUDE

    staff_id = staff_id_field(required=True)
    level = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=8))
    score = fields.Float(allow_none=True, load_default=None, allow_nan=False)


class ClassificationPublishedData(Schema):
    class Meta:
        unknown = EXCLUDE

    year = fields.Integer(required=True, validate=validate.Range(1900, 2200))
    classification_id = id_field(required=True)
    rule_set = fields.String(required=True, validate=validate.Length(max=60))
    results = fields.List(fields.Nested(ClassificationResultData), load_default=list,
                          validate=validate.Length(max=10_000))


class AwardData(Schema):
    """One title given: to a person (`staff_id`) or a unit (`unit_code`)."""
    class Meta:
        unknown = EXCLUDE

    title = fields.String(required=True, validate=validate.Length(min=1, max=NAME_MAX))
    staff_id = staff_id_field(allow_none=True, load_default=None)
    unit_code = unit_code_field(allow_none=True, load_default=None)
    name = text_field(300, allow_none=True, load_default=None)
    unit_name = text_field(NAME_MAX, allow_none=True, load_default=None)


class TitlesAwardedData(Schema):
    class Meta:
        unknown = EXCLUDE

    year = fields.Integer(required=True, validate=validate.Range(1900, 2200))
    awards = fields.List(fields.Nested(AwardData), load_default=list,
                         validate=validate.Length(max=10_000))


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
    ("tasks", "staff_changed"): StaffChangedData,
    ("tasks", "task_created"): TaskData,
    ("tasks", "task_assigned"): TaskAssignedData,
    ("tasks", "task_accepted"): TaskData,
    ("tasks", "task_progress_reported"): TaskProgressData,
    ("tasks", "task_submitted"): TaskSubmittedData,
    ("tasks", "task_reviewed"): TaskReviewedData,
    ("tasks", "task_completed"): TaskCompletedData,
    ("tasks", "task_due_soon"): TaskDeadlineData,
    ("tasks", "task_overdue"): TaskDeadlineData,
    ("tasks", "task_escalated"): TaskDeadlineData,
    ("tasks", "extension_requested"): ExtensionRequestedData,
    ("tasks", "extension_decided"): ExtensionDecidedData,
    ("tasks", "task_cancelled"): TaskCancelledData,
    ("evaluation", "classification_published"): ClassificationPublishedData,
    ("evaluation", "titles_awarded"): TitlesAwardedData,
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
    schema = instance(schema_cls)
    try:
        loaded = schema.load(data)
    except ValidationError as exc:
        raise InvalidInput(f"{source}.{event_type}: event data is not valid",
                           {"data": exc.messages})
    return schema.dump(loaded)


def validate_envelope(envelope):
    """A received envelope, checked against the envelope schema and its data schema."""
    try:
        loaded = instance(EnvelopeSchema).load(envelope)
    except ValidationError as exc:
        raise InvalidInput("event envelope is not valid", exc.messages)
    validate_data(loaded["source"], loaded["event_type"], loaded["data"])
    return envelope
