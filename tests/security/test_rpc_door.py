"""The RPC door, attacked: values no column can hold, arguments nobody declared, tokens with
claims of the wrong type, failures that would print SQL, requests that never end and
requests that kill their worker.  Real broker, real intake on SQLite and PostgreSQL."""
import json
import time

import eventlet
import jwt
import pytest
from click.testing import CliRunner
from kombu import Connection, Exchange, Producer
from nameko.exceptions import RemoteError
from nameko.extensions import DependencyProvider
from sqlalchemy import text

from services.intake.models import Base as IntakeBase
from services.intake.service import IntakeService
from shared.broker_admin import BrokerAdmin
from shared.cli.queues import queues as queues_command
from shared.db import Database
from shared.entrypoints import rpc
from shared.errors import parse_remote_error
from shared.rpc_client import suite_proxy
from tests.conftest import OFFICE, wait_for

pytestmark = pytest.mark.integration

SECRET_PARAMETER = "bí-mật-tham-số-4711"


def error_of(config, service, method, token=None, **kwargs):
    with suite_proxy(config, token=token) as proxy:
        with pytest.raises(RemoteError) as raised:
            getattr(proxy[service], method)(**kwargs)
    return parse_remote_error(raised.value) + (raised.value.value,)


@pytest.mark.parametrize("value, problem", [
    ("Công văn\x00 số 1", "NUL"),
    ("Công văn \ud800 số 1", "surrogate"),
])
def test_text_no_column_can_hold_is_refused_naming_the_field(intake, token, value, problem):
    code, _, fields, _ = error_of(intake, "intake", "receive", token(),
                                  document={"subject": value})
    assert code == "VALIDATION_ERROR"
    assert problem in " ".join(fields["document.subject"])


def test_an_id_beyond_64_bits_is_refused_not_an_overflow(intake, token):
    code, _, fields, _ = error_of(intake, "intake", "get", token(), document_id=2 ** 63)
    assert code == "VALIDATION_ERROR" and "document_id" in fields


def test_an_argument_the_method_does_not_take_is_named_not_ignored(intake, token):
    code, _, fields, _ = error_of(intake, "intake", "get", token(), document_id=1,
                                  code_number="412")
    assert code == "VALIDATION_ERROR" and "code_number" in fields


def test_a_method_that_does_not_exist_is_not_found(intake, token):
    code, _, fields, _ = error_of(intake, "intake", "drop_everything", token())
    assert code == "NOT_FOUND" and fields == {"method": ["drop_everything"]}


def forged(suite_config, **claims):
    now = int(time.time())
    body = {"sub": "clerk1", "office": OFFICE, "roles": ["clerk"], "clearance": 0,
            "iat": now, "exp": now + 600, **claims}
    return jwt.encode(body, suite_config["AUTH"]["secret"], algorithm="HS256")


@pytest.mark.parametrize("claim, value", [
    ("office", [OFFICE, "HN-VPHDND"]),
    ("clearance", "abc"),
    ("clearance", 7),
    ("roles", "admin"),
    ("sub", "x" * 500),
])
def test_a_token_with_a_claim_of_the_wrong_type_is_unauthorized(intake, suite_config, claim,
                                                                value):
    code, _, fields, _ = error_of(intake, "intake", "search",
                                  forged(suite_config, **{claim: value}), query="a")
    assert code == "UNAUTHORIZED" and claim in fields


class Failing:
    """A service whose work fails inside the database driver, with a parameter in the SQL."""
    name = "failing"
    db = Database(IntakeBase.metadata, relay=False)

    @rpc
    def broken_query(self):
        self.db.session.execute(text("SELECT * FROM no_such_table WHERE secret = :secret"),
                                {"secret": SECRET_PARAMETER})

    @rpc(budget=0.5)
    def waits_forever(self):
        eventlet.sleep(30)

    @rpc(budget=0.5)
    def computes_forever(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            pass

    @rpc
    def ping(self):
        return "pong"


@pytest.fixture
def failing(runner_factory, service_config):
    config = service_config(IntakeService)
    runner_factory(config, Failing).start()
    return config


def test_a_failure_inside_the_database_answers_internal_without_sql_or_parameters(failing):
    code, message, fields, raw = error_of(failing, "failing", "broken_query")
    assert code == "INTERNAL" and "reference" in message and fields == {}
    for leaked in ("SELECT", "no_such_table", SECRET_PARAMETER, "Traceback", "sqlalchemy",
                   "OperationalError", "ProgrammingError"):
        assert leaked not in raw


@pytest.mark.parametrize("method", ["waits_forever", "computes_forever"])
def test_a_request_over_its_budget_is_stopped_and_the_service_goes_on(failing, method):
    code, message, _, _ = error_of(failing, "failing", method)
    assert code == "UNAVAILABLE" and "budget" in message
    with suite_proxy(failing) as proxy:
        assert proxy.failing.ping() == "pong"


POISON_LIMIT = 1
KILLED = []


class Poisoned:
    """intake, with one method that takes the whole process down as an out-of-memory kill would."""
    name = "intake"

    class _Killer(DependencyProvider):
        def get_dependency(self, worker_ctx):
            container = self.container

            def die():
                KILLED.append(worker_ctx.call_id)
                eventlet.spawn(container.kill)
                eventlet.sleep(5)
            return die

    die = _Killer()

    @rpc
    def explode(self):
        self.die()


def test_a_request_that_kills_its_worker_is_parked_not_redelivered_forever(
        container_factory, service_config, monkeypatch, tmp_path):
    config = service_config(IntakeService, RPC={"delivery_limit": POISON_LIMIT})
    KILLED.clear()
    container = container_factory(Poisoned, config)
    container.start()
    with Connection(config["AMQP_URI"]) as connection:
        exchange = Exchange("nameko-rpc", type="topic", durable=True)
        Producer(connection).publish({"args": [], "kwargs": {}}, exchange=exchange,
                                     routing_key="intake.explode", serializer="json",
                                     reply_to="nobody", correlation_id="poison-1")
    admin = BrokerAdmin.from_config(config)
    for attempt in range(POISON_LIMIT + 1):
        wait_for(lambda: len(KILLED) > attempt, timeout=20, message=f"death {attempt + 1}")
        container.wait()
        container = container_factory(Poisoned, config)
        container.start()
    parked = wait_for(lambda: admin.get_messages("rpc-intake.dlq", 5), timeout=20,
                      message="the poison request in rpc-intake.dlq")
    assert len(parked) == 1
    eventlet.sleep(1)
    assert len(KILLED) == POISON_LIMIT + 1, "the parked request ran again"

    # the operator sees it, and the exit status raises the alarm
    (tmp_path / "suite.yaml").write_text(f"AMQP_URI: {config['AMQP_URI']}\n")
    monkeypatch.setenv("VANPHONG_CONFIG_DIR", str(tmp_path))
    result = wait_for(lambda: (lambda r: r if '"rpc-intake.dlq"' in r.output and
                               "DEAD_LETTERS" in r.output else None)(
        CliRunner().invoke(queues_command, ["--json"])), timeout=30, interval=1,
        message="vanphong queues to show the parked request")
    assert result.exit_code == 1
    warnings = json.loads(result.output)["warnings"]
    assert {"queue": "rpc-intake.dlq", "code": "DEAD_LETTERS"} in [
        {"queue": w["queue"], "code": w["code"]} for w in warnings]


def test_an_argument_given_both_by_position_and_by_name_is_named(intake, token):
    with suite_proxy(intake, token=token()) as proxy:
        with pytest.raises(RemoteError) as raised:
            proxy.intake.get(1, document_id=1)
    code, _, fields = parse_remote_error(raised.value)
    assert code == "VALIDATION_ERROR" and fields == {
        "document_id": ["given both by position and by name"]}
