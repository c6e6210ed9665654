"""The ORM layer shared by every feature: declarative base with its naming convention, column types (UTC
datetimes, enumerations), mixins, the Audited marker, now_utc(), raise_others() and page_select()."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, raiseload
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "pk": "pk_%(table_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a naming convention so batch migrations can drop constraints."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def now_utc() -> datetime:
    """Current time, UTC-aware."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware datetime stored in UTC, returned UTC-aware on every database."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class LabelledEnum(enum.StrEnum):
    """A StrEnum whose members carry a translatable French label (see `labels()`)."""

    @classmethod
    def labels(cls) -> dict[str, Any]:
        """Map each value to its label; subclasses override."""
        return {m.value: m.value for m in cls}

    @property
    def label(self) -> Any:
        return self.labels()[self.value]

    @classmethod
    def choices(cls) -> list[tuple[str, Any]]:
        """(value, label) pairs for select fields."""
        return [(m.value, m.label) for m in cls]


def enum_column(enum_cls: type[enum.StrEnum], **kwargs: Any) -> Mapped[Any]:
    """A portable VARCHAR column storing an enum member's value."""
    length = max(len(m.value) for m in enum_cls) + 8
    return mapped_column(
        sa.Enum(enum_cls, native_enum=False, create_constraint=False, length=length,
                values_callable=lambda e: [m.value for m in e], validate_strings=True),
        **kwargs,
    )


class TimestampMixin:
    """created_at / updated_at columns, set by the ORM."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc, onupdate=now_utc)


class Audited:
    """Marker: create, update and delete of this model are written to the audit log."""

    __audit_exclude__: frozenset[str] = frozenset({"created_at", "updated_at"})

def raise_others(model: Any, *loaded: Any) -> list[Any]:
    """raiseload() on every relationship of model except the loaded ones: a forgotten one fails a test.

    (A raiseload("*") wildcard would also reach the joined rows' relationships, and since tests share the
    session with the requests, it would break the test's own objects.)"""
    keep = {attr.key for attr in loaded}
    return [raiseload(getattr(model, rel.key)) for rel in sa.inspect(model).relationships if rel.key not in keep]


#: longest text a list's search box (« q ») reads
SEARCH_MAX = 100


def text_search(q: str | None, *columns: Any, id_column: Any = None) -> sa.ColumnElement[bool] | None:
    """A list's text search: any of `columns` contains `q` (case-insensitive, LIKE wildcards taken literally,
    at most SEARCH_MAX characters), or `id_column` equals it when it is a number. None when q is empty."""
    text = (q or "").strip()[:SEARCH_MAX]
    if not text:
        return None
    pattern = "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    clauses = [sa.func.lower(c).like(pattern, escape="\\") for c in columns]
    if id_column is not None and text.isdigit() and len(text) < 10:
        clauses.append(id_column == int(text))
    return sa.or_(*clauses)


def page_select(stmt: sa.Select, *, limit: int, offset: int, dialect: str | None = None) -> sa.Select:
    """stmt's rows limit..offset. For an ordered select of one mapped entity, the ordering and the LIMIT run on
    the primary keys alone (a narrow sort, none of the eagerly joined columns) and the full rows of that page are
    read by key in the same statement, ordered the same way: the same rows, in the same order, in one query.
    On PostgreSQL (`dialect`) the page's keys are an array computed once: with `IN (subquery)` its planner joins
    the eagerly loaded tables to every row of the table before keeping the page's (a hash semi-join)."""
    entity = _single_entity(stmt)
    if entity is None:
        return stmt.limit(limit).offset(offset)
    key = sa.inspect(entity).primary_key[0]
    page_keys = stmt.with_only_columns(key).limit(limit).offset(offset).correlate(None).scalar_subquery()
    if dialect == "postgresql":
        return stmt.where(key == sa.any_(sa.func.array(page_keys)))
    return stmt.where(key.in_(page_keys))


def _single_entity(stmt: sa.Select) -> type | None:
    """The mapped class stmt selects, when it selects one entity and nothing else, ordered, without grouping,
    DISTINCT or a LIMIT of its own, with a one-column primary key (the statements the narrow page applies to); None
    otherwise."""
    if (not stmt._order_by_clauses or stmt._group_by_clauses or stmt._distinct or stmt._limit_clause is not None
            or stmt._offset_clause is not None):
        return None
    described = stmt.column_descriptions
    if len(described) != 1 or described[0].get("entity") is None or described[0].get("expr") is not described[0][
            "entity"]:
        return None
    entity = described[0]["entity"]
    return entity if len(sa.inspect(entity).primary_key) == 1 else None
