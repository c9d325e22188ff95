"""Feedback for web participants: a private receipt link, and Web Push subscriptions

Revision ID: 0012_web_receipts_push
Revises: 0010_moderation_undo_and_reason
Create Date: 2026-12-03 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0012_web_receipts_push'
down_revision = '0011_poll_presenter_word_cloud'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('receipt_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_receipt_link_participant_id_participant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_receipt_link')),
    sa.UniqueConstraint('participant_id', name=op.f('uq_receipt_link_participant_id')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_receipt_link_token_hash'))
    )
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        # A Web Push endpoint is a URL of a few hundred characters.
        batch_op.alter_column('address', existing_type=sa.String(length=128), type_=sa.String(length=1024), existing_nullable=True)
        batch_op.add_column(sa.Column('push_keys', sa.String(length=300), nullable=True))


def downgrade():
    # Web Push subscriptions cannot be kept in the shorter address: they end.
    op.execute("UPDATE subscription SET active = false, address = NULL, ended_reason = 'stopped' WHERE push_keys IS NOT NULL")
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.drop_column('push_keys')
        batch_op.alter_column('address', existing_type=sa.String(length=1024), type_=sa.String(length=128), existing_nullable=True)
    op.drop_table('receipt_link')
