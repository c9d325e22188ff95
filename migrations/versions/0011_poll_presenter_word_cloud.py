"""Live polls on a projector: results hidden until revealed, and the poll shown next

Revision ID: 0011_poll_presenter_word_cloud
Revises: 0010_moderation_undo_and_reason
Create Date: 2026-12-03 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0011_poll_presenter_word_cloud'
down_revision = '0010_moderation_undo_and_reason'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        # Existing polls showed their results as votes came in: they keep doing so.
        batch_op.add_column(sa.Column('poll_hides_results', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('poll_revealed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('poll_next_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_consultation_poll_next_id_consultation'), 'consultation', ['poll_next_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.alter_column('poll_hides_results', server_default=None)


def downgrade():
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_consultation_poll_next_id_consultation'), type_='foreignkey')
        batch_op.drop_column('poll_next_id')
        batch_op.drop_column('poll_revealed_at')
        batch_op.drop_column('poll_hides_results')
