"""Use cases of the territory tree (neighbourhood → residence → building → stairwell). Services flush, never commit."""

from __future__ import annotations

import logging
import re
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from gup.audit.services import acting_as
from gup.errors import DomainError
from gup.extensions import db
from gup.organisations import signals as org_signals
from gup.organisations.models import Organisation, OrganisationKind
from gup.territory.models import PARENT_KIND, Territory, TerritoryKind

logger = logging.getLogger(__name__)

#: same rule as organisation codes: lowercase letters, digits and hyphens
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
CODE_MAX = 80
NAME_MAX = 200
QPV_MAX = 20
ADDRESS_MAX = 255
UPDATABLE_FIELDS = frozenset({"kind", "code", "name", "parent", "qpv_code", "address", "housing_provider"})


def _actor_id(actor: Any) -> int | None:
    return getattr(actor, "id", None)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    """Normalise and check the fields given, one at a time (no rule between fields here)."""
    values: dict[str, Any] = {}
    if "kind" in fields:
        try:
            values["kind"] = TerritoryKind(fields["kind"])
        except ValueError:
            raise DomainError(_("Niveau de lieu inconnu."), field="kind") from None
    if "code" in fields:
        code = _text(fields["code"])
        if not code:
            raise DomainError(_("Le code est obligatoire."), field="code")
        if len(code) > CODE_MAX or not CODE_RE.match(code):
            raise DomainError(_("Code invalide : lettres minuscules, chiffres et tirets, %(n)d caractères au plus.",
                                n=CODE_MAX), field="code")
        values["code"] = code
    if "name" in fields:
        name = _text(fields["name"])
        if not name:
            raise DomainError(_("Le nom est obligatoire."), field="name")
        if len(name) > NAME_MAX:
            raise DomainError(_("Le nom ne doit pas dépasser %(n)d caractères.", n=NAME_MAX), field="name")
        values["name"] = name
    if "qpv_code" in fields:
        qpv_code = _text(fields["qpv_code"])
        if qpv_code and len(qpv_code) > QPV_MAX:
            raise DomainError(_("Le code QPV ne doit pas dépasser %(n)d caractères.", n=QPV_MAX), field="qpv_code")
        values["qpv_code"] = qpv_code
    if "address" in fields:
        address = _text(fields["address"])
        if address and len(address) > ADDRESS_MAX:
            raise DomainError(_("L'adresse ne doit pas dépasser %(n)d caractères.", n=ADDRESS_MAX), field="address")
        values["address"] = address
    if "parent" in fields:
        values["parent"] = fields["parent"]
    if "housing_provider" in fields:
        values["housing_provider"] = fields["housing_provider"]
    return values


def _check(node: Territory | None, *, kind: TerritoryKind, code: str, parent: Territory | None,
           qpv_code: str | None, housing_provider: Organisation | None) -> None:
    """Rules of the tree, checked on the values a node would get (before they are set): parent level, QPV code,
    housing provider, unique code, children's level."""
    expected = PARENT_KIND[kind]
    if expected is None:
        if parent is not None:
            raise DomainError(_("Un quartier n'est rattaché à aucun autre lieu."), field="parent")
    elif parent is None or parent.kind is not expected:
        raise DomainError(_("Un lieu de niveau « %(kind)s » doit être rattaché à un lieu de niveau « %(parent)s ».",
                            kind=kind.label, parent=expected.label), field="parent")
    if qpv_code and kind is not TerritoryKind.NEIGHBOURHOOD:
        raise DomainError(_("Seul un quartier peut avoir un code QPV."), field="qpv_code")
    if housing_provider is not None and housing_provider.kind is not OrganisationKind.HOUSING_PROVIDER:
        raise DomainError(_("« %(name)s » n'est pas un bailleur social.", name=housing_provider.name),
                          field="housing_provider")
    node_id = node.id if node is not None else None
    with db.session.no_autoflush:
        clash = db.session.scalar(sa.select(Territory.id).where(Territory.code == code,
                                                                Territory.id != (node_id or 0)))
        wrong_children = [child for child in node.children if PARENT_KIND[child.kind] is not kind] \
            if node_id is not None else []
    if clash is not None:
        raise DomainError(_("Ce code est déjà utilisé par un autre lieu."), field="code")
    if wrong_children:
        raise DomainError(_("Ce lieu contient des lieux de niveau « %(kind)s » : changez d'abord leur rattachement.",
                            kind=wrong_children[0].kind.label), field="kind")


def _differs(current: Any, value: Any) -> bool:
    if isinstance(current, Territory | Organisation) or isinstance(value, Territory | Organisation):
        return current is not value
    return current != value


def territory_by_code(code: str) -> Territory | None:
    return db.session.scalar(sa.select(Territory).where(Territory.code == code))


def create_territory(*, kind: TerritoryKind, code: str, name: str, parent: Territory | None = None,
                     qpv_code: str | None = None, address: str | None = None,
                     housing_provider: Organisation | None = None, actor: Any) -> Territory:
    """Add a node to the tree, under a parent of the level just above (neighbourhoods have none)."""
    acting_as(db.session, actor)
    values = _clean({"kind": kind, "code": code, "name": name, "parent": parent, "qpv_code": qpv_code,
                     "address": address, "housing_provider": housing_provider})
    _check(None, kind=values["kind"], code=values["code"], parent=values["parent"], qpv_code=values["qpv_code"],
           housing_provider=values["housing_provider"])
    node = Territory(kind=values["kind"], code=values["code"], name=values["name"], qpv_code=values["qpv_code"],
                     address=values["address"], parent=values["parent"], housing_provider=values["housing_provider"])
    db.session.add(node)
    db.session.flush()
    logger.info("territory %s (%s %s) created by %s", node.id, node.kind.value, node.code, _actor_id(actor))
    return node


def update_territory(node: Territory, *, actor: Any, **fields: Any) -> Territory:
    """Edit a node (kind, code, name, parent, qpv_code, address, housing_provider); only differences are written."""
    unknown = set(fields) - UPDATABLE_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    acting_as(db.session, actor)
    values = _clean(fields)
    if "parent" in values and values["parent"] is node:
        raise DomainError(_("Un lieu ne peut pas être rattaché à lui-même."), field="parent")
    state = {key: values.get(key, getattr(node, key)) for key in ("kind", "code", "parent", "qpv_code",
                                                                   "housing_provider")}
    _check(node, **state)
    changed = [key for key, value in values.items() if _differs(getattr(node, key), value)]
    for key in changed:
        setattr(node, key, values[key])
    db.session.flush()
    if changed:
        logger.info("territory %s updated (%s) by %s", node.id, ", ".join(changed), _actor_id(actor))
    return node


@org_signals.leaving_housing_provider.connect
def _keeps_managed_places(org: Any) -> str | None:
    """An organisation that manages places must stay a housing provider."""
    with db.session.no_autoflush:
        managed = db.session.scalar(sa.select(sa.func.count()).select_from(Territory)
                                    .where(Territory.housing_provider_id == org.id))
    if managed:
        return _("Cet organisme est le bailleur de %(n)d lieu(x) : il doit rester un bailleur social.", n=managed)
    return None
