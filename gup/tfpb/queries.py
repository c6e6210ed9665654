"""Read side of the TFPB abatement: loading, the list (HTML, CSV, API), form choices and the annual review's
figures (the dict shape of the evaluation snapshot's "tfpb" items)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, raiseload, selectinload

from gup import policy
from gup.agreements.models import Agreement, Commitment, FundingSource, Partner, TfpbAxisRef
from gup.csv_file import Number
from gup.extensions import db
from gup.organisations.models import Organisation, OrganisationKind
from gup.pagination import Page, paginate  # noqa: F401  (re-exported for the feature's views)
from gup.territory.models import Territory, TerritoryKind
from gup.tfpb.models import TfpbAbatement, TfpbAction


def _agreement_for_policy():
    return (selectinload(Agreement.coordinators), selectinload(Agreement.partners),
            selectinload(Agreement.signatories), selectinload(Agreement.territories))


def agreement_or_404(agreement_id: int) -> Agreement:
    agreement = db.session.scalar(sa.select(Agreement).where(Agreement.id == agreement_id)
                                  .options(*_agreement_for_policy()))
    if agreement is None:
        abort(404)
    return agreement


def agreement_by_id(agreement_id: int | None) -> Agreement | None:
    if agreement_id is None:
        return None
    return db.session.scalar(sa.select(Agreement).where(Agreement.id == agreement_id)
                             .options(*_agreement_for_policy()))


def organisation_or_404(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        abort(404)
    return organisation


def action_or_404(action_id: int) -> TfpbAction:
    """One TFPB action with what its page and form show."""
    action = db.session.scalar(
        sa.select(TfpbAction).where(TfpbAction.id == action_id)
        .options(joinedload(TfpbAction.agreement).options(*_agreement_for_policy()),
                 joinedload(TfpbAction.provider), joinedload(TfpbAction.neighbourhood), joinedload(TfpbAction.axis),
                 joinedload(TfpbAction.commitment)))
    if action is None:
        abort(404)
    return action


def abatement_or_404(abatement_id: int) -> TfpbAbatement:
    row = db.session.scalar(
        sa.select(TfpbAbatement).where(TfpbAbatement.id == abatement_id)
        .options(joinedload(TfpbAbatement.agreement).options(*_agreement_for_policy()),
                 joinedload(TfpbAbatement.provider), joinedload(TfpbAbatement.neighbourhood)))
    if row is None:
        abort(404)
    return row


# --- the list ------------------------------------------------------------------------------------

LIST_LOADING = (joinedload(TfpbAction.agreement).raiseload("*"), joinedload(TfpbAction.provider).raiseload("*"),
                joinedload(TfpbAction.neighbourhood).raiseload("*"), joinedload(TfpbAction.axis),
                joinedload(TfpbAction.commitment).raiseload("*"), raiseload("*"))


def actions_stmt(user: Any, *, agreement_id: int | None = None, provider_id: int | None = None,
                 year: int | None = None, neighbourhood_id: int | None = None, axis_code: str | None = None,
                 loading: tuple[Any, ...] = LIST_LOADING) -> sa.Select:
    """TFPB actions user may read, filtered, by year (latest first), provider and axis: the HTML list, its CSV
    and the API."""
    stmt = (sa.select(TfpbAction).options(*loading).join(TfpbAction.axis).join(TfpbAction.provider)
            .order_by(TfpbAction.year.desc(), Organisation.name, TfpbAxisRef.number, TfpbAction.id))
    equal = {TfpbAction.agreement_id: agreement_id, TfpbAction.provider_id: provider_id, TfpbAction.year: year,
             TfpbAction.neighbourhood_id: neighbourhood_id, TfpbAction.axis_code: axis_code}
    stmt = stmt.where(*(column == value for column, value in equal.items() if value is not None))
    return policy.visible(user, stmt, TfpbAction)


def abatements_stmt(user: Any, *, agreement_id: int, provider_id: int | None = None,
                    year: int | None = None) -> sa.Select:
    stmt = (sa.select(TfpbAbatement).join(TfpbAbatement.provider).join(TfpbAbatement.neighbourhood)
            .options(joinedload(TfpbAbatement.provider), joinedload(TfpbAbatement.neighbourhood))
            .where(TfpbAbatement.agreement_id == agreement_id)
            .order_by(TfpbAbatement.year.desc(), Organisation.name, Territory.name))
    if provider_id is not None:
        stmt = stmt.where(TfpbAbatement.provider_id == provider_id)
    if year is not None:
        stmt = stmt.where(TfpbAbatement.year == year)
    return policy.visible(user, stmt, TfpbAbatement)


# --- CSV export ----------------------------------------------------------------------------------

CSV_HEADERS = (_l("N°"), _l("Convention"), _l("Bailleur"), _l("Année"), _l("N° d'axe"), _l("Axe TFPB"),
               _l("Quartier (QPV)"), _l("Code QPV"), _l("Intitulé"), _l("Description"), _l("Montant valorisé (€)"),
               _l("Engagement"))


def csv_amount(value: Decimal | None) -> str:
    """1250.5 → « 1250,50 »: comma decimals, no thousands separator, so spreadsheets read a number."""
    return Number(f"{value:.2f}".replace(".", ",")) if value is not None else ""


def csv_rows(actions: list[TfpbAction]) -> list[list[Any]]:
    return [[a.id, a.agreement.reference, a.provider.name, a.year, a.axis.number, a.axis.label, a.neighbourhood.name,
             a.neighbourhood.qpv_code, a.title, a.description, csv_amount(a.valued_amount),
             a.commitment.reference if a.commitment else ""] for a in actions]


# --- form choices --------------------------------------------------------------------------------

def provider_choices(agreement: Agreement, user: Any) -> list[tuple[int, str]]:
    """Housing providers partner of the agreement that user may record TFPB data for."""
    orgs = db.session.scalars(sa.select(Organisation).join(Partner, Partner.organisation_id == Organisation.id)
                              .where(Partner.agreement_id == agreement.id,
                                     Organisation.kind == OrganisationKind.HOUSING_PROVIDER)
                              .order_by(Organisation.name))
    return [(o.id, o.name) for o in orgs if policy.can(user, "record_tfpb", agreement, provider=o)]


def has_housing_provider(agreement: Agreement) -> bool:
    """Whether a housing provider is partner of the agreement (the TFPB concerns it then)."""
    return db.session.scalar(sa.select(Partner.id).join(Organisation, Partner.organisation_id == Organisation.id)
                             .where(Partner.agreement_id == agreement.id,
                                    Organisation.kind == OrganisationKind.HOUSING_PROVIDER).limit(1)) is not None


def qpv_choices(agreement: Agreement) -> list[tuple[int, str]]:
    """The priority neighbourhoods (with a QPV code) of the agreement's perimeter."""
    nodes = [t for t in agreement.territories if t.kind is TerritoryKind.NEIGHBOURHOOD and t.is_qpv]
    return [(t.id, f"{t.name} ({t.qpv_code})") for t in sorted(nodes, key=lambda t: t.name)]


def axis_choices_for_year(year: int | None, keep: str | None = None) -> list[tuple[str, str]]:
    """Axes in force during `year` (any day of it), plus the record's current one."""
    from datetime import date

    stmt = sa.select(TfpbAxisRef).order_by(TfpbAxisRef.number, TfpbAxisRef.code)
    if year is not None:
        stmt = stmt.where(TfpbAxisRef.valid_from <= date(year, 12, 31),
                          sa.or_(TfpbAxisRef.valid_to.is_(None), TfpbAxisRef.valid_to >= date(year, 1, 1)))
    else:
        stmt = stmt.where(TfpbAxisRef.valid_to.is_(None))
    axes = list(db.session.scalars(stmt))
    choices = [(a.code, str(a)) for a in axes]
    if keep and keep not in {a.code for a in axes}:
        current = db.session.get(TfpbAxisRef, keep)
        if current is not None:
            choices.append((current.code, str(current)))
    return choices


def action_form_choices(agreement: Agreement, user: Any, action: TfpbAction | None, *, year: int,
                        provider_id: Any) -> dict[str, list[tuple[Any, str]]]:
    """The choices of a TFPB action form: providers the user records for (and the action's own), the agreement's
    QPVs, the axes in force during `year` (and the action's own), the TFPB commitments of the provider."""
    providers = provider_choices(agreement, user)
    if action is not None and action.provider_id not in {pid for pid, _n in providers}:
        providers.append((action.provider_id, action.provider.name))
    if len(providers) == 1:
        provider_id = providers[0][0]
    return {"provider_id": providers, "neighbourhood_id": qpv_choices(agreement),
            "axis_code": axis_choices_for_year(year, action.axis_code if action else None),
            "commitment_id": commitment_choices(agreement, provider_id if isinstance(provider_id, int) else None)}


def all_axis_choices() -> list[tuple[str, str]]:
    return [(a.code, str(a)) for a in db.session.scalars(sa.select(TfpbAxisRef).order_by(TfpbAxisRef.number))]


def commitment_choices(agreement: Agreement, provider_id: int | None) -> list[tuple[int, str]]:
    """TFPB-funded commitments of the agreement (of the provider, when chosen)."""
    stmt = (sa.select(Commitment).join(Commitment.partner)
            .where(Commitment.agreement_id == agreement.id, Commitment.funding_source == FundingSource.TFPB)
            .order_by(Commitment.reference))
    if provider_id is not None:
        stmt = stmt.where(Partner.organisation_id == provider_id)
    return [(c.id, f"{c.reference} — {c.title}") for c in db.session.scalars(stmt)]


def years_with_data(agreement: Agreement, provider_id: int | None = None) -> list[int]:
    """Years with TFPB actions or abatements in an agreement, latest first."""
    years: set[int] = set()
    for model in (TfpbAction, TfpbAbatement):
        stmt = sa.select(model.year).where(model.agreement_id == agreement.id).distinct()
        if provider_id is not None:
            stmt = stmt.where(model.provider_id == provider_id)
        years.update(db.session.scalars(stmt))
    return sorted(years, reverse=True)


def providers_with_data(agreement: Agreement, years: list[int]) -> list[Organisation]:
    """Providers with TFPB actions or abatements in an agreement during these years, by name."""
    ids: set[int] = set()
    for model in (TfpbAction, TfpbAbatement):
        ids.update(db.session.scalars(sa.select(model.provider_id).where(model.agreement_id == agreement.id,
                                                                         model.year.in_(years)).distinct()))
    if not ids:
        return []
    return list(db.session.scalars(sa.select(Organisation).where(Organisation.id.in_(ids))
                                   .order_by(Organisation.name, Organisation.id)))


# --- the annual review ---------------------------------------------------------------------------

def _f(value: Decimal | int | None) -> float | None:
    return None if value is None else float(value)


def _ratio(numerator: Decimal, denominator: Decimal | int | None, places: int) -> float | None:
    if not denominator:
        return None
    return round(float(Decimal(numerator) / Decimal(denominator)), places)


def review(agreement: Agreement, provider: Organisation, year: int) -> dict[str, Any]:
    """A provider's TFPB review for a year (GUIDE §3.3), in the evaluation snapshot's "tfpb" item shape:
    totals by axis and by QPV, abatement received, coverage ratio (valued ÷ abatement) and valued amount per
    dwelling of the QPVs."""
    actions = list(db.session.scalars(
        sa.select(TfpbAction).join(TfpbAction.axis).join(TfpbAction.neighbourhood)
        .where(TfpbAction.agreement_id == agreement.id, TfpbAction.provider_id == provider.id,
               TfpbAction.year == year)
        .options(joinedload(TfpbAction.axis), joinedload(TfpbAction.neighbourhood))
        .order_by(TfpbAxisRef.number, Territory.name, TfpbAction.title, TfpbAction.id)))
    abatements = list(db.session.scalars(
        sa.select(TfpbAbatement).join(TfpbAbatement.neighbourhood)
        .where(TfpbAbatement.agreement_id == agreement.id, TfpbAbatement.provider_id == provider.id,
               TfpbAbatement.year == year)
        .options(joinedload(TfpbAbatement.neighbourhood)).order_by(Territory.name)))
    valued = sum((a.valued_amount for a in actions), Decimal(0))
    abatement = sum((a.abatement_amount for a in abatements), Decimal(0))
    dwellings = sum(a.dwellings or 0 for a in abatements) if any(a.dwellings for a in abatements) else None

    by_axis: dict[str, dict[str, Any]] = {}
    for a in actions:
        row = by_axis.setdefault(a.axis_code, {"code": a.axis_code, "label": a.axis.label, "amount": Decimal(0)})
        row["amount"] += a.valued_amount
    places: dict[int, dict[str, Any]] = {}
    for t in sorted({a.neighbourhood for a in actions} | {a.neighbourhood for a in abatements},
                    key=lambda t: (t.name, t.id)):
        places[t.id] = {"name": t.name, "qpv_code": t.qpv_code, "amount": Decimal(0), "abatement_amount": None}
    for a in actions:
        places[a.neighbourhood_id]["amount"] += a.valued_amount
    for a in abatements:
        places[a.neighbourhood_id]["abatement_amount"] = a.abatement_amount
    return {
        "organisation": provider.name, "year": year, "dwellings": dwellings,
        "abatement_amount": _f(abatement) if abatements else None, "valued_amount": _f(valued),
        "coverage_ratio": _ratio(valued, abatement, 2) if abatements else None,
        "per_dwelling": _ratio(valued, dwellings, 2),
        "by_axis": [{**row, "amount": _f(row["amount"])} for row in by_axis.values()],
        "by_neighbourhood": [{**row, "amount": _f(row["amount"]), "abatement_amount": _f(row["abatement_amount"])}
                             for row in places.values()],
        "actions": [{"axis_label": a.axis.label, "neighbourhood": a.neighbourhood.name, "title": a.title,
                     "amount": _f(a.valued_amount)} for a in actions],
    }


def reviews(agreement: Agreement, year: int, provider: Organisation | None = None) -> list[dict[str, Any]]:
    """The reviews of a year: one provider's, or every provider's with data that year."""
    providers = [provider] if provider is not None else providers_with_data(agreement, [year])
    return [review(agreement, p, year) for p in providers]


def review_data(agreement: Agreement, period_start: Any, period_end: Any) -> list[dict[str, Any]]:
    """What evaluations freeze under "tfpb": one review per provider and year overlapping the period (providers
    with data in those years), by year then provider. Offered as registry service "tfpb.review_data"."""
    years = list(range(period_start.year, period_end.year + 1))
    out: list[dict[str, Any]] = []
    for year in years:
        out.extend(reviews(agreement, year))
    return out


# --- totals for the indicators -------------------------------------------------------------------

def period_rows(agreement: Agreement, years: list[int]) -> tuple[list[TfpbAction], list[TfpbAbatement]]:
    """The agreement's TFPB actions and abatements of these years, with what the indicators show."""
    actions = list(db.session.scalars(
        sa.select(TfpbAction).join(TfpbAction.axis).join(TfpbAction.provider)
        .where(TfpbAction.agreement_id == agreement.id, TfpbAction.year.in_(years))
        .options(joinedload(TfpbAction.axis), joinedload(TfpbAction.neighbourhood), joinedload(TfpbAction.provider))
        .order_by(TfpbAction.year, Organisation.name, TfpbAxisRef.number, TfpbAction.id)))
    abatements = list(db.session.scalars(
        sa.select(TfpbAbatement).where(TfpbAbatement.agreement_id == agreement.id, TfpbAbatement.year.in_(years))
        .options(joinedload(TfpbAbatement.neighbourhood), joinedload(TfpbAbatement.provider))))
    return actions, abatements


def group_sum(rows: list[Any], key: Any, value: Any) -> dict[Any, Decimal]:
    totals: dict[Any, Decimal] = defaultdict(Decimal)
    for row in rows:
        totals[key(row)] += Decimal(value(row) or 0)
    return totals


def housing_provider_choices() -> list[tuple[int, str]]:
    """Every housing provider, for the list filter."""
    return [(o.id, o.name) for o in db.session.scalars(
        sa.select(Organisation).where(Organisation.kind == OrganisationKind.HOUSING_PROVIDER)
        .order_by(Organisation.name))]


def review_links(agreement: Agreement, user: Any) -> list[tuple[Organisation, int]]:
    """(provider, year) of the reviews with data in an agreement that user may read, latest year first."""
    pairs: set[tuple[int, int]] = set()
    for model in (TfpbAction, TfpbAbatement):
        pairs.update((row[0], row[1]) for row in db.session.execute(
            sa.select(model.provider_id, model.year).where(model.agreement_id == agreement.id).distinct()))
    if not pairs:
        return []
    orgs = {o.id: o for o in db.session.scalars(sa.select(Organisation)
                                                .where(Organisation.id.in_({p for p, _y in pairs})))}
    out = [(orgs[p], y) for p, y in pairs if policy.can(user, "view_tfpb_review", agreement, provider=orgs[p])]
    return sorted(out, key=lambda pair: (-pair[1], pair[0].name))
