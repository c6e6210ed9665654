"""Participatory budgets (budgets participatifs, GUIDE §3.9): campaigns with an envelope and per-neighbourhood
envelopes, their phases, residents' proposals and their review, single-use voting codes, online votes, paper
tallies per polling place, and the coordination's recorded overrides of the selection.

Money is stored as Numeric(12, 2) euros, like action costs. Project statuses:

- ``submitted``: received, not yet reviewed;
- ``eligible`` / ``ineligible``: reviewed (an ineligible project always carries the reason told to its author);
- ``merged``: folded into a similar proposal (``merged_into_id``), it is no longer a candidate;
- ``selected`` / ``not_selected``: written when the results are recorded (gup.budget.selection).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gup.actions.models import Action
from gup.agreements.models import Agreement
from gup.auth.models import User
from gup.extensions import db
from gup.orm import Audited, LabelledEnum, TimestampMixin, UTCDateTime, enum_column, now_utc
from gup.territory.models import Territory

MONEY = sa.Numeric(12, 2)


class PBPhase(LabelledEnum):
    """The phases of a campaign, in their only order (a campaign moves one step at a time)."""

    PREPARATION = "preparation"
    PROPOSALS = "proposals"
    REVIEW = "review"
    VOTE = "vote"
    RESULTS = "results"
    DELIVERY = "delivery"
    CLOSED = "closed"

    @classmethod
    def labels(cls):
        return {"preparation": _l("Préparation"), "proposals": _l("Dépôt des propositions"),
                "review": _l("Étude des propositions"), "vote": _l("Vote"), "results": _l("Résultats"),
                "delivery": _l("Réalisation"), "closed": _l("Clôturé")}

    @property
    def index(self) -> int:
        return list(PBPhase).index(self)

    @property
    def next(self) -> PBPhase | None:
        phases = list(PBPhase)
        return phases[self.index + 1] if self.index + 1 < len(phases) else None


#: the campaign column holding the date each phase starts on (preparation starts when the campaign is created)
PHASE_DATE_COLUMNS = {PBPhase.PROPOSALS: "proposals_on", PBPhase.REVIEW: "review_on", PBPhase.VOTE: "vote_on",
                      PBPhase.RESULTS: "results_on", PBPhase.DELIVERY: "delivery_on", PBPhase.CLOSED: "closed_on"}


class ProjectStatus(LabelledEnum):
    SUBMITTED = "submitted"
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    MERGED = "merged"
    SELECTED = "selected"
    NOT_SELECTED = "not_selected"

    @classmethod
    def labels(cls):
        return {"submitted": _l("Déposé"), "eligible": _l("Recevable"), "ineligible": _l("Non recevable"),
                "merged": _l("Fusionné"), "selected": _l("Lauréat"), "not_selected": _l("Non retenu")}


#: the statuses of a project residents can vote for and the selection considers
CANDIDATE_STATUSES = (ProjectStatus.ELIGIBLE, ProjectStatus.SELECTED, ProjectStatus.NOT_SELECTED)


class ProjectSource(LabelledEnum):
    PUBLIC = "public"
    RELAY = "relay"
    FINDING = "finding"
    REPORT = "report"

    @classmethod
    def labels(cls):
        return {"public": _l("Formulaire public"), "relay": _l("Habitant·e relais"),
                "finding": _l("Constat"), "report": _l("Signalement d'habitant")}


class PBCampaign(Audited, TimestampMixin, db.Model):
    """Campagne de budget participatif: one agreement (optionally one neighbourhood of it) and one year."""

    __tablename__ = "pb_campaigns"
    __audit_label__ = _l("de la campagne de budget participatif")
    __audit_fields__ = {
        "agreement_id": _l("Convention"), "neighbourhood_id": _l("Quartier"), "year": _l("Année"),
        "title": _l("Intitulé"), "envelope": _l("Enveloppe (€)"), "eligible_territory_id": _l("Territoire éligible"),
        "min_age": _l("Âge minimum"), "investment_only": _l("Investissement uniquement"),
        "max_cost": _l("Coût maximum par projet (€)"), "choices_per_voter": _l("Choix par votant"),
        "phase": _l("Phase"), "proposals_on": _l("Début du dépôt des propositions"),
        "review_on": _l("Début de l'étude"), "vote_on": _l("Début du vote"), "results_on": _l("Résultats le"),
        "delivery_on": _l("Début de la réalisation"), "closed_on": _l("Clôture le"),
        "phase_changed_at": _l("Phase changée le"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    neighbourhood_id: Mapped[int | None] = mapped_column(sa.ForeignKey("territories.id"), index=True)
    year: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    envelope: Mapped[Decimal] = mapped_column(MONEY)
    # rules
    eligible_territory_id: Mapped[int | None] = mapped_column(sa.ForeignKey("territories.id"), index=True)
    min_age: Mapped[int | None]
    investment_only: Mapped[bool] = mapped_column(default=True)
    max_cost: Mapped[Decimal | None] = mapped_column(MONEY)
    choices_per_voter: Mapped[int] = mapped_column(default=3)
    # phases
    phase: Mapped[PBPhase] = enum_column(PBPhase, default=PBPhase.PREPARATION, index=True)
    proposals_on: Mapped[date | None]
    review_on: Mapped[date | None]
    vote_on: Mapped[date | None]
    results_on: Mapped[date | None]
    delivery_on: Mapped[date | None]
    closed_on: Mapped[date | None]
    phase_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    agreement: Mapped[Agreement] = relationship()
    neighbourhood: Mapped[Territory | None] = relationship(foreign_keys=[neighbourhood_id])
    eligible_territory: Mapped[Territory | None] = relationship(foreign_keys=[eligible_territory_id])
    envelopes: Mapped[list[PBEnvelope]] = relationship(back_populates="campaign", cascade="all, delete-orphan",
                                                       order_by="PBEnvelope.id")
    projects: Mapped[list[PBProject]] = relationship(back_populates="campaign", cascade="all, delete-orphan",
                                                     order_by="PBProject.id", foreign_keys="PBProject.campaign_id")

    def __str__(self) -> str:
        return self.title

    def phase_starts_on(self, phase: PBPhase) -> date | None:
        column = PHASE_DATE_COLUMNS.get(phase)
        return getattr(self, column) if column else None

    @property
    def results_published(self) -> bool:
        """The public results page shows the ranking from the results phase on."""
        return self.phase.index >= PBPhase.RESULTS.index

    @property
    def delivery_started(self) -> bool:
        return self.phase.index >= PBPhase.DELIVERY.index

    def envelope_for(self, neighbourhood_id: int | None) -> Decimal | None:
        for envelope in self.envelopes:
            if envelope.neighbourhood_id == neighbourhood_id:
                return envelope.amount
        return None


class PBEnvelope(Audited, db.Model):
    """Enveloppe par quartier: the most a campaign's selected projects of one neighbourhood may cost together."""

    __tablename__ = "pb_envelopes"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "neighbourhood_id"),)
    __audit_label__ = _l("de l'enveloppe par quartier")
    __audit_fields__ = {"campaign_id": _l("Campagne"), "neighbourhood_id": _l("Quartier"),
                        "amount": _l("Montant (€)")}

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("pb_campaigns.id", ondelete="CASCADE"), index=True)
    neighbourhood_id: Mapped[int] = mapped_column(sa.ForeignKey("territories.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(MONEY)

    campaign: Mapped[PBCampaign] = relationship(back_populates="envelopes")
    neighbourhood: Mapped[Territory] = relationship()


class PBProject(Audited, TimestampMixin, db.Model):
    """Proposition / projet: a proposal of a campaign, its review, and once selected the action delivering it."""

    __tablename__ = "pb_projects"
    __audit_label__ = _l("du projet de budget participatif")
    # the author's contact never goes to the audit log (like a resident report's)
    __audit_exclude__ = frozenset({"created_at", "updated_at", "author_name", "author_email", "author_phone"})
    __audit_fields__ = {
        "campaign_id": _l("Campagne"), "title": _l("Intitulé"), "description": _l("Description"),
        "place_id": _l("Lieu"), "neighbourhood_id": _l("Quartier"), "estimated_cost": _l("Coût estimé (€)"),
        "reviewed_cost": _l("Coût après étude (€)"), "feasibility_note": _l("Faisabilité"),
        "status": _l("Statut"), "review_reason": _l("Motif de la décision"), "reviewed_at": _l("Étudié le"),
        "reviewed_by_id": _l("Étudié par"), "source": _l("Origine"), "finding_id": _l("Constat"),
        "report_id": _l("Signalement"), "relay_id": _l("Habitant·e relais"), "submitted_at": _l("Déposé le"),
        "contact_consent_at": _l("Accord pour être recontacté·e le"),
        "contact_erased_at": _l("Coordonnées effacées le"), "merged_into_id": _l("Fusionné dans"),
        "action_id": _l("Action de réalisation"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("pb_campaigns.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text)
    place_id: Mapped[int | None] = mapped_column(sa.ForeignKey("territories.id"), index=True)
    #: the neighbourhood of the place (or the campaign's), whose envelope the project draws on
    neighbourhood_id: Mapped[int | None] = mapped_column(sa.ForeignKey("territories.id"), index=True)
    estimated_cost: Mapped[Decimal | None] = mapped_column(MONEY)
    reviewed_cost: Mapped[Decimal | None] = mapped_column(MONEY)
    feasibility_note: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[ProjectStatus] = enum_column(ProjectStatus, default=ProjectStatus.SUBMITTED, index=True)
    #: why the review decided so; mandatory for an ineligible project (told to its author)
    review_reason: Mapped[str | None] = mapped_column(sa.Text)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    source: Mapped[ProjectSource] = enum_column(ProjectSource, default=ProjectSource.PUBLIC)
    finding_id: Mapped[int | None] = mapped_column(sa.ForeignKey("findings.id", ondelete="SET NULL"), index=True)
    report_id: Mapped[int | None] = mapped_column(sa.ForeignKey("resident_reports.id", ondelete="SET NULL"),
                                                  index=True)
    relay_id: Mapped[int | None] = mapped_column(sa.ForeignKey("resident_relays.id", ondelete="SET NULL"),
                                                 index=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    # the author's contact: optional, kept only with their consent (minimised like a resident report's)
    author_name: Mapped[str | None] = mapped_column(sa.String(120))
    author_email: Mapped[str | None] = mapped_column(sa.String(254))
    author_phone: Mapped[str | None] = mapped_column(sa.String(40))
    contact_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    contact_erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pb_projects.id", ondelete="SET NULL"),
                                                       index=True)
    action_id: Mapped[int | None] = mapped_column(sa.ForeignKey("actions.id", ondelete="SET NULL"), index=True)

    campaign: Mapped[PBCampaign] = relationship(back_populates="projects", foreign_keys=[campaign_id])
    place: Mapped[Territory | None] = relationship(foreign_keys=[place_id])
    neighbourhood: Mapped[Territory | None] = relationship(foreign_keys=[neighbourhood_id])
    reviewed_by: Mapped[User | None] = relationship()
    merged_into: Mapped[PBProject | None] = relationship(remote_side="PBProject.id")
    action: Mapped[Action | None] = relationship()

    def __str__(self) -> str:
        return self.title

    @property
    def cost(self) -> Decimal | None:
        """The cost the selection uses: the reviewed cost, else the author's estimate."""
        return self.reviewed_cost if self.reviewed_cost is not None else self.estimated_cost


class VotingCode(db.Model):
    """A single-use voting code handed out per household; only its keyed hash is stored (gup.budget.codes)."""

    __tablename__ = "pb_voting_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("pb_campaigns.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    batch: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PBVote(db.Model):
    """One project chosen with one code (a code chooses up to the campaign's choices per voter)."""

    __tablename__ = "pb_votes"
    __table_args__ = (sa.UniqueConstraint("code_id", "project_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code_id: Mapped[int] = mapped_column(sa.ForeignKey("pb_voting_codes.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("pb_projects.id", ondelete="CASCADE"), index=True)

    project: Mapped[PBProject] = relationship()


class PaperTally(Audited, db.Model):
    """Votes on paper or at a public event for one project at one polling place, entered by staff (entering the
    same place again corrects its figure)."""

    __tablename__ = "pb_paper_tallies"
    __table_args__ = (sa.UniqueConstraint("project_id", "polling_place"),
                      sa.CheckConstraint("votes >= 0", name="votes_not_negative"))
    __audit_label__ = _l("du dépouillement papier")
    __audit_fields__ = {"campaign_id": _l("Campagne"), "project_id": _l("Projet"),
                        "polling_place": _l("Lieu de vote"), "votes": _l("Voix"), "entered_by_id": _l("Saisi par"),
                        "entered_at": _l("Saisi le")}

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("pb_campaigns.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("pb_projects.id", ondelete="CASCADE"), index=True)
    polling_place: Mapped[str] = mapped_column(sa.String(200))
    votes: Mapped[int]
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)

    project: Mapped[PBProject] = relationship()
    entered_by: Mapped[User | None] = relationship()


class SelectionOverride(Audited, db.Model):
    """The coordination's decision to select or not a project against the ranking, with its reason; the latest
    override of a project is the one the selection applies."""

    __tablename__ = "pb_selection_overrides"
    __audit_label__ = _l("de la décision sur la sélection")
    __audit_fields__ = {"project_id": _l("Projet"), "selected": _l("Retenu"), "reason": _l("Motif"),
                        "decided_by_id": _l("Décidé par"), "decided_at": _l("Décidé le")}

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("pb_projects.id", ondelete="CASCADE"), index=True)
    selected: Mapped[bool]
    reason: Mapped[str] = mapped_column(sa.Text)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)

    project: Mapped[PBProject] = relationship()
    decided_by: Mapped[User | None] = relationship()
