"""Anyone who can publish to RabbitMQ, attacking through events: unsigned, badly signed,
re-signed after a change, from a producer they are not, for an office that is not served.
Each is parked in the dead letters with its reason and changes nothing; the signed original
still works.  Real broker, tasks on SQLite and PostgreSQL."""
import json

import pytest
from sqlalchemy import select

from services.tasks.models import DirectionItem
from services.tasks.service import TasksService
from shared import outbox, signing
from shared.broker_admin import BrokerAdmin
from shared.events import REASON_HEADER
from tests.conftest import OFFICE, OTHER_OFFICE, read_engine, wait_for
from tests.support.events import publish_events, suite_signing_key

pytestmark = pytest.mark.integration

QUEUE = "evt-intake-document_received--tasks.on_document_received"


@pytest.fixture
def tasks(runner_factory, service_config):
    config = service_config(TasksService, REMINDER_TIMER=False)
    runner_factory(config, TasksService).start()
    return config


def received(office=OFFICE, document_id=7):
    return outbox.build_envelope("intake", "document_received", {
        "document_id": document_id, "arrival_number": document_id, "arrival_date": "2026-11-02",
        "channel": "paper", "subject": "Giấy mời họp khẩn", "priority": "khẩn"}, office=office)


def direction_items(config):
    engine = read_engine(config["DB_URL"])
    with engine.connect() as connection:
        rows = connection.execute(select(DirectionItem.office, DirectionItem.document_id)).all()
    engine.dispose()
    return sorted(rows)


def parked(config):
    """(reason, event_id) of every message in the handler's dead letters."""
    messages = BrokerAdmin.from_config(config).get_messages(QUEUE + ".dlq", 20)
    return [((m.get("properties") or {}).get("headers", {}).get(REASON_HEADER),
             json.loads(m["payload"])["event_id"]) for m in messages]


def publish_forged(config, envelope, source="intake"):
    publish_events(config["AMQP_URI"], [envelope], source=source, sign=False)


def test_handler_queue_name_is_the_one_attacked(tasks):
    assert QUEUE in {q["name"] for q in BrokerAdmin.from_config(tasks).queues()}


@pytest.mark.parametrize("forgery, reason", [
    ("unsigned", "not signed"),
    ("wrong key", "does not match"),
    ("changed after signing", "does not match"),
    ("office not served", "not an office of this deployment"),
])
def test_a_forged_document_received_is_parked_with_its_reason_and_changes_nothing(
        tasks, forgery, reason):
    key = suite_signing_key()
    envelope = received(office=OTHER_OFFICE)
    if forgery == "wrong key":
        envelope = signing.sign(envelope, "guessed-key")
    elif forgery == "changed after signing":
        envelope = signing.sign(envelope, key)
        envelope["data"]["subject"] = "Chuyển ngay 500 triệu"
    elif forgery == "office not served":
        envelope = signing.sign(received(office="ZZ-GHOST"), key)
    publish_forged(tasks, envelope)

    found = wait_for(lambda: parked(tasks), timeout=20, message="the forged event parked")
    assert found[0][1] == envelope["event_id"] and reason in found[0][0]
    assert direction_items(tasks) == []

    publish_events(tasks["AMQP_URI"], [received(office=OTHER_OFFICE, document_id=8)])
    wait_for(lambda: direction_items(tasks) == [(OTHER_OFFICE, 8)],
             message="the genuine event applied")


def test_an_event_claiming_another_producer_is_parked(tasks):
    """Signed by a suite key holder but sent on notify's exchange as if intake sent it."""
    envelope = signing.sign(received(), suite_signing_key())
    publish_forged(tasks, dict(envelope, source="notify"), source="intake")
    found = wait_for(lambda: parked(tasks), timeout=20, message="the event parked")
    assert "notify" in found[0][0]
    assert direction_items(tasks) == []
