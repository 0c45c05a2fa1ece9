"""intake → document_received → tasks and notify, through outbox, RabbitMQ and inbox."""
import json

import pytest
from kombu import Connection, Exchange, Producer
from nameko.exceptions import RemoteError
from sqlalchemy import func, select

from services.intake.service import IntakeService
from services.notify.service import NotifyService
from services.tasks.models import DirectionItem
from services.tasks.service import TasksService
from shared import outbox, signing
from shared.errors import parse_remote_error
from shared.rpc_client import suite_proxy
from tests.conftest import OFFICE, OTHER_OFFICE, read_engine, wait_for
from tests.support.events import suite_signing_key

pytestmark = pytest.mark.integration

DOCUMENT = {"subject": "Về việc chuẩn bị kỳ họp thứ 12 HĐND tỉnh", "organ_name": "UBND tỉnh",
            "code_number": "412", "code_notation": "UBND-VP", "priority": "hỏa tốc",
            "issued_date": "2026-11-20", "channel": "paper"}


@pytest.fixture
def suite(runner_factory, service_config):
    configs = {cls.name: service_config(cls) for cls in (IntakeService, TasksService, NotifyService)}
    for cls in (IntakeService, TasksService, NotifyService):
        runner = runner_factory(configs[cls.name], cls)
        runner.start()
    return configs


def call(config, service, method, token=None, **kwargs):
    with suite_proxy(config, token=token) as proxy:
        return getattr(proxy[service], method)(**kwargs)


def test_document_received_reaches_tasks_and_notify(suite, token):
    config = suite["intake"]
    clerk, leader = token("clerk1", ["clerk"]), token("lead1", ["leader"])
    document = call(config, "intake", "receive", clerk, document=DOCUMENT)
    assert document["arrival_number"] == 1 and document["office"] == OFFICE

    items = wait_for(lambda: call(config, "tasks", "pending_directions", leader),
                     message="the direction item in tasks")
    assert [(i["document_id"], i["arrival_number"], i["urgent"]) for i in items] == \
        [(document["id"], 1, True)]

    inbox = wait_for(lambda: call(config, "notify", "inbox", leader)["items"],
                     message="the leader's notice in notify")
    assert inbox[0]["urgent"] is True
    assert inbox[0]["title"] == "[HỎA TỐC] Văn bản đến số 1 chờ ý kiến chỉ đạo"
    assert "Về việc chuẩn bị kỳ họp thứ 12 HĐND tỉnh" in inbox[0]["body"]


    # the other office sees none of it
    other_leader = token("lead2", ["leader"], office=OTHER_OFFICE)
    assert call(config, "tasks", "pending_directions", other_leader) == []
    assert call(config, "notify", "inbox", other_leader)["items"] == []


def test_health_reports_database_and_outbox(suite):
    for service, config in suite.items():
        report = call(config, service, "health")
        assert report["service"] == service
        assert report["status"] == "ok", report
        assert report["checks"]["outbox"]["pending"] == 0
        assert report["checks"]["database"]["dialect"] in ("sqlite", "postgresql")


def test_same_event_delivered_twice_is_applied_once(suite):
    config = suite["tasks"]
    envelope = outbox.build_envelope("intake", "document_received", {
        "document_id": 99, "arrival_number": 5, "arrival_date": "2026-11-02",
        "channel": "paper", "subject": "Công văn trùng"}, office=OFFICE)
    with Connection(config["AMQP_URI"]) as connection:
        producer = Producer(connection)
        exchange = Exchange("intake.events", type="topic", durable=True)
        for _ in range(2):
            producer.publish(signing.sign(envelope, suite_signing_key()), exchange=exchange,
                             routing_key="document_received", serializer="json",
                             declare=[exchange])
        other = dict(envelope, event_id="0" * 8 + envelope["event_id"][8:],
                     data=dict(envelope["data"], document_id=100))
        producer.publish(signing.sign(other, suite_signing_key()), exchange=exchange,
                         routing_key="document_received",
                         serializer="json")

    engine = read_engine(config["DB_URL"])

    def item_count():
        with engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(DirectionItem)).scalar_one()

    wait_for(lambda: item_count() == 2, message="both distinct events applied")
    with engine.connect() as connection:
        documents = connection.execute(select(DirectionItem.document_id)).scalars().all()
    engine.dispose()
    assert sorted(documents) == [99, 100]


@pytest.mark.parametrize("payload, field", [
    ({"document": {"subject": ""}}, "subject"),
    ({"document": {"subject": "x", "priority": "rất gấp"}}, "priority"),
    ({"document": {"subject": "x", "issued_date": "2026-02-30"}}, "issued_date"),
    ({"document": "not an object"}, "_schema"),
])
def test_bad_input_names_the_field_and_writes_nothing(suite, token, payload, field):
    config = suite["intake"]
    with pytest.raises(RemoteError) as raised:
        call(config, "intake", "receive", token(), **payload)
    code, _, fields = parse_remote_error(raised.value)
    assert code == "VALIDATION_ERROR" and field in fields
    good = call(config, "intake", "receive", token(), document=DOCUMENT)
    assert good["arrival_number"] == 1  # the failed call consumed no number and no row


@pytest.mark.parametrize("authorization, code", [
    (None, "UNAUTHORIZED"), ("forged", "UNAUTHORIZED"), ("staff", "FORBIDDEN")])
def test_callers_without_a_valid_token_or_role_are_refused(suite, token, authorization, code):
    value = {None: None, "forged": token()[:-4] + "AAAA",
             "staff": token("s1", ["staff"])}[authorization]
    with pytest.raises(RemoteError) as raised:
        call(suite["intake"], "intake", "receive", value, document=DOCUMENT)
    assert parse_remote_error(raised.value)[0] == code


def test_oversized_payload_is_refused_before_any_work(runner_factory, service_config, token):
    config = service_config(IntakeService, MAX_PAYLOAD_BYTES=10_000)
    runner_factory(config, IntakeService).start()
    with pytest.raises(RemoteError) as raised:
        call(config, "intake", "receive", token(),
             document={**DOCUMENT, "content": "x" * 20_000})
    code, _, fields = parse_remote_error(raised.value)
    assert code == "VALIDATION_ERROR" and "payload" in fields
    assert call(config, "intake", "receive", token(), document=DOCUMENT)["arrival_number"] == 1


def test_concurrent_receives_get_gapless_arrival_numbers(runner_factory, service_config, token):
    import eventlet

    config = service_config(IntakeService)
    runner_factory(config, IntakeService).start()
    clerk = token()
    pool = eventlet.GreenPool(50)
    numbers = list(pool.imap(
        lambda n: call(config, "intake", "receive", clerk,
                       document={**DOCUMENT, "subject": f"Văn bản {n}"})["arrival_number"],
        range(50)))
    assert sorted(numbers) == list(range(1, 51))
    other = call(config, "intake", "receive", token(office=OTHER_OFFICE), document=DOCUMENT)
    assert other["arrival_number"] == 1  # each office has its own sequence


def test_outbox_rows_are_marked_published(suite, token):
    config = suite["intake"]
    call(config, "intake", "receive", token(), document=DOCUMENT)
    engine = read_engine(config["DB_URL"])
    from sqlalchemy import MetaData, Table

    def statuses():
        with engine.connect() as connection:
            table = Table("outbox", MetaData(), autoload_with=connection)
            return connection.execute(select(table.c.status, table.c.envelope)).all()

    rows = wait_for(lambda: [r for r in statuses() if r.status == "published"],
                    message="the outbox row published")
    engine.dispose()
    assert json.loads(rows[0].envelope)["event_type"] == "document_received"
