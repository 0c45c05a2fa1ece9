from marshmallow import EXCLUDE, Schema, fields, validate


class OutcomeQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    assignee = fields.String(load_default=None)
    period = fields.String(load_default=None, validate=validate.Regexp(
        r"^\d{4}-(0[1-9]|1[0-2])$", error="a month as YYYY-MM"))


class TaskOutcomeSchema(Schema):
    task_id = fields.Integer()
    assignee = fields.String()
    weight = fields.Float()
    due_date = fields.Date()
    completed_on = fields.Date()
    period = fields.String()
    on_time = fields.Boolean()
    delay_count = fields.Integer()
    failed_reviews = fields.Integer()
