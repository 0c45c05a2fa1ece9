"""Dead-lettering, unroutable events and a broker that is away, against the real RabbitMQ."""
import json

import pytest
from click.testing import CliRunner
from kombu import Connection, Exchange, Producer
from sqlalchemy import MetaData, Table, select

from services.intake.models import Base as IntakeBase
from shared import outbox, signing
from shared.broker_admin import BrokerAdmin
from shared.cli.queues import queues as queues_command
from shared.db import make_engine
from shared.entrypoints import rpc
from shared.events import event_handler
from shared.db import Database
from tests.conftest import OFFICE, read_engine, wait_for
from tests.support.events import suite_signing_key

pytestmark = pytest.mark.integration

ATTEMPTS = []


class BrokenConsumer:
    """A consumer whose handler always fails: the event must end in its dead-letter queue."""

    name = "notify"  # a suite service name, so `vanphong queues` treats its queues as the suite's
    db = Database(IntakeBase.metadata, relay=False)

    @event_handler("intake", "document_received")
    def always_fails(self, event):
        ATTEMPTS.append(event["event_id"])
        raise RuntimeError("the handler cannot apply this event")

    @rpc
    def ping(self):
        return "pong"


def publish_raw(config, body, routing_key="document_received"):
    """Publish as a relay does (an envelope gets the suite's signature), or a raw body as is."""
    if isinstance(body, dict) and "event_id" in body:
        body = signing.sign(body, suite_signing_key())
    with Connection(config["AMQP_URI"]) as connection:
        exchange = Exchange("intake.events", type="topic", durable=True)
        Producer(connection).publish(body, exchange=exchange, routing_key=routing_key,
                                     serializer="json", declare=[exchange])


def envelope():
    return outbox.build_envelope("intake", "document_received", {
        "document_id": 1, "arrival_number": 1, "arrival_date": "2026-11-02",
        "channel": "paper", "subject": "Văn bản lỗi"}, office=OFFICE)


@pytest.fixture
def broken(container_factory, service_config):
    from services.intake.service import IntakeService

    ATTEMPTS.clear()
    config = service_config(IntakeService)  # a migrated database with the suite tables
    container = container_factory(BrokenConsumer, config)
    container.start()
    return config


def dead_letters(config, queue):
    admin = BrokerAdmin.from_config(config)
    return [json.loads(m["payload"]) for m in admin.get_messages(f"{queue}.dlq", 10)]


QUEUE = "evt-intake-document_received--notify.always_fails"


def test_failing_handler_is_dead_lettered_after_the_delivery_limit(broken, monkeypatch, tmp_path):
    config = broken
    event = envelope()
    publish_raw(config, event)
    parked = wait_for(lambda: dead_letters(config, QUEUE), timeout=30,
                      message="the event in the dead-letter queue")
    assert parked[0]["event_id"] == event["event_id"]
    limit = config["EVENTS"]["delivery_limit"]
    assert ATTEMPTS == [event["event_id"]] * (limit + 1)

    # the operator's view shows it, and the exit status raises the alarm
    (tmp_path / "suite.yaml").write_text(f"AMQP_URI: {config['AMQP_URI']}\n")
    monkeypatch.setenv("VANPHONG_CONFIG_DIR", str(tmp_path))

    def report():
        result = CliRunner().invoke(queues_command, ["--json"])
        data = json.loads(result.output)
        rows = {row["name"]: row for row in data["queues"]}
        if rows.get(QUEUE, {}).get("dead_letters") == 1:
            return result, data
        return None

    result, data = wait_for(report, timeout=30, interval=1, message="queues to show the DLQ")
    assert result.exit_code == 1
    assert {"queue": QUEUE + ".dlq", "code": "DEAD_LETTERS"} in [
        {"queue": w["queue"], "code": w["code"]} for w in data["warnings"]]


def test_envelope_breaking_the_contract_is_dead_lettered_at_once(broken):
    config = broken
    bad = envelope()
    del bad["data"]["arrival_number"]
    publish_raw(config, bad)
    parked = wait_for(lambda: dead_letters(config, QUEUE), timeout=30,
                      message="the malformed event in the dead-letter queue")
    assert parked[0]["event_id"] == bad["event_id"]
    assert ATTEMPTS == []  # the handler never saw it


def outbox_rows(url):
    engine = read_engine(url)
    with engine.connect() as connection:
        table = Table("outbox", MetaData(), autoload_with=connection)
        rows = connection.execute(select(table).order_by(table.c.id)).all()
    engine.dispose()
    return rows


def test_unroutable_event_is_kept_and_marked(service_config):
    from services.intake.service import IntakeService

    config = service_config(IntakeService)
    engine = make_engine(config["DB_URL"])
    with engine.begin() as connection:
        outbox.record(connection, IntakeBase.metadata, "intake", "document_received",
                      envelope()["data"], office=OFFICE)
    relay = outbox.Relay(engine, IntakeBase.metadata, "intake", config)
    relay.drain_once()  # nothing is bound to intake.events in this fresh vhost
    engine.dispose()
    [row] = outbox_rows(config["DB_URL"])
    assert row.status == outbox.UNROUTED and "no queue" in row.last_error


def test_broker_away_keeps_events_pending_until_it_is_back(service_config):
    from services.intake.service import IntakeService

    config = service_config(IntakeService)
    engine = make_engine(config["DB_URL"])
    with engine.begin() as connection:
        outbox.record(connection, IntakeBase.metadata, "intake", "document_received",
                      envelope()["data"], office=OFFICE)
    away = dict(config, AMQP_URI="pyamqp://guest:guest@127.0.0.1:1/")
    with pytest.raises(Exception):
        outbox.Relay(engine, IntakeBase.metadata, "intake", away).drain_once()
    [row] = outbox_rows(config["DB_URL"])
    assert row.status == outbox.PENDING

    with Connection(config["AMQP_URI"]) as connection:  # a consumer's queue, so it routes
        from kombu import Queue
        Queue("probe", Exchange("intake.events", type="topic", durable=True),
              routing_key="document_received")(connection.default_channel).declare()
    outbox.Relay(engine, IntakeBase.metadata, "intake", config).drain_once()
    engine.dispose()
    [row] = outbox_rows(config["DB_URL"])
    assert row.status == outbox.PUBLISHED
    with Connection(config["AMQP_URI"]) as connection:
        message = connection.SimpleQueue("probe").get(timeout=5)
        assert message.payload["data"]["subject"] == "Văn bản lỗi"
        message.ack()


def bind_probe(config, name="probe"):
    from kombu import Queue
    with Connection(config["AMQP_URI"]) as connection:
        Queue(name, Exchange("intake.events", type="topic", durable=True),
              routing_key="document_received")(connection.default_channel).declare()


def test_a_dead_relays_claim_is_taken_over_after_its_lease(service_config):
    """Rows claimed by a relay that died go out once its lease ends; a live claim is left alone."""
    from datetime import datetime, timedelta, timezone

    from sqlalchemy import update

    from services.intake.service import IntakeService

    config = service_config(IntakeService)
    bind_probe(config)
    engine = make_engine(config["DB_URL"])
    with engine.begin() as connection:
        for _ in range(2):
            outbox.record(connection, IntakeBase.metadata, "intake", "document_received",
                          envelope()["data"], office=OFFICE)
    table = IntakeBase.metadata.tables["outbox"]
    now = datetime.now(timezone.utc)
    with engine.begin() as connection:
        first, second = [row.id for row in connection.execute(select(table.c.id).order_by(table.c.id))]
        connection.execute(update(table).where(table.c.id == first).values(
            status=outbox.CLAIMED, claimed_by="intake:dead",
            claimed_at=now - timedelta(seconds=outbox.LEASE_SECONDS + 5)))
        connection.execute(update(table).where(table.c.id == second).values(
            status=outbox.CLAIMED, claimed_by="intake:alive", claimed_at=now))
    outbox.Relay(engine, IntakeBase.metadata, "intake", config).drain_once()
    engine.dispose()
    statuses = {row.id: row.status for row in outbox_rows(config["DB_URL"])}
    assert statuses == {first: outbox.PUBLISHED, second: outbox.CLAIMED}


def test_relay_holds_no_connection_while_it_publishes(service_config):
    """On SQLite a process has one connection: handlers must get it while confirms are awaited."""
    from services.intake.service import IntakeService

    config = service_config(IntakeService)
    bind_probe(config)
    engine = make_engine(config["DB_URL"])
    with engine.begin() as connection:
        outbox.record(connection, IntakeBase.metadata, "intake", "document_received",
                      envelope()["data"], office=OFFICE)
    relay = outbox.Relay(engine, IntakeBase.metadata, "intake", config)
    checked_out = []
    publish = relay.publisher.publish

    def observing_publish(*args, **kwargs):
        checked_out.append(engine.pool.checkedout())
        return publish(*args, **kwargs)

    relay.publisher.publish = observing_publish
    relay.drain_once()
    engine.dispose()
    assert checked_out == [0]
    [row] = outbox_rows(config["DB_URL"])
    assert row.status == outbox.PUBLISHED


def test_rolled_back_work_leaves_no_event(service_config):
    from services.intake.service import IntakeService

    config = service_config(IntakeService)
    engine = make_engine(config["DB_URL"])
    with pytest.raises(ZeroDivisionError):
        with engine.begin() as connection:
            outbox.record(connection, IntakeBase.metadata, "intake", "document_received",
                          envelope()["data"], office=OFFICE)
            1 / 0
    engine.dispose()
    assert outbox_rows(config["DB_URL"]) == []


RELAY_REPLICA = """
import eventlet; eventlet.monkey_patch()
import json, sys
from services.intake.models import Base
from shared import outbox, signing
from shared.db import make_engine
config = json.loads(sys.argv[1])
relay = outbox.Relay(make_engine(config["DB_URL"]), Base.metadata, "intake", config)
while relay.drain_once():
    pass
"""


def test_two_relays_on_one_database_publish_each_event_once(service_config):
    """Two replicas (processes) each run a relay on one database: every row goes out once."""
    import subprocess
    import sys

    from kombu import Queue

    from services.intake.service import IntakeService

    config = service_config(IntakeService)
    engine = make_engine(config["DB_URL"])
    for start in range(0, 1000, 100):
        with engine.begin() as connection:
            for number in range(start, start + 100):
                outbox.record(connection, IntakeBase.metadata, "intake", "document_received",
                              dict(envelope()["data"], document_id=number), office=OFFICE)
    engine.dispose()
    with Connection(config["AMQP_URI"]) as connection:
        Queue("probe", Exchange("intake.events", type="topic", durable=True),
              routing_key="document_received")(connection.default_channel).declare()
    replicas = [subprocess.Popen([sys.executable, "-c", RELAY_REPLICA, json.dumps(config)])
                for _ in range(2)]
    assert [replica.wait(timeout=120) for replica in replicas] == [0, 0]
    received = []
    with Connection(config["AMQP_URI"]) as connection:
        queue = connection.SimpleQueue("probe")
        while len(received) < 1000:
            message = queue.get(timeout=10)
            received.append(message.payload["data"]["document_id"])
            message.ack()
        with pytest.raises(queue.Empty):
            queue.get(timeout=1)
    assert sorted(received) == list(range(1000))
    assert {row.status for row in outbox_rows(config["DB_URL"])} == {outbox.PUBLISHED}
