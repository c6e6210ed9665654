"""Use cases of organisations (organismes). Services flush, never commit."""

from __future__ import annotations

import logging
import re
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from gup.audit.services import acting_as
from gup.errors import DomainError
from gup.extensions import db
from gup.organisations import signals
from gup.organisations.models import Organisation, OrganisationKind

logger = logging.getLogger(__name__)

#: codes are short identifiers used in agreement files and URLs: lowercase letters, digits and hyphens
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
CODE_MAX = 60
NAME_MAX = 200
UPDATABLE_FIELDS = frozenset({"name", "kind", "is_active", "code"})


def _actor_id(actor: Any) -> int | None:
    return getattr(actor, "id", None)


def _clean_code(code: Any) -> str:
    code = (code or "").strip() if isinstance(code, str) or code is None else code
    if not isinstance(code, str) or not code:
        raise DomainError(_("Le code est obligatoire."), field="code")
    if len(code) > CODE_MAX or not CODE_RE.match(code):
        raise DomainError(_("Code invalide : lettres minuscules, chiffres et tirets, %(n)d caractères au plus "
                            "(ex. ville-bellerive).", n=CODE_MAX), field="code")
    return code


def _clean_name(name: Any) -> str:
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        raise DomainError(_("Le nom est obligatoire."), field="name")
    if len(name) > NAME_MAX:
        raise DomainError(_("Le nom ne doit pas dépasser %(n)d caractères.", n=NAME_MAX), field="name")
    return name


def _clean_kind(kind: Any) -> OrganisationKind:
    try:
        return OrganisationKind(kind)
    except ValueError:
        raise DomainError(_("Type d'organisme inconnu."), field="kind") from None


def _check_code_free(code: str, organisation_id: int | None) -> None:
    with db.session.no_autoflush:
        clash = db.session.scalar(sa.select(Organisation.id).where(Organisation.code == code,
                                                                   Organisation.id != (organisation_id or 0)))
    if clash is not None:
        raise DomainError(_("Ce code est déjà utilisé par un autre organisme."), field="code")


def organisation_by_code(code: str) -> Organisation | None:
    return db.session.scalar(sa.select(Organisation).where(Organisation.code == code))


def create_organisation(*, code: str, name: str, kind: OrganisationKind, actor: Any) -> Organisation:
    """Create an organisation; its code must be unused."""
    acting_as(db.session, actor)
    code, name, kind = _clean_code(code), _clean_name(name), _clean_kind(kind)
    _check_code_free(code, None)
    org = Organisation(code=code, name=name, kind=kind, is_active=True)
    db.session.add(org)
    db.session.flush()
    logger.info("organisation %s (%s) created by %s", org.id, org.code, _actor_id(actor))
    return org


def update_organisation(org: Organisation, *, actor: Any, **fields: Any) -> Organisation:
    """Edit an organisation (name, kind, is_active, code); only the values that differ are written.

    An organisation that manages residences or buildings must stay a housing provider.
    """
    unknown = set(fields) - UPDATABLE_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    acting_as(db.session, actor)
    values: dict[str, Any] = {}
    if "code" in fields:
        values["code"] = _clean_code(fields["code"])
        if values["code"] != org.code:
            _check_code_free(values["code"], org.id)
    if "name" in fields:
        values["name"] = _clean_name(fields["name"])
    if "kind" in fields:
        values["kind"] = _clean_kind(fields["kind"])
        if org.kind is OrganisationKind.HOUSING_PROVIDER and values["kind"] is not OrganisationKind.HOUSING_PROVIDER:
            _check_no_managed_territory(org)
    if "is_active" in fields:
        values["is_active"] = bool(fields["is_active"])
    changed = [key for key, value in values.items() if getattr(org, key) != value]
    for key in changed:
        setattr(org, key, values[key])
    db.session.flush()
    if changed:
        logger.info("organisation %s updated (%s) by %s", org.id, ", ".join(changed), _actor_id(actor))
    return org


def _check_no_managed_territory(org: Organisation) -> None:
    """Ask the features holding housing-provider links (territory) whether org may stop being one."""
    if org.id is None:
        return
    for _receiver, refusal in signals.leaving_housing_provider.send(org):
        if refusal:
            raise DomainError(refusal, field="kind")
