"""Who may call each notify RPC, and on whose behalf: the one place every RPC asks.

`caller(auth, rpc)` checks the role the RPC needs and fixes the office the call acts on: the
token's own (only `admin` and `service` may name another office, and only where the RPC takes
one).  Every query of the domain modules is given `Caller.office` and nothing else, so another
office's staff id, notice or delivery answers exactly like one that does not exist.
"""
from dataclasses import dataclass

from shared.errors import Forbidden

EVERYONE = ()   # anyone with a valid token of the office
SENDERS = ("service", "clerk", "leader", "head")

# RPC → roles that may call it (`admin` may call every one).
PERMISSIONS = {
    "inbox": EVERYONE,            # one's own notices and one's roles' shared inboxes
    "mark_read": EVERYONE,        # the same notices
    "get_preferences": EVERYONE,  # one's own; an admin's: anyone's of the office
    "set_preferences": EVERYONE,
    "deliveries": EVERYONE,       # one's own; OFFICE_LOG roles: the office's
    "send": SENDERS,
    "resolve": SENDERS,           # the preview of `send`
    "retry_failed": ("service", "clerk"),
    "send_digests": ("service",),
}
OFFICE_LOG = ("admin", "service", "clerk", "leader")   # see every delivery of the office
ANYONES_PREFERENCES = ("admin",)                       # see or change another's preferences


@dataclass(frozen=True)
class Caller:
    principal: object    # shared.auth.Principal
    office: str

    @property
    def staff_id(self):
        return self.principal.sub

    def whose_preferences(self, staff_id):
        """The person whose preferences this call reads or changes (the caller by default)."""
        if staff_id and staff_id != self.staff_id and not self.principal.has_any(
                *ANYONES_PREFERENCES):
            raise Forbidden("only an admin may see or change another person's preferences",
                            {"staff_id": ["not you"]})
        return staff_id or self.staff_id

    def log_recipient(self, recipient):
        """Whose deliveries a log query may show: anyone's for OFFICE_LOG roles (None: all),
        otherwise only the caller's own."""
        return recipient if self.principal.has_any(*OFFICE_LOG) else self.staff_id


def caller(auth, rpc, office=None):
    """The Caller of `rpc`; Forbidden when the token's roles may not call it."""
    principal = auth.require(*PERMISSIONS[rpc])
    return Caller(principal, auth.office_for(office) if office else principal.office)
