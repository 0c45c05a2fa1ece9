"""Hole 3 (issue 9), as the attacker did it: a staff member aims their own webhook inside the
office's network (loopback, the cloud metadata address, a private range), directly, through a
name, through a redirect, or through plain http, and notify must never post there.  The
operator's allow-listed local receiver is the only private target notify may reach."""
from datetime import datetime, timezone

import pytest
from sqlalchemy.orm import sessionmaker

from services.notify import deliveries
from services.notify.service import NotifyService
from tests.conftest import OFFICE, read_engine, wait_for
from tests.integration.test_notify import SECRET, call, error_of

pytestmark = pytest.mark.integration

INSIDE = [
    "http://127.0.0.1:{port}/x", "https://127.0.0.1/", "https://[::1]/",
    "https://[::ffff:127.0.0.1]/", "https://2130706433/", "https://0x7f.1/", "https://127.1/",
    "https://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "https://[fd00:ec2::254]/", "https://10.0.0.5/hook", "https://192.168.1.1/",
    "https://172.16.0.1/", "https://100.64.0.1/", "https://0.0.0.0/", "https://224.0.0.1/",
]


@pytest.fixture
def notify(runner_factory, service_config, webhook_server):
    """notify with the webhook channel on and the local receiver allow-listed (http allowed
    for it, as in development); inbox as everybody's fallback."""
    config = service_config(NotifyService, DIGEST_CHECK_SECONDS=86400, NOTIFY={
        "channels": {"webhook": {"secret": SECRET, **webhook_server.allowance()}},
        "retry": {"max_attempts": 3, "initial": 0.2, "max_wait": 0.5, "jitter": 0},
        "sender": {"poll_interval": 0.2}})
    runner_factory(config, NotifyService).start()
    return config


def webhook_first(config, token, url):
    return call(config, token("cv1", ["staff"]), "set_preferences", preferences={
        "channels": {"*": ["webhook"]}, "fallback": ["inbox"], "addresses": {"webhook": url}})


def send_to_cv1(config, token, key):
    call(config, token("svc", ["service"]), "send", recipients=["cv1"], template="general",
         data={"title": "Lịch họp", "body": "Thứ Hai, 8 giờ."}, idempotency_key=key)


def webhook_given_up(config, token):
    """cv1's webhook delivery once the sender has given up on it."""
    def given_up():
        items = call(config, token("svc", ["service"]), "deliveries", recipient="cv1",
                     channel="webhook")["items"]
        return [d for d in items if d["status"] in ("failed_over", "dead")]
    [delivery] = wait_for(given_up, message="the webhook delivery to be given up")
    return delivery


def inbox_titles(config, token):
    return [n["title"] for n in call(config, token("cv1", ["staff"]), "inbox")["items"]]


def test_a_staff_member_cannot_aim_their_webhook_at_loopback_metadata_or_private_addresses(
        notify, token, internal_server):
    for url in INSIDE:
        url = url.format(port=internal_server.port)
        code, _, fields = error_of(notify, token("cv1", ["staff"]), "set_preferences",
                                   preferences={"addresses": {"webhook": url}})
        assert code == "VALIDATION_ERROR" and list(fields) == ["addresses.webhook"], (url, fields)
    assert call(notify, token("cv1", ["staff"]), "get_preferences")["stored"] == {}


def test_a_host_name_that_resolves_to_loopback_is_refused(notify, token, internal_server):
    code, _, fields = error_of(notify, token("cv1", ["staff"]), "set_preferences",
                               preferences={"addresses": {
                                   "webhook": f"http://localhost:{internal_server.port}/x"}})
    assert code == "VALIDATION_ERROR"
    assert "localhost resolves to 127.0.0.1, which is a loopback address" in \
        fields["addresses.webhook"][0]


def test_plain_http_is_refused_unless_the_operator_allows_it(runner_factory, service_config,
                                                             token):
    config = service_config(NotifyService, NOTIFY={"channels": {"webhook": {"secret": SECRET}}})
    runner_factory(config, NotifyService).start()
    code, _, fields = error_of(config, token("cv1", ["staff"]), "set_preferences",
                               preferences={"addresses": {"webhook": "http://93.184.216.34/h"}})
    assert code == "VALIDATION_ERROR" and "not an https:// URL" in fields["addresses.webhook"][0]
    saved = call(config, token("cv1", ["staff"]), "set_preferences",
                 preferences={"addresses": {"webhook": "https://93.184.216.34/h"}})
    assert saved["stored"] == {"addresses": {"webhook": "https://93.184.216.34/h"}}


def test_a_webhook_aimed_inside_before_the_check_is_refused_at_delivery_and_fails_over(
        notify, token, internal_server):
    """A URL stored before this check existed (or a name whose DNS answer changed since it was
    saved) is checked again before the POST: refused for good, and the inbox takes over."""
    engine = read_engine(notify["DB_URL"])
    try:
        with sessionmaker(bind=engine)() as session, session.begin():
            deliveries.save_preferences(session, OFFICE, "cv1", {
                "channels": {"*": ["webhook"]}, "fallback": ["inbox"],
                "addresses": {"webhook": internal_server.url("/admin")}},
                datetime.now(timezone.utc))
    finally:
        engine.dispose()
    send_to_cv1(notify, token, "inside")
    delivery = webhook_given_up(notify, token)
    assert delivery["status"] == "failed_over" and delivery["attempts"] == 1
    assert delivery["last_error"] == ("webhook target refused: 127.0.0.1 is a loopback address")
    assert inbox_titles(notify, token) == ["Lịch họp"]
    assert internal_server.received == []


def test_a_receiver_that_redirects_to_loopback_is_not_followed(
        notify, token, webhook_server, internal_server):
    webhook_first(notify, token, webhook_server.url("/cv1"))
    webhook_server.answers = [(307, {"Location": internal_server.url("/admin")})]
    send_to_cv1(notify, token, "redirect")
    delivery = webhook_given_up(notify, token)
    assert delivery["status"] == "failed_over"
    assert delivery["last_error"].startswith("HTTP 307: redirects are not followed")
    assert [r.path for r in webhook_server.received] == ["/cv1"]
    assert internal_server.received == []
    assert wait_for(lambda: inbox_titles(notify, token), message="the inbox") == ["Lịch họp"]
