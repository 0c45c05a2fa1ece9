"""`BrokerAdmin` and `vanphong queues` against the real RabbitMQ, each test in its own vhost.

The management API refreshes queue stats about every 5 s, so tests poll until the depths
they set up are visible before running the command.
"""
import json
import time
import uuid

import kombu
import pytest
import requests
from click.testing import CliRunner

from shared.broker_admin import BrokerAdmin
from shared.cli.queues import queues
from shared.errors import Unavailable

API = "http://127.0.0.1:15672"
AUTH = ("guest", "guest")
EVT = "evt-intake-document_received--tasks.on_document_received"
DLQ = EVT + ".dlq"

pytestmark = pytest.mark.integration


@pytest.fixture
def vhost():
    name = f"vanphong-test-{uuid.uuid4().hex[:10]}"
    requests.put(f"{API}/api/vhosts/{name}", auth=AUTH, timeout=5).raise_for_status()
    try:
        requests.put(f"{API}/api/permissions/{name}/guest", auth=AUTH, timeout=5,
                     json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
        yield name
    finally:
        requests.delete(f"{API}/api/vhosts/{name}", auth=AUTH, timeout=5)


@pytest.fixture
def config_dir(tmp_path, monkeypatch):
    def write(vhost):
        (tmp_path / "suite.yaml").write_text(
            f"AMQP_URI: pyamqp://guest:guest@127.0.0.1:5672/{vhost}\n", encoding="utf-8")
        monkeypatch.setenv("VANPHONG_CONFIG_DIR", str(tmp_path))
    return write


def publish(vhost, depths):
    """Declare quorum queues (as `shared.events` does) holding `depths[name]` messages."""
    with kombu.Connection(f"pyamqp://guest:guest@127.0.0.1:5672/{vhost}") as connection:
        producer = connection.Producer()
        for name, count in depths.items():
            queue = kombu.Queue(name, durable=True, queue_arguments={"x-queue-type": "quorum"})
            queue(connection.default_channel).declare()
            for number in range(count):
                producer.publish({"number": number}, routing_key=name, serializer="json")


def wait_for_depth(admin, name, ready, deadline=20.0):
    """Poll until the management stats show `ready` messages (bounded)."""
    end = time.monotonic() + deadline
    while True:
        try:
            if admin.queue(name).get("messages_ready") == ready:
                return
        except Unavailable:
            pass  # the stats database may not know the queue yet
        if time.monotonic() > end:
            pytest.fail(f"{name} never showed {ready} ready messages in the management API")
        time.sleep(0.5)


def test_queues_reports_backlog_and_dead_letters(vhost, config_dir):
    publish(vhost, {EVT: 3, DLQ: 1})
    admin = BrokerAdmin(vhost=vhost)
    wait_for_depth(admin, EVT, 3)
    wait_for_depth(admin, DLQ, 1)
    config_dir(vhost)

    result = CliRunner().invoke(queues, ["--json"])

    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    rows = {row["name"]: row for row in report["queues"]}
    assert set(rows) == {EVT, DLQ}
    assert (rows[EVT]["kind"], rows[EVT]["service"]) == ("event", "tasks")
    assert (rows[EVT]["ready"], rows[EVT]["consumers"], rows[EVT]["dead_letters"]) == (3, 0, 1)
    assert (rows[DLQ]["kind"], rows[DLQ]["ready"]) == ("dead-letter", 1)
    fired = {(warning["queue"], warning["code"]) for warning in report["warnings"]}
    assert {(EVT, "NO_CONSUMER"), (DLQ, "DEAD_LETTERS")} <= fired

    table = CliRunner().invoke(queues, [])
    assert table.exit_code == 1 and "NO_CONSUMER" in table.stdout

    watched = CliRunner().invoke(queues, ["--watch", "--json", "--count", "2", "--interval", "0.1"])
    assert watched.exit_code == 1
    assert len(watched.stdout.strip().splitlines()) == 2

    live = CliRunner().invoke(queues, ["--watch", "--count", "2", "--interval", "0.1"])
    assert live.exit_code == 1 and "DEAD_LETTERS" in live.stdout


def test_clean_vhost_exits_0(vhost, config_dir):
    config_dir(vhost)
    result = CliRunner().invoke(queues, ["--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"queues": [], "warnings": []}


def test_get_messages_and_purge(vhost):
    publish(vhost, {DLQ: 2})
    admin = BrokerAdmin(vhost=vhost)
    wait_for_depth(admin, DLQ, 2)
    peeked = admin.get_messages(DLQ, 1)
    assert json.loads(peeked[0]["payload"]) == {"number": 0}
    assert len(admin.get_messages(DLQ, 5, requeue=True)) == 2  # the peek requeued
    admin.purge(DLQ)
    assert admin.get_messages(DLQ, 5) == []


def test_missing_vhost_is_unavailable():
    with pytest.raises(Unavailable) as caught:
        BrokerAdmin(vhost=f"no-such-{uuid.uuid4().hex[:6]}").queues()
    assert caught.value.fields["status"] == 404
