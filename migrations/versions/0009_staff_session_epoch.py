"""A session epoch on staff accounts, so signing out ends every session

Revision ID: 0009_staff_session_epoch
Revises: 0008_subscription_language
Create Date: 2026-12-02 18:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0009_staff_session_epoch'
down_revision = '0008_subscription_language'
branch_labels = None
depends_on = None


def upgrade():
    # batch mode: SQLite rebuilds the table; the server default fills the existing accounts.
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('session_epoch', sa.Integer(), server_default='0', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_column('session_epoch')
