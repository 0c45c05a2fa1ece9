"""evaluation's tables."""
from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import service_metadata


class Base(DeclarativeBase):
    metadata = service_metadata()


class TaskOutcome(Base):
    """What a finished task says about its assignee: the raw material of every score."""

    __tablename__ = "task_outcome"
    __table_args__ = (UniqueConstraint("office", "task_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office: Mapped[str] = mapped_column(String(40), index=True)
    task_id: Mapped[int] = mapped_column(Integer)
    assignee: Mapped[str] = mapped_column(String(80), index=True)
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    due_date: Mapped[date] = mapped_column(Date)
    completed_on: Mapped[date] = mapped_column(Date)
    period: Mapped[str] = mapped_column(String(7), index=True)
    on_time: Mapped[bool] = mapped_column(Boolean)
    delay_count: Mapped[int] = mapped_column(Integer, default=0)
    failed_reviews: Mapped[int] = mapped_column(Integer, default=0)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
