"""Undo a moderation decision; a moderator's reason for escalating

Revision ID: 0010_moderation_undo_and_reason
Revises: 0009_staff_session_epoch
Create Date: 2026-12-02 19:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0010_moderation_undo_and_reason'
down_revision = '0009_staff_session_epoch'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('answer_moderation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_status', sa.Enum('pending', 'approved', 'redacted', 'hidden', 'escalated', name='moderationstatus', native_enum=False, length=20), nullable=True))
    with op.batch_alter_table('safeguarding_concern', schema=None) as batch_op:
        # Existing concerns were raised without a reason: an empty one, as the model makes.
        batch_op.add_column(sa.Column('reason', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('safeguarding_concern', schema=None) as batch_op:
        batch_op.alter_column('reason', server_default=None)


def downgrade():
    with op.batch_alter_table('safeguarding_concern', schema=None) as batch_op:
        batch_op.drop_column('reason')
    with op.batch_alter_table('answer_moderation', schema=None) as batch_op:
        batch_op.drop_column('previous_status')
