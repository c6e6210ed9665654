"""Sample TFPB data for the tests: QPVs in an agreement, actions and abatements of its housing providers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from gup.territory.models import TerritoryKind
from gup.tfpb import services


def qpv(f: Any, agreement: Any, name: str, code: str) -> Any:
    """A priority neighbourhood (QPV code) of the agreement's perimeter."""
    place = f.make_territory(TerritoryKind.NEIGHBOURHOOD, name=name, qpv_code=code)
    agreement.territories.append(place)
    return place


def action(agreement: Any, provider: Any, place: Any, *, year: int = 2025, axis: str = "enhanced_maintenance",
           amount: str = "1000.00", title: str | None = None, **kw: Any) -> Any:
    return services.create_action(agreement, actor=None, provider=provider, neighbourhood=place, year=year,
                                  axis_code=axis, title=title or f"Action {axis} {amount}",
                                  valued_amount=Decimal(amount), **kw)


def abatement(agreement: Any, provider: Any, place: Any, *, year: int = 2025, amount: str = "10000.00",
              dwellings: int | None = 100) -> Any:
    return services.record_abatement(agreement, provider=provider, neighbourhood=place, year=year,
                                     abatement_amount=Decimal(amount), dwellings=dwellings, actor=None)
