"""notify's tables."""
from datetime import date, datetime

from sqlalchemy import (JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import service_metadata

# delivery statuses
PENDING = "pending"          # waiting for its time (first try, retry or end of quiet hours)
SENDING = "sending"          # claimed by a sender (a lease: taken over if the sender died)
SENT = "sent"
FAILED_OVER = "failed_over"  # gave up on this channel; the next allowed channel took over
DEAD = "dead"                # gave up with nowhere else to go: the dead-letter list
FAILED_STATUSES = (DEAD, FAILED_OVER)


class Base(DeclarativeBase):
    metadata = service_metadata()


class Notification(Base):
    """One notice for one recipient on the inbox channel.

    `recipient` is a staff id or ``role:<role>`` (a role's shared inbox, used while the
    organisation copy names nobody with that role).  One per recipient and dedup key.
    """

    __tablename__ = "notification"
    __table_args__ = (UniqueConstraint("office", "recipient", "dedup_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office: Mapped[str] = mapped_column(String(40), index=True)
    recipient: Mapped[str] = mapped_column(String(80), index=True)
    dedup_key: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Delivery(Base):
    """One notice for one person on one channel: the unit of exactly-once and of retry.

    The unique constraint (office, recipient, channel, dedup_key) is what makes a redelivered
    event, a repeated idempotency key or a second replica produce nothing new.
    """

    __tablename__ = "delivery"
    __table_args__ = (UniqueConstraint("office", "recipient", "channel", "dedup_key"),
                      Index("ix_delivery_due", "status", "next_attempt_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    office: Mapped[str] = mapped_column(String(40), index=True)
    recipient: Mapped[str] = mapped_column(String(80))
    channel: Mapped[str] = mapped_column(String(40))
    dedup_key: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(400))
    recipient_name: Mapped[str | None] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(50))
    template: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deferred_reason: Mapped[str | None] = mapped_column(String(100))
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    failover_of: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DeliveryAttempt(Base):
    """The delivery log: every attempt, its outcome and error."""

    __tablename__ = "delivery_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("delivery.id"), index=True)
    office: Mapped[str] = mapped_column(String(40))
    number: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(16))      # sent | failed | stored
    error: Mapped[str | None] = mapped_column(Text)
    worker: Mapped[str | None] = mapped_column(String(80))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Staff(Base):
    """notify's copy of the organisation, kept from tasks' ``staff_changed`` events."""

    __tablename__ = "staff"

    office: Mapped[str] = mapped_column(String(40), primary_key=True)
    staff_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    unit_code: Mapped[str | None] = mapped_column(String(40))
    unit_name: Mapped[str | None] = mapped_column(String(200))
    parent_unit_code: Mapped[str | None] = mapped_column(String(40))
    position: Mapped[str | None] = mapped_column(String(200))
    is_leader: Mapped[bool] = mapped_column(Boolean, default=False)
    is_unit_head: Mapped[bool] = mapped_column(Boolean, default=False)
    roles: Mapped[list] = mapped_column(JSON, default=list)
    email: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Preference(Base):
    """A person's choices; absent fields fall back to the office's defaults."""

    __tablename__ = "preference"

    office: Mapped[str] = mapped_column(String(40), primary_key=True)
    staff_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    digest_time: Mapped[str | None] = mapped_column(String(5))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TrackedTask(Base):
    """Open tasks as task events describe them, for the daily digest."""

    __tablename__ = "tracked_task"

    office: Mapped[str] = mapped_column(String(40), primary_key=True)
    task_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    assignee: Mapped[str | None] = mapped_column(String(80), index=True)
    due_date: Mapped[date | None] = mapped_column(Date)
    open: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DigestRun(Base):
    """One digest per person and day, whichever replica's timer gets there first."""

    __tablename__ = "digest_run"

    office: Mapped[str] = mapped_column(String(40), primary_key=True)
    staff_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    items: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
