"""TFPB abatement: the actions housing providers fund with their QPV property-tax abatement, by axis,
neighbourhood and year, the abatement each received, and the sendings of the annual review (GUIDE §3.3)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gup.agreements.models import Agreement, Commitment, TfpbAxisRef
from gup.auth.models import User
from gup.extensions import db
from gup.organisations.models import Organisation
from gup.orm import Audited, TimestampMixin, UTCDateTime
from gup.territory.models import Territory

#: the years a TFPB record may carry (the abatement exists since 2001; tax years run to 2030 and beyond)
YEAR_MIN, YEAR_MAX = 2001, 2100


class TfpbAction(Audited, TimestampMixin, db.Model):
    """Action valorisée au titre de l'abattement de TFPB: what a housing provider did in a QPV in a year, on an
    axis of the national framework, and the amount it values."""

    __tablename__ = "tfpb_actions"
    __audit_label__ = _l("de l'action TFPB")
    #: the history's French name of each audited field
    __audit_fields__ = {
        "agreement_id": _l("Convention"),
        "provider_id": _l("Bailleur"),
        "neighbourhood_id": _l("Quartier (QPV)"),
        "axis_code": _l("Axe TFPB"),
        "year": _l("Année"),
        "title": _l("Intitulé"),
        "description": _l("Description"),
        "valued_amount": _l("Montant valorisé (€)"),
        "commitment_id": _l("Engagement"),
    }
    __table_args__ = (sa.CheckConstraint("valued_amount >= 0", name="valued_amount_positive"),
                      sa.CheckConstraint(f"year >= {YEAR_MIN} AND year <= {YEAR_MAX}", name="year_range"),
                      sa.Index("ix_tfpb_actions_agreement_provider_year", "agreement_id", "provider_id", "year"))

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreements.id", ondelete="CASCADE"))
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    neighbourhood_id: Mapped[int] = mapped_column(sa.ForeignKey("territories.id"), index=True)
    axis_code: Mapped[str] = mapped_column(sa.String(40), sa.ForeignKey("tfpb_axes.code"), index=True)
    year: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(255))
    description: Mapped[str | None] = mapped_column(sa.Text)
    valued_amount: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
    commitment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("commitments.id", ondelete="SET NULL"),
                                                      index=True)

    agreement: Mapped[Agreement] = relationship()
    provider: Mapped[Organisation] = relationship()
    neighbourhood: Mapped[Territory] = relationship()
    axis: Mapped[TfpbAxisRef] = relationship()
    commitment: Mapped[Commitment | None] = relationship()

    def __str__(self) -> str:
        return self.title


class TfpbAbatement(Audited, TimestampMixin, db.Model):
    """Abattement de TFPB reçu: what a housing provider received for its dwellings in a QPV in a tax year, and
    how many dwellings of the QPV it concerns (for the amount per dwelling)."""

    __tablename__ = "tfpb_abatements"
    __audit_label__ = _l("de l'abattement TFPB")
    #: the history's French name of each audited field
    __audit_fields__ = {
        "agreement_id": _l("Convention"),
        "provider_id": _l("Bailleur"),
        "neighbourhood_id": _l("Quartier (QPV)"),
        "year": _l("Année"),
        "abatement_amount": _l("Abattement reçu (€)"),
        "dwellings": _l("Logements dans le QPV"),
    }
    __table_args__ = (sa.UniqueConstraint("agreement_id", "provider_id", "neighbourhood_id", "year",
                                          name="uq_tfpb_abatements_record"),
                      sa.CheckConstraint("abatement_amount >= 0", name="abatement_amount_positive"),
                      sa.CheckConstraint("dwellings IS NULL OR dwellings >= 0", name="dwellings_positive"),
                      sa.CheckConstraint(f"year >= {YEAR_MIN} AND year <= {YEAR_MAX}", name="year_range"))

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    neighbourhood_id: Mapped[int] = mapped_column(sa.ForeignKey("territories.id"), index=True)
    year: Mapped[int]
    abatement_amount: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
    dwellings: Mapped[int | None]

    agreement: Mapped[Agreement] = relationship()
    provider: Mapped[Organisation] = relationship()
    neighbourhood: Mapped[Territory] = relationship()

    def __str__(self) -> str:
        return f"{self.neighbourhood} {self.year}"


class TfpbReviewSending(db.Model):
    """Envoi du bilan TFPB aux signataires: one sending of a provider's annual review, numbered, with the number
    of mails it queued (a second sending must be asked for explicitly)."""

    __tablename__ = "tfpb_review_sendings"
    __table_args__ = (sa.UniqueConstraint("agreement_id", "provider_id", "year", "number",
                                          name="uq_tfpb_review_sendings_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    year: Mapped[int]
    number: Mapped[int]
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    recipient_count: Mapped[int]

    sent_by: Mapped[User | None] = relationship()
