"""Audit entries remember their transaction, so what one request did to one record reads as one change

Revision ID: 5d1e0a7c3b90
Revises: 82e19ce738ea
Create Date: 2026-12-02 14:15:00+00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5d1e0a7c3b90'
down_revision = '82e19ce738ea'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tx', sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_column('tx')
