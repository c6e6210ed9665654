"""Indexes for the back-office pages at load: the actions of a finding link read by action (an action's findings
in the REST list and on its page)

Revision ID: c5d8e1f2a3b4
Revises: 9f4c2e7d1a08
Create Date: 2026-12-04 19:00:00.000000+00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c5d8e1f2a3b4'
down_revision = '9f4c2e7d1a08'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('finding_actions', schema=None) as batch_op:
        batch_op.create_index('ix_finding_actions_action_id', ['action_id', 'finding_id'], unique=False)


def downgrade():
    with op.batch_alter_table('finding_actions', schema=None) as batch_op:
        batch_op.drop_index('ix_finding_actions_action_id')
