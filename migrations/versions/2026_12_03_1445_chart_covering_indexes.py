"""Covering indexes for the follow-up charts (dashboard, agreement page): findings per agreement by theme and by
status, actions per agreement by status, organisation and due date

Revision ID: 9f4c2e7d1a08
Revises: 3b7e9d2a41c6
Create Date: 2026-12-03 14:45:00.000000+00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '9f4c2e7d1a08'
down_revision = '3b7e9d2a41c6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.create_index('ix_findings_agreement_theme', ['agreement_id', 'theme_id'], unique=False)
        batch_op.create_index('ix_findings_agreement_status', ['agreement_id', 'status', 'kind'], unique=False)
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.create_index('ix_actions_agreement_status_organisation',
                              ['agreement_id', 'status', 'responsible_organisation_id', 'due_on'], unique=False)


def downgrade():
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_index('ix_actions_agreement_status_organisation')
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_index('ix_findings_agreement_status')
        batch_op.drop_index('ix_findings_agreement_theme')
