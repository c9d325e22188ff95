"""The language a participant's messages are written in

Revision ID: 0008_subscription_language
Revises: 0007_translations
Create Date: 2026-11-25 00:55:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008_subscription_language'
down_revision = '0007_translations'
branch_labels = None
depends_on = None


def upgrade():
    # batch mode: SQLite cannot add a column inside a constrained table's copy otherwise.
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.drop_column('language')
