"""Themes across a whole consultation: an analysis of a consultation, and an answer placed in two

An analysis is of a question or of a consultation (exactly one of them); an answer now has a
place in each analysis it is read by, so a placement is keyed by analysis and answer.

Revision ID: 0017_consultation_themes
Revises: 0016_theme_analysis
Create Date: 2026-12-03 18:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0017_consultation_themes'
down_revision = '0016_theme_analysis'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('theme_analysis', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consultation_id', sa.Integer(), nullable=True))
        batch_op.alter_column('question_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_unique_constraint(
            batch_op.f('uq_theme_analysis_consultation_id'), ['consultation_id']
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_theme_analysis_consultation_id_consultation'),
            'consultation',
            ['consultation_id'],
            ['id'],
            ondelete='CASCADE',
        )
        batch_op.create_check_constraint(
            'one_subject', '(question_id IS NULL) <> (consultation_id IS NULL)'
        )

    with op.batch_alter_table('theme_placement', schema=None) as batch_op:
        batch_op.drop_constraint('pk_theme_placement', type_='primary')
        batch_op.create_primary_key('pk_theme_placement', ['analysis_id', 'answer_id'])
        batch_op.create_index(
            batch_op.f('ix_theme_placement_answer_id'), ['answer_id'], unique=False
        )


def downgrade():
    whole = "SELECT id FROM theme_analysis WHERE question_id IS NULL"
    op.execute(f"DELETE FROM theme_placement WHERE analysis_id IN ({whole})")
    op.execute(f"DELETE FROM found_theme WHERE analysis_id IN ({whole})")
    op.execute("DELETE FROM theme_analysis WHERE question_id IS NULL")
    with op.batch_alter_table('theme_placement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_theme_placement_answer_id'))
        batch_op.drop_constraint('pk_theme_placement', type_='primary')
        batch_op.create_primary_key('pk_theme_placement', ['answer_id'])

    with op.batch_alter_table('theme_analysis', schema=None) as batch_op:
        batch_op.drop_constraint('one_subject', type_='check')
        batch_op.drop_constraint(
            batch_op.f('fk_theme_analysis_consultation_id_consultation'), type_='foreignkey'
        )
        batch_op.drop_constraint(batch_op.f('uq_theme_analysis_consultation_id'), type_='unique')
        batch_op.alter_column('question_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('consultation_id')
