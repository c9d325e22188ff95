"""Areas from the council's list, and the topics a participant follows

The ``area`` table starts with "prefer not to say" and Stoke-on-Trent's postcode districts
and wards (``consultations.stoke_areas``). A participant's free-text area becomes a key of
that list: a value that matches an entry's name, key or alias, whatever its case and
spacing ("hanley", " ST4 ", "st4 7qb"), moves to that entry; "prefer_not_to_say" stays;
every other value is set to NULL (the person is asked again next time, and words that
named no place are not kept). Scheduled invitations' area choices and tension signals are
moved the same way; an invitation's choice that matches nothing is dropped from it, a
tension signal's area that matches nothing is left as it was typed (it is a count, not a
person's record).

SQLite cannot change a column's type in place, and rebuilding ``participant`` would cascade
deletes to everything under it, so the new column is added beside the old one, filled,
and takes the old one's name.

Revision ID: 0015_areas_topics
Revises: 0014_scheduler
Create Date: 2026-12-03 14:30:00

"""
import json
import re

from alembic import op
import sqlalchemy as sa

from consultations.stoke_areas import POSTCODE_DISTRICTS, WARDS


revision = '0015_areas_topics'
down_revision = '0014_scheduler'
branch_labels = None
depends_on = None

PREFER_NOT_TO_SAY = 'prefer_not_to_say'
_FULL_POSTCODE = re.compile(r'^([a-z]{1,2}\d[a-z\d]?)\d[a-z]{2}$')


def _normalise(text):
    return ' '.join(str(text).replace('\u2019', "'").split()).casefold()


def _key_for(name):
    return re.sub(r'[^a-z0-9]+', '-', _normalise(name)).strip('-')[:40]


def _rows():
    rows = [dict(key=PREFER_NOT_TO_SAY, name='Prefer not to say', kind='withheld', aliases='[]')]
    rows += [
        dict(key=key, name=name, kind='postcode_district', aliases=json.dumps(list(also)))
        for key, name, also in POSTCODE_DISTRICTS
    ]
    rows += [dict(key=_key_for(name), name=name, kind='ward', aliases='[]') for name in WARDS]
    return rows


def _resolver(rows):
    lookup = {}
    for row in rows:
        for alias in json.loads(row['aliases']):
            lookup[_normalise(alias)] = row['key']
    for row in rows:
        lookup[_normalise(row['name'])] = row['key']
        lookup[_normalise(row['key'])] = row['key']

    def resolve(text):
        wanted = _normalise(text or '')
        if not wanted:
            return None
        if wanted in lookup:
            return lookup[wanted]
        compact = wanted.replace(' ', '')
        postcode = _FULL_POSTCODE.match(compact)
        if postcode:
            return lookup.get(postcode.group(1))
        return lookup.get(compact)

    return resolve


def upgrade():
    area = op.create_table('area',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.Enum('ward', 'postcode_district', 'withheld', name='areakind', native_enum=False, length=20), nullable=False),
    sa.Column('aliases', sa.Text(), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_area')),
    sa.UniqueConstraint('key', name=op.f('uq_area_key')),
    sa.UniqueConstraint('name', name=op.f('uq_area_name'))
    )
    rows = _rows()
    op.bulk_insert(area, [dict(row, retired=False) for row in rows])
    resolve = _resolver(rows)

    op.create_table('followed_topic',
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_followed_topic_participant_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['theme.id'], name=op.f('fk_followed_topic_theme_id_theme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('participant_id', 'theme_id', name=op.f('pk_followed_topic'))
    )
    with op.batch_alter_table('followed_topic', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_followed_topic_theme_id'), ['theme_id'], unique=False)

    bind = op.get_bind()
    sqlite = bind.dialect.name == 'sqlite'
    if sqlite:
        # SQLite adds a column with its reference inline; it cannot add the constraint after.
        op.execute(
            'ALTER TABLE participant ADD COLUMN area_key VARCHAR(40) '
            'CONSTRAINT fk_participant_area_key_area REFERENCES area (key)'
        )
    else:
        op.add_column('participant', sa.Column('area_key', sa.String(length=40), nullable=True))
    participant = sa.table('participant', sa.column('area', sa.String), sa.column('area_key', sa.String))
    given = [value for (value,) in bind.execute(sa.select(participant.c.area).where(participant.c.area.is_not(None)).distinct())]
    for value in given:
        key = resolve(value)
        if key is not None:
            bind.execute(participant.update().where(participant.c.area == value).values(area_key=key))
    op.drop_column('participant', 'area')
    if sqlite:
        op.execute('ALTER TABLE participant RENAME COLUMN area_key TO area')
    else:
        op.alter_column('participant', 'area_key', new_column_name='area')
        op.create_foreign_key(op.f('fk_participant_area_area'), 'participant', 'area', ['area'], ['key'])

    invitation = sa.table('invitation', sa.column('id', sa.Integer), sa.column('areas', sa.Text), sa.column('status', sa.String))
    for invitation_id, chosen in bind.execute(sa.select(invitation.c.id, invitation.c.areas)):
        keys = sorted({k for k in (resolve(a) for a in json.loads(chosen or '[]')) if k and k != PREFER_NOT_TO_SAY})
        bind.execute(invitation.update().where(invitation.c.id == invitation_id).values(areas=json.dumps(keys)))
    op.add_column('invitation', sa.Column('topics', sa.Text(), nullable=False, server_default='[]'))

    signal = sa.table('tension_signal', sa.column('area', sa.String))
    for (value,) in bind.execute(sa.select(signal.c.area).where(signal.c.area.is_not(None)).distinct()):
        key = resolve(value)
        if key is not None and key != value:
            bind.execute(signal.update().where(signal.c.area == value).values(area=key))


def downgrade():
    # The list's names go back into the free-text column; nothing else can be recovered.
    bind = op.get_bind()
    op.drop_column('invitation', 'topics')
    op.add_column('participant', sa.Column('area_text', sa.String(length=60), nullable=True))
    bind.execute(sa.text(
        'UPDATE participant SET area_text = (SELECT CASE WHEN area.kind = \'withheld\' THEN area.key ELSE area.name END '
        'FROM area WHERE area.key = participant.area)'
    ))
    if bind.dialect.name != 'sqlite':
        op.drop_constraint(op.f('fk_participant_area_area'), 'participant', type_='foreignkey')
    op.drop_column('participant', 'area')
    op.alter_column('participant', 'area_text', new_column_name='area')
    with op.batch_alter_table('followed_topic', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_followed_topic_theme_id'))
    op.drop_table('followed_topic')
    op.drop_table('area')
