"""TFPB abatement: the versioned reference table of the TFPB axes (seeded with the national framework's eight
axes), commitments' axis as a foreign key to it, TFPB actions, abatements received and review sendings

Revision ID: d862b73342f0
Revises: b894f5e72bf9
Create Date: 2026-12-02 04:00:40.494302+00:00

"""
import datetime

from alembic import op
import sqlalchemy as sa
import gup.orm

#: the eight axes of the national framework of 2015 (amended on 30 September 2021, same axes and codes), valid
#: from 2015-01-01 with no end. A future revision of the framework is a new migration that adds rows with a new
#: valid_from and closes these with valid_to, so records dated before it keep their axis.
TFPB_AXES = [
    ("staff_presence", 1, "Renforcement de la présence du personnel de proximité"),
    ("staff_training_support", 2, "Formation / soutien des personnels de proximité"),
    ("enhanced_maintenance", 3, "Sur-entretien"),
    ("waste_bulky_wrecks", 4, "Gestion des déchets et encombrants / épaves"),
    ("residential_safety", 5, "Tranquillité résidentielle"),
    ("tenant_consultation", 6, "Concertation / sensibilisation des locataires"),
    ("community_life", 7, "Animation, lien social, vivre ensemble"),
    ("minor_service_works", 8, "Petits travaux d'amélioration de la qualité de service"),
]


# revision identifiers, used by Alembic.
revision = 'd862b73342f0'
down_revision = 'b894f5e72bf9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('tfpb_axes',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=255), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_tfpb_axes'))
    )
    axes = sa.table('tfpb_axes', sa.column('code', sa.String), sa.column('number', sa.Integer),
                    sa.column('label', sa.String), sa.column('valid_from', sa.Date), sa.column('valid_to', sa.Date))
    op.bulk_insert(axes, [{"code": code, "number": number, "label": label, "valid_from": datetime.date(2015, 1, 1),
                           "valid_to": None} for code, number, label in TFPB_AXES])
    op.create_table('tfpb_abatements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('neighbourhood_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('abatement_amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('dwellings', sa.Integer(), nullable=True),
    sa.Column('created_at', gup.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', gup.orm.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('abatement_amount >= 0', name=op.f('ck_tfpb_abatements_abatement_amount_positive')),
    sa.CheckConstraint('dwellings IS NULL OR dwellings >= 0', name=op.f('ck_tfpb_abatements_dwellings_positive')),
    sa.CheckConstraint('year >= 2001 AND year <= 2100', name=op.f('ck_tfpb_abatements_year_range')),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_tfpb_abatements_agreement_id_agreements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['neighbourhood_id'], ['territories.id'], name=op.f('fk_tfpb_abatements_neighbourhood_id_territories')),
    sa.ForeignKeyConstraint(['provider_id'], ['organisations.id'], name=op.f('fk_tfpb_abatements_provider_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tfpb_abatements')),
    sa.UniqueConstraint('agreement_id', 'provider_id', 'neighbourhood_id', 'year', name='uq_tfpb_abatements_record')
    )
    with op.batch_alter_table('tfpb_abatements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tfpb_abatements_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tfpb_abatements_neighbourhood_id'), ['neighbourhood_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tfpb_abatements_provider_id'), ['provider_id'], unique=False)

    op.create_table('tfpb_review_sendings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('sent_at', gup.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('recipient_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_tfpb_review_sendings_agreement_id_agreements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['provider_id'], ['organisations.id'], name=op.f('fk_tfpb_review_sendings_provider_id_organisations')),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name=op.f('fk_tfpb_review_sendings_sent_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tfpb_review_sendings')),
    sa.UniqueConstraint('agreement_id', 'provider_id', 'year', 'number', name='uq_tfpb_review_sendings_number')
    )
    with op.batch_alter_table('tfpb_review_sendings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tfpb_review_sendings_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tfpb_review_sendings_provider_id'), ['provider_id'], unique=False)

    op.create_table('tfpb_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('neighbourhood_id', sa.Integer(), nullable=False),
    sa.Column('axis_code', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('valued_amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=True),
    sa.Column('created_at', gup.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', gup.orm.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('valued_amount >= 0', name=op.f('ck_tfpb_actions_valued_amount_positive')),
    sa.CheckConstraint('year >= 2001 AND year <= 2100', name=op.f('ck_tfpb_actions_year_range')),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_tfpb_actions_agreement_id_agreements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['axis_code'], ['tfpb_axes.code'], name=op.f('fk_tfpb_actions_axis_code_tfpb_axes')),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitments.id'], name=op.f('fk_tfpb_actions_commitment_id_commitments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['neighbourhood_id'], ['territories.id'], name=op.f('fk_tfpb_actions_neighbourhood_id_territories')),
    sa.ForeignKeyConstraint(['provider_id'], ['organisations.id'], name=op.f('fk_tfpb_actions_provider_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tfpb_actions'))
    )
    with op.batch_alter_table('tfpb_actions', schema=None) as batch_op:
        batch_op.create_index('ix_tfpb_actions_agreement_provider_year', ['agreement_id', 'provider_id', 'year'], unique=False)
        batch_op.create_index(batch_op.f('ix_tfpb_actions_axis_code'), ['axis_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_tfpb_actions_commitment_id'), ['commitment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tfpb_actions_neighbourhood_id'), ['neighbourhood_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tfpb_actions_provider_id'), ['provider_id'], unique=False)

    # every code a commitment may hold is seeded above, so the foreign key holds on existing rows
    with op.batch_alter_table('commitments', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_commitments_tfpb_axis_tfpb_axes'), 'tfpb_axes', ['tfpb_axis'], ['code'])



def downgrade():
    with op.batch_alter_table('commitments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_commitments_tfpb_axis_tfpb_axes'), type_='foreignkey')

    with op.batch_alter_table('tfpb_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tfpb_actions_provider_id'))
        batch_op.drop_index(batch_op.f('ix_tfpb_actions_neighbourhood_id'))
        batch_op.drop_index(batch_op.f('ix_tfpb_actions_commitment_id'))
        batch_op.drop_index(batch_op.f('ix_tfpb_actions_axis_code'))
        batch_op.drop_index('ix_tfpb_actions_agreement_provider_year')

    op.drop_table('tfpb_actions')
    with op.batch_alter_table('tfpb_review_sendings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tfpb_review_sendings_provider_id'))
        batch_op.drop_index(batch_op.f('ix_tfpb_review_sendings_agreement_id'))

    op.drop_table('tfpb_review_sendings')
    with op.batch_alter_table('tfpb_abatements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tfpb_abatements_provider_id'))
        batch_op.drop_index(batch_op.f('ix_tfpb_abatements_neighbourhood_id'))
        batch_op.drop_index(batch_op.f('ix_tfpb_abatements_agreement_id'))

    op.drop_table('tfpb_abatements')
    op.drop_table('tfpb_axes')
