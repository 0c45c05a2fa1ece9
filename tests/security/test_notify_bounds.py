"""Holes 1 and 8 (issue 9) in notify, as the attacker did it over RPC: requests sized to make
notify render, match or list without end, and values longer than the columns they go into.
Each must be one VALIDATION_ERROR naming the field, before anything is written."""
import pytest

from tests.integration.test_notify import call, error_of, notify  # noqa: F401  (fixture)

pytestmark = pytest.mark.integration

NOTICE = dict(recipients=["cv1"], template="general", idempotency_key="k",
              data={"title": "Họp giao ban", "body": "Thứ Hai, 8 giờ."})


def refused(config, token, method, **kwargs):
    """The fields a VALIDATION_ERROR names (fails when the call is not refused that way)."""
    code, message, fields = error_of(config, token, method, **kwargs)
    assert code == "VALIDATION_ERROR", (method, code, message)
    return set(fields)


def nothing_written(config, token):
    service, cv1 = token("svc", ["service"]), token("cv1", ["staff"])
    assert call(config, service, "deliveries")["counts"] == {}
    assert call(config, cv1, "get_preferences")["stored"] == {}
    assert call(config, cv1, "inbox")["unread"] == 0


def test_no_request_can_make_notify_render_match_or_list_without_bound(notify, token):
    service, cv1 = token("svc", ["service"]), token("cv1", ["staff"])
    place_lines = [f"place:Phòng số {n}" for n in range(5000)]
    assert refused(notify, service, "resolve", recipients=place_lines) == {"recipients"}
    assert refused(notify, service, "send", **{**NOTICE, "recipients": place_lines}) == \
        {"recipients"}
    assert refused(notify, service, "send", **{**NOTICE, "data": {
        **NOTICE["data"], "padding": "a" * 2_000_000}}) == {"data"}
    nested = {"title": "x", "body": "y"}
    for _ in range(12):
        nested = {"title": "x", "body": "y", "more": nested}
    assert refused(notify, service, "send", **{**NOTICE, "data": nested}) == {"data"}
    assert refused(notify, service, "deliveries", limit=1_000_000) == {"limit"}
    assert refused(notify, cv1, "inbox", limit=1_000_000) == {"limit"}
    assert refused(notify, cv1, "mark_read", ids=list(range(1, 20_001))) == {"ids"}
    assert refused(notify, service, "retry_failed", ids=list(range(1, 20_001))) == {"ids"}
    assert refused(notify, cv1, "set_preferences", preferences={
        "fallback": ["inbox"] * 5000}) == {"fallback"}
    nothing_written(notify, token)


def test_values_longer_than_their_column_or_keys_nobody_declared_are_refused_by_name(
        notify, token):
    service, cv1, admin = token("svc", ["service"]), token("cv1", ["staff"]), token("ad", ["admin"])
    for recipient in ("x" * 100, "role:" + "r" * 100, "unit:" + "U" * 50, "staff:" + "s" * 80):
        assert refused(notify, service, "send", **{**NOTICE, "recipients": [recipient]}) == \
            {"recipients"}, recipient
    assert refused(notify, service, "send", **{
        **NOTICE, "idempotency_key": "k" * 300, "category": "c" * 60, "template": "t" * 150,
        "office": "O" * 50, "cc": ["lead1"]}) == {
            "idempotency_key", "category", "template", "office", "cc"}
    assert refused(notify, service, "send", **{**NOTICE, "idempotency_key": "a\r\nX-Evil: 1"}) == \
        {"idempotency_key"}       # it travels in the webhook's Idempotency-Key header
    assert refused(notify, cv1, "set_preferences", preferences={
        "digest_time": "007:30", "addresses": {"webhook": "https://a.vn/" + "p" * 500},
        "channels": {"task": ["z" * 50]}, "quiet_hours": {"start": "21:00", "end": "06:30",
                                                          "tz": "UTC"}}) == {
            "digest_time", "addresses", "channels", "quiet_hours"}
    assert refused(notify, cv1, "set_preferences", preferences={
        "addresses": {"email": "a@" + "b" * 300 + ".vn"}}) == {"addresses.email"}
    assert refused(notify, admin, "get_preferences", staff_id="x" * 100) == {"staff_id"}
    assert refused(notify, admin, "set_preferences", staff_id="x" * 100,
                   preferences={"digest_time": "07:30"}) == {"staff_id"}
    assert refused(notify, service, "deliveries", recipient="x" * 100, channel="c" * 50,
                   sort="id") == {"recipient", "channel", "sort"}
    assert refused(notify, admin, "send_digests", at="9999-12-31T23:59:59-12:00") == {"at"}
    assert refused(notify, cv1, "inbox", page=2) == {"page"}
    nothing_written(notify, token)
