"""The transactional outbox and its relay: the one way events leave a service.

`record` adds the event to the outbox in the caller's transaction, so the domain change and
the event commit together or not at all.  The `Relay` (one green thread per service process)
publishes pending rows in order to the service's ``<service>.events`` topic exchange with
publisher confirms and ``mandatory=True``, then marks them published.  Several replicas can
run relays on one PostgreSQL database: rows are claimed with ``FOR UPDATE SKIP LOCKED``.  A
crash between publish and mark republishes the row; consumers' inboxes drop the duplicate.
"""
import json
import logging
import uuid
from datetime import datetime, timezone

import eventlet
from eventlet.event import Event
from nameko.amqp.publish import Publisher, UndeliverableMessage
from nameko.constants import PERSISTENT
from nameko.events import get_event_exchange
from sqlalchemy import (Column, DateTime, Integer, String, Table, Text, func, select, update)

from shared.config import amqp_uri
from shared.contracts import validate_data
from shared.errors import InvalidInput
from shared.timeutil import now_local

log = logging.getLogger(__name__)

PENDING, PUBLISHED, UNROUTED = "pending", "published", "unrouted"
BATCH_SIZE = 200


def define_table(metadata):
    return Table(
        "outbox", metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("event_type", String(100), nullable=False),
        Column("office", String(40), nullable=False),
        Column("envelope", Text, nullable=False),
        Column("status", String(16), nullable=False, default=PENDING, index=True),
        Column("attempts", Integer, nullable=False, default=0),
        Column("last_error", Text),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("published_at", DateTime(timezone=True)),
    )


def build_envelope(source, event_type, data, *, office, actor=None):
    return {
        "event_id": str(uuid.uuid4()),
        "event_type": event_type,
        "source": source,
        "occurred_at": now_local().isoformat(),
        "office": office,
        "actor": actor,
        "data": validate_data(source, event_type, data),
    }


def record(session, metadata, source, event_type, data, *, office, actor=None):
    if not office:
        raise InvalidInput("an event needs an office", {"office": ["required"]})
    envelope = build_envelope(source, event_type, data, office=office, actor=actor)
    table = metadata.tables["outbox"]
    session.execute(table.insert().values(
        event_id=envelope["event_id"], event_type=event_type, office=office,
        envelope=json.dumps(envelope, ensure_ascii=False), status=PENDING, attempts=0,
        created_at=datetime.now(timezone.utc)))
    return envelope


def backlog(connection, metadata):
    """Pending count, age in seconds of the oldest pending row, and unrouted count."""
    table = metadata.tables["outbox"]
    pending, oldest = connection.execute(
        select(func.count(), func.min(table.c.created_at)).where(table.c.status == PENDING)).one()
    unrouted = connection.execute(
        select(func.count()).where(table.c.status == UNROUTED)).scalar_one()
    age = 0.0
    if oldest is not None:
        if oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=timezone.utc)
        age = max(0.0, (datetime.now(timezone.utc) - oldest).total_seconds())
    return {"pending": pending, "oldest_pending_seconds": round(age, 1), "unrouted": unrouted}


class Relay:
    """Moves committed outbox rows to the broker."""

    def __init__(self, engine, metadata, service_name, config):
        self.engine = engine
        self.table = metadata.tables["outbox"]
        self.service_name = service_name
        settings = config.get("OUTBOX") or {}
        self.poll_interval = float(settings.get("poll_interval", 1.0))
        self.max_backoff = float(settings.get("max_backoff", 30.0))
        self.exchange = get_event_exchange(service_name, config)
        self.publisher = Publisher(amqp_uri(config), use_confirms=True, mandatory=True,
                                   delivery_mode=PERSISTENT, serializer="json",
                                   declare=[self.exchange], retry=True,
                                   retry_policy={"max_retries": 3, "interval_start": 0.5,
                                                 "interval_step": 1, "interval_max": 2})
        self._wake = Event()
        self._running = False
        self.last_error = None

    def wake(self):
        if not self._wake.ready():
            self._wake.send(True)

    def stop(self):
        self._running = False
        self.wake()

    def run(self):
        self._running = True
        failures = 0
        while self._running:
            try:
                while self.drain_once() and self._running:
                    pass
                failures = 0
                self.last_error = None
            except Exception as exc:  # broker or database away: back off and try again
                failures += 1
                self.last_error = f"{type(exc).__name__}: {exc}"
                log.warning("outbox relay of %s failed (%d in a row): %s",
                            self.service_name, failures, self.last_error)
            delay = self.poll_interval if not failures else min(
                self.max_backoff, self.poll_interval * 2 ** min(failures, 6))
            with eventlet.Timeout(delay, False):
                self._wake.wait()
            self._wake = Event()

    def drain_once(self):
        """Publish one batch; True when a full batch went out (there may be more)."""
        with self.engine.begin() as connection:
            query = (select(self.table.c.id, self.table.c.event_id, self.table.c.event_type,
                            self.table.c.envelope)
                     .where(self.table.c.status == PENDING)
                     .order_by(self.table.c.id).limit(BATCH_SIZE))
            if connection.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            rows = connection.execute(query).all()
            for row in rows:
                status, error = PUBLISHED, None
                try:
                    self.publisher.publish(json.loads(row.envelope), exchange=self.exchange,
                                           routing_key=row.event_type, message_id=row.event_id)
                except UndeliverableMessage:
                    status, error = UNROUTED, "no queue is bound for this event type"
                    log.warning("event %s %s.%s was not routed to any queue",
                                row.event_id, self.service_name, row.event_type)
                connection.execute(update(self.table).where(self.table.c.id == row.id).values(
                    status=status, last_error=error, attempts=self.table.c.attempts + 1,
                    published_at=datetime.now(timezone.utc)))
            return len(rows) == BATCH_SIZE
