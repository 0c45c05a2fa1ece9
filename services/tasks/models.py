"""tasks' tables: the organisation, directions of incoming documents, tasks and their trail."""
import json
from datetime import date, datetime

from sqlalchemy import (Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint, select)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import service_metadata


class Base(DeclarativeBase):
    metadata = service_metadata()


def of_office(model, office):
    """SELECT of `model`'s rows of one office.  Every read of tasks' tables on behalf of a
    caller starts here: another office's rows answer exactly like rows that do not exist."""
    return select(model).where(model.office == office)


class Unit(Base):
    """A unit of an office (phòng, ban, tổ), possibly inside another one."""

    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("office", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office: Mapped[str] = mapped_column(String(40), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    parent_code: Mapped[str | None] = mapped_column(String(40))
    aliases: Mapped[str] = mapped_column(Text, default="[]")      # JSON list: names in documents
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Staff(Base):
    """A person of an office; `staff_id` is the `sub` of their token, unique within the office
    only: two offices may each have a "cv1", and neither learns of the other's."""

    __tablename__ = "staff"
    __table_args__ = (UniqueConstraint("office", "staff_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office: Mapped[str] = mapped_column(String(40), index=True)
    staff_id: Mapped[str] = mapped_column(String(100))
    full_name: Mapped[str] = mapped_column(String(200))
    unit_code: Mapped[str | None] = mapped_column(String(40))
    position: Mapped[str | None] = mapped_column(String(200))
    is_leader: Mapped[bool] = mapped_column(Boolean, default=False)
    is_unit_head: Mapped[bool] = mapped_column(Boolean, default=False)
    task_group: Mapped[str | None] = mapped_column(String(100))
    roles: Mapped[str] = mapped_column(Text, default="[]")         # JSON list
    email: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DirectionItem(Base):
    """An incoming document waiting for, or given, the leader's direction (phiếu giải quyết
    văn bản đến); also the row of the Sổ theo dõi giải quyết văn bản đến."""

    __tablename__ = "direction_item"
    __table_args__ = (UniqueConstraint("office", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office: Mapped[str] = mapped_column(String(40), index=True)
    document_id: Mapped[int] = mapped_column(Integer)
    arrival_number: Mapped[int] = mapped_column(Integer)
    subject: Mapped[str | None] = mapped_column(String(500))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    arrival_date: Mapped[date | None] = mapped_column(Date)
    arrival_year: Mapped[int | None] = mapped_column(Integer, index=True)
    issued_date: Mapped[date | None] = mapped_column(Date)
    code_number: Mapped[str | None] = mapped_column(String(11))
    code_notation: Mapped[str | None] = mapped_column(String(30))
    organ_name: Mapped[str | None] = mapped_column(String(200))
    type_name: Mapped[str | None] = mapped_column(String(100))
    document_due_date: Mapped[date | None] = mapped_column(Date)
    lead: Mapped[str | None] = mapped_column(String(100))          # unit code or staff id
    coordinators: Mapped[str] = mapped_column(Text, default="[]")  # JSON [{unit_code, due_date}]
    due_date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    directed_by: Mapped[str | None] = mapped_column(String(100))
    directed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    lead_task_id: Mapped[int | None] = mapped_column(Integer)
    directives: Mapped[str] = mapped_column(Text, default="[]")    # JSON: what the text asks


class Task(Base):
    """One piece of work with one owner and a deadline.

    `due_date` is the deadline in force (after approved extensions); `original_due_date` the
    first one; `unit_due_date` the deadline the leader gave the unit, which the head's internal
    deadline for a person may not pass.
    """

    __tablename__ = "task"
    __table_args__ = (
        UniqueConstraint("office", "series_id", "occurrence"),
        Index("ix_task_office_due", "office", "due_date"),
        Index("ix_task_open_due", "status", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    task_type: Mapped[str] = mapped_column(String(40), default="general")
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20))
    unit_code: Mapped[str | None] = mapped_column(String(40))
    assignee: Mapped[str | None] = mapped_column(String(100), index=True)
    assigner: Mapped[str | None] = mapped_column(String(100))
    coordinators: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of staff ids
    due_date: Mapped[date] = mapped_column(Date)
    original_due_date: Mapped[date] = mapped_column(Date)
    unit_due_date: Mapped[date | None] = mapped_column(Date)
    document_id: Mapped[int | None] = mapped_column(Integer, index=True)
    arrival_number: Mapped[int | None] = mapped_column(Integer)
    direction_item_id: Mapped[int | None] = mapped_column(Integer)
    related_task_id: Mapped[int | None] = mapped_column(Integer)  # a coordination task's lead task
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("task.id"), index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    progress_note: Mapped[str | None] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(Text)
    reply_number: Mapped[str | None] = mapped_column(String(60))
    submitted_by: Mapped[str | None] = mapped_column(String(100))  # who handed the result in
    assigned_on: Mapped[date | None] = mapped_column(Date)
    accepted_on: Mapped[date | None] = mapped_column(Date)
    submitted_on: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    on_time: Mapped[bool | None] = mapped_column(Boolean)
    delay_count: Mapped[int] = mapped_column(Integer, default=0)
    excused_delays: Mapped[int] = mapped_column(Integer, default=0)
    failed_reviews: Mapped[int] = mapped_column(Integer, default=0)
    quality_met: Mapped[bool | None] = mapped_column(Boolean)
    recurrence: Mapped[str | None] = mapped_column(String(20))     # monthly | weekly
    series_id: Mapped[int | None] = mapped_column(Integer)
    occurrence: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    @property
    def coordinator_ids(self):
        return json.loads(self.coordinators or "[]")


class TaskHistory(Base):
    """Every change of a task: who, when, what (edXML TraceHeaderList in spirit)."""

    __tablename__ = "task_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"), index=True)
    office: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    by: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    details: Mapped[str] = mapped_column(Text, default="{}")        # JSON


class Extension(Base):
    """A request to move a task's deadline, and the leader's decision on it."""

    __tablename__ = "extension"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"), index=True)
    office: Mapped[str] = mapped_column(String(40))
    requested_by: Mapped[str] = mapped_column(String(100))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    old_due_date: Mapped[date] = mapped_column(Date)
    requested_due_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # approved | rejected
    new_due_date: Mapped[date | None] = mapped_column(Date)
    objective_cause: Mapped[bool] = mapped_column(Boolean, default=False)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_reason: Mapped[str | None] = mapped_column(Text)


class ReminderSent(Base):
    """One row per reminder sent: the unique key is what makes each fire once, whatever the
    number of replicas or restarts (inserted in the transaction of its outbox row)."""

    __tablename__ = "reminder_sent"
    __table_args__ = (UniqueConstraint("task_id", "kind", "slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office: Mapped[str] = mapped_column(String(40))
    task_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))       # due_soon | overdue | escalated
    slot: Mapped[str] = mapped_column(String(40))       # e.g. "3@2026-11-20" or "2026-11-23"
    threshold: Mapped[int] = mapped_column(Integer)
    on_date: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
