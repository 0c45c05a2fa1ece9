"""evaluation's request schemas: every key known, every value within what its column and its
rule can hold.  Requests refuse unknown keys (RAISE); shared fields (staff ids, unit codes, text
lengths) are the event contract's own definitions, so an id tasks announces is one evaluation
accepts back."""
import re
from datetime import date

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from services.evaluation.periods import FIRST_YEAR, LAST_YEAR, YEAR_TEXT
from services.evaluation.rules import DISCIPLINE_FORMS, LEVELS
from services.evaluation.rules.emulation_2022 import INITIATIVE_LEVELS, TITLE_NAMES
from shared.contracts import (LONG_TEXT_MAX, NAME_MAX, NUMBER_MAX, TASK_TYPE_MAX, TITLE_MAX,
                              staff_id_field, text_field, unit_code_field)
from shared.errors import InvalidInput
from shared.schemas import load

ENTRIES_MAX = 2000          # people or items in one call: an office has 30-40 staff
AUTHORS_MAX = 50
TITLES_PER_ENTRY_MAX = 10
COUNCIL_MAX = 1000
PAGE_MAX, PAGE_DEFAULT = 2000, 1000
CRITERIA_MAX, CRITERION_NAME_MAX = 20, 40
ID_MAX = 2 ** 31 - 1        # evaluation's integer keys

LEVEL = validate.OneOf(LEVELS, error="one of " + ", ".join(LEVELS))
TITLE = validate.OneOf(list(TITLE_NAMES), error="one of " + ", ".join(TITLE_NAMES))


def _period_rule(pattern, expected):
    regex = re.compile(pattern)

    def check(value):
        if len(value) > 7 or not regex.match(value):
            raise ValidationError(f"{expected}, {YEAR_TEXT}")
        if not FIRST_YEAR <= int(value[:4]) <= LAST_YEAR:
            raise ValidationError(f"{value[:4]} is not {YEAR_TEXT}")
    return check


MONTH = _period_rule(r"^[0-9]{4}-(0[1-9]|1[0-2])\Z", "a month YYYY-MM")
PERIOD = _period_rule(r"^[0-9]{4}-((0[1-9]|1[0-2])|Q[1-4])\Z", "a month YYYY-MM or a quarter YYYY-Qn")
PERIOD_OR_YEAR = _period_rule(r"^[0-9]{4}(-((0[1-9]|1[0-2])|Q[1-4]))?\Z",
                              "a month YYYY-MM, a quarter YYYY-Qn or a year YYYY")


def year_field(**kwargs):
    return fields.Integer(strict=True, validate=validate.Range(FIRST_YEAR, LAST_YEAR, error=YEAR_TEXT),
                          **kwargs)


def date_field(**kwargs):
    return fields.Date(validate=validate.Range(
        date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31),
        error=f"a date from {FIRST_YEAR}-01-01 to {LAST_YEAR}-12-31"), **kwargs)


def count_field(low, high, **kwargs):
    return fields.Integer(strict=True, validate=validate.Range(low, high), **kwargs)


def entries_field(schema, **kwargs):
    return fields.List(fields.Nested(schema), validate=validate.Length(
        max=ENTRIES_MAX, error=f"at most {ENTRIES_MAX} items in one call"), **kwargs)


# a title's subject: a staff id or a unit code (the staff id rule admits every unit code)
subject_field = staff_id_field


class Request(Schema):
    class Meta:
        unknown = RAISE


def load_request(schema, payload, what="request"):
    """`shared.schemas.load`, with nested errors named by path (``entries[3].points``)."""
    try:
        return load(schema, payload, what)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, flatten(exc.fields)) from None


def flatten(messages, path=""):
    flat = {}
    for key, value in messages.items():
        if key == "_schema" and path:
            where = path
        elif isinstance(key, int):
            where = f"{path}[{key}]"
        else:
            where = f"{path}.{key}" if path else str(key)
        if isinstance(value, dict):
            for inner, found in flatten(value, where).items():
                flat.setdefault(inner, []).extend(found)
        else:
            flat.setdefault(where, []).extend(value if isinstance(value, list) else [value])
    return flat


class EmptySchema(Request):
    pass


class OutcomeQuerySchema(Request):
    assignee = staff_id_field(load_default=None)
    period = fields.String(load_default=None, validate=MONTH)
    limit = count_field(1, PAGE_MAX, load_default=PAGE_DEFAULT)
    offset = count_field(0, 10_000_000, load_default=0)


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


class PeriodSchema(Request):
    period = fields.String(required=True, validate=PERIOD)


class YearSchema(Request):
    year = year_field(required=True)


class GeneralEntrySchema(Request):
    """Points are checked against the office's maximum and criteria split in `assessment`."""
    staff_id = staff_id_field(required=True)
    points = fields.Float(allow_nan=False, allow_none=True, load_default=None)
    criteria = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=CRITERION_NAME_MAX)),
                           values=fields.Float(allow_nan=False), load_default=dict,
                           validate=validate.Length(max=CRITERIA_MAX))
    comment = text_field(LONG_TEXT_MAX, allow_none=True, load_default=None)


class GeneralCriteriaSchema(Request):
    period = fields.String(required=True, validate=PERIOD_OR_YEAR)
    entries = entries_field(GeneralEntrySchema, required=True)


class TaskWeightSchema(Request):
    task_type = fields.String(required=True, validate=validate.Length(min=1, max=TASK_TYPE_MAX))
    weight = fields.Raw(required=True)          # a number in (0, 100], checked by `outcomes`


class ExplainSchema(Request):
    staff_id = staff_id_field(required=True)
    period = fields.String(load_default=None, validate=PERIOD)
    year = year_field(load_default=None)

    @validates_schema
    def one_of(self, data, **kwargs):
        if (data.get("period") is None) == (data.get("year") is None):
            raise ValidationError("give a period or a year, not both", "period")


class DecideTieSchema(Request):
    year = year_field(required=True)
    staff_id = staff_id_field(required=True)
    level = fields.String(required=True, validate=LEVEL)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=LONG_TEXT_MAX))


class RateUnitSchema(Request):
    year = year_field(required=True)
    unit_code = unit_code_field(required=True)           # or the office code: the whole office
    level = fields.String(required=True, validate=LEVEL)
    reason = text_field(LONG_TEXT_MAX, allow_none=True, load_default=None)


class DisciplineSchema(Request):
    staff_id = staff_id_field(required=True)
    kind = fields.String(load_default="discipline",
                         validate=validate.OneOf(["discipline", "degradation"]))
    form = fields.String(load_default=None, validate=validate.OneOf(
        DISCIPLINE_FORMS, error="one of " + ", ".join(DISCIPLINE_FORMS)))
    decided_on = date_field(required=True)
    year = year_field(load_default=None)
    decision_number = text_field(NUMBER_MAX, allow_none=True, load_default=None)
    reason = text_field(LONG_TEXT_MAX, allow_none=True, load_default=None)


class RegistrationEntrySchema(Request):
    staff_id = staff_id_field(load_default=None)
    unit_code = unit_code_field(load_default=None)
    titles = fields.List(fields.String(validate=validate.Length(max=20)), load_default=None,
                         validate=validate.Length(max=TITLES_PER_ENTRY_MAX))


class RegistrationSchema(Request):
    year = year_field(required=True)
    entries = entries_field(RegistrationEntrySchema, required=True)
    registered_on = date_field(load_default=None)


class InitiativeSchema(Request):
    year = year_field(required=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=TITLE_MAX))
    kind = fields.String(load_default="initiative", validate=validate.OneOf(["initiative", "research"]))
    authors = fields.List(staff_id_field(), required=True,
                          validate=validate.Length(min=1, max=AUTHORS_MAX))
    level = fields.String(load_default=None, validate=validate.OneOf(INITIATIVE_LEVELS))
    province_wide = fields.Boolean(load_default=False)
    recognised_on = date_field(load_default=None)
    decision_number = text_field(NUMBER_MAX, allow_none=True, load_default=None)


class RecogniseSchema(Request):
    initiative_id = count_field(1, ID_MAX, required=True)
    level = fields.String(required=True, validate=validate.OneOf(INITIATIVE_LEVELS))
    province_wide = fields.Boolean(load_default=False)
    recognised_on = date_field(load_default=None)
    decision_number = text_field(NUMBER_MAX, allow_none=True, load_default=None)


class BallotSchema(Request):
    year = year_field(required=True)
    title = fields.String(required=True, validate=TITLE)
    subject = subject_field(required=True)
    council_members = count_field(1, COUNCIL_MAX, required=True)
    votes_for = count_field(0, COUNCIL_MAX, required=True)
    votes_against = count_field(0, COUNCIL_MAX, load_default=None, allow_none=True)


class AwardItemSchema(Request):
    title = fields.String(required=True, validate=TITLE)
    subject = subject_field(required=True)


class AwardSchema(Request):
    year = year_field(required=True)
    awards = entries_field(AwardItemSchema, load_default=None, allow_none=True)
    decision_number = text_field(NUMBER_MAX, allow_none=True, load_default=None)
    awarded_on = date_field(load_default=None)


class HistoryLevelSchema(Request):
    staff_id = staff_id_field(required=True)
    level = fields.String(required=True, validate=LEVEL)


class HistoryTitleSchema(Request):
    title = fields.String(required=True, validate=TITLE)
    subject = subject_field(required=True)
    name = text_field(NAME_MAX, allow_none=True, load_default=None)
    decision_number = text_field(NUMBER_MAX, allow_none=True, load_default=None)


class HistorySchema(Request):
    year = year_field(required=True)
    levels = entries_field(HistoryLevelSchema, load_default=list)
    titles = entries_field(HistoryTitleSchema, load_default=list)


class ReportSchema(Request):
    year = year_field(required=True)
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "docx"]))
