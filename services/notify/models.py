"""notify's tables."""
from datetime import datetime

from sqlalchemy import Boolean, DateTime, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import service_metadata


class Base(DeclarativeBase):
    metadata = service_metadata()


class Notification(Base):
    """One notice for one recipient on the inbox channel.

    `recipient` is a staff id or ``role:<role>`` (everyone in the office with that role).
    `dedup_key` (event or idempotency key) is unique per recipient: a notice is created once.
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
