"""Services of participatory budgets: campaigns and their phases, proposals and their review, voting codes and
votes, paper tallies, counting, the selection and its overrides, and delivering winners as actions."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from gup.actions.models import ActionStatus
from gup.actions.services import create_action
from gup.agreements.models import Agreement
from gup.audit.services import acting_as
from gup.budget import selection as rule
from gup.budget.models import (
    CANDIDATE_STATUSES,
    PHASE_DATE_COLUMNS,
    PaperTally,
    PBCampaign,
    PBEnvelope,
    PBPhase,
    PBProject,
    PBVote,
    ProjectSource,
    ProjectStatus,
    SelectionOverride,
    VotingCode,
)
from gup.errors import DomainError, InvalidTransition
from gup.extensions import db
from gup.i18n import local_today
from gup.territory.models import Territory, TerritoryKind
from gup.territory.queries import descendants, neighbourhood_above, territory_index

logger = logging.getLogger(__name__)

MONEY_MAX = Decimal("9999999999.99")  # Numeric(12, 2)

#: voting code characters: capitals and digits without the ambiguous 0/O, 1/I/L
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10  # 31^10 ≈ 8·10^14 codes: guessing one of a few thousand is hopeless
CODE_MAX_BATCH = 20000


def _text(value: Any) -> str | None:
    value = value.strip() if isinstance(value, str) else value
    return value or None


def money(value: Any, field: str, *, required: bool = False) -> Decimal | None:
    """A euro amount ≥ 0 with at most two decimals (accepts « 1 200,50 »)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise DomainError(_("Indiquez un montant."), field=field)
        return None
    try:
        amount = value if isinstance(value, Decimal) else Decimal(
            str(value).replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", "."))
    except InvalidOperation:
        raise DomainError(_("Montant invalide."), field=field) from None
    if not amount.is_finite() or amount < 0 or amount > MONEY_MAX or amount != amount.quantize(Decimal("0.01")):
        raise DomainError(_("Montant invalide."), field=field)
    return amount.quantize(Decimal("0.01"))


def within(place: Territory | None, root: Territory | None) -> bool:
    """Whether `place` is `root` or under it (walking the loaded parents)."""
    node = place
    while node is not None:
        if root is not None and node.id == root.id:
            return True
        node = node.parent
    return False


# --- campaigns ---------------------------------------------------------------------------------------------

CAMPAIGN_FIELDS = frozenset({"title", "year", "envelope", "neighbourhood", "eligible_territory", "min_age",
                             "investment_only", "max_cost", "choices_per_voter", *PHASE_DATE_COLUMNS.values()})


def _check_campaign(campaign: PBCampaign) -> None:
    if not campaign.title:
        raise DomainError(_("Donnez un intitulé à la campagne."), field="title")
    if not campaign.year or not 2000 <= campaign.year <= 2100:
        raise DomainError(_("Année invalide."), field="year")
    if campaign.envelope is None or campaign.envelope <= 0:
        raise DomainError(_("L'enveloppe doit être un montant positif."), field="envelope")
    if campaign.choices_per_voter is None or not 1 <= campaign.choices_per_voter <= 50:
        raise DomainError(_("Le nombre de choix par votant va de 1 à 50."), field="choices_per_voter")
    if campaign.min_age is not None and not 0 <= campaign.min_age <= 120:
        raise DomainError(_("Âge minimum invalide."), field="min_age")
    if campaign.max_cost is not None and campaign.max_cost > campaign.envelope:
        raise DomainError(_("Le coût maximum d'un projet dépasse l'enveloppe."), field="max_cost")
    perimeter = {t.id for t in campaign.agreement.territories}
    if campaign.neighbourhood is not None and (campaign.neighbourhood.kind is not TerritoryKind.NEIGHBOURHOOD
                                               or campaign.neighbourhood.id not in perimeter):
        raise DomainError(_("Ce quartier n'est pas couvert par la convention."), field="neighbourhood_id")
    eligible = campaign.eligible_territory
    if eligible is not None:
        nbh = neighbourhood_above(eligible)
        if nbh is None or nbh.id not in perimeter or (
                campaign.neighbourhood is not None and nbh.id != campaign.neighbourhood.id):
            raise DomainError(_("Le territoire éligible est hors du périmètre de la campagne."),
                              field="eligible_territory_id")
    dates = [(p, campaign.phase_starts_on(p)) for p in PHASE_DATE_COLUMNS]
    known = [(p, d) for p, d in dates if d is not None]
    for (_p1, d1), (p2, d2) in zip(known, known[1:], strict=False):
        if d2 < d1:
            raise DomainError(_("Les dates des phases doivent se suivre dans l'ordre."),
                              field=PHASE_DATE_COLUMNS[p2])


def _apply_campaign(campaign: PBCampaign, fields: dict[str, Any]) -> None:
    unknown = set(fields) - CAMPAIGN_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    for key, value in fields.items():
        if key == "title":
            value = _text(value)
        elif key in ("envelope", "max_cost"):
            value = money(value, key, required=key == "envelope")
        setattr(campaign, key, value)


def create_campaign(agreement: Agreement, *, actor: Any, now: datetime, envelopes: dict[Any, Any] | None = None,
                    **fields: Any) -> PBCampaign:
    """A campaign in preparation; `envelopes` maps neighbourhoods (Territory) to their own envelope."""
    acting_as(db.session, actor)
    campaign = PBCampaign(agreement=agreement, phase=PBPhase.PREPARATION, phase_changed_at=now,
                          investment_only=fields.pop("investment_only", True),
                          choices_per_voter=fields.pop("choices_per_voter", 3))
    _apply_campaign(campaign, fields)
    _check_campaign(campaign)
    db.session.add(campaign)
    set_envelopes(campaign, envelopes or {})
    db.session.flush()
    logger.info("budget campaign %s created", campaign.id)
    return campaign


def update_campaign(campaign: PBCampaign, *, actor: Any, envelopes: dict[Any, Any] | None = None,
                    **fields: Any) -> PBCampaign:
    """Edit a campaign's definition; the envelopes and rules are frozen once the vote has begun."""
    acting_as(db.session, actor)
    rules = {"envelope", "max_cost", "choices_per_voter", "neighbourhood", "eligible_territory"}
    if campaign.phase.index >= PBPhase.VOTE.index and (rules & set(fields) or envelopes is not None):
        def same(key: str) -> bool:
            value = money(fields[key], key) if key in ("envelope", "max_cost") else fields[key]
            return getattr(campaign, key) == value

        changed = [k for k in sorted(rules & set(fields)) if not same(k)]
        if changed or envelopes is not None:
            raise DomainError(_("Les règles et l'enveloppe ne changent plus une fois le vote ouvert."),
                              field=(changed or ["envelope"])[0])
    _apply_campaign(campaign, fields)
    _check_campaign(campaign)
    if envelopes is not None:
        set_envelopes(campaign, envelopes)
    db.session.flush()
    return campaign


def set_envelopes(campaign: PBCampaign, envelopes: dict[Any, Any]) -> None:
    """Replace the per-neighbourhood envelopes (each within the campaign's, in its perimeter)."""
    perimeter = {t.id for t in campaign.agreement.territories}
    wanted: dict[int, tuple[Territory, Decimal]] = {}
    for territory, amount in envelopes.items():
        value = money(amount, "envelopes")
        if value is None:
            continue
        if territory.kind is not TerritoryKind.NEIGHBOURHOOD or territory.id not in perimeter:
            raise DomainError(_("Une enveloppe par quartier vise un quartier de la convention."), field="envelopes")
        if value > campaign.envelope:
            raise DomainError(_("Une enveloppe par quartier dépasse l'enveloppe de la campagne."), field="envelopes")
        wanted[territory.id] = (territory, value)
    for envelope in list(campaign.envelopes):
        if envelope.neighbourhood_id not in wanted:
            campaign.envelopes.remove(envelope)
    for nbh_id, (territory, value) in wanted.items():
        existing = next((e for e in campaign.envelopes if e.neighbourhood_id == nbh_id), None)
        if existing is None:
            campaign.envelopes.append(PBEnvelope(neighbourhood=territory, neighbourhood_id=nbh_id, amount=value))
        elif existing.amount != value:
            existing.amount = value


def move_phase(campaign: PBCampaign, target: PBPhase, *, actor: Any, now: datetime) -> PBCampaign:
    """Move a campaign on to its next phase (the only move allowed), by hand or by the job."""
    acting_as(db.session, actor)
    if campaign.phase.next is not target:
        raise InvalidTransition(campaign.phase.label, target.label,
                                _("Les phases se suivent dans l'ordre, une à la fois."))
    if target is PBPhase.VOTE and not any(p.status in CANDIDATE_STATUSES for p in campaign.projects):
        raise InvalidTransition(campaign.phase.label, target.label, _("Aucun projet recevable à soumettre au vote."))
    if target is PBPhase.VOTE and any(p.status is ProjectStatus.SUBMITTED for p in campaign.projects):
        raise InvalidTransition(campaign.phase.label, target.label,
                                _("Des propositions n'ont pas encore été étudiées."))
    campaign.phase = target
    campaign.phase_changed_at = now
    db.session.flush()
    logger.info("budget campaign %s moved to %s", campaign.id, target.value)
    return campaign


def advance_phases(now: datetime) -> int:
    """Job: move on every campaign whose next phase's start date has come (one step at a time, catching up);
    a move the rules refuse (e.g. proposals not yet reviewed) waits for the coordination. Returns moves made."""
    today = local_today(now)
    moves = 0
    campaigns = db.session.scalars(sa.select(PBCampaign).where(PBCampaign.phase != PBPhase.CLOSED)
                                   .order_by(PBCampaign.id))
    for campaign in campaigns:
        while campaign.phase.next is not None:
            starts = campaign.phase_starts_on(campaign.phase.next)
            if starts is None or starts > today:
                break
            try:
                with db.session.begin_nested():
                    move_phase(campaign, campaign.phase.next, actor=None, now=now)
            except DomainError as exc:
                logger.info("budget campaign %s not moved on: %s", campaign.id, exc.message)
                db.session.refresh(campaign)
                break
            moves += 1
    db.session.flush()
    return moves


# --- proposals ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Contact:
    """An author's contact: kept only with their consent."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    consent: bool = False


def _check_place(campaign: PBCampaign, place: Territory | None) -> Territory | None:
    """The project's neighbourhood; the place must lie in the campaign's perimeter and eligible territory."""
    if place is None:
        return campaign.neighbourhood
    nbh = neighbourhood_above(place)
    perimeter = {t.id for t in campaign.agreement.territories}
    if nbh is None or nbh.id not in perimeter or (campaign.neighbourhood is not None
                                                  and nbh.id != campaign.neighbourhood.id):
        raise DomainError(_("Ce lieu est hors du périmètre de la campagne."), field="place_id")
    if campaign.eligible_territory is not None and not within(place, campaign.eligible_territory):
        raise DomainError(_("Ce lieu est hors du territoire éligible de la campagne."), field="place_id")
    return nbh


def submit_proposal(campaign: PBCampaign, *, title: str, description: str, now: datetime,
                    place: Territory | None = None, estimated_cost: Any = None,
                    source: ProjectSource = ProjectSource.PUBLIC, contact: Contact | None = None,
                    finding_id: int | None = None, report_id: int | None = None, relay_id: int | None = None,
                    actor: Any = None) -> PBProject:
    """A proposal, during the proposals phase (from the public form, a relay, a finding or a resident report)."""
    acting_as(db.session, actor)
    if campaign.phase is not PBPhase.PROPOSALS:
        raise DomainError(_("Le dépôt des propositions n'est pas ouvert pour cette campagne."), field="campaign_id")
    title, description = _text(title), _text(description)
    if not title:
        raise DomainError(_("Donnez un titre à votre proposition."), field="title")
    if len(title) > 200:
        raise DomainError(_("Le titre ne dépasse pas 200 caractères."), field="title")
    if not description:
        raise DomainError(_("Décrivez votre proposition."), field="description")
    cost = money(estimated_cost, "estimated_cost")
    nbh = _check_place(campaign, place)
    project = PBProject(campaign=campaign, title=title, description=description, place=place,
                        neighbourhood=nbh, estimated_cost=cost, status=ProjectStatus.SUBMITTED, source=source,
                        finding_id=finding_id, report_id=report_id, relay_id=relay_id, submitted_at=now)
    contact = contact or Contact()
    if contact.consent and (_text(contact.email) or _text(contact.phone)):
        # minimised: a contact is kept only when its author agreed to be contacted back
        project.author_name = _text(contact.name)
        project.author_email = _text(contact.email)
        project.author_phone = _text(contact.phone)
        project.contact_consent_at = now
    db.session.add(project)
    db.session.flush()
    logger.info("budget project %s submitted to campaign %s (%s)", project.id, campaign.id, source.value)
    return project


def proposal_from_finding(campaign: PBCampaign, finding: Any, *, actor: Any, now: datetime,
                          title: str | None = None) -> PBProject:
    """« Transformer en proposition »: a finding of the campaign's agreement becomes a proposal."""
    if finding.agreement_id != campaign.agreement_id:
        raise DomainError(_("Ce constat appartient à une autre convention."), field="finding_id")
    return submit_proposal(campaign, title=title or finding.description[:200], description=finding.description,
                           place=finding.territory, source=ProjectSource.FINDING, finding_id=finding.id,
                           actor=actor, now=now)


def proposal_from_report(campaign: PBCampaign, report: Any, *, actor: Any, now: datetime,
                         title: str | None = None) -> PBProject:
    """« Transformer en proposition »: a resident report of the campaign's agreement becomes a proposal (the
    reporter's contact stays with the report: their consent was for being told about it)."""
    if report.agreement_id != campaign.agreement_id:
        raise DomainError(_("Ce signalement appartient à une autre convention."), field="report_id")
    return submit_proposal(campaign, title=title or report.description[:200], description=report.description,
                           place=report.territory or report.neighbourhood, source=ProjectSource.REPORT,
                           report_id=report.id, actor=actor, now=now)


def _in_review(project: PBProject) -> None:
    if project.campaign.phase not in (PBPhase.PROPOSALS, PBPhase.REVIEW):
        raise DomainError(_("Les propositions s'étudient pendant le dépôt et l'étude, pas pendant « %(phase)s ».",
                            phase=str(project.campaign.phase.label)), field="status")


def review_project(project: PBProject, *, eligible: bool, actor: Any, now: datetime, reason: str | None = None,
                   reviewed_cost: Any = None, feasibility_note: str | None = None) -> PBProject:
    """Record a proposal's eligibility (with the reason told to its author: mandatory when ineligible), its
    reviewed cost and feasibility."""
    acting_as(db.session, actor)
    _in_review(project)
    if project.status is ProjectStatus.MERGED:
        raise DomainError(_("Ce projet a été fusionné dans un autre."), field="status")
    reason = _text(reason)
    cost = money(reviewed_cost, "reviewed_cost")
    if not eligible and not reason:
        raise DomainError(_("Indiquez le motif de non-recevabilité : il est communiqué à l'auteur."),
                          field="review_reason")
    if eligible:
        effective = cost if cost is not None else project.estimated_cost
        if effective is None:
            raise DomainError(_("Un projet recevable a un coût après étude."), field="reviewed_cost")
        campaign = project.campaign
        if campaign.max_cost is not None and effective > campaign.max_cost:
            raise DomainError(_("Le coût dépasse le coût maximum d'un projet de la campagne."),
                              field="reviewed_cost")
        if effective > campaign.envelope:
            raise DomainError(_("Le coût dépasse l'enveloppe de la campagne."), field="reviewed_cost")
        area = campaign.envelope_for(project.neighbourhood_id)
        if area is not None and effective > area:
            raise DomainError(_("Le coût dépasse l'enveloppe du quartier."), field="reviewed_cost")
    project.status = ProjectStatus.ELIGIBLE if eligible else ProjectStatus.INELIGIBLE
    project.review_reason = reason
    project.reviewed_cost = cost
    project.feasibility_note = _text(feasibility_note)
    project.reviewed_at = now
    project.reviewed_by_id = getattr(actor, "id", None)
    db.session.flush()
    return project


def merge_projects(project: PBProject, into: PBProject, *, actor: Any, now: datetime,
                   reason: str | None = None) -> PBProject:
    """Fold a proposal into a similar one of the same campaign (which stays a candidate)."""
    acting_as(db.session, actor)
    _in_review(project)
    if into.campaign_id != project.campaign_id or into.id == project.id:
        raise DomainError(_("Choisissez une autre proposition de la même campagne."), field="merged_into_id")
    if into.status in (ProjectStatus.MERGED, ProjectStatus.INELIGIBLE):
        raise DomainError(_("On ne fusionne pas dans une proposition fusionnée ou non recevable."),
                          field="merged_into_id")
    project.status = ProjectStatus.MERGED
    project.merged_into = into
    project.review_reason = _text(reason) or _("Fusionnée avec « %(title)s ».", title=into.title)
    project.reviewed_at = now
    project.reviewed_by_id = getattr(actor, "id", None)
    for earlier in db.session.scalars(sa.select(PBProject).where(PBProject.merged_into_id == project.id)):
        earlier.merged_into = into  # proposals merged into this one follow it
    db.session.flush()
    return project


# --- voting codes and votes --------------------------------------------------------------------------------

def _pepper() -> bytes:
    key = current_app.config.get("BUDGET_CODE_PEPPER") or current_app.config["SECRET_KEY"]
    return key.encode() if isinstance(key, str) else key


def normalise_code(code: str) -> str:
    """What a voter typed, as generated: capitals, without spaces or dashes (lower case forgiven)."""
    return "".join(ch for ch in (code or "").upper() if ch.isascii() and ch.isalnum())


def hash_code(code: str) -> str:
    """HMAC-SHA256 of the normalised code with the application's pepper: the database never holds a code."""
    return hmac.new(_pepper(), normalise_code(code).encode(), hashlib.sha256).hexdigest()


class CodeAlreadyUsed(DomainError):
    """A voting code that has already chosen its projects (the public vote page answers 409)."""


def format_code(raw: str) -> str:
    return f"{raw[:5]}-{raw[5:]}"


class CodeBatch(list):
    """The plain codes of one new batch (a list), with its batch number."""

    def __init__(self, batch: int, codes: Iterable[str]) -> None:
        super().__init__(codes)
        self.batch = batch


def generate_codes(campaign: PBCampaign, count: int, *, actor: Any, now: datetime) -> CodeBatch:
    """A new batch of `count` single-use codes; returns the plain codes (shown once, never stored)."""
    acting_as(db.session, actor)
    if campaign.phase.index > PBPhase.VOTE.index:
        raise DomainError(_("Le vote de cette campagne est terminé."), field="count")
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= CODE_MAX_BATCH:
        raise DomainError(_("Le nombre de codes va de 1 à %(max)s.", max=CODE_MAX_BATCH), field="count")
    batch = (db.session.scalar(sa.select(sa.func.max(VotingCode.batch))
                               .where(VotingCode.campaign_id == campaign.id)) or 0) + 1
    plain: list[str] = []
    while len(plain) < count:
        fresh: dict[str, str] = {}
        while len(fresh) < count - len(plain):
            raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            fresh.setdefault(hash_code(raw), raw)
        taken = set(db.session.scalars(sa.select(VotingCode.code_hash).where(VotingCode.code_hash.in_(fresh))))
        kept = {digest: raw for digest, raw in fresh.items() if digest not in taken}  # astronomically unlikely
        db.session.execute(sa.insert(VotingCode), [{"campaign_id": campaign.id, "code_hash": digest,
                                                    "batch": batch, "created_at": now} for digest in kept])
        plain += [format_code(raw) for raw in kept.values()]
    logger.info("budget campaign %s: batch %s of %s voting codes", campaign.id, batch, len(plain))
    return CodeBatch(batch, plain)


def votable_projects(campaign: PBCampaign) -> list[PBProject]:
    return [p for p in campaign.projects if p.status in CANDIDATE_STATUSES]


def cast_vote(campaign: PBCampaign, code: str, project_ids: Iterable[int], *, now: datetime) -> VotingCode:
    """An online ballot: one code chooses 1 to K eligible projects of the campaign, during the vote, once.

    The code is claimed by one conditional UPDATE (… WHERE used_at IS NULL): of two simultaneous submissions
    of the same code only one changes a row (PostgreSQL re-checks the condition after the other's commit), the
    other is refused; the caller commits."""
    if campaign.phase is not PBPhase.VOTE:
        raise DomainError(_("Le vote n'est pas ouvert pour cette campagne."), field="code")
    try:
        ids = [int(i) for i in project_ids]
    except (TypeError, ValueError):
        raise DomainError(_("Choix de projet invalide."), field="project_ids") from None
    if not ids:
        raise DomainError(_("Choisissez au moins un projet."), field="project_ids")
    if len(set(ids)) != len(ids):
        raise DomainError(_("Un projet ne se choisit qu'une fois."), field="project_ids")
    if len(ids) > campaign.choices_per_voter:
        raise DomainError(_("Vous pouvez choisir au plus %(k)s projets.", k=campaign.choices_per_voter),
                          field="project_ids")
    votable = {p.id for p in votable_projects(campaign)}
    if not set(ids) <= votable:
        raise DomainError(_("Un des projets choisis n'est pas soumis au vote."), field="project_ids")
    if len(normalise_code(code)) != CODE_LENGTH:
        raise DomainError(_("Ce code de vote n'est pas valide."), field="code")
    voting_code = db.session.scalar(sa.select(VotingCode).where(VotingCode.code_hash == hash_code(code),
                                                                VotingCode.campaign_id == campaign.id))
    if voting_code is None:
        raise DomainError(_("Ce code de vote n'est pas valide."), field="code")
    claimed = db.session.execute(sa.update(VotingCode)
                                 .where(VotingCode.id == voting_code.id, VotingCode.used_at.is_(None))
                                 .values(used_at=now).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise CodeAlreadyUsed(_("Ce code de vote a déjà servi."), field="code")
    db.session.execute(sa.insert(PBVote), [{"code_id": voting_code.id, "project_id": i} for i in ids])
    db.session.expire(voting_code)
    return voting_code


def enter_paper_tally(project: PBProject, *, polling_place: str, votes: Any, actor: Any,
                      now: datetime) -> PaperTally:
    """Paper ballots or votes at a public event for one project at one polling place (a second entry for the
    same place corrects the first)."""
    acting_as(db.session, actor)
    campaign = project.campaign
    if campaign.phase not in (PBPhase.VOTE, PBPhase.RESULTS):
        raise DomainError(_("Les dépouillements se saisissent pendant le vote ou avant la proclamation."),
                          field="votes")
    if project.status not in CANDIDATE_STATUSES:
        raise DomainError(_("Ce projet n'est pas soumis au vote."), field="project_id")
    place = _text(polling_place)
    if not place or len(place) > 200:
        raise DomainError(_("Indiquez le lieu de vote."), field="polling_place")
    try:
        count = int(str(votes).strip())
    except (TypeError, ValueError):
        raise DomainError(_("Le nombre de voix est un entier positif ou nul."), field="votes") from None
    if not 0 <= count <= 10_000_000:
        raise DomainError(_("Le nombre de voix est un entier positif ou nul."), field="votes")
    tally = db.session.scalar(sa.select(PaperTally).where(PaperTally.project_id == project.id,
                                                          PaperTally.polling_place == place))
    if tally is None:
        tally = PaperTally(campaign_id=campaign.id, project=project, polling_place=place)
        db.session.add(tally)
    tally.votes = count
    tally.entered_by_id = getattr(actor, "id", None)
    tally.entered_at = now
    db.session.flush()
    return tally


def parse_votes(value: Any, *, title: str, field: str) -> int | None:
    """A number of votes typed by staff: digits only (spaces between thousands allowed); blank is None."""
    text = "".join(str(value if value is not None else "").split())
    if not text:
        return None
    if not text.isascii() or not text.isdigit():
        raise DomainError(_("« %(title)s » : le nombre de voix est un entier positif ou nul (par exemple 12), pas "
                            "« %(value)s ».", title=title, value=str(value).strip()[:20]), field=field)
    count = int(text)
    if count > 10_000_000:
        raise DomainError(_("« %(title)s » : ce nombre de voix est trop grand.", title=title), field=field)
    return count


def enter_paper_tallies(campaign: PBCampaign, *, polling_place: str, votes: dict[int, Any], actor: Any,
                        now: datetime) -> list[PaperTally]:
    """One polling place's paper votes for several projects (project id → what was typed). A blank figure
    leaves the project's figure at that place as it was; a bad one refuses the whole entry, naming the project."""
    projects = {p.id: p for p in votable_projects(campaign)}
    counts: dict[int, int] = {}
    for project_id, value in votes.items():
        project = projects.get(project_id)
        if project is None:
            raise DomainError(_("Ce projet n'est pas soumis au vote."), field="project_id")
        count = parse_votes(value, title=project.title, field=f"votes-{project_id}")
        if count is not None:
            counts[project_id] = count
    if not counts:
        raise DomainError(_("Indiquez le nombre de voix d'au moins un projet."), field="votes")
    return [enter_paper_tally(projects[pid], polling_place=polling_place, votes=n, actor=actor, now=now)
            for pid, n in counts.items()]


@dataclass(frozen=True)
class Count:
    online: int
    paper: int

    @property
    def total(self) -> int:
        return self.online + self.paper


def count_votes(campaign: PBCampaign) -> dict[int, Count]:
    """Online and paper votes per candidate project of the campaign (every candidate appears, even at 0)."""
    online = dict(db.session.execute(
        sa.select(PBVote.project_id, sa.func.count()).join(PBProject, PBProject.id == PBVote.project_id)
        .where(PBProject.campaign_id == campaign.id).group_by(PBVote.project_id)).all())
    paper = dict(db.session.execute(
        sa.select(PaperTally.project_id, sa.func.sum(PaperTally.votes))
        .where(PaperTally.campaign_id == campaign.id).group_by(PaperTally.project_id)).all())
    return {p.id: Count(int(online.get(p.id, 0)), int(paper.get(p.id) or 0)) for p in votable_projects(campaign)}


def paper_by_place(campaign: PBCampaign) -> dict[str, dict[int, int]]:
    rows = db.session.execute(sa.select(PaperTally.polling_place, PaperTally.project_id, PaperTally.votes)
                              .where(PaperTally.campaign_id == campaign.id)
                              .order_by(PaperTally.polling_place))
    places: dict[str, dict[int, int]] = {}
    for place, project_id, votes in rows:
        places.setdefault(place, {})[project_id] = votes
    return places


# --- selection ---------------------------------------------------------------------------------------------

def current_overrides(campaign: PBCampaign) -> dict[int, SelectionOverride]:
    """The latest override of each project of the campaign."""
    rows = db.session.scalars(sa.select(SelectionOverride).join(PBProject)
                              .where(PBProject.campaign_id == campaign.id)
                              .order_by(SelectionOverride.decided_at, SelectionOverride.id))
    return {o.project_id: o for o in rows}


def compute_selection(campaign: PBCampaign) -> rule.Selection:
    return results(campaign).selection


@dataclass(frozen=True)
class RankedProject:
    """One candidate on the results page: its rank by votes, its count, and what the rule decided."""

    project: PBProject
    rank: int
    count: Count
    selected: bool
    skip: rule.Skip | None
    override: SelectionOverride | None

    @property
    def skip_reason(self) -> str | None:
        return self.skip.reason if self.skip is not None else None


@dataclass(frozen=True)
class EnvelopeUse:
    neighbourhood: Territory | None  # None: the campaign's envelope
    amount: Decimal
    remaining: Decimal

    @property
    def spent(self) -> Decimal:
        return self.amount - self.remaining

    @property
    def neighbourhood_id(self) -> int | None:
        return self.neighbourhood.id if self.neighbourhood is not None else None


@dataclass(frozen=True)
class Results:
    selection: rule.Selection
    rows: list[RankedProject]
    envelopes: list[EnvelopeUse]
    #: the results were recorded (record_results wrote selected / not selected on the candidates)
    recorded: bool


def results(campaign: PBCampaign) -> Results:
    """The selection as the rule computes it now, with each candidate ranked by votes and the envelopes' use."""
    counts = count_votes(campaign)
    projects = {p.id: p for p in votable_projects(campaign)}
    overrides = current_overrides(campaign)
    candidates = [rule.Candidate(p.id, counts[p.id].total, p.cost, p.neighbourhood_id, p.submitted_at)
                  for p in projects.values()]
    selection = rule.select(candidates, campaign.envelope,
                            {e.neighbourhood_id: e.amount for e in campaign.envelopes},
                            {pid: o.selected for pid, o in overrides.items()})
    chosen, skips = set(selection.selected), {s.id: s for s in selection.skipped}
    rows = [RankedProject(projects[c.id], i, counts[c.id], c.id in chosen, skips.get(c.id), overrides.get(c.id))
            for i, c in enumerate(rule.rank(candidates), start=1)]
    uses = [EnvelopeUse(None, campaign.envelope, selection.remaining)] + [
        EnvelopeUse(e.neighbourhood, e.amount, selection.remaining_by_neighbourhood.get(e.neighbourhood_id, e.amount))
        for e in campaign.envelopes]
    recorded = any(p.status in (ProjectStatus.SELECTED, ProjectStatus.NOT_SELECTED) for p in projects.values())
    return Results(selection, rows, uses, recorded)


def overrides_of(campaign: PBCampaign) -> list[SelectionOverride]:
    """Every override decided on the campaign's projects, latest first (the history, with its reasons)."""
    return list(db.session.scalars(sa.select(SelectionOverride).join(PBProject)
                                   .where(PBProject.campaign_id == campaign.id)
                                   .order_by(SelectionOverride.decided_at.desc(), SelectionOverride.id.desc())))


def override_selection(project: PBProject, *, selected: bool, reason: str | None, actor: Any,
                       now: datetime) -> SelectionOverride:
    """The coordination selects or leaves out a project against the ranking: a reason is mandatory."""
    acting_as(db.session, actor)
    reason = _text(reason)
    if not reason:
        raise DomainError(_("Indiquez le motif de cette décision : il est publié avec les résultats."),
                          field="reason")
    if project.status not in CANDIDATE_STATUSES:
        raise DomainError(_("Ce projet n'est pas soumis au vote."), field="project_id")
    if project.campaign.phase not in (PBPhase.VOTE, PBPhase.RESULTS):
        raise DomainError(_("La sélection se modifie pendant le vote ou les résultats."), field="selected")
    override = SelectionOverride(project=project, selected=bool(selected), reason=reason,
                                 decided_by_id=getattr(actor, "id", None), decided_at=now)
    db.session.add(override)
    db.session.flush()
    return override


def record_results(campaign: PBCampaign, *, actor: Any, now: datetime) -> rule.Selection:
    """Write selected / not selected on every candidate from the rule (phase results)."""
    acting_as(db.session, actor)
    if campaign.phase is not PBPhase.RESULTS:
        raise DomainError(_("Les résultats s'arrêtent pendant la phase « Résultats »."), field="phase")
    result = compute_selection(campaign)
    chosen = set(result.selected)
    for project in votable_projects(campaign):
        if project.action_id is not None and project.id not in chosen:
            raise DomainError(_("« %(title)s » est déjà en réalisation.", title=project.title), field="selected")
        status = ProjectStatus.SELECTED if project.id in chosen else ProjectStatus.NOT_SELECTED
        if project.status is not status:
            project.status = status
    db.session.flush()
    return result


def deliver_project(project: PBProject, *, responsible_organisation: Any, actor: Any, now: datetime,
                    due_on: date | None = None) -> Any:
    """A selected project becomes an action of the campaign's agreement (its progress shows its delivery)."""
    if project.status is not ProjectStatus.SELECTED:
        raise DomainError(_("Seul un projet lauréat devient une action."), field="status")
    if project.action_id is not None:
        raise DomainError(_("Ce projet a déjà son action."), field="action_id")
    if project.campaign.phase not in (PBPhase.RESULTS, PBPhase.DELIVERY):
        raise DomainError(_("Les projets lauréats se réalisent après les résultats."), field="status")
    description = _("Projet lauréat du budget participatif « %(campaign)s » : %(text)s",
                    campaign=project.campaign.title, text=project.description)
    action = create_action(project.campaign.agreement, responsible_organisation=responsible_organisation,
                           actor=actor, now=now, title=project.title[:200], description=description,
                           cost=project.cost, due_on=due_on)
    acting_as(db.session, actor)
    project.action = action
    db.session.flush()
    return action


def erase_author_contact(project: PBProject, *, now: datetime) -> None:
    project.author_name = project.author_email = project.author_phone = None
    project.contact_erased_at = now


#: a proposal whose fate is known: its author has been told and needs no further contact
SETTLED_STATUSES = (ProjectStatus.INELIGIBLE, ProjectStatus.MERGED, ProjectStatus.NOT_SELECTED)


def contact_expired(project: PBProject, *, cutoff: datetime) -> bool:
    """Whether an author's contact has served its purpose: the campaign is closed, or the proposal was set aside
    (not eligible, merged: since its review; not selected: since the campaign's last phase move) before `cutoff`."""
    campaign = project.campaign
    if campaign.phase is PBPhase.CLOSED:
        return True
    if project.status in (ProjectStatus.INELIGIBLE, ProjectStatus.MERGED):
        return project.reviewed_at is not None and project.reviewed_at < cutoff
    if project.status is ProjectStatus.NOT_SELECTED:
        return campaign.phase_changed_at is not None and campaign.phase_changed_at < cutoff
    return False


def erase_expired_contacts(now: datetime) -> int:
    """Erase the authors' contacts that have served their purpose (BUDGET_CONTACT_RETENTION_DAYS after the
    proposal was set aside, at once when the campaign is closed); returns how many."""
    cutoff = now - timedelta(days=current_app.config["BUDGET_CONTACT_RETENTION_DAYS"])
    kept = sa.or_(PBProject.author_name.is_not(None), PBProject.author_email.is_not(None),
                  PBProject.author_phone.is_not(None))
    erased = 0
    for project in db.session.scalars(sa.select(PBProject).where(kept).options(joinedload(PBProject.campaign))):
        if contact_expired(project, cutoff=cutoff):
            erase_author_contact(project, now=now)
            erased += 1
    db.session.flush()
    return erased


# --- public pages (no account: nothing personal ever leaves these functions) -------------------------------

#: how many of a delivery action's latest progress updates the public page shows
PUBLIC_UPDATES = 3


def public_campaigns() -> list[PBCampaign]:
    """The campaigns residents see: every one out of preparation, newest year first."""
    return list(db.session.scalars(sa.select(PBCampaign).where(PBCampaign.phase != PBPhase.PREPARATION)
                                   .order_by(PBCampaign.year.desc(), PBCampaign.id.desc())))


def public_campaign(campaign_id: int) -> PBCampaign | None:
    """A campaign residents may see (None while it is in preparation)."""
    campaign = db.session.get(PBCampaign, campaign_id)
    return campaign if campaign is not None and campaign.phase is not PBPhase.PREPARATION else None


def eligible_places(campaign: PBCampaign) -> list[tuple[int, str, int]]:
    """(id, name, depth) of the places a proposal may name, in tree order: the campaign's eligible territory,
    else its neighbourhood, else every neighbourhood of its agreement, with everything under them."""
    if campaign.eligible_territory_id is not None:
        roots = [campaign.eligible_territory_id]
    elif campaign.neighbourhood_id is not None:
        roots = [campaign.neighbourhood_id]
    else:
        roots = [t.id for t in campaign.agreement.territories if t.kind is TerritoryKind.NEIGHBOURHOOD]
    return [(node.id, node.name, depth) for node, depth in descendants(roots, territory_index())]


@dataclass(frozen=True)
class PublicRank:
    """One candidate on the public results page."""

    rank: int
    project: PBProject
    count: Count
    selected: bool
    #: why a project was not selected (gup.budget.selection.Skip.reason), None when selected
    skip_reason: str | None


@dataclass(frozen=True)
class PublicResults:
    rows: list[PublicRank]
    overrides: list[SelectionOverride]
    online: int
    paper: int
    ballots: int  # voting codes used online
    remaining: Decimal

    @property
    def total(self) -> int:
        return self.online + self.paper

    @property
    def selected(self) -> list[PBProject]:
        return [r.project for r in self.rows if r.selected]


def public_results(campaign: PBCampaign) -> PublicResults:
    """The ranking (online, paper and total votes), the selection and the overrides with their reasons. Once
    the results are recorded the projects' statuses say who won; before, the rule's current outcome does."""
    ranked = results(campaign)
    chosen = ({r.project.id for r in ranked.rows if r.project.status is ProjectStatus.SELECTED} if ranked.recorded
              else {r.project.id for r in ranked.rows if r.selected})
    rows = [PublicRank(r.rank, r.project, r.count, r.project.id in chosen,
                       None if r.project.id in chosen else r.skip_reason) for r in ranked.rows]
    overrides = sorted((r.override for r in ranked.rows if r.override is not None),
                       key=lambda o: (o.decided_at, o.id))
    ballots = db.session.scalar(sa.select(sa.func.count()).select_from(VotingCode)
                                .where(VotingCode.campaign_id == campaign.id, VotingCode.used_at.is_not(None)))
    remaining = campaign.envelope - sum((r.project.cost or Decimal(0) for r in rows if r.selected), Decimal(0))
    return PublicResults(rows, overrides, sum(r.count.online for r in rows), sum(r.count.paper for r in rows),
                         int(ballots or 0), remaining)


@dataclass(frozen=True)
class Delivery:
    project: PBProject
    action: Any  # gup.actions.models.Action | None (not yet handed to an organisation)
    updates: list[Any]  # its latest ActionUpdate rows, newest first
    photo: Any  # gup.media.models.Photo | None: the latest progress photo, once the action is done


def _done_photo(action: Any) -> Any:
    if action is None or action.status is not ActionStatus.DONE:
        return None
    return next((u.photo for u in action.updates if u.photo_id is not None and u.photo is not None), None)


def deliveries(campaign: PBCampaign) -> list[Delivery]:
    """Each selected project with its action's progress (status, percentage, latest updates, photo when done)."""
    out = []
    for project in campaign.projects:
        if project.status is not ProjectStatus.SELECTED:
            continue
        action = project.action
        updates = list(action.updates[:PUBLIC_UPDATES]) if action is not None else []
        out.append(Delivery(project, action, updates, _done_photo(action)))
    return out


def delivery_photo(campaign: PBCampaign, project_id: int) -> Any:
    """The photo the delivery page shows for one selected project of the campaign, or None."""
    if not campaign.delivery_started:
        return None
    project = db.session.get(PBProject, project_id)
    if project is None or project.campaign_id != campaign.id or project.status is not ProjectStatus.SELECTED:
        return None
    return _done_photo(project.action)


@dataclass(frozen=True)
class PublicProjects:
    eligible: list[PBProject]    # reviewed eligible (then selected or not): title, place, reviewed cost
    ineligible: list[PBProject]  # with the reason told to their authors
    merged: list[PBProject]      # with the proposal they were folded into
    pending: int                 # received, not yet reviewed (only counted)


def public_projects(campaign: PBCampaign) -> PublicProjects:
    """What a campaign's public page lists of its proposals, once reviewed."""
    by_status: dict[ProjectStatus, list[PBProject]] = {}
    for project in campaign.projects:
        by_status.setdefault(project.status, []).append(project)
    return PublicProjects(eligible=votable_projects(campaign),
                          ineligible=by_status.get(ProjectStatus.INELIGIBLE, []),
                          merged=by_status.get(ProjectStatus.MERGED, []),
                          pending=len(by_status.get(ProjectStatus.SUBMITTED, [])))
