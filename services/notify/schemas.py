from marshmallow import EXCLUDE, RAISE, Schema, fields, validate

PRIORITIES = ("normal", "urgent")


class NotificationSchema(Schema):
    id = fields.Integer()
    recipient = fields.String()
    category = fields.String()
    title = fields.String()
    body = fields.String()
    urgent = fields.Boolean()
    created_at = fields.DateTime()
    read_at = fields.DateTime()


class SendSchema(Schema):
    class Meta:
        unknown = RAISE

    recipients = fields.List(fields.String(validate=validate.Length(min=1, max=300)),
                             required=True, validate=validate.Length(min=1, max=5000))
    template = fields.String(required=True, validate=validate.Length(min=1, max=100))
    data = fields.Dict(load_default=dict)
    priority = fields.String(load_default="normal", validate=validate.OneOf(PRIORITIES))
    idempotency_key = fields.String(required=True, validate=validate.Length(min=1, max=150))
    category = fields.String(load_default="general", validate=validate.Length(min=1, max=50))
    office = fields.String(load_default=None, allow_none=True)


class QuietHoursSchema(Schema):
    class Meta:
        unknown = RAISE

    start = fields.String(required=True)
    end = fields.String(required=True)


class PreferencesSchema(Schema):
    class Meta:
        unknown = RAISE

    channels = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    quiet_hours = fields.Nested(QuietHoursSchema, allow_none=True)
    digest_time = fields.String(allow_none=True)
    addresses = fields.Dict(keys=fields.String(), values=fields.String())
    fallback = fields.List(fields.String())


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


class DeliveriesQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    status = fields.List(fields.String(validate=validate.OneOf(
        ["pending", "sending", "sent", "failed_over", "dead"])), load_default=None)
    failed = fields.Boolean(load_default=False)
    recipient = fields.String(load_default=None)
    channel = fields.String(load_default=None)
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 1000))
