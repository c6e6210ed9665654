"""Relays at work: their accounts, the reports they file for their neighbours, their walk invitations and the
small actions entrusted to them

Revision ID: 82e19ce738ea
Revises: cf2b150aca5a
Create Date: 2026-12-02 09:10:08.791852+00:00

"""
import sqlalchemy as sa
from alembic import op

import gup.orm

# revision identifiers, used by Alembic.
revision = '82e19ce738ea'
down_revision = 'cf2b150aca5a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('relay_walk_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('walkthrough_id', sa.Integer(), nullable=False),
    sa.Column('relay_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('invited', 'attended', 'absent', name='invitationstatus', native_enum=False, length=16), nullable=False),
    sa.Column('invited_at', gup.orm.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['relay_id'], ['resident_relays.id'], name=op.f('fk_relay_walk_invitations_relay_id_resident_relays'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['walkthrough_id'], ['walkthroughs.id'], name=op.f('fk_relay_walk_invitations_walkthrough_id_walkthroughs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_relay_walk_invitations')),
    sa.UniqueConstraint('walkthrough_id', 'relay_id', name=op.f('uq_relay_walk_invitations_walkthrough_id_relay_id'))
    )
    with op.batch_alter_table('relay_walk_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_relay_walk_invitations_relay_id'), ['relay_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_relay_walk_invitations_walkthrough_id'), ['walkthrough_id'], unique=False)

    op.create_table('relay_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('relay_id', sa.Integer(), nullable=False),
    sa.Column('entrusted_at', gup.orm.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_relay_actions_action_id_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['relay_id'], ['resident_relays.id'], name=op.f('fk_relay_actions_relay_id_resident_relays'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_relay_actions')),
    sa.UniqueConstraint('action_id', 'relay_id', name=op.f('uq_relay_actions_action_id_relay_id'))
    )
    with op.batch_alter_table('relay_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_relay_actions_action_id'), ['action_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_relay_actions_relay_id'), ['relay_id'], unique=False)

    op.create_table('relay_reports',
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('relay_id', sa.Integer(), nullable=False),
    sa.Column('filed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', gup.orm.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['filed_by_id'], ['users.id'], name=op.f('fk_relay_reports_filed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['relay_id'], ['resident_relays.id'], name=op.f('fk_relay_reports_relay_id_resident_relays'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['resident_reports.id'], name=op.f('fk_relay_reports_report_id_resident_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('report_id', name=op.f('pk_relay_reports'))
    )
    with op.batch_alter_table('relay_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_relay_reports_relay_id'), ['relay_id'], unique=False)

    with op.batch_alter_table('resident_relays', schema=None) as batch_op:
        batch_op.add_column(sa.Column('user_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_resident_relays_user_id'), ['user_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_resident_relays_user_id_users'), 'users', ['user_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('resident_relays', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_resident_relays_user_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_resident_relays_user_id'))
        batch_op.drop_column('user_id')

    with op.batch_alter_table('relay_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_relay_reports_relay_id'))

    op.drop_table('relay_reports')
    with op.batch_alter_table('relay_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_relay_actions_relay_id'))
        batch_op.drop_index(batch_op.f('ix_relay_actions_action_id'))

    op.drop_table('relay_actions')
    with op.batch_alter_table('relay_walk_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_relay_walk_invitations_walkthrough_id'))
        batch_op.drop_index(batch_op.f('ix_relay_walk_invitations_relay_id'))

    op.drop_table('relay_walk_invitations')
