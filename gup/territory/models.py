"""Territory tree: neighbourhood (QPV or not) → residence → building → stairwell."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gup.extensions import db
from gup.organisations.models import Organisation
from gup.orm import Audited, LabelledEnum, TimestampMixin, enum_column


class TerritoryKind(LabelledEnum):
    """Level of a territory node."""

    NEIGHBOURHOOD = "neighbourhood"
    RESIDENCE = "residence"
    BUILDING = "building"
    STAIRWELL = "stairwell"

    @classmethod
    def labels(cls):
        return {
            "neighbourhood": _l("Quartier"),
            "residence": _l("Résidence"),
            "building": _l("Bâtiment"),
            "stairwell": _l("Cage d'escalier"),
        }


#: which kind of node may sit under which
PARENT_KIND: dict[TerritoryKind, TerritoryKind | None] = {
    TerritoryKind.NEIGHBOURHOOD: None,
    TerritoryKind.RESIDENCE: TerritoryKind.NEIGHBOURHOOD,
    TerritoryKind.BUILDING: TerritoryKind.RESIDENCE,
    TerritoryKind.STAIRWELL: TerritoryKind.BUILDING,
}


class Territory(Audited, TimestampMixin, db.Model):
    """Territoire: one node of the neighbourhood tree, where findings and reports are attached."""

    __tablename__ = "territories"
    __audit_label__ = _l("du lieu")
    #: the history's French name of each audited field
    __audit_fields__ = {
        "code": _l("Code"),
        "kind": _l("Type"),
        "name": _l("Nom"),
        "parent_id": _l("Rattaché à"),
        "qpv_code": _l("Code QPV"),
        "address": _l("Adresse"),
        "housing_provider_id": _l("Bailleur"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(80), unique=True)
    kind: Mapped[TerritoryKind] = enum_column(TerritoryKind, index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("territories.id"), index=True)
    qpv_code: Mapped[str | None] = mapped_column(sa.String(20))
    address: Mapped[str | None] = mapped_column(sa.String(255))
    housing_provider_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)

    parent: Mapped[Territory | None] = relationship(remote_side="Territory.id", back_populates="children")
    children: Mapped[list[Territory]] = relationship(back_populates="parent", order_by="Territory.name")
    housing_provider: Mapped[Organisation | None] = relationship()

    @property
    def is_qpv(self) -> bool:
        """A neighbourhood is a priority area when it has an official QPV code."""
        return bool(self.qpv_code)

    def __str__(self) -> str:
        return self.name
