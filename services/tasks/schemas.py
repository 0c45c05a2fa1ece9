"""tasks' boundary: what callers send and what they get back.

Every request schema refuses unknown keys, and bounds every value: strings to the columns they
go into (fields that end up in an event use shared.contracts' one definition, so the producer
refuses what a consumer could not store), lists, page sizes, numbers and dates.
"""
import json
from datetime import date, datetime

from marshmallow import (RAISE, Schema, ValidationError, fields, validate, validates_schema)

from services.tasks.recurrence import RECURRENCES
from services.tasks.workflow import LIST_SCOPES, STATES
from shared.auth import ROLES
from shared.contracts import (LONG_TEXT_MAX, NAME_MAX, NUMBER_MAX, STAFF_ID_MAX, STAFF_ID_RULE,
                              TASK_GROUP_MAX, TASK_TYPE_MAX, TITLE_MAX, UNIT_CODE_MAX,
                              staff_id_field, text_field, unit_code_field)
from shared.exports import FORMATS
from shared.schemas import instance

FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2200, 12, 31)
DATES = validate.Range(FIRST_DAY, LAST_DAY,
                       error=f"a date between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}")
YEARS = validate.Range(FIRST_DAY.year, LAST_DAY.year)
ID = validate.Range(1, 2**31 - 1)              # integer keys of tasks' and intake's tables
MAX_WORKING_DAYS = 366
MAX_COORDINATORS = 50
MAX_ALIASES = 20
MAX_PAGE = 200
PERIOD_MAX = 7                                  # "2026-11", "2026-Q4" or "2026"
SCOPE_RULE = validate.Regexp(
    r"^(office|unit:[A-Za-z0-9][A-Za-z0-9._-]{0,%d}|person:[A-Za-z0-9][A-Za-z0-9._@-]{0,%d})$"
    % (UNIT_CODE_MAX - 1, STAFF_ID_MAX - 1),
    error="office, unit:<unit code> or person:<staff id>")


def required_text(max_length, **kwargs):
    return fields.String(required=True, validate=validate.Length(min=1, max=max_length),
                         **kwargs)


def optional_text(max_length):
    return text_field(max_length, allow_none=True, load_default=None)


def day(**kwargs):
    return fields.Date(validate=DATES, **kwargs)


def optional_day():
    return day(allow_none=True, load_default=None)


class Input(Schema):
    class Meta:
        unknown = RAISE


class UnitInput(Input):
    code = unit_code_field(required=True)
    name = required_text(NAME_MAX)
    parent_code = unit_code_field(allow_none=True, load_default=None)
    aliases = fields.List(fields.String(validate=validate.Length(min=2, max=NAME_MAX)),
                          load_default=list, validate=validate.Length(max=MAX_ALIASES))
    active = fields.Boolean(load_default=True)


class StaffInput(Input):
    staff_id = staff_id_field(required=True)
    full_name = required_text(NAME_MAX)
    unit_code = unit_code_field(allow_none=True, load_default=None)
    position = optional_text(NAME_MAX)
    is_leader = fields.Boolean(load_default=False)
    is_unit_head = fields.Boolean(load_default=False)
    task_group = optional_text(TASK_GROUP_MAX)
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)), load_default=list,
                        validate=validate.Length(max=len(ROLES)))
    email = fields.Email(allow_none=True, load_default=None,
                         validate=validate.Length(max=NAME_MAX))
    active = fields.Boolean(load_default=True)


class ListStaffInput(Input):
    unit_code = unit_code_field(allow_none=True, load_default=None)
    include_inactive = fields.Boolean(load_default=False)


class CreateTaskInput(Input):
    title = required_text(TITLE_MAX)
    description = optional_text(LONG_TEXT_MAX)
    unit_code = unit_code_field(allow_none=True, load_default=None)
    assignee = staff_id_field(allow_none=True, load_default=None)
    due_date = optional_day()
    due_in_working_days = fields.Integer(allow_none=True, load_default=None,
                                         validate=validate.Range(0, MAX_WORKING_DAYS))
    task_type = fields.String(load_default="general",
                              validate=validate.Length(min=1, max=TASK_TYPE_MAX))
    weight = fields.Float(load_default=1.0, validate=validate.Range(min=0.1, max=10))
    urgent = fields.Boolean(load_default=False)
    coordinators = fields.List(staff_id_field(), load_default=list,
                               validate=validate.Length(max=MAX_COORDINATORS))
    parent_id = fields.Integer(allow_none=True, load_default=None, validate=ID)
    recurrence = fields.String(allow_none=True, load_default=None,
                               validate=validate.OneOf(RECURRENCES))
    document_id = fields.Integer(allow_none=True, load_default=None, validate=ID)


class CoordinatorInput(Input):
    unit_code = unit_code_field(allow_none=True, load_default=None)
    staff_id = staff_id_field(allow_none=True, load_default=None)
    due_date = optional_day()

    @validates_schema
    def one_owner(self, data, **kwargs):
        if (data["unit_code"] is None) == (data["staff_id"] is None):
            raise ValidationError("give a unit_code or a staff_id", "unit_code")


class Coordinator(fields.Field):
    """A coordinating unit or person of a direction: "PHC", "cv1", or {unit_code | staff_id,
    due_date}."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            STAFF_ID_RULE(value)        # a unit code or a staff id: both fit the staff id rule
            return value
        if isinstance(value, dict):
            return instance(CoordinatorInput).load(value)
        raise ValidationError("a unit code, a staff id, or {unit_code | staff_id, due_date}")


class DirectInput(Input):
    document_id = fields.Integer(required=True, validate=ID)
    lead = fields.String(required=True, validate=STAFF_ID_RULE)     # a unit code or a staff id
    coordinators = fields.List(Coordinator(), load_default=list,
                               validate=validate.Length(max=MAX_COORDINATORS))
    due_date = optional_day()
    due_in_working_days = fields.Integer(allow_none=True, load_default=None,
                                         validate=validate.Range(0, MAX_WORKING_DAYS))
    note = optional_text(LONG_TEXT_MAX)


class TaskIdInput(Input):
    task_id = fields.Integer(required=True, validate=ID)


class AssignInput(TaskIdInput):
    assignee = staff_id_field(required=True)
    due_date = optional_day()
    note = optional_text(LONG_TEXT_MAX)


class ProgressInput(TaskIdInput):
    percent = fields.Integer(required=True, strict=True, validate=validate.Range(0, 100))
    note = optional_text(LONG_TEXT_MAX)


class SubmitInput(TaskIdInput):
    result = required_text(LONG_TEXT_MAX)
    reply_number = optional_text(NUMBER_MAX)


class ReviewInput(TaskIdInput):
    decision = fields.String(required=True, validate=validate.OneOf(["accept", "return"]))
    quality_met = fields.Boolean(required=True)
    reason = optional_text(LONG_TEXT_MAX)


class ExtensionRequestInput(TaskIdInput):
    new_due_date = day(required=True)
    reason = required_text(LONG_TEXT_MAX)


class ExtensionDecisionInput(TaskIdInput):
    approve = fields.Boolean(required=True)
    objective_cause = fields.Boolean(load_default=False)
    reason = optional_text(LONG_TEXT_MAX)
    new_due_date = optional_day()


class CancelInput(TaskIdInput):
    reason = required_text(LONG_TEXT_MAX)


class ConfirmInput(TaskIdInput):
    due_date = optional_day()
    unit_code = unit_code_field(allow_none=True, load_default=None)
    assignee = staff_id_field(allow_none=True, load_default=None)
    note = optional_text(LONG_TEXT_MAX)


class DiscardInput(TaskIdInput):
    reason = optional_text(LONG_TEXT_MAX)


class ListTasksInput(Input):
    """tasks.list_tasks: whose (`scope`: mine, unit, office; `mine: true` is scope mine), which
    (status, assignee, unit_code, document_id; `overdue`, `due_soon`: either when both), a page."""
    scope = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(LIST_SCOPES))
    status = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(STATES))
    assignee = staff_id_field(allow_none=True, load_default=None)
    unit_code = unit_code_field(allow_none=True, load_default=None)
    document_id = fields.Integer(allow_none=True, load_default=None, validate=ID)
    mine = fields.Boolean(load_default=False)
    overdue = fields.Boolean(load_default=False)
    due_soon = fields.Boolean(load_default=False)
    limit = fields.Integer(load_default=100, validate=validate.Range(1, MAX_PAGE))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 2**31 - 1))

    @validates_schema
    def one_scope(self, data, **_):
        if data.get("mine") and data.get("scope") not in (None, "mine"):
            raise ValidationError(f"mine is scope mine, not {data['scope']}", "scope")


class TrackingInput(Input):
    scope = fields.String(load_default="office", validate=SCOPE_RULE)
    period = fields.String(allow_none=True, load_default=None,
                           validate=validate.Length(max=PERIOD_MAX))
    group_by = fields.String(load_default="unit",
                             validate=validate.OneOf(["office", "unit", "person"]))
    format = fields.String(load_default="json", validate=validate.OneOf(FORMATS))


class RegisterInput(Input):
    year = fields.Integer(required=True, validate=YEARS)
    format = fields.String(load_default="json", validate=validate.OneOf(FORMATS))


class Moment(fields.Field):
    """A local date ("2026-11-20") or date-time ("2026-11-20T09:00", offset optional)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or len(value) > 40:
            raise ValidationError("use 2026-11-20 or 2026-11-20T09:00")
        try:
            moment = date.fromisoformat(value) if len(value) == 10 else \
                datetime.fromisoformat(value)
        except ValueError:
            raise ValidationError(f"{value!r}: use 2026-11-20 or 2026-11-20T09:00")
        if not FIRST_DAY.year <= moment.year <= LAST_DAY.year:
            raise ValidationError(f"{value!r}: the year must be {FIRST_DAY.year}-"
                                  f"{LAST_DAY.year}")
        return moment


class RemindersInput(Input):
    on = Moment(allow_none=True, load_default=None)


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
