"""The one error base of the suite.

Every error a service raises on purpose is a `VanphongError` with a stable `code`.  nameko
serialises it as a `RemoteError` whose `exc_type` is the class name and whose value is
``"<CODE>: <message> <fields as JSON>"``; `parse_remote_error` turns that back into parts.
"""
import json
import re


class VanphongError(Exception):
    code = "ERROR"

    def __init__(self, message, fields=None):
        self.message = message
        self.fields = dict(fields or {})
        super().__init__(message, self.fields)

    def __str__(self):
        text = f"{self.code}: {self.message}"
        if self.fields:
            text += " " + json.dumps(self.fields, ensure_ascii=False, sort_keys=True, default=str)
        return text

    def to_dict(self):
        return {"code": self.code, "message": self.message, "fields": self.fields}


class InvalidInput(VanphongError):
    """Input that breaks a rule; `fields` maps each field name to its messages."""

    code = "VALIDATION_ERROR"


class NotFound(VanphongError):
    code = "NOT_FOUND"


class Conflict(VanphongError):
    code = "CONFLICT"


class Duplicate(VanphongError):
    code = "DUPLICATE"


class Unauthorized(VanphongError):
    code = "UNAUTHORIZED"


class Forbidden(VanphongError):
    code = "FORBIDDEN"


class Unavailable(VanphongError):
    code = "UNAVAILABLE"


class BudgetExceeded(Unavailable):
    """A request that ran longer than its budget: stopped so that it cannot hold a worker."""


class Internal(VanphongError):
    """What a caller is told of a failure that is not theirs: a reference for the logs, nothing
    of the cause (no SQL, no parameters, no traceback)."""

    code = "INTERNAL"


ERROR_CODES = {cls.code: cls for cls in (
    InvalidInput, NotFound, Conflict, Duplicate, Unauthorized, Forbidden, Unavailable, Internal)}

_REMOTE_VALUE = re.compile(r"^(?P<code>[A-Z_]+): (?P<message>.*?)(?: (?P<fields>\{.*\}))?$", re.S)


def parse_remote_error(remote_error):
    """(code, message, fields) of a nameko RemoteError raised from a VanphongError.

    An error that did not come from our base gives code "INTERNAL" and its text as message.
    """
    value = getattr(remote_error, "value", None) or str(remote_error)
    match = _REMOTE_VALUE.match(value)
    if not match or match.group("code") not in ERROR_CODES:
        exc_type = getattr(remote_error, "exc_type", "")
        return "INTERNAL", f"{exc_type} {value}".strip(), {}
    fields = json.loads(match.group("fields")) if match.group("fields") else {}
    return match.group("code"), match.group("message"), fields
