"""notify's permission table: who may call what, and whose preferences and log they see."""
import pytest

from services.notify.permissions import PERMISSIONS, Caller
from services.notify.service import NotifyService
from shared.auth import Principal
from shared.errors import Forbidden


def principal(sub, *roles):
    return Principal(sub=sub, office="DT-VPHDND", roles=frozenset(roles))


def test_every_rpc_but_health_is_in_the_table():
    rpcs = {name for name, member in vars(NotifyService).items()
            if callable(member) and getattr(member, "nameko_entrypoints", None)
            and any(type(e).__name__ == "GuardedRpc" for e in member.nameko_entrypoints)}
    assert rpcs - {"health"} == set(PERMISSIONS)


def test_only_an_admin_sees_or_changes_another_persons_preferences():
    assert Caller(principal("cv1", "staff"), "DT-VPHDND").whose_preferences(None) == "cv1"
    assert Caller(principal("cv1", "staff"), "DT-VPHDND").whose_preferences("cv1") == "cv1"
    with pytest.raises(Forbidden):
        Caller(principal("cv1", "staff", "leader"), "DT-VPHDND").whose_preferences("lead1")
    assert Caller(principal("ad", "admin"), "DT-VPHDND").whose_preferences("cv1") == "cv1"


def test_staff_see_only_their_own_deliveries():
    assert Caller(principal("cv1", "staff"), "DT-VPHDND").log_recipient("lead1") == "cv1"
    assert Caller(principal("cv1", "staff"), "DT-VPHDND").log_recipient(None) == "cv1"
    assert Caller(principal("vt", "clerk"), "DT-VPHDND").log_recipient("lead1") == "lead1"
    assert Caller(principal("vt", "clerk"), "DT-VPHDND").log_recipient(None) is None
