"""Services of resident relays: mandates, consent, pools, draws; and the two jobs' queries."""

from __future__ import annotations

import calendar
import logging
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from gup.agreements.models import Agreement
from gup.audit.services import acting_as
from gup.errors import DomainError
from gup.extensions import db
from gup.notifications.services import delete_unsent, pending_of
from gup.orm import now_utc
from gup.relays import draw as drawing
from gup.relays.models import (
    CONSENT_CHANNELS,
    DIGEST_CAUSE,
    AgeBracket,
    DesignationMethod,
    EndReason,
    Gender,
    PoolMember,
    RelayDraw,
    RelayPool,
    RelayStatus,
    ResidentRelay,
)
from gup.relays.work import close_account
from gup.territory.models import Territory, TerritoryKind

logger = logging.getLogger(__name__)
SCOPE_KINDS = (TerritoryKind.RESIDENCE, TerritoryKind.BUILDING, TerritoryKind.STAIRWELL)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_end_on(start_on: date) -> date:
    return add_months(start_on, int(current_app.config.get("RELAY_MANDATE_MONTHS", 24)))


def _text(value: Any) -> str | None:
    value = (value or "").strip() if isinstance(value, str) or value is None else value
    return value or None


def _enum(cls: Any, value: Any) -> Any:
    return None if value in (None, "") else cls(value)


def _check(relay: ResidentRelay) -> None:
    if not relay.person_name:
        raise DomainError(_("Le nom est obligatoire."), field="person_name")
    if relay.territory is not None:
        if relay.territory.kind not in SCOPE_KINDS:
            raise DomainError(_("Le lieu d'un mandat est une résidence, un bâtiment ou une cage d'escalier."),
                              field="territory_id")
    elif relay.theme_id is None or relay.neighbourhood_id is None:
        raise DomainError(_("Choisissez un lieu, ou une thématique et un quartier."), field="territory_id")
    if relay.mandate_end_on <= relay.mandate_start_on:
        raise DomainError(_("La fin du mandat doit suivre son début."), field="mandate_end_on")
    unknown = relay.channels - set(CONSENT_CHANNELS)
    if unknown:
        raise DomainError(_("Canal de contact inconnu."), field="consent_channels")


FIELDS = ("person_name", "email", "phone", "consent_given_on", "consent_channels", "age_bracket", "gender",
          "territory", "theme_id", "neighbourhood_id", "designation_method", "charter_signed_on",
          "mandate_start_on", "mandate_end_on")


def _apply(relay: ResidentRelay, fields: dict[str, Any]) -> None:
    for key, value in fields.items():
        if key not in FIELDS:
            raise TypeError(key)
        if key in ("person_name", "email", "phone"):
            value = _text(value)
        elif key == "consent_channels":
            value = ",".join(sorted(value)) if isinstance(value, (list, set, tuple)) else _text(value)
        elif key == "age_bracket":
            value = _enum(AgeBracket, value)
        elif key == "gender":
            value = _enum(Gender, value)
        elif key == "designation_method":
            value = DesignationMethod(value)
        setattr(relay, key, value)
    if relay.territory is not None:
        relay.theme_id = None
        relay.neighbourhood_id = None


def create_relay(agreement: Agreement, *, actor: Any, mandate_start_on: date, mandate_end_on: date | None = None,
                 **fields: Any) -> ResidentRelay:
    acting_as(db.session, actor)
    relay = ResidentRelay(agreement=agreement, status=RelayStatus.ACTIVE, mandate_start_on=mandate_start_on,
                          mandate_end_on=mandate_end_on or default_end_on(mandate_start_on))
    fields.setdefault("designation_method", DesignationMethod.VOLUNTEER)
    _apply(relay, fields)
    _check(relay)
    db.session.add(relay)
    db.session.flush()
    logger.info("relay %s created in agreement %s", relay.id, agreement.id)
    return relay


def update_relay(relay: ResidentRelay, *, actor: Any, **fields: Any) -> ResidentRelay:
    acting_as(db.session, actor)
    if relay.contact_erased_at is not None:
        for key in ("email", "phone"):
            fields.pop(key, None)
    _apply(relay, fields)
    _check(relay)
    db.session.flush()
    return relay


def end_mandate(relay: ResidentRelay, *, reason: EndReason, on: date, actor: Any) -> ResidentRelay:
    acting_as(db.session, actor)
    relay.end(EndReason(reason), on)
    close_account(relay, actor=actor)
    db.session.flush()
    return relay


def withdraw_consent(relay: ResidentRelay, *, on: date, actor: Any) -> ResidentRelay:
    """Withdrawing consent stops all contact at once: the contact details are erased now, a digest still queued
    for them is deleted, and no digest goes afterwards (mail_address() is None)."""
    acting_as(db.session, actor)
    relay.consent_withdrawn_on = on
    relay.consent_channels = None
    _erase_contact(relay, now_utc())
    close_account(relay, actor=actor)
    db.session.flush()
    return relay


def _erase_contact(relay: ResidentRelay, now: datetime) -> None:
    """Erase the relay's contact, and their digest still waiting in the outbox (it carries their address)."""
    if relay.id is not None:
        delete_unsent(pending_of(DIGEST_CAUSE, [relay.id]))
    relay.email = None
    relay.phone = None
    if relay.contact_erased_at is None:
        relay.contact_erased_at = now
    _anonymise_account(relay)


def _anonymise_account(relay: ResidentRelay) -> None:
    """The relay's account holds the same e-mail: once no other mandate of that person keeps its contact, the
    account is closed and its e-mail replaced by a placeholder (the name stays as the mandate's, minimised)."""
    user = relay.user
    if user is None:
        return
    kept = db.session.scalar(sa.select(sa.func.count()).select_from(ResidentRelay).where(
        ResidentRelay.user_id == user.id, ResidentRelay.id != relay.id, ResidentRelay.contact_erased_at.is_(None)))
    if kept:
        return
    user.email = f"relais-efface-{user.id}@invalid"
    user.password_hash = None
    user.is_active_account = False
    user.rotate_session_token()


# --- pools and draws ---------------------------------------------------------------------------------

def create_pool(agreement: Agreement, *, name: str, actor: Any, territory: Territory | None = None,
                theme_id: int | None = None) -> RelayPool:
    acting_as(db.session, actor)
    if not _text(name):
        raise DomainError(_("Le nom est obligatoire."), field="name")
    pool = RelayPool(agreement=agreement, name=_text(name), territory=territory, theme_id=theme_id)
    db.session.add(pool)
    db.session.flush()
    return pool


def add_pool_member(pool: RelayPool, *, person_name: str, actor: Any, gender: Any = None) -> PoolMember:
    acting_as(db.session, actor)
    if not _text(person_name):
        raise DomainError(_("Le nom est obligatoire."), field="person_name")
    number = max((int(m.pseudonym.split("-")[1]) for m in pool.members), default=0) + 1
    member = PoolMember(pool=pool, person_name=_text(person_name), gender=_enum(Gender, gender),
                        pseudonym=f"V-{number:04d}")
    db.session.add(member)
    db.session.flush()
    return member


def run_draw(pool: RelayPool, *, seats: int, parity: bool, actor: Any, seed: str | None = None) -> RelayDraw:
    """Draw `seats` pseudonyms from the pool with a fresh seed (gup.relays.draw), recording everything."""
    acting_as(db.session, actor)
    if seats < 1:
        raise DomainError(_("Indiquez au moins une place."), field="seats")
    if len(pool.members) < seats:
        raise DomainError(_("Le vivier compte moins de personnes que de places à pourvoir."), field="seats")
    ids = sorted(m.pseudonym for m in pool.members)
    genders = {m.pseudonym: (m.gender.value if m.gender else None) for m in pool.members} if parity else None
    seed = seed or drawing.new_seed()
    result = drawing.draw(ids, seats, seed, genders)
    record = RelayDraw(pool=pool, seats=seats, parity=parity, seed=seed, ran_at=now_utc(),
                       ran_by_id=getattr(actor, "id", None), pool_ids=ids, pool_genders=genders, result_ids=result)
    db.session.add(record)
    db.session.flush()
    logger.info("relay draw %s run on pool %s", record.id, pool.id)
    return record


def publish_draw(record: RelayDraw, *, actor: Any) -> RelayDraw:
    acting_as(db.session, actor)
    record.published = True
    db.session.flush()
    return record


def verify(record: RelayDraw) -> bool:
    return drawing.draw(record.pool_ids, record.seats, record.seed, record.pool_genders) == record.result_ids


# --- for the jobs -------------------------------------------------------------------------------------

def erase_expired_contacts(now: datetime, today: date) -> int:
    """Erase the contact of relays whose mandate ended more than RELAY_CONTACT_RETENTION_DAYS ago."""
    from datetime import timedelta

    days = int(current_app.config.get("RELAY_CONTACT_RETENTION_DAYS", 180))
    limit = today - timedelta(days=days)
    ended = sa.func.coalesce(ResidentRelay.ended_on, ResidentRelay.mandate_end_on)
    stmt = sa.select(ResidentRelay).where(
        ResidentRelay.contact_erased_at.is_(None), ended < limit,
        sa.or_(ResidentRelay.status == RelayStatus.ENDED, ResidentRelay.mandate_end_on < limit))
    count = 0
    for relay in db.session.scalars(stmt):
        _erase_contact(relay, now)
        count += 1
    db.session.flush()
    return count
