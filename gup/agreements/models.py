"""Agreements (conventions GUP), their partners, signatories, amendments and commitments."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gup.auth.models import User
from gup.errors import InvalidTransition
from gup.extensions import db
from gup.organisations.models import Organisation
from gup.orm import Audited, LabelledEnum, TimestampMixin, UTCDateTime, enum_column, now_utc
from gup.territory.models import Territory


def add_years(day: date, years: int) -> date:
    """Same day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


#: an agreement reference: letters, digits, dots, dashes (never a leading = + - @ that a spreadsheet would run);
#: the web form and the API both validate it with this pattern
REFERENCE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
REFERENCE_ERROR = _l("Lettres, chiffres, points, tirets uniquement.")

class Theme(Audited, TimestampMixin, db.Model):
    """Thématique: an editable theme of GUP work (cleanliness, lighting…)."""

    __tablename__ = "themes"
    __audit_label__ = _l("de la thématique")
    #: the history's French name of each audited field
    __audit_fields__ = {
        "code": _l("Code"),
        "label": _l("Libellé"),
        "position": _l("Ordre d'affichage"),
        "is_active": _l("Actif"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(60), unique=True)
    label: Mapped[str] = mapped_column(sa.String(120))
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)

    def __str__(self) -> str:
        return self.label


#: the guide's default themes, seeded into every database
DEFAULT_THEMES: list[tuple[str, str]] = [
    ("cleanliness", "Propreté"),
    ("waste", "Déchets, encombrants, dépôts sauvages"),
    ("abandoned_vehicles", "Véhicules ventouses et épaves"),
    ("green_spaces", "Espaces verts"),
    ("roads", "Voirie"),
    ("public_lighting", "Éclairage public"),
    ("parking", "Stationnement"),
    ("street_furniture", "Mobilier urbain et aires de jeux"),
    ("common_parts", "Parties communes des immeubles"),
    ("tranquillity", "Tranquillité"),
    ("works", "Travaux et livraison"),
    ("residentialisation", "Résidentialisation"),
    ("social_cohesion", "Lien social"),
    ("participation", "Participation des habitants"),
    ("local_services", "Services de proximité"),
]


class AgreementKind(LabelledEnum):
    """Framework agreement (town- or EPCI-wide) or site agreement (one neighbourhood)."""

    FRAMEWORK = "framework"
    SITE = "site"

    @classmethod
    def labels(cls):
        return {"framework": _l("Convention cadre"), "site": _l("Convention de site")}


class AgreementStatus(LabelledEnum):
    """Lifecycle of an agreement."""

    DRAFT = "draft"
    SIGNED = "signed"
    IN_FORCE = "in_force"
    ENDED = "ended"

    @classmethod
    def labels(cls):
        return {"draft": _l("Projet"), "signed": _l("Signée"), "in_force": _l("En vigueur"),
                "ended": _l("Terminée")}


AGREEMENT_NEXT: dict[AgreementStatus, frozenset[AgreementStatus]] = {
    AgreementStatus.DRAFT: frozenset({AgreementStatus.SIGNED}),
    AgreementStatus.SIGNED: frozenset({AgreementStatus.IN_FORCE, AgreementStatus.DRAFT}),
    AgreementStatus.IN_FORCE: frozenset({AgreementStatus.ENDED}),
    AgreementStatus.ENDED: frozenset(),
}


class SignatoryRole(LabelledEnum):
    """Capacity in which an organisation signs."""

    MUNICIPALITY = "municipality"
    EPCI = "epci"
    STATE = "state"
    HOUSING_PROVIDER = "housing_provider"
    OTHER = "other"

    @classmethod
    def labels(cls):
        return {"municipality": _l("Commune"), "epci": _l("Intercommunalité (EPCI)"),
                "state": _l("État"), "housing_provider": _l("Bailleur social"), "other": _l("Autre")}


agreement_territories = sa.Table(
    "agreement_territories", db.metadata,
    sa.Column("agreement_id", sa.ForeignKey("agreements.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("territory_id", sa.ForeignKey("territories.id", ondelete="CASCADE"), primary_key=True),
)
agreement_themes = sa.Table(
    "agreement_themes", db.metadata,
    sa.Column("agreement_id", sa.ForeignKey("agreements.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("theme_id", sa.ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)
agreement_coordinators = sa.Table(
    "agreement_coordinators", db.metadata,
    sa.Column("agreement_id", sa.ForeignKey("agreements.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Agreement(Audited, TimestampMixin, db.Model):
    """Convention GUP: the agreement signed by the town, the EPCI, housing providers and the State."""

    __tablename__ = "agreements"
    __audit_label__ = _l("de la convention")
    #: the history's French name of each audited field
    __audit_fields__ = {
        "reference": _l("Référence"),
        "title": _l("Intitulé"),
        "kind": _l("Type"),
        "status": _l("Statut"),
        "start_on": _l("Date de début"),
        "end_on": _l("Date de fin"),
        "midterm_on": _l("Date de l'évaluation à mi-parcours"),
        "city_contract": _l("Contrat de ville"),
        "renewal_agreement": _l("Convention de renouvellement"),
        "predecessor_id": _l("Convention précédente"),
        "territories": _l("Quartiers couverts"),
        "themes": _l("Thématiques"),
        "coordinators": _l("Coordonnateur·rices"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(60), unique=True)
    title: Mapped[str] = mapped_column(sa.String(255))
    kind: Mapped[AgreementKind] = enum_column(AgreementKind)
    status: Mapped[AgreementStatus] = enum_column(AgreementStatus, default=AgreementStatus.DRAFT, index=True)
    start_on: Mapped[date]
    end_on: Mapped[date]
    midterm_on: Mapped[date | None]
    city_contract: Mapped[str | None] = mapped_column(sa.String(255))
    renewal_agreement: Mapped[str | None] = mapped_column(sa.String(255))
    predecessor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agreements.id"), index=True)

    predecessor: Mapped[Agreement | None] = relationship(remote_side="Agreement.id")
    territories: Mapped[list[Territory]] = relationship(secondary=agreement_territories,
                                                         order_by="Territory.name")
    themes: Mapped[list[Theme]] = relationship(secondary=agreement_themes, order_by="Theme.position")
    coordinators: Mapped[list[User]] = relationship(secondary=agreement_coordinators,
                                                     order_by="User.full_name")
    signatories: Mapped[list[Signatory]] = relationship(back_populates="agreement", cascade="all, delete-orphan",
                                                        order_by="Signatory.id")
    partners: Mapped[list[Partner]] = relationship(back_populates="agreement", cascade="all, delete-orphan",
                                                   order_by="Partner.id")
    amendments: Mapped[list[Amendment]] = relationship(back_populates="agreement", cascade="all, delete-orphan",
                                                       order_by="Amendment.number")
    commitments: Mapped[list[Commitment]] = relationship(back_populates="agreement",
                                                         cascade="all, delete-orphan",
                                                         order_by="Commitment.reference")

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    @property
    def default_midterm_on(self) -> date:
        """Three years after start, or halfway for agreements shorter than six years."""
        if add_years(self.start_on, 6) <= self.end_on + timedelta(days=1):  # end dates are inclusive
            return add_years(self.start_on, 3)
        return self.start_on + (self.end_on - self.start_on) / 2

    @property
    def midterm_evaluation_on(self) -> date:
        return self.midterm_on or self.default_midterm_on

    @property
    def effective_end_on(self) -> date:
        """End date after amendments: the latest amendment that sets a new end wins."""
        end = self.end_on
        for amendment in sorted(self.amendments, key=lambda a: (a.signed_on, a.number)):
            if amendment.new_end_on is not None:
                end = amendment.new_end_on
        return end

    @property
    def is_extended(self) -> bool:
        """« prolongée »: an amendment moved the end date later."""
        return self.effective_end_on > self.end_on

    @property
    def signed_on(self) -> date | None:
        """Date of the last signature, once every signatory has signed."""
        dates = [s.signed_on for s in self.signatories]
        if not dates or any(d is None for d in dates):
            return None
        return max(dates)

    @property
    def party_organisation_ids(self) -> set[int]:
        """Organisations party to the agreement (partners and signatories)."""
        return {p.organisation_id for p in self.partners} | {s.organisation_id for s in self.signatories}

    def move_to(self, target: AgreementStatus) -> None:
        """Change status, refusing moves the lifecycle does not allow."""
        if target not in AGREEMENT_NEXT[self.status]:
            raise InvalidTransition(self.status.label, target.label)
        if target is AgreementStatus.SIGNED and self.signed_on is None:
            raise InvalidTransition(self.status.label, target.label,
                                    _l("chaque signataire doit avoir une date de signature"))
        self.status = target

    def key_dates(self) -> list[tuple[date, str]]:
        """Timeline of key dates: signature, start, amendments, mid-term evaluation, end."""
        items: list[tuple[date, str]] = []
        if self.signed_on:
            items.append((self.signed_on, str(_l("Signature de la convention"))))
        items.append((self.start_on, str(_l("Entrée en vigueur"))))
        for a in self.amendments:
            items.append((a.signed_on, str(_l("Avenant n° %(number)s : %(subject)s", number=a.number,
                                               subject=a.subject))))
        items.append((self.midterm_evaluation_on, str(_l("Évaluation à mi-parcours"))))
        if self.is_extended:
            items.append((self.end_on, str(_l("Fin initialement prévue"))))
            items.append((self.effective_end_on, str(_l("Fin (prolongée par avenant)"))))
        else:
            items.append((self.end_on, str(_l("Fin de la convention"))))
        return sorted(items, key=lambda item: item[0])


class Partner(Audited, TimestampMixin, db.Model):
    """Partenaire: an organisation's part in one agreement, with its named referent."""

    __tablename__ = "partners"
    __audit_label__ = _l("d'un partenaire")
    #: the history's French name of each audited field
    __audit_fields__ = {
        "agreement_id": _l("Convention"),
        "organisation_id": _l("Organisme"),
        "referent": _l("Référent·e GUP"),
    }
    __table_args__ = (sa.UniqueConstraint("agreement_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    referent: Mapped[str | None] = mapped_column(sa.String(200))

    agreement: Mapped[Agreement] = relationship(back_populates="partners")
    organisation: Mapped[Organisation] = relationship()
    commitments: Mapped[list[Commitment]] = relationship(back_populates="partner")

    def __str__(self) -> str:
        return self.organisation.name


class Signatory(Audited, TimestampMixin, db.Model):
    """Signataire: an organisation that signs, its signer and the signing date."""

    __tablename__ = "signatories"
    __audit_label__ = _l("d'un signataire")
    #: the history's French name of each audited field
    __audit_fields__ = {
        "agreement_id": _l("Convention"),
        "organisation_id": _l("Organisme"),
        "role": _l("Rôle"),
        "signer_name": _l("Nom du ou de la signataire"),
        "signer_title": _l("Fonction du ou de la signataire"),
        "signed_on": _l("Date de signature"),
    }
    __table_args__ = (sa.UniqueConstraint("agreement_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    role: Mapped[SignatoryRole] = enum_column(SignatoryRole)
    signer_name: Mapped[str] = mapped_column(sa.String(200))
    signer_title: Mapped[str] = mapped_column(sa.String(200))
    signed_on: Mapped[date | None]

    agreement: Mapped[Agreement] = relationship(back_populates="signatories")
    organisation: Mapped[Organisation] = relationship()


class Amendment(Audited, TimestampMixin, db.Model):
    """Avenant: a dated change to the agreement, possibly moving its end date."""

    __tablename__ = "amendments"
    __audit_label__ = _l("d'un avenant")
    #: the history's French name of each audited field
    __audit_fields__ = {
        "agreement_id": _l("Convention"),
        "number": _l("Numéro"),
        "signed_on": _l("Date de signature"),
        "subject": _l("Objet"),
        "new_end_on": _l("Nouvelle date de fin"),
    }
    __table_args__ = (sa.UniqueConstraint("agreement_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    signed_on: Mapped[date]
    subject: Mapped[str] = mapped_column(sa.Text)
    new_end_on: Mapped[date | None]

    agreement: Mapped[Agreement] = relationship(back_populates="amendments")


class FundingSource(LabelledEnum):
    """Where the money of a commitment comes from."""

    MAINSTREAM = "mainstream"
    CITY_POLICY = "city_policy"
    TFPB = "tfpb"
    OTHER = "other"

    @classmethod
    def labels(cls):
        return {"mainstream": _l("Droit commun"), "city_policy": _l("Crédits politique de la ville"),
                "tfpb": _l("Abattement de TFPB"), "other": _l("Autre")}


class TfpbAxis(LabelledEnum):
    """The eight axes of the national TFPB framework (2015, amended 30 September 2021)."""

    STAFF_PRESENCE = "staff_presence"
    STAFF_TRAINING_SUPPORT = "staff_training_support"
    ENHANCED_MAINTENANCE = "enhanced_maintenance"
    WASTE_BULKY_WRECKS = "waste_bulky_wrecks"
    RESIDENTIAL_SAFETY = "residential_safety"
    TENANT_CONSULTATION = "tenant_consultation"
    COMMUNITY_LIFE = "community_life"
    MINOR_SERVICE_WORKS = "minor_service_works"

    @classmethod
    def labels(cls):
        return {
            "staff_presence": _l("1. Renforcement de la présence du personnel de proximité"),
            "staff_training_support": _l("2. Formation / soutien des personnels de proximité"),
            "enhanced_maintenance": _l("3. Sur-entretien"),
            "waste_bulky_wrecks": _l("4. Gestion des déchets et encombrants / épaves"),
            "residential_safety": _l("5. Tranquillité résidentielle"),
            "tenant_consultation": _l("6. Concertation / sensibilisation des locataires"),
            "community_life": _l("7. Animation, lien social, vivre ensemble"),
            "minor_service_works": _l("8. Petits travaux d'amélioration de la qualité de service"),
        }


class TfpbAxisRef(db.Model):
    """Axe TFPB: one axis of the national framework of the TFPB abatement, valid from `valid_from` to `valid_to`.

    A reference table, versioned: the framework of 2015 was amended on 30 September 2021 (the eight axes kept
    their codes); a future revision adds rows with a new `valid_from` and closes the old ones with `valid_to`, so
    records dated before the revision keep the axis they were given. Seeded by the migration (and by
    `services.ensure_tfpb_axes`). Commitments and TFPB actions store the axis code (foreign key to `code`).
    """

    __tablename__ = "tfpb_axes"

    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    number: Mapped[int]
    label: Mapped[str] = mapped_column(sa.String(255))
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]

    def __str__(self) -> str:
        return f"{self.number}. {self.label}"

    def is_valid_on(self, day: date) -> bool:
        """Whether the axis may be given to a record dated `day` (valid_to included)."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class CommitmentStatus(LabelledEnum):
    """Lifecycle of a commitment."""

    PROPOSED = "proposed"
    AGREED = "agreed"
    IN_PROGRESS = "in_progress"
    FULFILLED = "fulfilled"
    PARTLY_FULFILLED = "partly_fulfilled"
    NOT_FULFILLED = "not_fulfilled"
    WITHDRAWN = "withdrawn"

    @classmethod
    def labels(cls):
        return {"proposed": _l("Proposé"), "agreed": _l("Validé"), "in_progress": _l("En cours"),
                "fulfilled": _l("Tenu"), "partly_fulfilled": _l("Partiellement tenu"),
                "not_fulfilled": _l("Non tenu"), "withdrawn": _l("Retiré")}


CLOSED_COMMITMENT_STATUSES = frozenset({CommitmentStatus.FULFILLED, CommitmentStatus.PARTLY_FULFILLED,
                                        CommitmentStatus.NOT_FULFILLED, CommitmentStatus.WITHDRAWN})
_OUTCOMES = frozenset({CommitmentStatus.FULFILLED, CommitmentStatus.PARTLY_FULFILLED,
                       CommitmentStatus.NOT_FULFILLED})
COMMITMENT_NEXT: dict[CommitmentStatus, frozenset[CommitmentStatus]] = {
    CommitmentStatus.PROPOSED: frozenset({CommitmentStatus.AGREED, CommitmentStatus.WITHDRAWN}),
    CommitmentStatus.AGREED: frozenset({CommitmentStatus.IN_PROGRESS, CommitmentStatus.WITHDRAWN} | _OUTCOMES),
    CommitmentStatus.IN_PROGRESS: _OUTCOMES | {CommitmentStatus.WITHDRAWN},
    CommitmentStatus.FULFILLED: frozenset({CommitmentStatus.IN_PROGRESS}),
    CommitmentStatus.PARTLY_FULFILLED: frozenset({CommitmentStatus.IN_PROGRESS}),
    CommitmentStatus.NOT_FULFILLED: frozenset({CommitmentStatus.IN_PROGRESS}),
    CommitmentStatus.WITHDRAWN: frozenset({CommitmentStatus.PROPOSED}),
}


class Commitment(Audited, TimestampMixin, db.Model):
    """Engagement: one partner's promise within an agreement: what, by when, from which budget."""

    __tablename__ = "commitments"
    __audit_label__ = _l("de l'engagement")
    #: the history's French name of each audited field
    __audit_fields__ = {
        "agreement_id": _l("Convention"),
        "partner_id": _l("Partenaire"),
        "theme_id": _l("Thématique"),
        "reference": _l("Référence"),
        "title": _l("Intitulé"),
        "description": _l("Description"),
        "funding_source": _l("Source de financement"),
        "tfpb_axis": _l("Axe TFPB"),
        "planned_investment_amount": _l("Investissement prévu (€)"),
        "planned_operating_amount": _l("Fonctionnement prévu (€)"),
        "indicator_label": _l("Indicateur"),
        "indicator_unit": _l("Unité"),
        "indicator_baseline": _l("Valeur de référence"),
        "indicator_target": _l("Cible"),
        "due_on": _l("Échéance"),
        "status": _l("Statut"),
        "progress": _l("Avancement (%)"),
    }
    __table_args__ = (sa.UniqueConstraint("agreement_id", "reference"),
                      sa.CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"))

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("partners.id"), index=True)
    theme_id: Mapped[int] = mapped_column(sa.ForeignKey("themes.id"), index=True)
    reference: Mapped[str] = mapped_column(sa.String(40))
    title: Mapped[str] = mapped_column(sa.String(255))
    description: Mapped[str | None] = mapped_column(sa.Text)
    funding_source: Mapped[FundingSource] = enum_column(FundingSource, default=FundingSource.MAINSTREAM)
    #: the axis code, a reference to the versioned table tfpb_axes (TfpbAxis names the framework's codes)
    tfpb_axis: Mapped[TfpbAxis | None] = mapped_column(
        sa.Enum(TfpbAxis, native_enum=False, create_constraint=False, length=max(len(m.value) for m in TfpbAxis) + 8,
                values_callable=lambda e: [m.value for m in e], validate_strings=True),
        sa.ForeignKey("tfpb_axes.code"), nullable=True)
    planned_investment_amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    planned_operating_amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    indicator_label: Mapped[str | None] = mapped_column(sa.String(255))
    indicator_unit: Mapped[str | None] = mapped_column(sa.String(60))
    indicator_baseline: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    indicator_target: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    due_on: Mapped[date | None] = mapped_column(index=True)
    status: Mapped[CommitmentStatus] = enum_column(CommitmentStatus, default=CommitmentStatus.PROPOSED,
                                                   index=True)
    progress: Mapped[int] = mapped_column(default=0)

    agreement: Mapped[Agreement] = relationship(back_populates="commitments")
    partner: Mapped[Partner] = relationship(back_populates="commitments")
    theme: Mapped[Theme] = relationship()
    updates: Mapped[list[CommitmentUpdate]] = relationship(back_populates="commitment",
                                                           cascade="all, delete-orphan",
                                                           order_by="CommitmentUpdate.created_at.desc()")

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_COMMITMENT_STATUSES

    def is_overdue(self, today: date) -> bool:
        """Past its due date and not closed (computed, never stored)."""
        return self.due_on is not None and self.due_on < today and not self.is_closed

    def is_due_soon(self, today: date, days: int) -> bool:
        return (self.due_on is not None and not self.is_closed
                and today <= self.due_on <= date.fromordinal(today.toordinal() + days))

    @property
    def planned_total(self) -> Decimal:
        return (self.planned_investment_amount or Decimal(0)) + (self.planned_operating_amount or Decimal(0))

    def latest_spending(self, on: date | None = None) -> CommitmentUpdate | None:
        """The progress update with the most recent spending figures (amounts are cumulated to their date), as
        of the date `on` when given (an evaluation's cut-off)."""
        dated = [u for u in self.updates if u.spent_on is not None and (on is None or u.spent_on <= on)]
        return max(dated, key=lambda u: (u.spent_on, u.created_at, u.id), default=None)

    def latest_measure(self, on: date | None = None) -> CommitmentUpdate | None:
        """The progress update with the most recent observed value of the indicator (as of `on` when given)."""
        dated = [u for u in self.updates if u.measured_on is not None and (on is None or u.measured_on <= on)]
        return max(dated, key=lambda u: (u.measured_on, u.created_at, u.id), default=None)

    def move_to(self, target: CommitmentStatus) -> None:
        """Change status, refusing moves the lifecycle does not allow."""
        if target is self.status:
            return
        if target not in COMMITMENT_NEXT[self.status]:
            raise InvalidTransition(self.status.label, target.label)
        self.status = target
        if target is CommitmentStatus.FULFILLED:
            self.progress = 100


class CommitmentUpdate(Audited, db.Model):
    """Point d'avancement: a dated note on a commitment's progress, by its author."""

    __tablename__ = "commitment_updates"
    __audit_label__ = _l("d'un point d'avancement")
    #: the history's French name of each audited field
    __audit_fields__ = {
        "commitment_id": _l("Engagement"),
        "author_id": _l("Auteur·rice"),
        "note": _l("Note"),
        "progress": _l("Avancement (%)"),
        "status": _l("Statut"),
        "investment_spent": _l("Investissement dépensé à ce jour (€)"),
        "operating_spent": _l("Fonctionnement dépensé à ce jour (€)"),
        "spent_on": _l("Dépenses arrêtées au"),
        "indicator_value": _l("Valeur observée de l'indicateur"),
        "measured_on": _l("Indicateur mesuré le"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(sa.ForeignKey("commitments.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    note: Mapped[str] = mapped_column(sa.Text)
    progress: Mapped[int | None]
    status: Mapped[CommitmentStatus | None] = enum_column(CommitmentStatus, nullable=True)
    #: figures an evaluation adds up: amounts actually spent since the start, cumulated, as of spent_on…
    investment_spent: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    operating_spent: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    spent_on: Mapped[date | None]
    #: …and the commitment's indicator as observed on measured_on
    indicator_value: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    measured_on: Mapped[date | None]

    commitment: Mapped[Commitment] = relationship(back_populates="updates")
    author: Mapped[User | None] = relationship()
