"""What the API bodies of resident relays name, loaded and checked against the agreement (a 422 naming the field)."""

from __future__ import annotations

from typing import Any

from gup.agreements.models import Agreement
from gup.extensions import db
from gup.relays.services import SCOPE_KINDS
from gup.rest import unprocessable
from gup.territory.models import Territory, TerritoryKind
from gup.territory.queries import descendants, territory_index


def place_or_422(agreement: Agreement, territory_id: int) -> Territory:
    """A residence, building or stairwell under the agreement's neighbourhoods."""
    index = territory_index()
    in_perimeter = {node.id for node, _depth in descendants([t.id for t in agreement.territories], index)
                    if node.kind in SCOPE_KINDS}
    if territory_id not in in_perimeter:
        unprocessable("territory_id", f"Lieu introuvable dans le périmètre de la convention (résidence, bâtiment "
                                      f"ou cage d'escalier) : {territory_id}.")
    return db.session.get(Territory, territory_id)


def relay_fields(payload: dict, agreement: Agreement) -> dict[str, Any]:
    """The keyword arguments of services.create_relay from a RelayIn body: its place, theme and neighbourhood
    must be the agreement's."""
    fields = dict(payload)
    territory_id = fields.pop("territory_id", None)
    fields["territory"] = place_or_422(agreement, territory_id) if territory_id is not None else None
    if fields.get("theme_id") is not None and fields["theme_id"] not in {t.id for t in agreement.themes}:
        unprocessable("theme_id", f"Thématique introuvable dans la convention : {fields['theme_id']}.")
    if fields.get("neighbourhood_id") is not None and fields["neighbourhood_id"] not in {
            t.id for t in agreement.territories if t.kind is TerritoryKind.NEIGHBOURHOOD}:
        unprocessable("neighbourhood_id", f"Quartier introuvable dans la convention : {fields['neighbourhood_id']}.")
    for key in ("designation_method", "age_bracket", "gender"):
        if fields.get(key) is not None:
            fields[key] = fields[key].value
    return fields
