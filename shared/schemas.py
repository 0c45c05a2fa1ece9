"""Loading input at the boundary: marshmallow errors become InvalidInput naming each field."""
from marshmallow import Schema, ValidationError

from shared.errors import InvalidInput


def load(schema, payload, what="request"):
    if isinstance(schema, type) and issubclass(schema, Schema):
        schema = schema()
    if not isinstance(payload, dict) and not schema.many:
        raise InvalidInput(f"the {what} must be a JSON object",
                           {"_schema": [f"got {type(payload).__name__}"]})
    try:
        return schema.load(payload)
    except ValidationError as exc:
        raise InvalidInput(f"the {what} is not valid", exc.messages)
