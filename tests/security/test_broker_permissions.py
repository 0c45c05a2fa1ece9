"""The RabbitMQ permissions of `vanphong broker-permissions`, applied and attacked: the suite
works with them, and a caller or another service cannot publish a service's events or copy
other callers' requests.  Real broker; intake and tasks on SQLite and PostgreSQL."""
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
from amqp.exceptions import AccessRefused
from kombu import Connection, Exchange, Queue

from services.intake.service import IntakeService
from services.tasks.service import TasksService
from shared import outbox
from shared.broker_admin import vhost_from_uri
from shared.broker_permissions import client_permissions, service_permissions
from shared.rpc_client import suite_proxy
from tests.conftest import OFFICE, wait_for
from tests.support.events import publish_events

pytestmark = pytest.mark.integration

API, ADMIN = "http://127.0.0.1:15672/api", ("guest", "guest")


class Users:
    """Broker users made for one test (names are global to the broker, so they get a suffix)."""

    def __init__(self, amqp_uri):
        self.amqp_uri = amqp_uri
        self.vhost = vhost_from_uri(amqp_uri)
        self.suffix = uuid.uuid4().hex[:6]
        self.created = []

    def add(self, permissions):
        name, password = f"{permissions.user}-{self.suffix}", uuid.uuid4().hex
        quoted_vhost = requests.utils.quote(self.vhost, safe="")
        requests.put(f"{API}/users/{name}", json={"password": password, "tags": ""},
                     auth=ADMIN, timeout=5).raise_for_status()
        self.created.append(name)
        requests.put(f"{API}/permissions/{quoted_vhost}/{name}", auth=ADMIN, timeout=5, json={
            "configure": permissions.configure, "write": permissions.write,
            "read": permissions.read}).raise_for_status()
        if permissions.topic:
            exchange, write, read = permissions.topic
            requests.put(f"{API}/topic-permissions/{quoted_vhost}/{name}", auth=ADMIN,
                         timeout=5, json={"exchange": exchange, "write": write, "read": read}
                         ).raise_for_status()
        parts = urlsplit(self.amqp_uri)
        netloc = f"{name}:{password}@{parts.hostname}:{parts.port or 5672}"
        return urlunsplit((parts.scheme, netloc, parts.path, "", ""))

    def remove(self):
        for name in self.created:
            requests.delete(f"{API}/users/{name}", auth=ADMIN, timeout=5)


@pytest.fixture
def broker_users(rabbit_config):
    users = Users(rabbit_config["AMQP_URI"])
    yield users
    users.remove()


@pytest.fixture
def suite(runner_factory, service_config, broker_users):
    uris = {}
    for service_cls in (TasksService, IntakeService):
        uri = broker_users.add(service_permissions(service_cls.name))
        config = service_config(service_cls, AMQP_URI=uri, REMINDER_TIMER=False)
        runner_factory(config, service_cls).start()
        uris[service_cls.name] = config
    client = dict(uris["intake"], AMQP_URI=broker_users.add(client_permissions()))
    return uris, client


def call(config, service, method, token, **kwargs):
    with suite_proxy(config, token=token) as proxy:
        return getattr(proxy[service], method)(**kwargs)


def test_the_suite_works_under_its_own_users(suite, token):
    _, client = suite
    document = call(client, "intake", "receive", token(), document={"subject": "Giấy mời họp"})
    items = wait_for(lambda: call(client, "tasks", "pending_directions", token("ld", ["leader"])),
                     message="the direction item reached tasks through intake.events")
    assert [item["document_id"] for item in items] == [document["id"]]


def forged_event():
    return outbox.build_envelope("intake", "document_received", {
        "document_id": 1, "arrival_number": 1, "arrival_date": "2026-11-02", "channel": "paper",
        "subject": "Văn bản giả"}, office=OFFICE)


@pytest.mark.parametrize("publisher", ["client", "tasks"])
def test_nobody_but_intake_may_publish_to_intake_events(suite, publisher):
    services, client = suite
    uri = client["AMQP_URI"] if publisher == "client" else services["tasks"]["AMQP_URI"]
    with pytest.raises(AccessRefused):
        publish_events(uri, [forged_event()])


def test_a_caller_cannot_bind_a_queue_to_copy_other_callers_requests(suite):
    _, client = suite
    spy = Queue(f"rpc.reply-spy-{uuid.uuid4().hex[:6]}",
                Exchange("nameko-rpc", type="topic", durable=True), routing_key="intake.*",
                auto_delete=True)
    with Connection(client["AMQP_URI"]) as connection:
        with pytest.raises(AccessRefused):
            spy(connection.channel()).declare()
