"""Payload fuzzing of every RPC: which methods there are, what to send them, what must come back.

Methods are found by their entrypoint (`shared.entrypoints.GuardedRpc`), their arguments by
`inspect`, and the request schemas each one loads by reading its source (and the source of the
functions of its own package it calls): a new RPC, argument or schema field is fuzzed without
anyone listing it here.  Values are JSON of every shape — including what the door must refuse
(NUL, lone surrogates, integers beyond 64 bits, deep nesting) — and "near-valid" payloads built
from the marshmallow fields, around their bounds and choices.

An answer is acceptable when it is a result, or a RemoteError of the error model other than
INTERNAL that carries no SQL, traceback or Python exception name (`problems_of_error`).
"""
import base64
import inspect
import json
import logging
import re
import sys
import textwrap
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

from hypothesis import strategies as st
from marshmallow import Schema, fields, validate
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

from shared.entrypoints import GuardedRpc
from shared.errors import ERROR_CODES

ACCEPTABLE_CODES = frozenset(ERROR_CODES) - {"INTERNAL"}
# What only an escaped exception puts in a reply.  Markers are matched case-sensitively, and a
# marker the request itself carried (an echoed value) is not held against the reply.
LEAK_MARKERS = (
    "SELECT ", "INSERT ", "UPDATE ", "DELETE FROM", "[SQL:", "[parameters:", "Traceback",
    "IntegrityError", "DataError", "OperationalError", "ProgrammingError", "StatementError",
    "InvalidRequestError", "psycopg2", "sqlite3", "TypeError", "ValueError", "KeyError",
    "AttributeError", "OverflowError", "UnicodeEncodeError", "UnicodeDecodeError",
    "RecursionError", 'File "/',
)

# --------------------------------------------------------------------------------------------
# Discovery


@dataclass(frozen=True)
class RpcMethod:
    service: str
    name: str
    parameters: tuple          # inspect.Parameter, without self
    takes_any: bool            # **kwargs
    schemas: tuple             # request schema classes its source (or its callees') loads

    @property
    def id(self):
        return f"{self.service}.{self.name}"


def rpc_methods(service_cls):
    """Every RPC of a service class, in source order."""
    found = []
    package = service_package(service_cls)
    loaded = loaded_request_schemas(package)
    for name, function in inspect.getmembers(service_cls, inspect.isfunction):
        entrypoints = getattr(function, ENTRYPOINT_EXTENSIONS_ATTR, ())
        if not any(isinstance(entrypoint, GuardedRpc) for entrypoint in entrypoints):
            continue
        parameters = tuple(inspect.signature(function).parameters.values())[1:]
        takes_any = any(p.kind == p.VAR_KEYWORD for p in parameters)
        schemas = tuple(loaded[name_] for name_ in
                        schema_names_loaded_by(function, package, service_cls)
                        if name_ in loaded)
        found.append(RpcMethod(service_cls.name, name, tuple(
            p for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)),
            takes_any, schemas))
    found.sort(key=lambda m: inspect.getsourcelines(getattr(service_cls, m.name))[1])
    return found


def service_package(service_cls):
    return service_cls.__module__.rsplit(".", 1)[0]


def _package_modules(package):
    return [module for name, module in list(sys.modules.items())
            if module is not None and (name == package or name.startswith(package + "."))]


def _schema_classes(package):
    classes = {}
    for module in _package_modules(package):
        for name, value in vars(module).items():
            if (isinstance(value, type) and issubclass(value, Schema) and value is not Schema
                    and value.__module__.startswith(package)):
                classes[name] = value
    return classes


_LOADED_NAME = re.compile(
    r"\bload\w*\(\s*(?:instance\(\s*)?([A-Z]\w*)"      # load(X, ...), load_request(X, ...)
    r"|\b([A-Z]\w*)\([^()]*\)\.load\("                   # X().load(...)
    r"|instance\(\s*([A-Z]\w*)[^()]*\)\.load\(")          # instance(X).load(...)


def _loaded_names(source):
    return {name for match in _LOADED_NAME.finditer(source) for name in match.groups() if name}


def loaded_request_schemas(package):
    """{name: class} of the schemas the package's code loads requests with (not answers)."""
    classes = _schema_classes(package)
    names = set()
    for module in _package_modules(package):
        try:
            names |= _loaded_names(inspect.getsource(module))
        except (OSError, TypeError):
            continue
    return {name: classes[name] for name in names if name in classes}


def _source(function):
    try:
        return textwrap.dedent(inspect.getsource(function))
    except (OSError, TypeError):
        return ""


_ATTRIBUTE_CALL = re.compile(r"\b([a-z_]\w*)\.([a-z_]\w*)\(")


def schema_names_loaded_by(function, package, owner=None):
    """Schema names `function` loads, directly or in what it calls one step away: a function
    of a module of its package, or a method of its own class (`owner`)."""
    source = _source(function)
    names = _loaded_names(source)
    namespace = getattr(function, "__globals__", {})
    for holder, attribute in _ATTRIBUTE_CALL.findall(source):
        callee = None
        if holder == "self" and owner is not None:
            callee = inspect.getattr_static(owner, attribute, None)
            callee = getattr(callee, "__func__", callee)
        else:
            module = namespace.get(holder)
            if inspect.ismodule(module) and module.__name__.startswith(package):
                callee = getattr(module, attribute, None)
        if callable(callee):
            names |= _loaded_names(_source(callee))
    return sorted(names)


# --------------------------------------------------------------------------------------------
# Values

VIETNAMESE = [
    "Về việc chuẩn bị kỳ họp thứ 12 HĐND tỉnh", "Nguyễn Thị Hương", "Phòng Tổng hợp",
    "thượng khẩn", "hỏa tốc", "khẩn", "tuyệt mật", "tối mật", "mật", "Thông báo kết luận",
    "Đồng Tháp", "ĐBQH", "ờ ở ỡ ợ ừ ử ữ ự", "Kính gửi: UBND tỉnh; Sở Tài chính",
    "kiến nghị", "chuyên viên", "Trưởng phòng", "đánh giá, xếp loại",
]
# keywords in lower case: the leak markers are the upper-case statements SQLAlchemy prints
SQL_METACHARACTERS = [
    "'", "''", '"', "`", ";", "--", "/*", "*/", "%", "_", "\\", "' or '1'='1", "1; drop table x",
    "' union select null--", "\\x00", "%%", "${jndi:x}", "{{7*7}}", "$1", "?", ":param",
    "robert'); drop table documents;--", "a' and sleep(5)--",
]
PATH_TRAVERSAL = ["../../etc/passwd", "..\\..\\windows\\win.ini", "/etc/shadow", "....//....//",
                  "%2e%2e%2f%2e%2e%2f", "file:///etc/passwd", "~/.ssh/id_rsa", "C:\\x", "."]
REFUSED_BY_THE_DOOR = ["\x00", "a\x00b", "\ud800", "x\udfffy", "\udc80\x00"]
# lengths either side of the bounds the columns and contracts use
BOUNDARY_LENGTHS = [0, 1, 2, 7, 8, 10, 11, 12, 20, 21, 30, 31, 40, 41, 50, 51, 60, 61, 64, 65,
                    80, 81, 100, 101, 150, 151, 200, 201, 255, 256, 300, 301, 500, 501, 1000, 1001,
                    5000, 10_000, 10_001]
DATES = ["2026-11-20", "2026-02-30", "2026-13-01", "0001-01-01", "0000-00-00", "1899-12-31",
         "1900-01-01", "2200-12-31", "2201-01-01", "9999-12-31", "20261120", "2026-1-2", "",
         "2026-11-20T09:00", "2026-11-20T09:00:00+07:00", "9999-12-31T23:59",
         "2026-11-20T25:61", "yesterday"]
PERIODS = ["2026", "2026-11", "2026-Q4", "2026-Q5", "2026-13", "0000", "0000-01", "9999-12",
           "1999-12", "2101-01", "2026-00", "2026-Q0", "-2026", "2026-11-20", "Q4"]
INTEGER_EDGES = [0, 1, -1, 2, 3, 100, 101, 366, 367, 1999, 2000, 2026, 2100, 2101, 2**31 - 1, 2**31,
                 -(2**31), 2**53 + 1, 2**63 - 1, -(2**63), 2**63, -(2**63) - 1, 10**30]


@dataclass(frozen=True)
class Known:
    """Ids and codes that exist in the fuzzed suite, so near-valid values reach past lookups."""
    strings: tuple = ("cv",)
    integers: tuple = (1, 2, 3)


def repeated_text():
    return st.builds(lambda piece, length: (piece * length)[:length],
                     st.sampled_from(["x", "a ", "Đ", "ờ", "1", "'", "word "]),
                     st.sampled_from(BOUNDARY_LENGTHS))


@lru_cache(maxsize=None)
def texts(known=None):
    """Strings of every kind a caller can send."""
    return st.one_of(
        st.text(max_size=30),
        st.just(""),
        repeated_text(),
        st.sampled_from(VIETNAMESE),
        st.sampled_from(SQL_METACHARACTERS),
        st.sampled_from(PATH_TRAVERSAL),
        st.sampled_from(REFUSED_BY_THE_DOOR),
        st.sampled_from(DATES + PERIODS),
        st.sampled_from((known or Known()).strings),
        st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9._@-]{0,70}\Z"),
    )


def integers(known=None):
    return st.one_of(st.sampled_from(INTEGER_EDGES), st.integers(-(10**4), 10**4),
                     st.integers(), st.sampled_from((known or Known()).integers))


def floats():
    return st.one_of(st.floats(), st.sampled_from([0.0, -0.0, 0.05, 0.1, 9.99, 10.0, 10.01, 1e308,
                                                   -1e308, 5e-324]))


def scalars(known=None):
    return st.one_of(st.none(), st.booleans(), integers(known), floats(), texts(known))


@lru_cache(maxsize=None)
def json_values(known=None, max_leaves=12):
    """Any JSON value: scalars, and lists and objects nested a few levels with random keys."""
    keys = st.one_of(st.text(max_size=12), st.text(max_size=12),
                     st.sampled_from(["", "id", "__class__", "$where", "a.b", "x" * 300, "\x00",
                                      "\ud800"]))
    return st.recursive(
        scalars(known),
        lambda children: st.one_of(st.lists(children, max_size=4),
                                   st.dictionaries(keys, children, max_size=4)),
        max_leaves=max_leaves)


def deeply_nested():
    """Lists or objects nested beyond what the door lets through."""
    return st.builds(_nest, st.integers(15, 60), st.booleans())


def _nest(depth, as_list):
    value = "bottom"
    for _ in range(depth):
        value = [value] if as_list else {"a": value}
    return value


# --------------------------------------------------------------------------------------------
# Near-valid values: from the marshmallow fields


def _validators(field_):
    pending, found = list(field_.validators), []
    while pending:
        validator = pending.pop()
        if isinstance(validator, validate.And):
            pending.extend(validator.validators)
        else:
            found.append(validator)
    return found


def _passes(field_, value):
    try:
        field_.deserialize(value)
        return True
    except Exception:   # a ValidationError, or whatever a custom field raises on junk
        return False


def _first_passing(field_, candidates):
    """Several candidates, the first the field takes (else the first): no rejected draws."""
    return st.lists(candidates, min_size=1, max_size=4).map(
        lambda values: next((v for v in values if _passes(field_, v)), values[0]))


# what a field without a bound takes as well as any other value: the column it goes to may not
LONG_STRINGS = [("Đồng Tháp " * 600)[:n] for n in (101, 201, 256, 501, 1001, 5000)]
BIG_INTEGERS = (2**31 - 1, 2**31, 2**53 + 1, 2**63 - 1, -(2**31) - 1, -(2**63))
LONG_LIST = 500
PLAUSIBLE_STRINGS = ["2026", "2026-11", "2026-Q4", "09:00", "22:00", "inbox", "email", "general",
                     "json", "csv", "office", "unit:PTH", "person:cv", "cv@dongthap.gov.vn",
                     "https://hooks.example.gov.vn/x", "2026-11-20", "2026-11-20T09:00"]
TZ_VIETNAM = timezone(timedelta(hours=7))


def _range_of(field_, low, high):
    for validator in _validators(field_):
        if isinstance(validator, validate.Range):
            low = validator.min if validator.min is not None else low
            high = validator.max if validator.max is not None else high
    return low, high


def _length_of(field_, low, high):
    for validator in _validators(field_):
        if isinstance(validator, validate.Length):
            low = validator.min if validator.min is not None else low
            high = validator.max if validator.max is not None else high
    return low, high


def valid_values(field_, known, depth=0):
    """Values one field should take, so that a call gets past it to the next rule."""
    if isinstance(field_, fields.Nested):
        one = schema_payloads(type(field_.schema), known, depth + 1)
        return st.lists(one, min_size=1, max_size=2) if field_.many else one
    if isinstance(field_, fields.List):
        low, high = _length_of(field_, 0, None)
        inner = valid_values(field_.inner, known, depth + 1)
        some = st.lists(inner, min_size=low, max_size=max(low, min(high or 3, 3)))
        if high is None:                  # unbounded: as many as a caller likes
            return st.one_of(some, some, some, st.builds(lambda item: [item] * LONG_LIST, inner))
        return some
    if isinstance(field_, (fields.Dict, fields.Mapping)):
        key_field = getattr(field_, "key_field", None)
        value_field = getattr(field_, "value_field", None)
        keys = valid_values(key_field, known, depth + 1) if key_field else st.sampled_from(
            known.strings + tuple(PLAUSIBLE_STRINGS[:8]))
        values = valid_values(value_field, known, depth + 1) if value_field else scalars(known)
        return st.dictionaries(keys.filter(lambda k: isinstance(k, str)), values, max_size=3)
    if isinstance(field_, fields.Boolean):
        return st.booleans()
    if isinstance(field_, fields.Integer):
        low, high = _range_of(field_, None, None)
        inside = [n for n in known.integers + (2026, 2025, 0, 1, 5, 10, 50, 100) + BIG_INTEGERS
                  if (low is None or n >= low) and (high is None or n <= high)]
        low = min(-1000, high) if low is None else low
        return st.one_of(st.sampled_from(inside or [low]),
                         st.integers(low, max(low, 100_000) if high is None else high))
    if isinstance(field_, (fields.Float, fields.Decimal, fields.Number)):
        low, high = _range_of(field_, -1000, 1000)
        return st.floats(low, high, allow_nan=False, allow_infinity=False)
    if isinstance(field_, (fields.DateTime, fields.NaiveDateTime, fields.AwareDateTime)):
        low, high = _range_of(field_, datetime(2000, 1, 1), datetime(2100, 12, 31))
        moments = st.datetimes(low.replace(tzinfo=None), high.replace(tzinfo=None),
                               timezones=st.just(TZ_VIETNAM))
        return _first_passing(field_, moments.map(datetime.isoformat))
    if isinstance(field_, fields.Date):
        low, high = _range_of(field_, date(2000, 1, 1), date(2100, 12, 31))
        near_now = (max(low, date(2025, 1, 1)), min(high, date(2027, 12, 31)))
        return st.one_of(*([st.dates(*near_now)] if near_now[0] <= near_now[1] else []),
                         st.dates(low, high)).map(date.isoformat)
    for validator in _validators(field_):
        if isinstance(validator, validate.OneOf):
            return st.sampled_from(list(validator.choices))
    pool = list(known.strings) + VIETNAMESE + PLAUSIBLE_STRINGS + LONG_STRINGS
    if not isinstance(field_, fields.String):   # a custom field: what it takes, by trying
        pool += list(known.integers) + DATES
    passing = [value for value in pool if _passes(field_, value)]
    regexes = [st.from_regex(v.regex.pattern, fullmatch=True) for v in _validators(field_)
               if isinstance(v, validate.Regexp)]
    if regexes:
        generated = _first_passing(field_, st.one_of(*regexes))
        return st.one_of(st.sampled_from(passing), generated) if passing else generated
    return st.sampled_from(passing or pool)


def _string_edges(field_, known):
    options = [texts(known)]
    for validator in _validators(field_):
        if isinstance(validator, validate.OneOf):
            options.append(st.sampled_from([str(c).upper() for c in validator.choices]
                                           + [f" {c}" for c in validator.choices]))
        elif isinstance(validator, validate.Length):
            edges = [n for n in (validator.min, validator.max) if n is not None]
            options.append(st.builds(lambda piece, n: (piece * (n + 1))[:n],
                                     st.sampled_from(["x", "Đ", "a "]),
                                     st.sampled_from([e + d for e in edges for d in (-1, 0, 1)
                                                      if e + d >= 0])))
    return st.one_of(*options)


def _integer_edges(field_, known):
    edges = []
    for validator in _validators(field_):
        if isinstance(validator, validate.Range):
            for edge in (validator.min, validator.max):
                if isinstance(edge, int):
                    edges += [edge - 1, edge, edge + 1]
    return st.one_of(integers(known), st.sampled_from(edges or [0]),
                     st.sampled_from(["1", "2026", "abc", "1.5", " 7", True]), floats())


def edge_values(field_, known, depth=0):
    """Values just outside what one field takes, or of another shape altogether."""
    if isinstance(field_, fields.List):
        _, high = _length_of(field_, 0, None)
        inner = valid_values(field_.inner, known, depth + 1)
        too_many = ([st.builds(lambda item, n: [item] * n, inner, st.just(high + 1))]
                    if high is not None and high < 10_000 else [])
        typed = st.one_of(st.lists(edge_values(field_.inner, known, depth + 1), min_size=1,
                                   max_size=3), *too_many)
    elif isinstance(field_, fields.Nested):
        typed = st.one_of(st.lists(json_values(known, 4), max_size=2),
                          st.dictionaries(texts(known), json_values(known, 4), max_size=3))
    elif isinstance(field_, (fields.Dict, fields.Mapping)):
        typed = st.dictionaries(texts(known), json_values(known, 4), min_size=1, max_size=4)
    elif isinstance(field_, fields.Boolean):
        typed = st.sampled_from(["true", "no", 1, 0, 2, "", "maybe", None])
    elif isinstance(field_, fields.Integer):
        typed = _integer_edges(field_, known)
    elif isinstance(field_, (fields.Float, fields.Decimal, fields.Number)):
        typed = st.one_of(floats(), _integer_edges(field_, known), st.sampled_from(["1.5", "nan"]))
    elif isinstance(field_, (fields.DateTime, fields.NaiveDateTime, fields.AwareDateTime)):
        typed = st.one_of(st.sampled_from(DATES), st.datetimes(datetime(1, 1, 1)).map(
            datetime.isoformat))
    elif isinstance(field_, fields.Date):
        typed = st.one_of(st.sampled_from(DATES), st.dates().map(date.isoformat))
    elif isinstance(field_, fields.String):
        typed = _string_edges(field_, known)
    else:
        typed = st.one_of(texts(known), st.sampled_from(DATES + PERIODS))
    return st.one_of(typed, typed, typed, json_values(known, max_leaves=4), deeply_nested())


def _field_key(name, field_):
    return field_.data_key or name


@lru_cache(maxsize=None)
def schema_fields(schema_cls):
    schema = schema_cls()
    return {_field_key(name, f): f for name, f in schema.fields.items() if not f.dump_only}


MUTATIONS = [0, 0, 0, 1, 1, 1, 1, 2]    # how many things of a near-valid object are wrong
MUTATION_KINDS = ["edge", "edge", "edge", "edge", "edge", "drop", "extra"]


@st.composite
def mutated(draw, valid, edges, known):
    """A valid object (`valid`) with none, one or two things wrong: a value from `edges`
    (key → strategy), a key dropped, or an unknown key added."""
    value = dict(draw(valid))
    for _ in range(draw(st.sampled_from(MUTATIONS))):
        kind = draw(st.sampled_from(MUTATION_KINDS))
        if kind == "edge" and edges:
            key = draw(st.sampled_from(sorted(edges)))
            value[key] = draw(edges[key])
        elif kind == "drop" and value:
            del value[draw(st.sampled_from(sorted(value)))]
        else:
            value.update(draw(_extra_keys(known)))
    return value


@lru_cache(maxsize=None)
def schema_payloads(schema_cls, known, depth=0):
    """Near-valid objects of a request schema: every required key and some optional ones with
    values it takes, then none, one or two mutations."""
    all_fields = schema_fields(schema_cls)
    if depth > 3:
        return st.fixed_dictionaries({})
    required = {k: valid_values(f, known, depth) for k, f in all_fields.items() if f.required}
    optional = {k: valid_values(f, known, depth) for k, f in all_fields.items() if not f.required}
    edges = {k: edge_values(f, known, depth) for k, f in all_fields.items()}
    return mutated(st.fixed_dictionaries(required, optional=optional), edges, known)


def _extra_keys(known):
    return st.dictionaries(st.one_of(st.sampled_from(["code_number", "office", "id", "sub",
                                                      "is_admin", "clearance", "_schema"]),
                                     st.text(min_size=1, max_size=10)),
                           json_values(known, max_leaves=3), min_size=1, max_size=2)


def _b64(data):
    return base64.b64encode(data).decode("ascii")


B64_SAMPLES = ["", "!!!", "====", "AAAA", _b64(b"<?xml version='1.0'?><a/>"),
               _b64(b"Subject: x\r\nFrom: a@b.vn\r\n\r\nbody"), _b64(b"PK\x03\x04"),
               _b64(b"<!DOCTYPE a [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><a>&x;</a>")]


def guessed_values(name, known):
    """Values for an argument that no schema field is named after, by what its name says."""
    if name.endswith("_id") or name == "id":
        return st.sampled_from(known.integers)
    if name.endswith("ids"):
        return st.lists(st.sampled_from(known.integers), min_size=1, max_size=3)
    if "date" in name or name.endswith("_on"):
        return st.dates(date(2025, 1, 1), date(2027, 12, 31)).map(date.isoformat)
    if name in ("at", "on") or name.endswith("_at"):
        return st.datetimes(datetime(2025, 1, 1), datetime(2027, 12, 31),
                            timezones=st.just(TZ_VIETNAM)).map(datetime.isoformat)
    if "year" in name:
        return st.sampled_from([2025, 2026, 2027])
    if "period" in name:
        return st.sampled_from(["2026", "2026-11", "2026-Q4"])
    if name.endswith("_b64"):
        return st.one_of(st.sampled_from(B64_SAMPLES), st.binary(max_size=200).map(_b64))
    if name in ("limit", "offset", "percent") or name.endswith("_count"):
        return st.sampled_from([0, 1, 10, 50])
    if _plural(name):                     # a list of ids or codes
        return st.lists(st.sampled_from(known.strings), min_size=1, max_size=3)
    return st.one_of(st.sampled_from(known.strings), st.sampled_from(VIETNAMESE), st.booleans(),
                     st.sampled_from(LONG_STRINGS),
                     st.dictionaries(st.sampled_from(VIETNAMESE[:6]), scalars(known), max_size=3))


def argument_strategies(method, name, known):
    """(values that should pass, values that should not) for the argument `name` of `method`:
    by its schema field of the same name, else objects of the method's schemas, else by name."""
    for schema_cls in method.schemas:
        found = schema_fields(schema_cls).get(name)
        if found is not None:
            return valid_values(found, known), edge_values(found, known)
    edges = st.one_of(json_values(known), deeply_nested())
    if method.schemas:
        objects = st.one_of(*[schema_payloads(s, known) for s in method.schemas])
        if _plural(name):                 # documents=[...]: a list of the schema's objects
            return st.lists(objects, min_size=1, max_size=3), edges
        return objects, edges
    return guessed_values(name, known), edges


def _plural(name):
    return name.endswith("s") and not name.endswith("ss")


@dataclass(frozen=True)
class Call:
    token: str
    kwargs: dict
    args: tuple = ()

    def __repr__(self):
        args = f", args={_short(self.args)}" if self.args else ""
        return f"Call(token={self.token!r}, kwargs={_short(self.kwargs)}{args})"


def _short(value, limit=600):
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text)} characters)"


def calls(method, token_names, known=None):
    """A caller (by token name) and the keyword arguments of one call to `method`: mostly
    near-valid (every argument as its schema wants, then one or two things wrong), sometimes
    any JSON object at all."""
    known = known or Known()
    valid, edges = {}, {}
    for parameter in method.parameters:
        valid[parameter.name], edges[parameter.name] = argument_strategies(
            method, parameter.name, known)
    required = {p.name: valid[p.name] for p in method.parameters if p.default is p.empty}
    optional = {p.name: valid[p.name] for p in method.parameters if p.default is not p.empty}
    shaped = st.fixed_dictionaries(required, optional=optional)
    if method.takes_any:
        rest = (st.one_of(*[schema_payloads(s, known) for s in method.schemas]) if method.schemas
                else st.dictionaries(texts(known), json_values(known), max_size=4))
        shaped = st.builds(lambda a, b: {**b, **a}, shaped, rest)
    near_valid = mutated(shaped, edges, known)
    anything = st.dictionaries(st.one_of(st.sampled_from([p.name for p in method.parameters]
                                                         or ["x"]), st.text(max_size=8)),
                               json_values(known), max_size=4)
    kwargs = st.one_of(near_valid, near_valid, near_valid, near_valid, near_valid, anything)
    tokens = st.sampled_from(token_names)
    by_name = st.builds(Call, tokens, kwargs)
    by_position = st.builds(call_with_positional, tokens,
                            positional(near_valid, [p.name for p in method.parameters], known))
    return st.one_of(by_name, by_name, by_name, by_name, by_name, by_position)


def call_with_positional(token, args_and_kwargs):
    args, kwargs = args_and_kwargs
    return Call(token, kwargs, args)


@st.composite
def positional(draw, kwargs, names, known):
    """(args, kwargs): some leading arguments given by position instead of by name — now and
    then one too many, or one given both ways."""
    given = dict(draw(kwargs))
    count = draw(st.integers(0, len(names) + 1))
    args = [given.pop(name) if name in given else draw(scalars(known)) for name in names[:count]]
    if count > len(names):
        args.append(draw(scalars(known)))
    if args and names and draw(st.booleans()):
        given[names[0]] = args[0]
    return tuple(args), given


# --------------------------------------------------------------------------------------------
# The answer


def _text_of(value):
    return json.dumps(value, ensure_ascii=False, default=repr,
                      sort_keys=False) if not isinstance(value, str) else value


def leaked_markers(reply_text, request):
    """Markers in a reply that the request did not carry itself."""
    sent = _text_of(request) + " " + " ".join(map(str, _keys(request)))
    return [marker for marker in LEAK_MARKERS if marker in reply_text and marker not in sent]


def _keys(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item)


def problems_of_error(code, message, fields_, exc_type, request):
    """Why an error answer is outside the model (empty: it is inside)."""
    problems = []
    if code not in ACCEPTABLE_CODES:
        problems.append(f"code {code}")
    reply = f"{exc_type} {message} {_text_of(fields_)}"
    leaked = leaked_markers(reply, request)
    if leaked:
        problems.append(f"reply carries {leaked}")
    return problems


REFERENCE = re.compile(r"reference ([0-9a-f]{12})")


class InternalErrorLog(logging.Handler):
    """What the services logged behind each INTERNAL reference (shared.entrypoints logs
    "request %s failed (reference %s): %s: %s"): the cause a caller is never shown."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.causes = {}

    def emit(self, record):
        args = record.args if isinstance(record.args, tuple) else ()
        if len(args) == 4 and "(reference" in str(record.msg):
            self.causes[args[1]] = f"{args[2]}: {str(args[3])[:300]}"


@contextmanager
def watch_internal_errors():
    log = InternalErrorLog()
    logger = logging.getLogger("shared.entrypoints")
    logger.addHandler(log)
    try:
        yield log
    finally:
        logger.removeHandler(log)


def reference_of(message):
    found = REFERENCE.search(message or "")
    return found.group(1) if found else None


class Finding(AssertionError):
    """An answer outside the error model; one subclass per kind, so that hypothesis keeps each
    distinct kind of failure of a method apart (and shrinks each to its own minimal call)."""


_FINDINGS = {}


def finding(kind):
    """The Finding subclass of one kind (an exception class the service logged, "leak", ...)."""
    name = "Finding_" + re.sub(r"\W", "_", kind)[:80]
    if name not in _FINDINGS:
        _FINDINGS[name] = type(name, (Finding,), {})
    return _FINDINGS[name]

