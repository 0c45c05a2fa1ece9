"""tasks' boundary: what callers send and what they get back."""
import json

from marshmallow import EXCLUDE, Schema, fields, validate

from shared.exports import FORMATS
from services.tasks.recurrence import RECURRENCES
from shared.auth import ROLES

TEXT = validate.Length(min=1, max=500)


class Input(Schema):
    class Meta:
        unknown = EXCLUDE


class UnitInput(Input):
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    parent_code = fields.String(allow_none=True, load_default=None)
    aliases = fields.List(fields.String(validate=validate.Length(min=2, max=200)),
                          load_default=list)
    active = fields.Boolean(load_default=True)


class StaffInput(Input):
    staff_id = fields.String(required=True, validate=validate.Length(min=1, max=100))
    full_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    unit_code = fields.String(allow_none=True, load_default=None)
    position = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=200))
    is_leader = fields.Boolean(load_default=False)
    is_unit_head = fields.Boolean(load_default=False)
    task_group = fields.String(allow_none=True, load_default=None,
                               validate=validate.Length(max=100))
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)), load_default=list)
    email = fields.Email(allow_none=True, load_default=None)
    active = fields.Boolean(load_default=True)


class CreateTaskInput(Input):
    title = fields.String(required=True, validate=TEXT)
    description = fields.String(allow_none=True, load_default=None)
    unit_code = fields.String(allow_none=True, load_default=None)
    assignee = fields.String(allow_none=True, load_default=None)
    due_date = fields.Date(allow_none=True, load_default=None)
    due_in_working_days = fields.Integer(allow_none=True, load_default=None,
                                         validate=validate.Range(0, 365))
    task_type = fields.String(load_default="general", validate=validate.Length(min=1, max=40))
    weight = fields.Float(load_default=1.0, validate=validate.Range(min=0.1, max=10))
    urgent = fields.Boolean(load_default=False)
    coordinators = fields.List(fields.String(), load_default=list)
    parent_id = fields.Integer(allow_none=True, load_default=None)
    recurrence = fields.String(allow_none=True, load_default=None,
                               validate=validate.OneOf(RECURRENCES))
    document_id = fields.Integer(allow_none=True, load_default=None)


class DirectInput(Input):
    document_id = fields.Integer(required=True)
    lead = fields.String(required=True, validate=validate.Length(min=1, max=100))
    coordinators = fields.List(fields.Raw(), load_default=list)
    due_date = fields.Date(allow_none=True, load_default=None)
    due_in_working_days = fields.Integer(allow_none=True, load_default=None,
                                         validate=validate.Range(0, 365))
    note = fields.String(allow_none=True, load_default=None)


class AssignInput(Input):
    task_id = fields.Integer(required=True)
    assignee = fields.String(required=True)
    due_date = fields.Date(allow_none=True, load_default=None)
    note = fields.String(allow_none=True, load_default=None)


class TaskIdInput(Input):
    task_id = fields.Integer(required=True)


class ProgressInput(TaskIdInput):
    percent = fields.Integer(required=True, strict=True, validate=validate.Range(0, 100))
    note = fields.String(allow_none=True, load_default=None)


class SubmitInput(TaskIdInput):
    result = fields.String(required=True, validate=validate.Length(min=1))
    reply_number = fields.String(allow_none=True, load_default=None,
                                 validate=validate.Length(max=60))


class ReviewInput(TaskIdInput):
    decision = fields.String(required=True, validate=validate.OneOf(["accept", "return"]))
    quality_met = fields.Boolean(required=True)
    reason = fields.String(allow_none=True, load_default=None)


class ExtensionRequestInput(TaskIdInput):
    new_due_date = fields.Date(required=True)
    reason = fields.String(required=True)


class ExtensionDecisionInput(TaskIdInput):
    approve = fields.Boolean(required=True)
    objective_cause = fields.Boolean(load_default=False)
    reason = fields.String(allow_none=True, load_default=None)
    new_due_date = fields.Date(allow_none=True, load_default=None)


class CancelInput(TaskIdInput):
    reason = fields.String(required=True)


class ConfirmInput(TaskIdInput):
    due_date = fields.Date(allow_none=True, load_default=None)
    unit_code = fields.String(allow_none=True, load_default=None)
    assignee = fields.String(allow_none=True, load_default=None)
    note = fields.String(allow_none=True, load_default=None)


class DiscardInput(TaskIdInput):
    reason = fields.String(allow_none=True, load_default=None)


class ListTasksInput(Input):
    status = fields.String(allow_none=True, load_default=None)
    assignee = fields.String(allow_none=True, load_default=None)
    unit_code = fields.String(allow_none=True, load_default=None)
    document_id = fields.Integer(allow_none=True, load_default=None)
    mine = fields.Boolean(load_default=False)
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 1000))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


class TrackingInput(Input):
    scope = fields.String(load_default="office")
    period = fields.String(allow_none=True, load_default=None)
    group_by = fields.String(load_default="unit",
                             validate=validate.OneOf(["office", "unit", "person"]))
    format = fields.String(load_default="json", validate=validate.OneOf(FORMATS))


class RegisterInput(Input):
    year = fields.Integer(required=True, validate=validate.Range(2000, 2100))
    format = fields.String(load_default="json", validate=validate.OneOf(FORMATS))


class RemindersInput(Input):
    on = fields.String(allow_none=True, load_default=None)


# -- answers -------------------------------------------------------------------------------

class JsonList(fields.Field):
    def _serialize(self, value, attr, obj, **kwargs):
        return json.loads(value or "[]")


class UnitSchema(Schema):
    code = fields.String()
    name = fields.String()
    parent_code = fields.String()
    aliases = JsonList()
    active = fields.Boolean()


class StaffSchema(Schema):
    staff_id = fields.String()
    full_name = fields.String()
    unit_code = fields.String()
    position = fields.String()
    is_leader = fields.Boolean()
    is_unit_head = fields.Boolean()
    task_group = fields.String()
    roles = JsonList()
    email = fields.String()
    active = fields.Boolean()


class TaskSchema(Schema):
    id = fields.Integer()
    office = fields.String()
    title = fields.String()
    description = fields.String()
    task_type = fields.String()
    weight = fields.Float()
    urgent = fields.Boolean()
    status = fields.String()
    unit_code = fields.String()
    assignee = fields.String()
    assigner = fields.String()
    coordinators = JsonList()
    due_date = fields.Date()
    original_due_date = fields.Date()
    unit_due_date = fields.Date()
    document_id = fields.Integer()
    arrival_number = fields.Integer()
    related_task_id = fields.Integer()
    parent_id = fields.Integer()
    progress = fields.Integer()
    progress_note = fields.String()
    result = fields.String()
    reply_number = fields.String()
    assigned_on = fields.Date()
    accepted_on = fields.Date()
    submitted_on = fields.Date()
    completed_on = fields.Date()
    on_time = fields.Boolean()
    delay_count = fields.Integer()
    excused_delays = fields.Integer()
    failed_reviews = fields.Integer()
    quality_met = fields.Boolean()
    recurrence = fields.String()
    series_id = fields.Integer()
    occurrence = fields.Integer()
    created_by = fields.String()


class HistorySchema(Schema):
    at = fields.DateTime()
    by = fields.String()
    action = fields.String()
    from_status = fields.String()
    to_status = fields.String()
    details = fields.Method("_details")

    def _details(self, entry):
        return json.loads(entry.details or "{}")


class ExtensionSchema(Schema):
    id = fields.Integer()
    requested_by = fields.String()
    requested_at = fields.DateTime()
    old_due_date = fields.Date()
    requested_due_date = fields.Date()
    reason = fields.String()
    status = fields.String()
    new_due_date = fields.Date()
    objective_cause = fields.Boolean()
    decided_by = fields.String()
    decision_reason = fields.String()


class DirectionItemSchema(Schema):
    id = fields.Integer()
    office = fields.String()
    document_id = fields.Integer()
    arrival_number = fields.Integer()
    arrival_date = fields.Date()
    subject = fields.String()
    urgent = fields.Boolean()
    status = fields.String()
    lead = fields.String()
    coordinators = JsonList()
    due_date = fields.Date()
    note = fields.String()
    directed_by = fields.String()
    lead_task_id = fields.Integer()
    directives = JsonList()
