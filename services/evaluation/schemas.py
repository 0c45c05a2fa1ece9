from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from services.evaluation.rules import DISCIPLINE_FORMS, LEVELS
from services.evaluation.rules.emulation_2022 import INITIATIVE_LEVELS, TITLE_NAMES

PERIOD = validate.Regexp(r"^\d{4}-((0[1-9]|1[0-2])|Q[1-4])$",
                         error="a month YYYY-MM or a quarter YYYY-Qn")
PERIOD_OR_YEAR = validate.Regexp(r"^\d{4}(-((0[1-9]|1[0-2])|Q[1-4]))?$",
                                 error="a month YYYY-MM, a quarter YYYY-Qn or a year YYYY")
YEAR = validate.Range(2000, 2100, error="a year between 2000 and 2100")
LEVEL = validate.OneOf(LEVELS, error="one of " + ", ".join(LEVELS))
TITLE = validate.OneOf(list(TITLE_NAMES), error="one of " + ", ".join(TITLE_NAMES))


class Loose(Schema):
    class Meta:
        unknown = EXCLUDE


class OutcomeQuerySchema(Loose):
    assignee = fields.String(load_default=None)
    period = fields.String(load_default=None, validate=validate.Regexp(
        r"^\d{4}-(0[1-9]|1[0-2])$", error="a month as YYYY-MM"))


class TaskOutcomeSchema(Schema):
    task_id = fields.Integer()
    title = fields.String()
    assignee = fields.String()
    unit_code = fields.String(allow_none=True)
    task_type = fields.String()
    status = fields.String()
    weight = fields.Float()
    due_date = fields.Date(allow_none=True)
    completed_on = fields.Date(allow_none=True)
    period = fields.String(allow_none=True)
    due_period = fields.String(allow_none=True)
    on_time = fields.Boolean()
    delay_count = fields.Integer()
    excused_delays = fields.Integer()
    objective_causes = fields.Integer()
    failed_reviews = fields.Integer()
    quality_met = fields.Boolean()


class PeriodSchema(Loose):
    period = fields.String(required=True, validate=PERIOD)


class YearSchema(Loose):
    year = fields.Integer(required=True, validate=YEAR)


class GeneralCriteriaSchema(Loose):
    period = fields.String(required=True, validate=PERIOD_OR_YEAR)
    entries = fields.List(fields.Dict(), required=True)


class TaskWeightSchema(Loose):
    task_type = fields.String(required=True, validate=validate.Length(min=1, max=80))
    weight = fields.Raw(required=True)


class ExplainSchema(Loose):
    staff_id = fields.String(required=True)
    period = fields.String(load_default=None, validate=PERIOD)
    year = fields.Integer(load_default=None, validate=YEAR)

    @validates_schema
    def one_of(self, data, **kwargs):
        if (data.get("period") is None) == (data.get("year") is None):
            raise ValidationError("give a period or a year, not both", "period")


class DecideTieSchema(Loose):
    year = fields.Integer(required=True, validate=YEAR)
    staff_id = fields.String(required=True)
    level = fields.String(required=True, validate=LEVEL)
    reason = fields.String(required=True, validate=validate.Length(min=1))


class RateUnitSchema(Loose):
    year = fields.Integer(required=True, validate=YEAR)
    unit_code = fields.String(required=True, validate=validate.Length(min=1, max=80))
    level = fields.String(required=True, validate=LEVEL)
    reason = fields.String(load_default=None)


class DisciplineSchema(Loose):
    staff_id = fields.String(required=True, validate=validate.Length(min=1))
    kind = fields.String(load_default="discipline",
                         validate=validate.OneOf(["discipline", "degradation"]))
    form = fields.String(load_default=None, validate=validate.OneOf(
        DISCIPLINE_FORMS, error="one of " + ", ".join(DISCIPLINE_FORMS)))
    decided_on = fields.Date(required=True)
    year = fields.Integer(load_default=None, validate=YEAR)
    decision_number = fields.String(load_default=None)
    reason = fields.String(load_default=None)


class RegistrationSchema(Loose):
    year = fields.Integer(required=True, validate=YEAR)
    entries = fields.List(fields.Dict(), required=True)
    registered_on = fields.Date(load_default=None)


class InitiativeSchema(Loose):
    year = fields.Integer(required=True, validate=YEAR)
    title = fields.String(required=True, validate=validate.Length(min=1, max=500))
    kind = fields.String(load_default="initiative", validate=validate.OneOf(["initiative", "research"]))
    authors = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    level = fields.String(load_default=None, validate=validate.OneOf(INITIATIVE_LEVELS))
    province_wide = fields.Boolean(load_default=False)
    recognised_on = fields.Date(load_default=None)
    decision_number = fields.String(load_default=None)


class RecogniseSchema(Loose):
    initiative_id = fields.Integer(required=True)
    level = fields.String(required=True, validate=validate.OneOf(INITIATIVE_LEVELS))
    province_wide = fields.Boolean(load_default=False)
    recognised_on = fields.Date(load_default=None)
    decision_number = fields.String(load_default=None)


class BallotSchema(Loose):
    year = fields.Integer(required=True, validate=YEAR)
    title = fields.String(required=True, validate=TITLE)
    subject = fields.String(required=True)
    council_members = fields.Integer(required=True, strict=True)
    votes_for = fields.Integer(required=True, strict=True)
    votes_against = fields.Integer(load_default=None, strict=True)


class AwardSchema(Loose):
    year = fields.Integer(required=True, validate=YEAR)
    awards = fields.List(fields.Dict(), load_default=None)
    decision_number = fields.String(load_default=None)
    awarded_on = fields.Date(load_default=None)


class HistorySchema(Loose):
    year = fields.Integer(required=True, validate=YEAR)
    levels = fields.List(fields.Dict(), load_default=list)
    titles = fields.List(fields.Dict(), load_default=list)


class ReportSchema(Loose):
    year = fields.Integer(required=True, validate=YEAR)
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "docx"]))
