"""task result author; staff ids per office

A result's author (`task.submitted_by`) is kept so that nobody reviews their own result; the
results already handed in take it from their history.  Staff ids are unique per office only
(the unique key on office and staff id stays): nothing looks a staff id up across offices any
more, so its index on the staff id alone goes.

Revision ID: dcd1db137b41
Revises: 09b2d232039f
Create Date: 2026-12-01 16:19:45.375849
"""
from alembic import op
import sqlalchemy as sa


revision = 'dcd1db137b41'
down_revision = '09b2d232039f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submitted_by', sa.String(length=100), nullable=True))
    task = sa.table('task', sa.column('id'), sa.column('status'), sa.column('submitted_by'))
    history = sa.table('task_history', sa.column('id'), sa.column('task_id'), sa.column('by'),
                       sa.column('action'))
    last_submitter = (sa.select(history.c.by)
                      .where(history.c.task_id == task.c.id, history.c.action == 'submitted')
                      .order_by(history.c.id.desc()).limit(1).scalar_subquery())
    op.execute(task.update().where(task.c.status.in_(['submitted', 'returned', 'done']))
               .values(submitted_by=last_submitter))
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_staff_id'))


def downgrade():
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_staff_id'), ['staff_id'], unique=False)
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_column('submitted_by')
