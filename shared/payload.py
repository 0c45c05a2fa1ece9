"""What every RPC payload must be before any service code sees it.

JSON can carry things no column can hold and no rule expects: NUL bytes (PostgreSQL refuses
them in text), lone surrogates (not encodable as UTF-8), integers beyond 64 bits (SQLite
overflows), NaN and infinities, nesting deep enough to exhaust the stack, and millions of
small items.  `check` refuses all of them with one VALIDATION_ERROR naming each offending
path (``document.attachments[3].name``), so that per-field schemas only deal with meaning.
"""
import math

from shared.errors import InvalidInput

MAX_DEPTH = 20
MAX_NODES = 200_000
MAX_REPORTED = 20
INT_MIN, INT_MAX = -(2 ** 63), 2 ** 63 - 1


def _string_problem(text):
    if "\x00" in text:
        return "contains a NUL character"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid Unicode (a lone surrogate)"
    return None


class _Walk:
    def __init__(self):
        self.nodes = 0
        self.problems = {}

    def note(self, path, problem):
        if len(self.problems) < MAX_REPORTED:
            self.problems.setdefault(path or "_payload", []).append(problem)

    def visit(self, value, path, depth):
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise InvalidInput("the request holds too many values",
                               {"_payload": [f"more than {MAX_NODES} values"]})
        if isinstance(value, str):
            problem = _string_problem(value)
            if problem:
                self.note(path, problem)
        elif isinstance(value, bool) or value is None:
            pass
        elif isinstance(value, int):
            if not INT_MIN <= value <= INT_MAX:
                self.note(path, "is outside the 64-bit integer range")
        elif isinstance(value, float):
            if not math.isfinite(value):
                self.note(path, "is not a finite number")
        elif isinstance(value, (list, tuple)):
            if depth >= MAX_DEPTH:
                self.note(path, f"is nested deeper than {MAX_DEPTH} levels")
                return
            for index, item in enumerate(value):
                self.visit(item, f"{path}[{index}]", depth + 1)
        elif isinstance(value, dict):
            if depth >= MAX_DEPTH:
                self.note(path, f"is nested deeper than {MAX_DEPTH} levels")
                return
            for key, item in value.items():
                name = key if isinstance(key, str) else repr(key)
                child = f"{path}.{name}" if path else name
                if isinstance(key, str) and _string_problem(key):
                    self.note(child, "has a key that " + _string_problem(key))
                self.visit(item, child, depth + 1)


def check(args, kwargs):
    """Refuse a payload no service should see; InvalidInput naming every bad path."""
    walk = _Walk()
    for index, value in enumerate(args):
        walk.visit(value, f"_args[{index}]", 1)
    for name, value in kwargs.items():
        walk.visit(value, name, 1)
    if walk.problems:
        raise InvalidInput("the request holds values no field can take", walk.problems)
