"""evaluation's tables."""
from datetime import date, datetime

from sqlalchemy import (JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String,
                        Text, UniqueConstraint, true)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import service_metadata

ASSIGNED, COMPLETED, CANCELLED = "assigned", "completed", "cancelled"
DRAFT, PUBLISHED = "draft", "published"


class Base(DeclarativeBase):
    metadata = service_metadata()


class TaskOutcome(Base):
    """What a task says about its assignee: the raw material of every score.

    A row appears when the task is assigned (so work not done still counts as assigned) and is
    completed or cancelled by later events; `period` is the month of completion, `due_period`
    the month of the deadline.
    """

    __tablename__ = "task_outcome"
    __table_args__ = (UniqueConstraint("office", "task_id"),
                      Index("ix_task_outcome_office_due_period", "office", "due_period"))

    id: Mapped[int] = mapped_column(primary_key=True)
    office: Mapped[str] = mapped_column(String(40), index=True)
    task_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500), server_default="")
    assignee: Mapped[str] = mapped_column(String(80), index=True)
    assigner: Mapped[str | None] = mapped_column(String(80))
    unit_code: Mapped[str | None] = mapped_column(String(80))
    task_type: Mapped[str] = mapped_column(String(80), server_default="general")
    status: Mapped[str] = mapped_column(String(16), server_default=COMPLETED)
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    assigned_on: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    due_period: Mapped[str | None] = mapped_column(String(7))
    completed_on: Mapped[date | None] = mapped_column(Date)
    period: Mapped[str | None] = mapped_column(String(7), index=True)
    on_time: Mapped[bool] = mapped_column(Boolean, default=True)
    delay_count: Mapped[int] = mapped_column(Integer, default=0)
    excused_delays: Mapped[int] = mapped_column(Integer, server_default="0")
    objective_causes: Mapped[int] = mapped_column(Integer, server_default="0")
    failed_reviews: Mapped[int] = mapped_column(Integer, default=0)
    quality_met: Mapped[bool] = mapped_column(Boolean, server_default=true())
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TaskTypeWeight(Base):
    """Quy đổi: an office's weight for a type of task (products converted to a common unit)."""

    __tablename__ = "task_type_weight"
    __table_args__ = (UniqueConstraint("office", "task_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office: Mapped[str] = mapped_column(String(40))
    task_type: Mapped[str] = mapped_column(String(80))
    weight: Mapped[float] = mapped_column(Float)


class Unit(Base):
    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("office", "unit_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office: Mapped[str] = mapped_column(String(40))
    unit_code: Mapped[str] = mapped_column(String(80))
    unit_name: Mapped[str | None] = mapped_column(String(300))
    parent_unit_code: Mapped[str | None] = mapped_column(String(80))


class StaffRecord(Base):
    """evaluation's copy of a staff member, kept from tasks' staff_changed events."""

    __tablename__ = "staff_record"
    __table_args__ = (UniqueConstraint("office", "staff_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office: Mapped[str] = mapped_column(String(40))
    staff_id: Mapped[str] = mapped_column(String(80))
    full_name: Mapped[str] = mapped_column(String(200))
    unit_code: Mapped[str | None] = mapped_column(String(80))
    position: Mapped[str | None] = mapped_column(String(200))
    is_leader: Mapped[bool] = mapped_column(Boolean, default=False)
    is_unit_head: Mapped[bool] = mapped_column(Boolean, default=False)
    task_group: Mapped[str | None] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    changed_on: Mapped[date | None] = mapped_column(Date)


class StaffAssignment(Base):
    """Where a person worked and when: periods are scored with the unit held then."""

    __tablename__ = "staff_assignment"
    __table_args__ = (Index("ix_staff_assignment_office_staff", "office", "staff_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office: Mapped[str] = mapped_column(String(40))
    staff_id: Mapped[str] = mapped_column(String(80))
    unit_code: Mapped[str | None] = mapped_column(String(80))
    is_leader: Mapped[bool] = mapped_column(Boolean, default=False)
    task_group: Mapped[str | None] = mapped_column(String(100))
    valid_from: Mapped[date | None] = mapped_column(Date)     # None: since before our records
    valid_to: Mapped[date | None] = mapped_column(Date)       # exclusive; None: still in force


class GeneralCriteria(Base):
    """The general criteria (up to 30 points) the evaluator gives for a period or a year."""

    __tablename__ = "general_criteria"
    __table_args__ = (UniqueConstraint("office", "staff_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office: Mapped[str] = mapped_column(String(40))
    staff_id: Mapped[str] = mapped_column(String(80))
    period: Mapped[str] = mapped_column(String(7))            # YYYY-MM, YYYY-Qn or YYYY
    points: Mapped[float] = mapped_column(Float)
    criteria: Mapped[dict] = mapped_column(JSON, default=dict)
    comment: Mapped[str | None] = mapped_column(Text)
    evaluator: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ClosedPeriod(Base):
    """A month the evaluator closed before its end (its scores may then be used)."""

    __tablename__ = "closed_period"
    __table_args__ = (UniqueConstraint("office", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(7))
    closed_by: Mapped[str] = mapped_column(String(80))
    closed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class UnitRating(Base):
    """A unit's (or, with unit_code = the office code, the office's) level for a year."""

    __tablename__ = "unit_rating"
    __table_args__ = (UniqueConstraint("office", "year", "unit_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    unit_code: Mapped[str] = mapped_column(String(80))
    level: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str | None] = mapped_column(Text)
    rated_by: Mapped[str] = mapped_column(String(80))


class Classification(Base):
    __tablename__ = "classification"
    __table_args__ = (UniqueConstraint("office", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    rule_set: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(16), default=DRAFT)
    periods: Mapped[list] = mapped_column(JSON, default=list)
    units: Mapped[dict] = mapped_column(JSON, default=dict)
    quota: Mapped[list] = mapped_column(JSON, default=list)
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    office_excellent: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_by: Mapped[str | None] = mapped_column(String(80))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ClassificationEntry(Base):
    __tablename__ = "classification_entry"
    __table_args__ = (UniqueConstraint("classification_id", "staff_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    classification_id: Mapped[int] = mapped_column(
        ForeignKey("classification.id", ondelete="CASCADE"), index=True)
    office: Mapped[str] = mapped_column(String(40))
    staff_id: Mapped[str] = mapped_column(String(80))
    full_name: Mapped[str] = mapped_column(String(200))
    unit_code: Mapped[str | None] = mapped_column(String(80))
    task_group: Mapped[str] = mapped_column(String(100))
    is_leader: Mapped[bool] = mapped_column(Boolean, default=False)
    score: Mapped[float | None] = mapped_column(Float)
    task_points: Mapped[float | None] = mapped_column(Float)
    general_points: Mapped[float | None] = mapped_column(Float)
    provisional_level: Mapped[str | None] = mapped_column(String(8))
    level: Mapped[str | None] = mapped_column(String(8))
    council_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    quota_position: Mapped[int | None] = mapped_column(Integer)
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    adjustments: Mapped[list] = mapped_column(JSON, default=list)
    details: Mapped[dict] = mapped_column(JSON, default=dict)


class HistoryLevel(Base):
    """A level from before this system (imported), for rules that look at earlier years."""

    __tablename__ = "history_level"
    __table_args__ = (UniqueConstraint("office", "year", "staff_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    staff_id: Mapped[str] = mapped_column(String(80))
    level: Mapped[str] = mapped_column(String(8))


class DisciplineRecord(Base):
    """A discipline decision (khiển trách … buộc thôi việc) or a concluded degradation."""

    __tablename__ = "discipline_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    office: Mapped[str] = mapped_column(String(40), index=True)
    staff_id: Mapped[str] = mapped_column(String(80))
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))            # discipline | degradation
    form: Mapped[str | None] = mapped_column(String(40))
    decided_on: Mapped[date] = mapped_column(Date)
    decision_number: Mapped[str | None] = mapped_column(String(60))
    reason: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(80))


class Registration(Base):
    """Đăng ký thi đua: the titles a person or a unit aims at for the year."""

    __tablename__ = "emulation_registration"
    __table_args__ = (UniqueConstraint("office", "year", "subject_type", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    subject_type: Mapped[str] = mapped_column(String(8))      # staff | unit
    subject: Mapped[str] = mapped_column(String(80))
    titles: Mapped[list] = mapped_column(JSON, default=list)
    registered_on: Mapped[date] = mapped_column(Date)


class Initiative(Base):
    """A sáng kiến (or research topic) and its recognition."""

    __tablename__ = "initiative"

    id: Mapped[int] = mapped_column(primary_key=True)
    office: Mapped[str] = mapped_column(String(40), index=True)
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(16))             # initiative | research
    authors: Mapped[list] = mapped_column(JSON, default=list)
    level: Mapped[str | None] = mapped_column(String(16))     # co_so | tinh | toan_quoc once recognised
    province_wide: Mapped[bool] = mapped_column(Boolean, default=False)
    recognised_on: Mapped[date | None] = mapped_column(Date)
    decision_number: Mapped[str | None] = mapped_column(String(60))
    recorded_by: Mapped[str] = mapped_column(String(80))


class TitleProposal(Base):
    __tablename__ = "title_proposal"
    __table_args__ = (UniqueConstraint("office", "year", "title", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(20))
    subject_type: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(300))
    criteria: Mapped[list] = mapped_column(JSON, default=list)
    eligible: Mapped[bool] = mapped_column(Boolean)
    needs_ballot: Mapped[bool] = mapped_column(Boolean, default=False)
    threshold: Mapped[float | None] = mapped_column(Float)
    council_members: Mapped[int | None] = mapped_column(Integer)
    votes_for: Mapped[int | None] = mapped_column(Integer)
    ballot_passed: Mapped[bool | None] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(16), default="proposed")


class Award(Base):
    __tablename__ = "award"
    __table_args__ = (UniqueConstraint("office", "year", "title", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office: Mapped[str] = mapped_column(String(40), index=True)
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(20))
    subject_type: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(16))           # awarded | imported
    decision_number: Mapped[str | None] = mapped_column(String(60))
    awarded_on: Mapped[date] = mapped_column(Date)
    awarded_by: Mapped[str] = mapped_column(String(80))
