"""Loading input at the boundary: marshmallow errors become InvalidInput naming each field."""
from functools import lru_cache

from marshmallow import Schema, ValidationError

from shared.errors import InvalidInput


@lru_cache(maxsize=None)
def instance(schema_cls, many=False):
    """One shared instance per schema class: building one deep-copies every field, and a
    schema without per-call state can load and dump for any number of workers."""
    return schema_cls(many=many)


def load(schema, payload, what="request"):
    if isinstance(schema, type) and issubclass(schema, Schema):
        schema = instance(schema)
    if not isinstance(payload, dict) and not schema.many:
        raise InvalidInput(f"the {what} must be a JSON object",
                           {"_schema": [f"got {type(payload).__name__}"]})
    try:
        return schema.load(payload)
    except ValidationError as exc:
        raise InvalidInput(f"the {what} is not valid", exc.messages)
