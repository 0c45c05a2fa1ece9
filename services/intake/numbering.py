"""Gapless numbering (Nghị định 30/2020 Điều 15, 22): one counter row per office and sequence.

The increment happens in the caller's transaction: the row lock serialises concurrent
registrations, and a rolled-back registration gives its number back, so numbers have no gaps
and no repeats.
"""
from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from services.intake.models import Sequence


def arrival_sequence(year):
    return f"arrival:{year}"


def next_number(session, office, sequence):
    return next_numbers(session, office, sequence, 1)[0]


def next_numbers(session, office, sequence, count):
    """`count` consecutive numbers of the sequence, in one increment of its counter row."""
    bump = (update(Sequence).where(Sequence.office == office, Sequence.name == sequence)
            .values(value=Sequence.value + count).returning(Sequence.value))
    last = session.execute(bump).scalar_one_or_none()
    if last is None:
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(insert(Sequence).values(office=office, name=sequence, value=0)
                        .on_conflict_do_nothing())
        last = session.execute(bump).scalar_one()
    return list(range(last - count + 1, last + 1))
