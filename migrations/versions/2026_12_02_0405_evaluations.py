"""Evaluations: annual reviews, mid-term and final evaluations with versioned snapshots and PDFs, their texts, partner contributions, indicator baselines, targets and manual values, reminders sent

Revision ID: f2f044770629
Revises: fce2f7275568
Create Date: 2026-12-02 04:05:06.819300+00:00

"""
from alembic import op
import sqlalchemy as sa
import gup.orm


# revision identifiers, used by Alembic.
revision = 'f2f044770629'
down_revision = 'fce2f7275568'
branch_labels = None
depends_on = None


def upgrade():
    
    op.create_table('agreement_indicators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('source', sa.Enum('computed', 'manual', name='indicatorsource', native_enum=False, length=16), nullable=False),
    sa.Column('label', sa.String(length=255), nullable=True),
    sa.Column('unit', sa.Enum('count', 'percent', 'days', 'euros', 'ratio', name='unit', native_enum=False, length=15), nullable=True),
    sa.Column('direction', sa.Enum('higher', 'lower', 'neutral', name='direction', native_enum=False, length=15), nullable=True),
    sa.Column('baseline', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('target', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('created_at', gup.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', gup.orm.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_agreement_indicators_agreement_id_agreements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_agreement_indicators_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_indicators')),
    sa.UniqueConstraint('agreement_id', 'code', name='uq_agreement_indicators_code')
    )
    with op.batch_alter_table('agreement_indicators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_indicators_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreement_indicators_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('evaluations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('annual', 'midterm', 'final', name='evaluationkind', native_enum=False, length=15), nullable=False),
    sa.Column('slot', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('scheduled', 'in_preparation', 'frozen', 'approved', 'published', name='evaluationstatus', native_enum=False, length=22), nullable=False),
    sa.Column('approved_on', sa.Date(), nullable=True),
    sa.Column('approval_note', sa.String(length=500), nullable=True),
    sa.Column('published_at', gup.orm.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', gup.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', gup.orm.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_evaluations_agreement_id_agreements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluations')),
    sa.UniqueConstraint('agreement_id', 'slot', name='uq_evaluations_agreement_slot')
    )
    with op.batch_alter_table('evaluations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluations_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluations_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluations_status'), ['status'], unique=False)

    op.create_table('evaluation_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('sent_at', gup.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['evaluation_id'], ['evaluations.id'], name=op.f('fk_evaluation_reminders_evaluation_id_evaluations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_reminders')),
    sa.UniqueConstraint('evaluation_id', 'key', name='uq_evaluation_reminders_key')
    )
    with op.batch_alter_table('evaluation_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_reminders_evaluation_id'), ['evaluation_id'], unique=False)

    op.create_table('evaluation_sections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', gup.orm.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['evaluation_id'], ['evaluations.id'], name=op.f('fk_evaluation_sections_evaluation_id_evaluations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_evaluation_sections_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_sections')),
    sa.UniqueConstraint('evaluation_id', 'key', name='uq_evaluation_sections_key')
    )
    with op.batch_alter_table('evaluation_sections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_sections_evaluation_id'), ['evaluation_id'], unique=False)

    op.create_table('evaluation_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('is_draft', sa.Boolean(), nullable=False),
    sa.Column('created_at', gup.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('snapshot', sa.JSON(), nullable=True),
    sa.Column('pdf', sa.LargeBinary(), nullable=True),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=True),
    sa.Column('pdf_size', sa.Integer(), nullable=True),
    sa.Column('published_at', gup.orm.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_evaluation_versions_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['evaluation_id'], ['evaluations.id'], name=op.f('fk_evaluation_versions_evaluation_id_evaluations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_versions')),
    sa.UniqueConstraint('evaluation_id', 'number', name='uq_evaluation_versions_number')
    )
    with op.batch_alter_table('evaluation_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_versions_evaluation_id'), ['evaluation_id'], unique=False)

    op.create_table('manual_indicator_values',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('entered_at', gup.orm.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_manual_indicator_values_entered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['evaluation_id'], ['evaluations.id'], name=op.f('fk_manual_indicator_values_evaluation_id_evaluations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['indicator_id'], ['agreement_indicators.id'], name=op.f('fk_manual_indicator_values_indicator_id_agreement_indicators'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_manual_indicator_values')),
    sa.UniqueConstraint('evaluation_id', 'indicator_id', name='uq_manual_values_indicator')
    )
    with op.batch_alter_table('manual_indicator_values', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_manual_indicator_values_evaluation_id'), ['evaluation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_manual_indicator_values_indicator_id'), ['indicator_id'], unique=False)

    op.create_table('partner_contributions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', gup.orm.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_partner_contributions_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['evaluation_id'], ['evaluations.id'], name=op.f('fk_partner_contributions_evaluation_id_evaluations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_partner_contributions_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_contributions')),
    sa.UniqueConstraint('evaluation_id', 'organisation_id', name='uq_partner_contributions_org')
    )
    with op.batch_alter_table('partner_contributions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_contributions_evaluation_id'), ['evaluation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partner_contributions_organisation_id'), ['organisation_id'], unique=False)

    


def downgrade():
    
    with op.batch_alter_table('partner_contributions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partner_contributions_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_partner_contributions_evaluation_id'))

    op.drop_table('partner_contributions')
    with op.batch_alter_table('manual_indicator_values', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_manual_indicator_values_indicator_id'))
        batch_op.drop_index(batch_op.f('ix_manual_indicator_values_evaluation_id'))

    op.drop_table('manual_indicator_values')
    with op.batch_alter_table('evaluation_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_versions_evaluation_id'))

    op.drop_table('evaluation_versions')
    with op.batch_alter_table('evaluation_sections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_sections_evaluation_id'))

    op.drop_table('evaluation_sections')
    with op.batch_alter_table('evaluation_reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_reminders_evaluation_id'))

    op.drop_table('evaluation_reminders')
    with op.batch_alter_table('evaluations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluations_status'))
        batch_op.drop_index(batch_op.f('ix_evaluations_due_on'))
        batch_op.drop_index(batch_op.f('ix_evaluations_agreement_id'))

    op.drop_table('evaluations')
    with op.batch_alter_table('agreement_indicators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_indicators_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_agreement_indicators_agreement_id'))

    op.drop_table('agreement_indicators')
    
