"""The one database provider: a SQLAlchemy 2 engine per service container, a session per worker.

nameko acks a message before dependency teardown runs, so entrypoints commit explicitly
(``self.db.commit()``); teardown only rolls back and closes what a worker left open.

SQLite (the embedded default) is used with one pooled connection per process and
``BEGIN IMMEDIATE`` transactions: under eventlet a second connection waiting on SQLite's file
lock would block the whole hub, and deferred transactions that upgrade to writers fail instead
of waiting.  PostgreSQL gets a pool sized to the worker count plus the background threads.
"""
import logging
import os
from pathlib import Path
from weakref import WeakKeyDictionary

from nameko.extensions import DependencyProvider
from sqlalchemy import MetaData, create_engine, event, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from shared import inbox, outbox

log = logging.getLogger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
BACKGROUND_CONNECTIONS = 3  # outbox relay, timers, health


def service_metadata():
    """A service's MetaData, with the outbox and inbox tables every service owns."""
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    outbox.define_table(metadata)
    inbox.define_table(metadata)
    return metadata


def normalize_url(url):
    """PostgreSQL URLs use psycopg2: SQLAlchemy 2.1 defaults to psycopg 3, which blocks eventlet."""
    url = str(url)
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix):]
    return url


def is_sqlite(url):
    return str(url).startswith("sqlite")


def make_engine(url, max_workers=10):
    url = normalize_url(url)
    if is_sqlite(url):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, pool_size=1, max_overflow=0, pool_timeout=60,
                               connect_args={"timeout": 30, "isolation_level": None})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin_immediate(connection):
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    connect_args = {}
    if url.startswith("postgresql"):
        connect_args = {"connect_timeout": 5, "options": "-c statement_timeout=30000"}
    return create_engine(url, pool_size=max_workers + BACKGROUND_CONNECTIONS, max_overflow=5,
                         pool_pre_ping=True, pool_timeout=30, connect_args=connect_args)


class Work:
    """One worker's unit of work: a session, the events it records, and explicit commit."""

    def __init__(self, provider, worker_ctx=None):
        self._provider = provider
        self._worker_ctx = worker_ctx
        self._session = None
        self._recorded_events = 0

    @property
    def session(self):
        if self._session is None:
            self._session = self._provider.sessionmaker()
        return self._session

    @property
    def metadata(self):
        return self._provider.metadata

    @property
    def provider(self):
        return self._provider

    def record_event(self, event_type, data, *, office, actor=None):
        """Add an event to the outbox in this unit of work; it leaves when the work commits."""
        return self.record_events(event_type, [data], office=office, actor=actor)[0]

    def record_events(self, event_type, data_list, *, office, actor=None):
        """Several events of one type, written in one statement."""
        envelopes = outbox.record_all(self.session, self.metadata, self._provider.service_name,
                                      event_type, data_list, office=office, actor=actor)
        self._recorded_events += len(envelopes)
        return envelopes

    def first_delivery(self, event, consumer):
        """True the first time `consumer` sees this event; False for a redelivery or duplicate.

        The inbox row is part of this unit of work: it only counts once the work commits, so a
        handler that fails leaves the event to be tried again.
        """
        try:
            with self.session.begin_nested():
                inbox.claim(self.session, self.metadata, event, consumer)
        except IntegrityError:
            return False
        return True

    def commit(self):
        if self._session is not None:
            self._session.commit()
        if self._recorded_events:
            self._recorded_events = 0
            self._provider.wake_relay()

    def rollback(self):
        if self._session is not None:
            self._session.rollback()
        self._recorded_events = 0

    def close(self):
        if self._session is not None:
            self._session.close()
            self._session = None


class Database(DependencyProvider):
    """``db = Database(models.Base.metadata)``; config key ``DB_URL``.

    Also hosts the service's outbox relay, which needs the same engine.
    """

    def __init__(self, metadata, relay=True):
        self.metadata = metadata
        self.relay_enabled = relay
        self.engine = None
        self.sessionmaker = None
        self.relay = None
        self._works = WeakKeyDictionary()

    @property
    def service_name(self):
        return self.container.service_name

    def setup(self):
        config = self.container.config
        url = config.get("DB_URL") or os.environ.get("DB_URL")
        if not url:
            raise RuntimeError(f"{self.service_name}: no DB_URL in config")
        self.engine = make_engine(url, max_workers=self.container.max_workers)
        self.sessionmaker = sessionmaker(bind=self.engine, expire_on_commit=False)
        if self.relay_enabled:
            self.relay = outbox.Relay(self.engine, self.metadata, self.service_name, config)

    def start(self):
        if self.relay is not None:
            self.container.spawn_managed_thread(self.relay.run, identifier="outbox-relay")

    def stop(self):
        if self.relay is not None:
            self.relay.stop()
        if self.engine is not None:
            self.engine.dispose()

    def kill(self):
        self.stop()

    def wake_relay(self):
        if self.relay is not None:
            self.relay.wake()

    def new_work(self):
        return Work(self)

    def get_dependency(self, worker_ctx):
        work = Work(self, worker_ctx)
        self._works[worker_ctx] = work
        return work

    def worker_teardown(self, worker_ctx):
        work = self._works.pop(worker_ctx, None)
        if work is not None:
            work.rollback()
            work.close()

    def ping(self):
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
