"""Themes found among a question's written answers, what officers made of them, answer vectors

Revision ID: 0016_theme_analysis
Revises: 0015_areas_topics
Create Date: 2026-12-03 14:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0016_theme_analysis'
down_revision = '0015_areas_topics'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('theme_analysis',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('running', 'ready', 'failed', name='analysisstate', native_enum=False, length=20), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('by_user_id', sa.Integer(), nullable=True),
    sa.Column('runs', sa.Integer(), server_default='0', nullable=False),
    sa.Column('answers', sa.Integer(), server_default='0', nullable=False),
    sa.Column('why_no_themes', sa.String(length=30), nullable=True),
    sa.Column('model_json', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['by_user_id'], ['staff_user.id'], name=op.f('fk_theme_analysis_by_user_id_staff_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_theme_analysis_question_id_question'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_theme_analysis')),
    sa.UniqueConstraint('question_id', name=op.f('uq_theme_analysis_question_id'))
    )
    with op.batch_alter_table('theme_analysis', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_theme_analysis_by_user_id'), ['by_user_id'], unique=False)

    op.create_table('found_theme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('analysis_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('run', sa.Integer(), nullable=False),
    sa.Column('profile_ids', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('officer_label', sa.String(length=60), nullable=True),
    sa.Column('status', sa.Enum('suggested', 'accepted', 'discarded', name='themestatus', native_enum=False, length=20), nullable=False),
    sa.Column('edited', sa.Boolean(), server_default='0', nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['analysis_id'], ['theme_analysis.id'], name=op.f('fk_found_theme_analysis_id_theme_analysis'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['tag.id'], name=op.f('fk_found_theme_tag_id_tag'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_found_theme')),
    sa.UniqueConstraint('analysis_id', 'key', name=op.f('uq_found_theme_analysis_id_key'))
    )
    with op.batch_alter_table('found_theme', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_found_theme_analysis_id'), ['analysis_id'], unique=False)

    op.create_table('theme_placement',
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('analysis_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('moved', sa.Boolean(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['analysis_id'], ['theme_analysis.id'], name=op.f('fk_theme_placement_analysis_id_theme_analysis'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['answer_id'], ['answer.id'], name=op.f('fk_theme_placement_answer_id_answer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['found_theme.id'], name=op.f('fk_theme_placement_theme_id_found_theme'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('answer_id', name=op.f('pk_theme_placement'))
    )
    with op.batch_alter_table('theme_placement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_theme_placement_analysis_id'), ['analysis_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_theme_placement_theme_id'), ['theme_id'], unique=False)

    op.create_table('answer_vector',
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=32), nullable=False),
    sa.Column('vector', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['answer.id'], name=op.f('fk_answer_vector_answer_id_answer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('answer_id', name=op.f('pk_answer_vector'))
    )


def downgrade():
    op.drop_table('answer_vector')
    with op.batch_alter_table('theme_placement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_theme_placement_theme_id'))
        batch_op.drop_index(batch_op.f('ix_theme_placement_analysis_id'))
    op.drop_table('theme_placement')
    with op.batch_alter_table('found_theme', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_found_theme_analysis_id'))
    op.drop_table('found_theme')
    with op.batch_alter_table('theme_analysis', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_theme_analysis_by_user_id'))
    op.drop_table('theme_analysis')
