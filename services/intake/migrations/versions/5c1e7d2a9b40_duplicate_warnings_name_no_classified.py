"""duplicate warnings stored before issue 9 no longer name documents their readers may not see

A record's warnings and `duplicate_of` are read by everyone who may read the record.  Records
registered before issue 9 may name (id, and the file name) a more secret document, or point
`duplicate_of` at it.  Such a warning becomes the unnamed one registration writes now, and such
a `duplicate_of` is cleared.  Data only; no schema change.

Revision ID: 5c1e7d2a9b40
Revises: 9f892d1da31e
Create Date: 2026-11-25 10:00:00
"""
import json
import re

import sqlalchemy as sa
from alembic import op

revision = '5c1e7d2a9b40'
down_revision = '9f892d1da31e'
branch_labels = None
depends_on = None

# the text of services.intake.registration.WITHHELD_DUPLICATE when this ran
WITHHELD_DUPLICATE = ("possible duplicate of a classified document, not named here: not "
                      "everyone who may read this record is cleared for it")
NAMED_DUPLICATE = re.compile(r"^possible duplicate: .*?\bdocument (\d+)\b")

document = sa.table("document", sa.column("id", sa.Integer), sa.column("office", sa.String),
                    sa.column("secrecy_level", sa.Integer), sa.column("warnings", sa.Text),
                    sa.column("duplicate_of", sa.Integer))


def upgrade():
    connection = op.get_bind()
    levels = {row.id: (row.office, row.secrecy_level or 0) for row in connection.execute(
        sa.select(document.c.id, document.c.office, document.c.secrecy_level))}
    records = connection.execute(sa.select(
        document.c.id, document.c.office, document.c.secrecy_level, document.c.warnings,
        document.c.duplicate_of).where(sa.or_(
            document.c.duplicate_of.is_not(None),
            document.c.warnings.like("%possible duplicate:%")))).all()
    for record in records:
        def nameable(other_id):
            office, level = levels.get(other_id, (None, 0))
            return office == record.office and level <= (record.secrecy_level or 0)

        warnings = json.loads(record.warnings or "[]")
        kept, named_ids, withheld = [], [], False
        for warning in warnings:
            named = NAMED_DUPLICATE.match(warning) if isinstance(warning, str) else None
            if named and not nameable(int(named.group(1))):
                withheld = True
                continue
            if named:
                named_ids.append(int(named.group(1)))
            kept.append(warning)
        if withheld and WITHHELD_DUPLICATE not in kept:
            kept.append(WITHHELD_DUPLICATE)
        duplicate_of = record.duplicate_of
        if duplicate_of is not None and not nameable(duplicate_of):
            duplicate_of = min(named_ids) if named_ids else None
        if kept != warnings or duplicate_of != record.duplicate_of:
            connection.execute(document.update().where(document.c.id == record.id).values(
                warnings=json.dumps(kept, ensure_ascii=False), duplicate_of=duplicate_of))


def downgrade():
    pass    # what was withheld is not written back
