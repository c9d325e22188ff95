"""Live polls on a projector: results hidden until revealed, and the poll shown next;
a discussion under each forum recommendation

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
    op.create_table('recommendation_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('shown', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['staff_user.id'], name=op.f('fk_recommendation_comment_author_id_staff_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendation.id'], name=op.f('fk_recommendation_comment_recommendation_id_recommendation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendation_comment'))
    )
    with op.batch_alter_table('recommendation_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recommendation_comment_recommendation_id'), ['recommendation_id'], unique=False)


def downgrade():
    with op.batch_alter_table('recommendation_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recommendation_comment_recommendation_id'))
    op.drop_table('recommendation_comment')
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_consultation_poll_next_id_consultation'), type_='foreignkey')
        batch_op.drop_column('poll_next_id')
        batch_op.drop_column('poll_revealed_at')
        batch_op.drop_column('poll_hides_results')
