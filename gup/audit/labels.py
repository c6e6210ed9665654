"""How the history names records, fields and values: read from the audited models themselves.

Each audited model (`gup.orm.Audited`) declares `__audit_label__` (« du constat ») and `__audit_fields__`
(field → French label); enumerations show their French label, booleans « oui » / « non ».
"""

from __future__ import annotations

import enum
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from gup.extensions import db
from gup.orm import Audited, LabelledEnum


@cache
def audited_models() -> dict[str, type]:
    """Every audited model, by the class name the audit log stores."""
    return {m.class_.__name__: m.class_ for m in db.Model.registry.mappers if issubclass(m.class_, Audited)}


def audited_fields(model: type) -> list[str]:
    """The fields whose changes the audit log records: columns (but the excluded ones and `id`) and
    many-to-many links."""
    mapper = sa.inspect(model)
    exclude = getattr(model, "__audit_exclude__", frozenset())
    keys = [a.key for a in mapper.column_attrs if a.key not in exclude and a.key != "id"]
    return keys + [r.key for r in mapper.relationships if r.secondary is not None and r.key not in exclude]


def entity_label(entity_type: str) -> str:
    model = audited_models().get(entity_type)
    label = getattr(model, "__audit_label__", None)
    return str(label) if label is not None else entity_type


def field_label(entity_type: str, key: str) -> str | None:
    model = audited_models().get(entity_type)
    label = getattr(model, "__audit_fields__", {}).get(key) if model is not None else None
    return str(label) if label is not None else None


@cache
def _enum_of(entity_type: str, key: str) -> type[enum.Enum] | None:
    model = audited_models().get(entity_type)
    if model is None:
        return None
    column = sa.inspect(model).columns.get(key)
    enum_class = getattr(getattr(column, "type", None), "enum_class", None)
    return enum_class if enum_class is not None and issubclass(enum_class, LabelledEnum) else None


def shown_value(entity_type: str, key: str, value: Any) -> str:
    """A stored value as the history shows it: « — » for none, the French label of an enumeration member."""
    if value is None:
        return "—"
    if isinstance(value, list):  # a many-to-many link: the names of the linked records
        return ", ".join(str(item) for item in value) or "—"
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    enum_class = _enum_of(entity_type, key)
    if enum_class is not None:
        try:
            return str(enum_class(value).label)
        except ValueError:
            return str(value)
    return str(value)
