"""Indexes for the back-office pages at load: the actions of a finding link read by action (an action's findings
in the REST list and on its page); the resident reports by agreement, status, category and date (the queue's
count and order without reading the table), by status, category and dates (the reports to triage) and the recent
reports that are not duplicates (the duplicate candidates); the findings per agreement and status widened with
their resolution and update dates (the coordination's groups of refused and resolved findings), per agreement and
theme widened with status, kind and due date (the charts' counts by theme and status in one pass, the list
filtered by theme and status), per agreement and due date (the lists' order)

Revision ID: c5d8e1f2a3b4
Revises: c4e8a1f3b9d2
Create Date: 2026-12-04 19:40:00.000000+00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c5d8e1f2a3b4'
down_revision = 'c4e8a1f3b9d2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('finding_actions', schema=None) as batch_op:
        batch_op.create_index('ix_finding_actions_action_id', ['action_id', 'finding_id'], unique=False)
    with op.batch_alter_table('resident_reports', schema=None) as batch_op:
        batch_op.create_index('ix_resident_reports_agreement_status',
                              ['agreement_id', 'status', 'category_id', 'created_at'], unique=False)
        batch_op.create_index('ix_resident_reports_status_due',
                              ['status', 'category_id', 'created_at', 'first_answer_at', 'agreement_id'], unique=False)
        batch_op.create_index('ix_resident_reports_duplicate_of_created', ['duplicate_of_id', 'created_at'],
                              unique=False)
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_index('ix_findings_agreement_status')
        batch_op.create_index('ix_findings_agreement_status',
                              ['agreement_id', 'status', 'kind', 'resolved_on', 'updated_at'], unique=False)
        batch_op.drop_index('ix_findings_agreement_theme')
        batch_op.create_index('ix_findings_agreement_theme', ['agreement_id', 'theme_id', 'status', 'kind', 'due_on'],
                              unique=False)
        batch_op.create_index('ix_findings_agreement_due', ['agreement_id', 'due_on'], unique=False)


def downgrade():
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_index('ix_findings_agreement_due')
        batch_op.drop_index('ix_findings_agreement_theme')
        batch_op.create_index('ix_findings_agreement_theme', ['agreement_id', 'theme_id'], unique=False)
        batch_op.drop_index('ix_findings_agreement_status')
        batch_op.create_index('ix_findings_agreement_status', ['agreement_id', 'status', 'kind'], unique=False)
    with op.batch_alter_table('resident_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_resident_reports_duplicate_of_created')
        batch_op.drop_index('ix_resident_reports_status_due')
        batch_op.drop_index('ix_resident_reports_agreement_status')
    with op.batch_alter_table('finding_actions', schema=None) as batch_op:
        batch_op.drop_index('ix_finding_actions_action_id')
