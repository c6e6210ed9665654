"""Resident reports: the suggested organisation apart from the one in charge; reason of an explicit routing

A report belonged to its suggested organisation from intake (the referent read it before any routing). The
suggestion moves to suggested_organisation_id; responsible_organisation_id keeps only the organisations the
coordination sent the report to (a 'sent' answer exists). routing_reason keeps why the coordination chose another
housing provider than the place's own.

Revision ID: a7c3e91d2f10
Revises: fe2c7b0616df
Create Date: 2026-12-02 01:00:00+00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e91d2f10'
down_revision = 'fe2c7b0616df'
branch_labels = None
depends_on = None


FK = "fk_resident_reports_suggested_organisation_id_organisations"


def upgrade():
    # Never recreate resident_reports on SQLite (batch mode): dropping the old table would cascade into its
    # answers (resident_report_updates, ON DELETE CASCADE). SQLite adds a column with its named reference in place.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE resident_reports ADD COLUMN suggested_organisation_id INTEGER CONSTRAINT {FK} "
                   "REFERENCES organisations (id)")
    else:
        op.add_column('resident_reports', sa.Column('suggested_organisation_id', sa.Integer(), nullable=True))
        op.create_foreign_key(FK, 'resident_reports', 'organisations', ['suggested_organisation_id'], ['id'])
    op.add_column('resident_reports', sa.Column('routing_reason', sa.Text(), nullable=True))
    op.execute("UPDATE resident_reports SET suggested_organisation_id = responsible_organisation_id")
    op.execute("UPDATE resident_reports SET responsible_organisation_id = NULL WHERE NOT EXISTS ("
               "SELECT 1 FROM resident_report_updates u WHERE u.report_id = resident_reports.id "
               "AND u.status = 'sent')")


def downgrade():
    # the batch below rebuilds the table on SQLite: migrations/env.py runs every migration with foreign keys
    # off, so its answers do not cascade away with the old table
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.execute("UPDATE resident_reports SET responsible_organisation_id = suggested_organisation_id "
               "WHERE responsible_organisation_id IS NULL")
    with op.batch_alter_table('resident_reports', schema=None) as batch_op:
        if not sqlite:  # SQLite does not name a column's own reference; the table is rebuilt without it
            batch_op.drop_constraint(FK, type_='foreignkey')
        batch_op.drop_column('routing_reason')
        batch_op.drop_column('suggested_organisation_id')
