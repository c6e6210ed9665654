"""Indexes of the Open311 feed: resident reports by date (requests.json's default window, newest first) and each
report's public updates by date (its first and last update)

Revision ID: c4e8a1f3b9d2
Revises: 9f4c2e7d1a08
Create Date: 2026-12-04 19:00:00.000000+00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c4e8a1f3b9d2'
down_revision = '9f4c2e7d1a08'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('resident_reports', schema=None) as batch_op:
        batch_op.create_index('ix_resident_reports_created_at', ['created_at', 'id'], unique=False)
    with op.batch_alter_table('resident_report_updates', schema=None) as batch_op:
        batch_op.create_index('ix_resident_report_updates_report_at', ['report_id', 'at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('resident_report_updates', schema=None) as batch_op:
        batch_op.drop_index('ix_resident_report_updates_report_at')
    with op.batch_alter_table('resident_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_resident_reports_created_at')
