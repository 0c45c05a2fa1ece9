"""What a caller may ask of registered documents: a correction, a search.

Every value is bounded by the column it goes into (read off the model, so the two cannot drift
apart), every date by a plausible year, every page by what the search ranks; a key nobody
defined is refused by name.  Anything else is a VALIDATION_ERROR naming the field, before any
document is loaded.
"""
from datetime import datetime

from marshmallow import (RAISE, Schema, ValidationError, fields, validate, validates,
                         validates_schema)

from services.intake import symbols
from services.intake.schemas import DATES, LIST_MAX, PRIORITIES, column_length, column_text
from shared.contracts import TITLE_MAX
from shared.errors import InvalidInput
from shared.schemas import load
from shared.text import fold

FILTER_TEXT_MAX = 60                # a typed số or ký hiệu, before it is read

REASON_MAX = 1000
QUERY_MAX_CHARACTERS = 500
QUERY_MAX_WORDS = 20
SEARCH_CANDIDATES = 1000            # the newest matches a search ranks; offsets stay inside them
PAGE_MAX = 200
STATUSES = ("registered", "issued", "recalled", "replaced")


def not_blank(value):
    if not value.strip():
        raise ValidationError("must not be blank")


class CorrectionRequest(Schema):
    class Meta:
        unknown = RAISE

    code_number = column_text("code_number", allow_none=True)
    code_notation = column_text("code_notation", allow_none=True)
    organ_name = column_text("organ_name", allow_none=True)
    type_name = column_text("type_name", allow_none=True)
    doc_type = column_text("doc_type", allow_none=True)
    subject = fields.String(validate=[validate.Length(min=1, max=column_length("subject")),
                                      not_blank])
    issued_date = fields.Date(allow_none=True, validate=DATES)
    place = column_text("place", allow_none=True)
    priority = fields.String(allow_none=True, validate=validate.OneOf(PRIORITIES))
    signer_competence = column_text("signer_competence", allow_none=True)
    signer_position = column_text("signer_position", allow_none=True)
    signer_full_name = column_text("signer_full_name", allow_none=True)
    to_places = fields.List(fields.String(validate=validate.Length(max=TITLE_MAX)),
                            allow_none=True, validate=validate.Length(max=LIST_MAX))
    kinh_gui = fields.List(fields.String(validate=validate.Length(max=TITLE_MAX)),
                           allow_none=True, validate=validate.Length(max=LIST_MAX))
    due_date = fields.Date(allow_none=True, validate=DATES)


# Every registration field but the secrecy mark, which is set once, when registering.
CORRECTABLE_FIELDS = tuple(CorrectionRequest._declared_fields)


def correction(changes, reason):
    """(fields to change, reason) of a correction request, or InvalidInput naming what is wrong."""
    if isinstance(changes, dict):
        unknown = sorted(set(changes) - set(CORRECTABLE_FIELDS))
        if unknown:
            raise InvalidInput("these fields cannot be corrected",
                               {str(field)[:80]: ["not a correctable field"] for field in unknown})
    fields_ = load(CorrectionRequest, changes, "changes")
    if not fields_:
        raise InvalidInput("nothing to correct", {"changes": ["give at least one field"]})
    return fields_, reason_of(reason, "a correction")


def reason_of(reason, what):
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput(f"{what} needs a reason", {"reason": ["required"]})
    if len(reason) > REASON_MAX:
        raise InvalidInput(f"the reason is longer than {REASON_MAX} characters",
                           {"reason": [f"{len(reason)} characters"]})
    return reason.strip()


def query_words(query):
    """The distinct words of a query, folded (no diacritics, lower case), in order."""
    return list(dict.fromkeys(fold(query).split()))


class PeopleDate(fields.Date):
    """A date as people type it, "2026-11-20" or "20/11/2026"."""

    default_error_messages = {"invalid": "not a date: use 2026-11-20 or 20/11/2026"}

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and "/" in value:
            try:
                return datetime.strptime(value.strip(), "%d/%m/%Y").date()
            except ValueError:
                raise self.make_error("invalid") from None
        return super()._deserialize(value, attr, data, **kwargs)


def typed_text(field, value, attr, data, **kwargs):
    text = fields.String._deserialize(field, value, attr, data, **kwargs)
    if len(text) > FILTER_TEXT_MAX:
        raise ValidationError(f"at most {FILTER_TEXT_MAX} characters")
    return text


class NumberFilter(fields.String):
    """A số ("412", "05", "Số 412"): its digits without leading zeros."""

    def _deserialize(self, value, attr, data, **kwargs):
        symbol = symbols.parse(typed_text(self, value, attr, data, **kwargs))
        if symbol is None or symbol.notation is not None:
            raise ValidationError("a number: 412, 05")
        return symbol.number


class NotationFilter(fields.String):
    """A ký hiệu ("UBND-VP", "kl/đuk"), folded as it is compared."""

    def _deserialize(self, value, attr, data, **kwargs):
        folded = fold(typed_text(self, value, attr, data, **kwargs)).replace(" ", "")
        if not folded:
            raise ValidationError("must not be blank")
        return folded


class SearchRequest(Schema):
    """intake.search: `query` (words, or a số, ký hiệu) and filters; no other key."""

    class Meta:
        unknown = RAISE

    query = fields.String(load_default="", allow_none=True,
                          validate=validate.Length(max=QUERY_MAX_CHARACTERS))
    direction = fields.String(load_default=None, allow_none=True,
                              validate=validate.OneOf(("in", "out")))
    doc_type = column_text("type_name", load_default=None, allow_none=True)
    organ = column_text("organ_name", load_default=None, allow_none=True)
    priority = fields.String(load_default=None, allow_none=True,
                             validate=validate.OneOf(PRIORITIES))
    status = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(STATUSES))
    number = NumberFilter(load_default=None, allow_none=True,
                          validate=validate.Length(max=column_length("code_number")))
    notation = NotationFilter(load_default=None, allow_none=True,
                              validate=validate.Length(max=column_length("code_notation")))
    waiting_for_direction = fields.Boolean(load_default=None, allow_none=True)
    date_from = PeopleDate(load_default=None, allow_none=True, validate=DATES)
    date_to = PeopleDate(load_default=None, allow_none=True, validate=DATES)
    limit = fields.Integer(load_default=20, strict=True, validate=validate.Range(min=1, max=PAGE_MAX))
    offset = fields.Integer(load_default=0, strict=True,
                            validate=validate.Range(min=0, max=SEARCH_CANDIDATES))

    @validates("query")
    def few_enough_words(self, value, **_):
        if value and len(query_words(value)) > QUERY_MAX_WORDS:
            raise ValidationError(f"at most {QUERY_MAX_WORDS} different words")

    @validates_schema
    def dates_in_order(self, data, **_):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError("must not be after date_to", "date_from")


def search(criteria):
    """The search criteria, checked: {query, limit, offset, filters}."""
    given = load(SearchRequest, criteria, "search")
    return {"query": given.pop("query") or "", "limit": given.pop("limit"),
            "offset": given.pop("offset"), "filters": given}
