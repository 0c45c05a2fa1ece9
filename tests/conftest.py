"""Fixtures for every level of test.

eventlet must patch before anything imports sockets or threads: nameko's pytest plugin no
longer does it, so this file does, first.  Integration tests get a fresh RabbitMQ vhost per
test (nameko's `rabbit_config`) and a fresh database of each kind (`db_url`): a SQLite file
and a PostgreSQL database created for the test and dropped after it.
"""
import warnings

warnings.filterwarnings("ignore", message=r"(?s).*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()

import os  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from shared import migrations  # noqa: E402
from shared.auth import mint_token  # noqa: E402
from shared.config import load_config  # noqa: E402
from shared.db import normalize_url  # noqa: E402

# private IMAP and SMTP servers, a local webhook receiver
pytest_plugins = ["tests.support.dovecot", "tests.support.smtp", "tests.support.webhook"]

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = Path(os.environ.get("VANPHONG_CORPUS", REPO_ROOT.parent / "shared" / "corpus"))
PG_ADMIN_URL = os.environ.get("VANPHONG_TEST_PG", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
OFFICE = "DT-VPHDND"
OTHER_OFFICE = "HN-VPHDND"


@pytest.fixture(scope="session")
def corpus_dir():
    return CORPUS_DIR


@pytest.fixture(scope="session")
def suite_config():
    """The repository's own suite config (offices, auth) as a deployment would load it."""
    return load_config()


def create_pg_database():
    name = f"vp_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return str(make_url(PG_ADMIN_URL).set(database=name))


def drop_pg_database(url):
    """Drop a test database even while a service's pool is still reconnecting to it
    (WITH (FORCE), PostgreSQL 13+, ends the sessions and drops in one statement)."""
    name = make_url(url).database
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


class DatabaseFactory:
    """Fresh databases of one kind; all dropped when the test ends."""

    def __init__(self, kind, tmp_path):
        self.kind = kind
        self.tmp_path = tmp_path
        self.created = []

    def new(self, name="db"):
        if self.kind == "sqlite":
            url = f"sqlite:///{self.tmp_path / f'{name}-{uuid.uuid4().hex[:6]}.db'}"
        else:
            url = create_pg_database()
        self.created.append(url)
        return url

    def cleanup(self):
        if self.kind == "postgresql":
            for url in self.created:
                drop_pg_database(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def databases(request, tmp_path):
    factory = DatabaseFactory(request.param, tmp_path)
    yield factory
    factory.cleanup()


def config_for_test(rabbit_config, suite_config, db_url, **overrides):
    """Config for one service container in a test: its vhost and database, fast retries."""
    return {
        **rabbit_config,
        "serializer": "json",
        "DB_URL": db_url,
        "AUTH": suite_config["AUTH"],
        "OFFICES": suite_config["OFFICES"],
        "EVENTS": {**suite_config["EVENTS"], "delivery_limit": 3, "retry_backoff": 0},
        "OUTBOX": {"poll_interval": 0.2, "unrouted": "error"},   # see unrouted_events_fail
        "RPC_TIMEOUT": 10,
        **overrides,
    }


@pytest.fixture
def service_config(rabbit_config, suite_config, databases):
    """Config for one service container: fresh vhost, fresh migrated database, fast retries."""

    def make(service_cls, **overrides):
        db_url = databases.new(service_cls.name)
        migrations.upgrade(service_cls, db_url)
        return config_for_test(rabbit_config, suite_config, db_url, **overrides)

    return make


# Event types some service records that no service consumes (yet), each with why that is not a
# lost message.  Any other event the tests see unrouted fails the test that caused it.
UNCONSUMED_EVENTS = {
    ("tasks", "task_created"): "task_assigned, recorded with it, carries the news",
    ("tasks", "task_accepted"): "shown in the task's history and the tables; nobody is told",
    ("tasks", "task_progress_reported"): "shown in the task's history and the tables",
    ("intake", "document_corrected"): "issue 10 point 1: tasks is to follow corrections",
}


def suite_consumers():
    """(source, event type) of every event some service of the suite handles."""
    from nameko.events import EventHandler

    from services.evaluation.service import EvaluationService
    from services.intake.service import IntakeService
    from services.notify.service import NotifyService
    from services.tasks.service import TasksService

    consumed = set()
    for service_cls in (IntakeService, TasksService, EvaluationService, NotifyService):
        for name in dir(service_cls):
            for entrypoint in getattr(getattr(service_cls, name), "nameko_entrypoints", ()):
                if isinstance(entrypoint, EventHandler):
                    consumed.add((entrypoint.source_service, entrypoint.event_type))
    return consumed


def unconsumed(seen):
    """The (service, event type) among unrouted `seen` events that no service consumes and
    UNCONSUMED_EVENTS does not explain.  An unrouted event whose consumer simply does not run
    in this test (a test of one service) is not one of them."""
    if not seen:
        return []
    consumed = suite_consumers()
    return sorted({(source, event_type) for source, event_type, _ in seen
                   if (source, event_type) not in consumed
                   and (source, event_type) not in UNCONSUMED_EVENTS})


@pytest.fixture(autouse=True)
def unrouted_events_fail():
    """OUTBOX.unrouted is "error" in tests: an event no service consumes fails the test."""
    from shared import outbox

    del outbox.unrouted_seen[:]
    yield
    seen, outbox.unrouted_seen[:] = list(outbox.unrouted_seen), []
    lost = unconsumed(seen)
    if lost:
        pytest.fail("events were recorded that no service of the suite consumes (they reach "
                    "no queue): " + ", ".join(f"{s}.{t}" for s, t in lost)
                    + "; give them a consumer (notify: a reaction, a handler and a template)",
                    pytrace=False)


@pytest.fixture
def token(suite_config):
    def make(sub="clerk1", roles=("clerk",), office=OFFICE, clearance=0):
        return mint_token(suite_config, sub, office, list(roles), clearance)

    return make


def read_engine(url):
    """An engine for a test to look into a service's database while the service runs.

    Plain deferred transactions: in WAL mode a SQLite reader never waits for the service's
    write lock (the suite's own engines take it up front, which would block this process).
    """
    return create_engine(normalize_url(url), poolclass=NullPool)


def intake_call(config, method, token, **kwargs):
    """Call intake the way another program does: the standalone client, with a token."""
    from shared.rpc_client import suite_proxy

    with suite_proxy(config, token=token) as proxy:
        return getattr(proxy.intake, method)(**kwargs)


def intake_error(config, method, token, **kwargs):
    """(code, message, fields) of the error intake answers; fails if it answers without one."""
    from nameko.exceptions import RemoteError

    from shared.errors import parse_remote_error

    with pytest.raises(RemoteError) as raised:
        intake_call(config, method, token, **kwargs)
    return parse_remote_error(raised.value)


def wait_for(predicate, timeout=15.0, interval=0.1, message="condition"):
    """Poll until `predicate()` is truthy; return its value or fail naming what was awaited."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {message}")
        eventlet.sleep(interval)
