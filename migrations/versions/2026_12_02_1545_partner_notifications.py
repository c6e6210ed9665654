"""Partner notifications: each user's preference (immediate, daily digest, none), the digest lines, the claims

Revision ID: 3b7e9d2a41c6
Revises: a4e39cf714e0
Create Date: 2026-12-02 15:45:00.000000+00:00

"""
import sqlalchemy as sa
from alembic import op

import gup.orm

# revision identifiers, used by Alembic.
revision = '3b7e9d2a41c6'
down_revision = 'a4e39cf714e0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notification_preference',
                                      sa.Enum('immediate', 'digest', 'none', name='notificationpreference',
                                              native_enum=False, create_constraint=False, length=17),
                                      server_default='immediate', nullable=False))

    op.create_table('notification_digest_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=50), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('created_at', gup.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', gup.orm.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_digest_lines_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_digest_lines'))
    )
    with op.batch_alter_table('notification_digest_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_digest_lines_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_digest_lines_sent_at'), ['sent_at'], unique=False)

    op.create_table('notification_claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('claimed_at', gup.orm.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_claims')),
    sa.UniqueConstraint('key', name=op.f('uq_notification_claims_key'))
    )


def downgrade():
    op.drop_table('notification_claims')
    with op.batch_alter_table('notification_digest_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_digest_lines_sent_at'))
        batch_op.drop_index(batch_op.f('ix_notification_digest_lines_user_id'))
    op.drop_table('notification_digest_lines')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('notification_preference')
