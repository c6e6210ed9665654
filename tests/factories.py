"""Small factories: build a valid object with unique values, add, flush and return it."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from gup.agreements.models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    Commitment,
    CommitmentStatus,
    FundingSource,
    Partner,
    Signatory,
    SignatoryRole,
    Theme,
)
from gup.auth.models import ApiToken, Role, User, hash_token
from gup.auth.services import hash_password
from gup.extensions import db
from gup.organisations.models import Organisation, OrganisationKind
from gup.orm import now_utc
from gup.territory.models import Territory, TerritoryKind

_seq = itertools.count(1)
PASSWORD = "correct-horse-battery"


def make_organisation(**kw: Any) -> Organisation:
    n = next(_seq)
    org = Organisation(code=kw.pop("code", f"org-{n}"), name=kw.pop("name", f"Organisme {n}"),
                       kind=kw.pop("kind", OrganisationKind.HOUSING_PROVIDER), **kw)
    db.session.add(org)
    db.session.flush()
    return org


def make_user(role: Role = Role.COORDINATOR, organisation: Organisation | None = None, **kw: Any) -> User:
    n = next(_seq)
    if role is Role.PARTNER_REFERENT and organisation is None:
        organisation = make_organisation()
    user = User(email=kw.pop("email", f"user{n}@example.org"), full_name=kw.pop("full_name", f"Personne {n}"),
                role=role, organisation=organisation, password_hash=hash_password(kw.pop("password", PASSWORD)),
                **kw)
    db.session.add(user)
    db.session.flush()
    return user


def make_token(user: User, raw: str | None = None) -> str:
    raw = raw or f"gup_test_token_{next(_seq)}"
    db.session.add(ApiToken(user=user, name="test", token_hash=hash_token(raw), prefix=raw[:10]))
    db.session.flush()
    return raw


def theme(code: str = "cleanliness") -> Theme:
    return db.session.scalar(sa.select(Theme).where(Theme.code == code))


def make_territory(kind: TerritoryKind = TerritoryKind.NEIGHBOURHOOD, parent: Territory | None = None,
                   **kw: Any) -> Territory:
    n = next(_seq)
    node = Territory(code=kw.pop("code", f"t-{n}"), name=kw.pop("name", f"Quartier {n}"), kind=kind, parent=parent,
                     **kw)
    db.session.add(node)
    db.session.flush()
    return node


def make_agreement(*, coordinators: list[User] | None = None, organisations: list[Organisation] | None = None,
                   **kw: Any) -> Agreement:
    """An agreement in force with the given organisations as partners."""
    n = next(_seq)
    agreement = Agreement(reference=kw.pop("reference", f"GUP-TEST-{n}"), title=kw.pop("title", f"Convention {n}"),
                          kind=kw.pop("kind", AgreementKind.FRAMEWORK),
                          status=kw.pop("status", AgreementStatus.IN_FORCE),
                          start_on=kw.pop("start_on", date(2025, 1, 1)), end_on=kw.pop("end_on", date(2030, 12, 31)),
                          **kw)
    agreement.coordinators = list(coordinators or [])
    db.session.add(agreement)
    for org in organisations or []:
        db.session.add(Partner(agreement=agreement, organisation=org))
    db.session.flush()
    return agreement


def make_signatory(agreement: Agreement, organisation: Organisation, signed_on: date | None = date(2025, 1, 15),
                   role: SignatoryRole = SignatoryRole.OTHER) -> Signatory:
    sig = Signatory(agreement=agreement, organisation=organisation, role=role, signer_name="Camille Martin",
                    signer_title="Directrice", signed_on=signed_on)
    db.session.add(sig)
    db.session.flush()
    return sig


def partner_of(agreement: Agreement, organisation: Organisation) -> Partner:
    partner = next((p for p in agreement.partners if p.organisation_id == organisation.id), None)
    if partner is None:
        partner = Partner(agreement=agreement, organisation=organisation)
        db.session.add(partner)
        db.session.flush()
    return partner


def make_commitment(agreement: Agreement, organisation: Organisation, **kw: Any) -> Commitment:
    n = next(_seq)
    commitment = Commitment(agreement=agreement, partner=partner_of(agreement, organisation),
                            theme=kw.pop("theme", None) or theme(), reference=kw.pop("reference", f"ENG-{n:03d}"),
                            title=kw.pop("title", f"Engagement {n}"),
                            funding_source=kw.pop("funding_source", FundingSource.MAINSTREAM),
                            status=kw.pop("status", CommitmentStatus.AGREED), progress=kw.pop("progress", 0),
                            planned_operating_amount=kw.pop("planned_operating_amount", Decimal("1000.00")), **kw)
    db.session.add(commitment)
    db.session.flush()
    return commitment


def world() -> dict[str, Any]:
    """One agreement, two housing providers with a referent each, a coordinator, an observer and an admin."""
    town = make_organisation(kind=OrganisationKind.MUNICIPALITY, name="Ville de Test")
    hp1 = make_organisation(name="Bailleur Un")
    hp2 = make_organisation(name="Bailleur Deux")
    outsider = make_organisation(name="Bailleur Hors convention")
    coordinator = make_user(Role.COORDINATOR, organisation=town)
    agreement = make_agreement(coordinators=[coordinator], organisations=[town, hp1, hp2])
    return {
        "town": town, "hp1": hp1, "hp2": hp2, "outsider_org": outsider, "agreement": agreement,
        "coordinator": coordinator,
        "other_coordinator": make_user(Role.COORDINATOR, organisation=town),
        "referent1": make_user(Role.PARTNER_REFERENT, organisation=hp1),
        "referent2": make_user(Role.PARTNER_REFERENT, organisation=hp2),
        "outsider": make_user(Role.PARTNER_REFERENT, organisation=outsider),
        "observer": make_user(Role.OBSERVER),
        "admin": make_user(Role.ADMIN),
        #: a resident relay's account (its mandate is made where a test needs one: tests.route_expectations.relays)
        "relay": make_user(Role.RELAY),
        "c1": make_commitment(agreement, hp1, due_on=date(2026, 6, 30)),
        "c2": make_commitment(agreement, hp2, due_on=date(2027, 6, 30)),
        "now": now_utc(),
    }


# --- walks, findings, actions, photos ------------------------------------------------------------

def make_walk(agreement: Agreement, neighbourhood: Territory | None = None, **kw: Any):
    """A walk of a neighbourhood of the agreement (added to its perimeter when needed), with two stops."""
    from gup.walks.models import RouteStop, WalkKind, WalkStatus, Walkthrough

    n = next(_seq)
    neighbourhood = neighbourhood or make_territory(TerritoryKind.NEIGHBOURHOOD)
    if neighbourhood not in agreement.territories:
        agreement.territories.append(neighbourhood)
    walk = Walkthrough(agreement=agreement, neighbourhood=neighbourhood, title=kw.pop("title", f"Diagnostic {n}"),
                       walked_on=kw.pop("walked_on", date(2026, 10, 6)), kind=kw.pop("kind", WalkKind.DAY),
                       status=kw.pop("status", WalkStatus.DONE), residents_count=kw.pop("residents_count", 12), **kw)
    walk.stops = [RouteStop(position=1, name="Entrée de la résidence", latitude=47.2101, longitude=-1.5502),
                  RouteStop(position=2, name="Aire de jeux", latitude=47.2109, longitude=-1.5490)]
    db.session.add(walk)
    db.session.flush()
    return walk


def make_finding(agreement: Agreement, organisation: Organisation | None = None, **kw: Any):
    """A finding sent to `organisation` (status sent), due in six months unless told otherwise."""
    from gup.findings.models import Finding, FindingKind, FindingStatus, LandOwnership, Priority

    n = next(_seq)
    finding = Finding(agreement=agreement, description=kw.pop("description", f"Constat {n} : dépôt sauvage"),
                      theme=kw.pop("theme", None) or theme(), kind=kw.pop("kind", FindingKind.ISSUE),
                      land_ownership=kw.pop("land_ownership", LandOwnership.HOUSING_PROVIDER),
                      priority=kw.pop("priority", Priority.THIS_YEAR), responsible_organisation=organisation,
                      status=kw.pop("status", FindingStatus.SENT if organisation else FindingStatus.NEW),
                      due_on=kw.pop("due_on", date(2027, 4, 30)), **kw)
    db.session.add(finding)
    db.session.flush()
    return finding


def make_action(agreement: Agreement, organisation: Organisation, **kw: Any):
    """A planned action of `organisation`."""
    from gup.actions.models import Action, ActionStatus

    n = next(_seq)
    action = Action(agreement=agreement, responsible_organisation=organisation, title=kw.pop("title", f"Action {n}"),
                    status=kw.pop("status", ActionStatus.PLANNED), progress=kw.pop("progress", 0),
                    due_on=kw.pop("due_on", date(2027, 3, 31)), **kw)
    db.session.add(action)
    db.session.flush()
    return action


def jpeg_bytes(width: int = 64, height: int = 48, *, gps: bool = False, color: str = "orange") -> bytes:
    """A small JPEG, optionally carrying GPS coordinates in its EXIF block."""
    import io

    from PIL import Image

    image = Image.new("RGB", (width, height), color)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    if gps:
        exif[0x8825] = {1: "N", 2: (47.0, 12.0, 30.0), 3: "W", 4: (1.0, 33.0, 10.0)}  # GPSInfo IFD
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


# --- hotline -------------------------------------------------------------------------------------

def make_category(**kw: Any):
    """A published report category (theme cleanliness by default)."""
    from gup.hotline.models import ReportCategory

    n = next(_seq)
    category = ReportCategory(code=kw.pop("code", f"cat-{n}"), label=kw.pop("label", f"Catégorie {n}"),
                              theme=kw.pop("theme", None) or theme(), first_answer_days=kw.pop("first_answer_days", 2),
                              resolution_days=kw.pop("resolution_days", 30), is_published=kw.pop("is_published", True),
                              attributes=kw.pop("attributes", []), **kw)
    db.session.add(category)
    db.session.flush()
    return category


def make_report(category: Any = None, *, now: Any = None, **kw: Any):
    """A resident report received through the web form, through the service (reference, first update)."""
    from gup.hotline.models import Channel
    from gup.hotline.services import submit_report

    kw.setdefault("address", "2 rue des Acacias")
    return submit_report(channel=kw.pop("channel", Channel.WEB), category=category or make_category(),
                         description=kw.pop("description", "Encombrants devant l'entrée"), actor=kw.pop("actor", None),
                         now=now or now_utc(), **kw)
