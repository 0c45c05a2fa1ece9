"""What notify's RPCs accept (request schemas: unknown keys refused, every value bounded by
the column or the work it drives) and what they answer."""
import json

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate

from services.notify import templates
from services.notify.preferences import ANY_CATEGORY, CATEGORIES
from services.notify.recipients import entry_problem
from shared.contracts import OFFICE_CODE, staff_id_field

PRIORITIES = ("normal", "urgent")
STATUSES = ("pending", "sending", "sent", "failed_over", "dead")
PAGE_MAX = 500            # notices or deliveries in one answer
IDS_MAX = 500             # ids in one mark_read / retry_failed
RECIPIENTS_MAX = 500      # entries in one send / resolve (a unit or role reaches many people)
IDEMPOTENCY_KEY_MAX = 150  # "send:" + key fits delivery.dedup_key (200)
DATA_MAX_BYTES = 32_768   # a template's data, as JSON
DATA_MAX_DEPTH = 4
CHANNELS_MAX = 10         # channels named in one list
ID_RANGE = validate.Range(1, 2 ** 63 - 1)
TEMPLATE_NAME = validate.Regexp(templates.TEMPLATE_NAME,
                                error="template names are letters, digits and '_' (1-100)")
CHANNEL_NAME = validate.Regexp(r"^[a-z][a-z0-9_-]{0,39}\Z",
                               error="channel names are lower-case letters, digits, '_' or '-' "
                                     "(1-40)")
IDEMPOTENCY_KEY = validate.And(   # it travels in headers (Idempotency-Key, Message-ID)
    validate.Length(min=1, max=IDEMPOTENCY_KEY_MAX),
    validate.Regexp(r"^[^\x00-\x1f\x7f]*\Z", error="no control characters"))
CLOCK_TEXT = validate.Length(max=5)   # "HH:MM"; preferences.validate reads the time itself


def recipient_rule(entry):
    problem = entry_problem(entry)
    if problem:
        raise ValidationError(problem)


def _depth(value):
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def bounded_data(data):
    """A template's data: a JSON object of at most DATA_MAX_BYTES, nested DATA_MAX_DEPTH deep."""
    if _depth(data) > DATA_MAX_DEPTH:
        raise ValidationError(f"nested deeper than {DATA_MAX_DEPTH} levels")
    size = len(json.dumps(data, ensure_ascii=False, default=str).encode("utf-8"))
    if size > DATA_MAX_BYTES:
        raise ValidationError(f"{size} bytes as JSON; at most {DATA_MAX_BYTES}")


def recipients_field(**kwargs):
    return fields.List(fields.String(validate=recipient_rule),
                       validate=validate.Length(min=1, max=RECIPIENTS_MAX), **kwargs)


def ids_field(min_length=0, **kwargs):
    return fields.List(fields.Integer(strict=True, validate=ID_RANGE),
                       validate=validate.Length(min=min_length, max=IDS_MAX), **kwargs)


def limit_field(default):
    return fields.Integer(strict=True, load_default=default, validate=validate.Range(1, PAGE_MAX))


class NotificationSchema(Schema):
    id = fields.Integer()
    recipient = fields.String()
    category = fields.String()
    title = fields.String()
    body = fields.String()
    urgent = fields.Boolean()
    created_at = fields.DateTime()
    read_at = fields.DateTime()


class Request(Schema):
    class Meta:
        unknown = RAISE


class InboxQuerySchema(Request):
    unread_only = fields.Boolean(load_default=False)
    limit = limit_field(50)


class MarkReadSchema(Request):
    ids = ids_field(min_length=1, allow_none=True, load_default=None)
    all = fields.Boolean(load_default=False)


class SendSchema(Request):
    recipients = recipients_field(required=True)
    template = fields.String(required=True, validate=TEMPLATE_NAME)
    data = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=100)),
                       load_default=dict, validate=bounded_data)
    priority = fields.String(load_default="normal", validate=validate.OneOf(PRIORITIES))
    idempotency_key = fields.String(required=True, validate=IDEMPOTENCY_KEY)
    category = fields.String(load_default="general", validate=validate.OneOf(CATEGORIES))
    office = fields.String(load_default=None, allow_none=True, validate=OFFICE_CODE)


class ResolveSchema(Request):
    recipients = recipients_field(required=True)


class DeliveriesQuerySchema(Request):
    status = fields.List(fields.String(validate=validate.OneOf(STATUSES)), load_default=None,
                         allow_none=True, validate=validate.Length(min=1, max=len(STATUSES)))
    failed = fields.Boolean(load_default=False)
    recipient = fields.String(load_default=None, allow_none=True,
                              validate=validate.Length(min=1, max=80))
    channel = fields.String(load_default=None, allow_none=True, validate=CHANNEL_NAME)
    limit = limit_field(50)


class RetryFailedSchema(Request):
    ids = ids_field(allow_none=True, load_default=None)


class StaffIdSchema(Request):
    staff_id = staff_id_field(allow_none=True, load_default=None)


class QuietHoursSchema(Request):
    start = fields.String(required=True, validate=CLOCK_TEXT)
    end = fields.String(required=True, validate=CLOCK_TEXT)


def channel_list(**kwargs):
    return fields.List(fields.String(validate=CHANNEL_NAME),
                       validate=validate.Length(max=CHANNELS_MAX), **kwargs)


class PreferencesSchema(Request):
    channels = fields.Dict(keys=fields.String(validate=validate.OneOf(
                               (ANY_CATEGORY,) + CATEGORIES)),
                           values=channel_list(), allow_none=True)
    quiet_hours = fields.Nested(QuietHoursSchema, allow_none=True)
    digest_time = fields.String(allow_none=True, validate=CLOCK_TEXT)
    addresses = fields.Dict(keys=fields.String(validate=CHANNEL_NAME),
                            values=fields.String(validate=validate.Length(min=1, max=400)),
                            allow_none=True, validate=validate.Length(max=CHANNELS_MAX))
    fallback = channel_list(allow_none=True)


def plausible_moment(moment):
    if not 2000 <= moment.year <= 2200:
        raise ValidationError("the year must be from 2000 to 2200")


class SendDigestsSchema(Request):
    at = fields.AwareDateTime(load_default=None, allow_none=True, validate=plausible_moment)


class AttemptSchema(Schema):
    number = fields.Integer()
    outcome = fields.String()
    error = fields.String()
    worker = fields.String()
    started_at = fields.DateTime()
    finished_at = fields.DateTime()


class DeliverySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    id = fields.Integer()
    recipient = fields.String()
    channel = fields.String()
    address = fields.String()
    dedup_key = fields.String()
    category = fields.String()
    template = fields.String()
    title = fields.String()
    urgent = fields.Boolean()
    status = fields.String()
    attempts = fields.Integer()
    next_attempt_at = fields.DateTime()
    deferred_reason = fields.String()
    last_error = fields.String()
    failover_of = fields.Integer()
    created_at = fields.DateTime()
    sent_at = fields.DateTime()
