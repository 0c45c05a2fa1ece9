"""What a caller may ask of registered documents: a correction, a search.

Every value is bounded by the column it goes into (read off the model, so the two cannot drift
apart), every date by a plausible year, every page by what the search ranks; a key nobody
defined is refused by name.  Anything else is a VALIDATION_ERROR naming the field, before any
document is loaded.
"""
from datetime import date

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates

from services.intake.models import Document
from services.intake.schemas import PRIORITIES
from shared.contracts import TITLE_MAX
from shared.errors import InvalidInput
from shared.schemas import load
from shared.text import fold

REASON_MAX = 1000
LIST_MAX = 100                      # places in "Nơi nhận" / "Kính gửi"
DATES = validate.Range(min=date(1900, 1, 1), max=date(2200, 12, 31),
                       error="must be a date between 1900 and 2200")
QUERY_MAX_CHARACTERS = 500
QUERY_MAX_WORDS = 20
SEARCH_CANDIDATES = 1000            # the newest matches a search ranks; offsets stay inside them
PAGE_MAX = 200
STATUSES = ("registered", "issued", "recalled", "replaced")


def column_length(name):
    return Document.__table__.columns[name].type.length


def column_text(name, **kwargs):
    """A string no longer than the document column `name` holds."""
    return fields.String(validate=validate.Length(max=column_length(name)), **kwargs)


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


class SearchRequest(Schema):
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
    date_from = fields.Date(load_default=None, allow_none=True, validate=DATES)
    date_to = fields.Date(load_default=None, allow_none=True, validate=DATES)
    limit = fields.Integer(load_default=20, strict=True, validate=validate.Range(min=1, max=PAGE_MAX))
    offset = fields.Integer(load_default=0, strict=True,
                            validate=validate.Range(min=0, max=SEARCH_CANDIDATES))

    @validates("query")
    def few_enough_words(self, value, **_):
        if value and len(query_words(value)) > QUERY_MAX_WORDS:
            raise ValidationError(f"at most {QUERY_MAX_WORDS} different words")


def search(criteria):
    """The search criteria, checked: {query, limit, offset, filters}."""
    given = load(SearchRequest, criteria, "search")
    return {"query": given.pop("query") or "", "limit": given.pop("limit"),
            "offset": given.pop("offset"), "filters": given}
