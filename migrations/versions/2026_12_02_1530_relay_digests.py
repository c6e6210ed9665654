"""Relays' monthly digest: one row per relay and month sent (relay_digests)

Revision ID: 8c8524a290b4
Revises: 5d1e0a7c3b90
Create Date: 2026-12-02 15:30:00.000000+00:00

"""
import sqlalchemy as sa
from alembic import op

import gup.orm

# revision identifiers, used by Alembic.
revision = '8c8524a290b4'
down_revision = '5d1e0a7c3b90'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('relay_digests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('relay_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('items', sa.Integer(), nullable=False),
    sa.Column('sent_at', gup.orm.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['relay_id'], ['resident_relays.id'], name=op.f('fk_relay_digests_relay_id_resident_relays'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_relay_digests')),
    sa.UniqueConstraint('relay_id', 'month', name=op.f('uq_relay_digests_relay_id_month'))
    )
    with op.batch_alter_table('relay_digests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_relay_digests_relay_id'), ['relay_id'], unique=False)


def downgrade():
    with op.batch_alter_table('relay_digests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_relay_digests_relay_id'))

    op.drop_table('relay_digests')
