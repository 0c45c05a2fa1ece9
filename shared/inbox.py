"""The inbox: which events each consumer has already applied.

A row (event_id, consumer) is inserted in the same transaction as the handler's changes; the
primary key makes a second delivery of the same event a no-op.
"""
from datetime import datetime, timezone

from sqlalchemy import Column, DateTime, String, Table


def define_table(metadata):
    return Table(
        "inbox", metadata,
        Column("event_id", String(36), primary_key=True),
        Column("consumer", String(200), primary_key=True),
        Column("event_type", String(100), nullable=False),
        Column("source", String(50), nullable=False),
        Column("received_at", DateTime(timezone=True), nullable=False),
    )


def claim(session, metadata, event, consumer):
    table = metadata.tables["inbox"]
    session.execute(table.insert().values(
        event_id=str(event["event_id"]), consumer=consumer, event_type=event["event_type"],
        source=event["source"], received_at=datetime.now(timezone.utc)))
    session.flush()
