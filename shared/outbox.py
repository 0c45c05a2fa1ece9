"""The transactional outbox and its relay: the one way events leave a service.

`record` adds the event to the outbox in the caller's transaction, so the domain change and
the event commit together or not at all.  The `Relay` (one green thread per service process)
publishes pending rows in order to the service's ``<service>.events`` topic exchange with
publisher confirms and ``mandatory=True``, then marks them published.  Several replicas can
run relays on one database: a relay claims a batch in a short transaction (``FOR UPDATE SKIP
LOCKED`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), publishes it with no transaction open,
then marks it.  Holding no connection while waiting for confirms matters on SQLite, where a
process has one connection: a relay waiting on a slow broker must not starve the handlers.  A
claim is a lease: rows claimed by a relay that died are taken over after `LEASE_SECONDS`.  A
crash between publish and mark republishes the row; consumers' inboxes drop the duplicate.

An event no queue takes is marked ``unrouted`` (``vanphong queues`` and health count them).
``OUTBOX.unrouted: error`` (the tests' setting) also logs it as an error and keeps it in
`unrouted_seen`, where the test fixture finds it: an event type that no service of the suite
consumes is a bug there, not a warning in a log nobody reads.
"""
import json
import logging
import os
import uuid
from datetime import datetime, timedelta, timezone

from nameko.amqp.publish import Publisher, UndeliverableMessage
from nameko.constants import PERSISTENT
from nameko.events import get_event_exchange
from sqlalchemy import (Column, DateTime, Integer, String, Table, Text, and_, func, or_, select,
                        update)

from shared import signing
from shared.background import DrainLoop
from shared.config import amqp_uri
from shared.contracts import validate_data
from shared.errors import InvalidInput
from shared.timeutil import now_local

log = logging.getLogger(__name__)

PENDING, CLAIMED, PUBLISHED, UNROUTED = "pending", "claimed", "published", "unrouted"
UNROUTED_MODES = ("record", "error")
# (service, event type, event id) of the events this process's relays found unrouted while
# OUTBOX.unrouted is "error" (the tests read and clear it)
unrouted_seen = []
BATCH_SIZE = 200
LEASE_SECONDS = 120


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
        Column("claimed_by", String(64)),
        Column("claimed_at", DateTime(timezone=True)),
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
    return record_all(session, metadata, source, event_type, [data], office=office,
                      actor=actor)[0]


def record_all(session, metadata, source, event_type, data_list, *, office, actor=None):
    """Events of one type into the outbox in one statement (a batch's announcements)."""
    if not office:
        raise InvalidInput("an event needs an office", {"office": ["required"]})
    envelopes = [build_envelope(source, event_type, data, office=office, actor=actor)
                 for data in data_list]
    if envelopes:
        now = datetime.now(timezone.utc)
        session.execute(metadata.tables["outbox"].insert(), [
            {"event_id": envelope["event_id"], "event_type": event_type, "office": office,
             "envelope": json.dumps(envelope, ensure_ascii=False), "status": PENDING,
             "attempts": 0, "created_at": now} for envelope in envelopes])
    return envelopes


def backlog(connection, metadata):
    """Unpublished count, age in seconds of the oldest unpublished row, and unrouted count."""
    table = metadata.tables["outbox"]
    pending, oldest = connection.execute(
        select(func.count(), func.min(table.c.created_at))
        .where(table.c.status.in_((PENDING, CLAIMED)))).one()
    unrouted = connection.execute(
        select(func.count()).where(table.c.status == UNROUTED)).scalar_one()
    age = 0.0
    if oldest is not None:
        if oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=timezone.utc)
        age = max(0.0, (datetime.now(timezone.utc) - oldest).total_seconds())
    return {"pending": pending, "oldest_pending_seconds": round(age, 1), "unrouted": unrouted}


class Relay(DrainLoop):
    """Moves committed outbox rows to the broker."""

    def __init__(self, engine, metadata, service_name, config):
        super().__init__()
        self.engine = engine
        self.table = metadata.tables["outbox"]
        self.service_name = service_name
        self.description = f"outbox relay of {service_name}"
        settings = config.get("OUTBOX") or {}
        self.poll_interval = float(settings.get("poll_interval", 1.0))
        self.max_backoff = float(settings.get("max_backoff", 30.0))
        self.unrouted = settings.get("unrouted") or "record"
        if self.unrouted not in UNROUTED_MODES:
            raise ValueError(f"OUTBOX.unrouted must be one of {', '.join(UNROUTED_MODES)}, "
                             f"not {self.unrouted!r}")
        self.exchange = get_event_exchange(service_name, config)
        self.publisher = Publisher(amqp_uri(config), use_confirms=True, mandatory=True,
                                   delivery_mode=PERSISTENT, serializer="json",
                                   declare=[self.exchange], retry=True,
                                   retry_policy={"max_retries": 3, "interval_start": 0.5,
                                                 "interval_step": 1, "interval_max": 2})
        self.relay_id = f"{service_name}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.signing_key, _ = signing.signing_keys(config)

    def drain_once(self):
        """Publish one batch; True when a full batch went out (there may be more)."""
        rows = self.claim()
        published = []
        try:
            for row in rows:
                status, error = PUBLISHED, None
                try:
                    envelope = signing.sign(json.loads(row.envelope), self.signing_key)
                    self.publisher.publish(envelope, exchange=self.exchange,
                                           routing_key=row.event_type, message_id=row.event_id)
                except UndeliverableMessage:
                    status, error = UNROUTED, "no queue is bound for this event type"
                    self.report_unrouted(row)
                published.append((row.id, status, error))
        finally:
            self.mark(published, unpublished=[row.id for row in rows[len(published):]])
        return len(rows) == BATCH_SIZE

    def report_unrouted(self, row):
        if self.unrouted == "error":
            unrouted_seen.append((self.service_name, row.event_type, row.event_id))
            log.error("event %s %s.%s was not routed to any queue (OUTBOX.unrouted: error)",
                      row.event_id, self.service_name, row.event_type)
        else:
            log.warning("event %s %s.%s was not routed to any queue",
                        row.event_id, self.service_name, row.event_type)

    def claim(self):
        """Lease the next batch: pending rows, ours from a failed try, or a dead relay's."""
        table = self.table
        now = datetime.now(timezone.utc)
        claimable = or_(table.c.status == PENDING,
                        and_(table.c.status == CLAIMED,
                             or_(table.c.claimed_by == self.relay_id,
                                 table.c.claimed_at < now - timedelta(seconds=LEASE_SECONDS))))
        with self.engine.begin() as connection:
            query = (select(table.c.id, table.c.event_id, table.c.event_type, table.c.envelope)
                     .where(claimable).order_by(table.c.id).limit(BATCH_SIZE))
            if connection.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            rows = connection.execute(query).all()
            if rows:
                connection.execute(update(table).where(table.c.id.in_([r.id for r in rows]))
                                   .values(status=CLAIMED, claimed_by=self.relay_id,
                                           claimed_at=now))
        return rows

    def mark(self, published, unpublished=()):
        """Record what went out; give back what did not (the broker went away mid-batch)."""
        if not published and not unpublished:
            return
        table = self.table
        ours = table.c.claimed_by == self.relay_id
        now = datetime.now(timezone.utc)
        outcomes = {}
        for row_id, status, error in published:
            outcomes.setdefault((status, error), []).append(row_id)
        with self.engine.begin() as connection:
            for (status, error), ids in outcomes.items():
                connection.execute(update(table).where(table.c.id.in_(ids), ours).values(
                    status=status, last_error=error, attempts=table.c.attempts + 1,
                    published_at=now))
            if unpublished:
                connection.execute(update(table).where(table.c.id.in_(unpublished), ours).values(
                    status=PENDING, claimed_by=None, claimed_at=None,
                    attempts=table.c.attempts + 1))
