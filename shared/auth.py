"""Who is calling: a JWT carried in nameko context data under ``authorization``.

nameko passes context data along RPC calls and events, so the caller's identity follows the
work from service to service.  Tokens are HS256 with a shared secret or RS256 verified with a
public key (so a real identity provider can issue them), configured under ``AUTH``.
"""
import re
import time
from dataclasses import dataclass, field

import jwt
from nameko.extensions import DependencyProvider

from shared.config import offices as configured_offices
from shared.contracts import STAFF_ID_MAX
from shared.errors import Forbidden, InvalidInput, Unauthorized

CONTEXT_KEY = "authorization"
ROLES = ("clerk", "leader", "head", "staff", "evaluator", "admin", "service")
CLEARANCE_NONE, CLEARANCE_MAT, CLEARANCE_TOI_MAT, CLEARANCE_TUYET_MAT = 0, 1, 2, 3
DEFAULT_TTL_SECONDS = 8 * 3600
STAFF_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]*")


@dataclass(frozen=True)
class Principal:
    sub: str
    office: str
    roles: frozenset = field(default_factory=frozenset)
    clearance: int = CLEARANCE_NONE

    def has_any(self, *roles):
        return bool(self.roles & set(roles))

    def as_actor(self):
        return {"sub": self.sub, "office": self.office, "roles": sorted(self.roles)}


def _auth_settings(config):
    settings = dict(config.get("AUTH") or {})
    settings.setdefault("algorithm", "HS256")
    return settings


def _verification_key(settings):
    if settings["algorithm"] == "RS256":
        return settings["public_key"]
    return settings["secret"]


def mint_token(config, sub, office, roles, clearance=CLEARANCE_NONE, ttl=DEFAULT_TTL_SECONDS):
    """A development token signed with the configured HS256 secret (or RS256 private key)."""
    settings = _auth_settings(config)
    _check_office(config, office)
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        raise InvalidInput("unknown roles", {"roles": [f"unknown role: {r}" for r in unknown]})
    key = settings.get("private_key") if settings["algorithm"] == "RS256" else settings["secret"]
    now = int(time.time())
    claims = {"sub": sub, "office": office, "roles": sorted(roles), "clearance": clearance,
              "iat": now, "exp": now + ttl}
    return jwt.encode(claims, key, algorithm=settings["algorithm"])


def _check_office(config, office):
    known = configured_offices(config)
    if known and office not in known:
        raise InvalidInput("unknown office", {"office": [f"unknown office: {office!r}"]})


def decode_token(config, authorization):
    """The Principal behind a ``Bearer <JWT>`` value; Unauthorized when it is missing or bad."""
    if not authorization:
        raise Unauthorized("no token: send 'authorization: Bearer <JWT>' in the context data")
    if not isinstance(authorization, str) or len(authorization) > 8192:
        raise Unauthorized("the authorization value must be 'Bearer <JWT>'")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("the authorization value must be 'Bearer <JWT>'")
    settings = _auth_settings(config)
    try:
        claims = jwt.decode(token, _verification_key(settings), algorithms=[settings["algorithm"]],
                            options={"require": ["exp", "sub", "office"]})
    except jwt.ExpiredSignatureError:
        raise Unauthorized("the token has expired")
    except jwt.PyJWTError as exc:
        raise Unauthorized(f"the token is not valid: {exc}")
    return Principal(**_checked_claims(config, claims))


def _checked_claims(config, claims):
    """The claims as a Principal takes them; Unauthorized naming the first claim of a wrong type
    (a list as office, "abc" as clearance) instead of failing later inside a service."""
    sub, office = claims.get("sub"), claims.get("office")
    if not isinstance(sub, str) or not STAFF_ID_PATTERN.fullmatch(sub) or len(sub) > STAFF_ID_MAX:
        raise Unauthorized("the token's 'sub' must be a staff id", {"sub": ["not a staff id"]})
    if not isinstance(office, str) or not office:
        raise Unauthorized("the token's 'office' must be an office code",
                           {"office": ["not an office code"]})
    raw_roles = claims.get("roles") or []
    if not isinstance(raw_roles, list) or not all(isinstance(r, str) for r in raw_roles):
        raise Unauthorized("the token's 'roles' must be a list of role names",
                           {"roles": ["not a list of role names"]})
    roles = frozenset(raw_roles)
    if not roles <= set(ROLES):
        raise Unauthorized(f"the token names unknown roles: {sorted(roles - set(ROLES))}",
                           {"roles": ["unknown role"]})
    clearance = claims.get("clearance", CLEARANCE_NONE)
    if clearance is None:
        clearance = CLEARANCE_NONE
    if (isinstance(clearance, bool) or not isinstance(clearance, int)
            or not CLEARANCE_NONE <= clearance <= CLEARANCE_TUYET_MAT):
        raise Unauthorized("the token's 'clearance' must be an integer from 0 to 3",
                           {"clearance": ["not an integer from 0 to 3"]})
    known = configured_offices(config)
    if known and office not in known:
        raise Unauthorized(f"the token's office {office!r} is not an office of this deployment",
                           {"office": ["unknown office"]})
    return {"sub": sub, "office": office, "roles": roles, "clearance": clearance}


class CallerContext:
    """What a worker knows about its caller; `require` checks a role and returns the Principal."""

    def __init__(self, config, context_data):
        self._config = config
        self._authorization = context_data.get(CONTEXT_KEY)
        self._principal = None

    @property
    def authorization(self):
        return self._authorization

    def principal(self):
        if self._principal is None:
            self._principal = decode_token(self._config, self._authorization)
        return self._principal

    def require(self, *roles):
        principal = self.principal()
        if roles and not principal.has_any(*roles, "admin"):
            raise Forbidden(f"this needs one of the roles {', '.join(roles)}",
                            {"roles": sorted(principal.roles)})
        return principal

    def office_for(self, requested_office=None):
        """The office a call acts on: the caller's own; admin and service callers may name another."""
        principal = self.principal()
        if not requested_office or requested_office == principal.office:
            return principal.office
        _check_office(self._config, requested_office)
        if not principal.has_any("admin", "service"):
            raise Forbidden("you may act only on your own office",
                            {"office": [f"{requested_office!r} is not your office"]})
        return requested_office


class Auth(DependencyProvider):
    def get_dependency(self, worker_ctx):
        return CallerContext(self.container.config, worker_ctx.context_data)
