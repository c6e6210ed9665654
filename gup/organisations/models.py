"""Organisations: the town, the EPCI, housing providers, State services, associations."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from gup.extensions import db
from gup.orm import Audited, LabelledEnum, TimestampMixin, enum_column


class OrganisationKind(LabelledEnum):
    """Kind of organisation (Organisme)."""

    MUNICIPALITY = "municipality"
    EPCI = "epci"
    HOUSING_PROVIDER = "housing_provider"
    STATE = "state"
    ASSOCIATION = "association"
    OTHER = "other"

    @classmethod
    def labels(cls):
        return {
            "municipality": _l("Commune"),
            "epci": _l("Intercommunalité (EPCI)"),
            "housing_provider": _l("Bailleur social"),
            "state": _l("Services de l'État"),
            "association": _l("Association"),
            "other": _l("Autre"),
        }


class Organisation(Audited, TimestampMixin, db.Model):
    """Organisme: a body that signs agreements, owns land or makes commitments."""

    __tablename__ = "organisations"
    __audit_label__ = _l("de l'organisme")
    #: the history's French name of each audited field
    __audit_fields__ = {
        "code": _l("Code"),
        "name": _l("Nom"),
        "kind": _l("Type"),
        "is_active": _l("Actif"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[OrganisationKind] = enum_column(OrganisationKind)
    is_active: Mapped[bool] = mapped_column(default=True)

    def __str__(self) -> str:
        return self.name
