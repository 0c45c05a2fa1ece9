"""intake's tables. Field names follow Nghị định 30/2020 Phụ lục VI and edXML."""
from datetime import date, datetime

from sqlalchemy import (Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shared.db import service_metadata


class Base(DeclarativeBase):
    metadata = service_metadata()


class Sequence(Base):
    """A gapless counter (arrival numbers per office and year, outgoing numbers per scheme)."""

    __tablename__ = "sequence"
    office: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class Document(Base):
    """A registered document, incoming (`direction` "in") or outgoing ("out").

    The columns hold what the clerk confirmed; `parsed` keeps what the reader found and
    `corrections` which fields the clerk changed, so both stay visible.
    """

    __tablename__ = "document"
    __table_args__ = (UniqueConstraint("office", "arrival_year", "arrival_number"),
                      Index("ix_document_symbol", "office", "code_notation", "code_number"))

    id: Mapped[int] = mapped_column(primary_key=True)
    office: Mapped[str] = mapped_column(String(40), index=True)
    direction: Mapped[str] = mapped_column(String(3), default="in")
    channel: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), default="registered")
    arrival_year: Mapped[int | None] = mapped_column(Integer)
    arrival_number: Mapped[int | None] = mapped_column(Integer)
    arrival_date: Mapped[date | None] = mapped_column(Date)
    code_number: Mapped[str | None] = mapped_column(String(11))
    code_notation: Mapped[str | None] = mapped_column(String(30))
    organ_name: Mapped[str | None] = mapped_column(String(200))
    type_name: Mapped[str | None] = mapped_column(String(100))
    doc_type: Mapped[str | None] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(500))
    issued_date: Mapped[date | None] = mapped_column(Date)
    place: Mapped[str | None] = mapped_column(String(100))
    priority: Mapped[str | None] = mapped_column(String(20))
    secrecy: Mapped[str | None] = mapped_column(String(20))
    secrecy_level: Mapped[int] = mapped_column(Integer, default=0)
    signer_competence: Mapped[str | None] = mapped_column(String(100))
    signer_position: Mapped[str | None] = mapped_column(String(200))
    signer_full_name: Mapped[str | None] = mapped_column(String(100))
    to_places: Mapped[str | None] = mapped_column(Text)        # JSON list ("Nơi nhận")
    kinh_gui: Mapped[str | None] = mapped_column(Text)         # JSON list
    due_date: Mapped[date | None] = mapped_column(Date)
    content: Mapped[str | None] = mapped_column(Text)
    parsed: Mapped[str | None] = mapped_column(Text)           # JSON: what parse_document read
    corrections: Mapped[str | None] = mapped_column(Text)      # JSON: field → {parsed, confirmed}
    warnings: Mapped[str | None] = mapped_column(Text)         # JSON list
    history: Mapped[str | None] = mapped_column(Text)          # JSON list of changes
    duplicate_of: Mapped[int | None] = mapped_column(Integer)
    external_id: Mapped[str | None] = mapped_column(String(200), index=True)  # edXML DocumentId, Message-ID
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(80))

    attachments: Mapped[list["Attachment"]] = relationship(
        back_populates="document", order_by="Attachment.id", lazy="selectin")


class Attachment(Base):
    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    office: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)   # read only when used

    document: Mapped[Document] = relationship(back_populates="attachments")


class MailboxState(Base):
    """Last IMAP UID taken per mailbox and UIDVALIDITY, so no mail is registered twice."""

    __tablename__ = "mailbox_state"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    last_uid: Mapped[int] = mapped_column(Integer)


class PetitionRecord(Base):
    """A citizen's petition (đơn thư): the facts as given, how it was classified and disposed."""

    __tablename__ = "petition"

    id: Mapped[int] = mapped_column(primary_key=True)
    office: Mapped[str] = mapped_column(String(40), index=True)
    received_on: Mapped[date] = mapped_column(Date, index=True)
    petitioner_name: Mapped[str] = mapped_column(String(200), default="")
    petitioner_address: Mapped[str] = mapped_column(String(300), default="")
    petitioner_key: Mapped[str] = mapped_column(String(520), index=True)
    content: Mapped[str] = mapped_column(Text, default="")
    facts: Mapped[str] = mapped_column(Text)                  # JSON: the rule module's Petition
    classification: Mapped[str] = mapped_column(Text)         # JSON
    category: Mapped[str | None] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), default="received")
    disposition: Mapped[str | None] = mapped_column(String(20))
    filing_reason: Mapped[str | None] = mapped_column(String(40))
    forward_to: Mapped[str | None] = mapped_column(String(300))
    disposed_on: Mapped[date | None] = mapped_column(Date)
    follow_up_due: Mapped[date | None] = mapped_column(Date)
    handling_due: Mapped[date | None] = mapped_column(Date)
    retain_until: Mapped[date | None] = mapped_column(Date)
    reply_on: Mapped[date | None] = mapped_column(Date)
    reply_from: Mapped[str | None] = mapped_column(String(300))
    reply_summary: Mapped[str | None] = mapped_column(Text)
    duplicate_of: Mapped[int | None] = mapped_column(Integer)
    document_id: Mapped[int | None] = mapped_column(Integer)
    warnings: Mapped[str] = mapped_column(Text, default="[]")
    history: Mapped[str] = mapped_column(Text, default="[]")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(80))
