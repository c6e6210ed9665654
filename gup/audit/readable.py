"""The history as people read it: labelled records, fields and values, internal steps folded, oldest first.

The audit log (`gup.audit.services`) stores raw values: ids, enumeration codes, ISO dates. A page shows instead
- the record by its French label (« du constat »), each field by its label; a field a model does not label is an
  internal one (a sort key, a denormalised count) and is not shown;
- a linked record by its name (« Organisme responsable : Ville de Bellerive → Logis du Val »), a status by its
  French label, yes/no, dates and times in French and local time, amounts in euros;
- one line per user action: what one transaction did to a record (created it, then numbered it, then gave it a
  reference) reads as that one change; a change back to the same value disappears.
Both histories of a page (status moves and modifications) read oldest first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from gup.audit.labels import audited_models, entity_label, field_label, shown_value
from gup.audit.services import history_of, status_history
from gup.extensions import db
from gup.i18n import fmt_date, fmt_datetime, fmt_money, fmt_number

MONEY_KEYS = re.compile(r"(amount|cost|spent)$")
LEGACY_REPR = re.compile(r"^<(\w+) (\d+)>$")


@dataclass
class HistoryLine:
    label: str
    old: str
    new: str


@dataclass
class HistoryItem:
    at: datetime
    actor: Any
    action: str
    entity_type: str
    entity_id: int
    entity: str
    lines: list[HistoryLine] = field(default_factory=list)

    @property
    def verb(self) -> str:
        return {"create": _("création"), "update": _("modification"), "delete": _("suppression")}[self.action]


@dataclass
class StatusItem:
    at: datetime
    actor: Any
    old: str | None
    new: str
    note: str | None


def _column(entity_type: str, key: str) -> Any:
    model = audited_models().get(entity_type)
    return sa.inspect(model).columns.get(key) if model is not None else None


def _target(entity_type: str, key: str) -> tuple[type, str] | None:
    """The model a foreign-key field points to and the attribute it references (None for any other field)."""
    column = _column(entity_type, key)
    if column is None or not column.foreign_keys:
        return None
    referenced = next(iter(column.foreign_keys)).column
    model = next((m.class_ for m in db.Model.registry.mappers if m.local_table is referenced.table), None)
    if model is None:
        return None
    attr = next((a.key for a in sa.inspect(model).column_attrs if referenced in a.columns), None)
    return (model, attr) if attr else None


def _names(entries: list[Any]) -> dict[tuple[type, Any], str]:
    """The names of every record the entries link to: one query per linked model."""
    wanted: dict[tuple[type, str], set[Any]] = {}
    for e in entries:
        for key, values in e.changes.items():
            target = _target(e.entity_type, key)
            if target is not None:
                wanted.setdefault(target, set()).update(v for v in values if isinstance(v, int | str))
    names: dict[tuple[type, Any], str] = {}
    for (model, attr), ids in wanted.items():
        for obj in db.session.scalars(sa.select(model).where(getattr(model, attr).in_(ids))):
            names[(model, getattr(obj, attr))] = str(obj)
    return names


def value_text(entity_type: str, key: str, value: Any, names: dict[tuple[type, int], str]) -> str:
    """One stored value as the history shows it."""
    if value is None or value == [] or value == "":
        return "—"
    target = _target(entity_type, key)
    if target is not None and isinstance(value, int | str):
        return names.get((target[0], value)) or _("n° %(id)s (supprimé)", id=value)
    if isinstance(value, list):
        return ", ".join(_legacy(str(v)) for v in value) or "—"
    column = _column(entity_type, key)
    kind = getattr(column, "type", None)
    if isinstance(value, str) and kind is not None:
        try:
            if isinstance(kind, sa.DateTime) or getattr(kind, "impl", None) is not None and isinstance(
                    kind.impl, sa.DateTime):
                return fmt_datetime(datetime.fromisoformat(value))
            if isinstance(kind, sa.Date):
                return fmt_date(date.fromisoformat(value))
            if isinstance(kind, sa.Numeric):
                amount = Decimal(value)
                return fmt_money(amount) if MONEY_KEYS.search(key) else fmt_number(amount)
        except (ValueError, InvalidOperation):
            return value
    return shown_value(entity_type, key, value)  # yes/no, an enumeration's French label


def _legacy(text: str) -> str:
    """« <Photo 8> », as the log wrote records without a name: « Photo n° 8 »."""
    match = LEGACY_REPR.match(text)
    return _("%(entity)s n° %(id)s", entity=match.group(1), id=match.group(2)) if match else text


def _fold(entries: list[Any]) -> list[Any]:
    """Oldest first; what one transaction did to one record merged into one entry (first old value, last new
    value per field); a record created and deleted in the same transaction leaves nothing."""
    merged: list[dict[str, Any]] = []
    last: dict[tuple[str, int, str], dict[str, Any]] = {}
    for e in sorted(entries, key=lambda e: (e.at, e.id)):
        tx = getattr(e, "tx", None)
        key = (e.entity_type, e.entity_id, tx)
        row = last.get(key) if tx else None
        if row is None:
            row = {"entry": e, "action": e.action, "changes": {k: list(v) for k, v in e.changes.items()}}
            merged.append(row)
            if tx:
                last[key] = row
            continue
        if e.action == "delete":
            if row["action"] == "create":
                merged.remove(row)
                del last[key]
                continue
            row["action"] = "delete"
        for k, (old, new) in e.changes.items():
            if k in row["changes"]:
                row["changes"][k][1] = new
            else:
                row["changes"][k] = [old, new]
    return merged


def readable_history(obj: Any, *parts: Any, limit: int = 200) -> list[HistoryItem]:
    """The modification history of a record and of the parts its page shows, readable, oldest first."""
    entries = list(reversed(history_of(obj, *parts, limit=limit)))
    names = _names(entries)
    items = []
    for row in _fold(entries):
        e = row["entry"]
        lines = []
        if row["action"] == "update":
            for key, (old, new) in row["changes"].items():
                label = field_label(e.entity_type, key)
                if label is None:
                    continue  # an internal field
                before, after = (value_text(e.entity_type, key, v, names) for v in (old, new))
                if before != after:
                    lines.append(HistoryLine(label, before, after))
            if not lines:
                continue
        items.append(HistoryItem(at=e.at, actor=e.actor, action=row["action"], entity_type=e.entity_type,
                                 entity_id=e.entity_id, entity=entity_label(e.entity_type), lines=lines))
    return items


def status_label(entity_type: str, value: str | None) -> str | None:
    """A stored status code as its French label (the record's `status` enumeration)."""
    if value is None:
        return None
    return shown_value(entity_type, "status", value)


def status_timeline(obj: Any) -> list[StatusItem]:
    """The status moves of a record with their French labels, oldest first."""
    kind = type(obj).__name__
    items: list[StatusItem] = []
    for c in status_history(obj):
        # each move starts where the previous one ended: a step the service took on its own (a report received,
        # then qualified and sent in one go) reads as the move the user made (« Reçu → Transmis »)
        old = items[-1].new if items else status_label(kind, c.from_status)
        items.append(StatusItem(at=c.at, actor=c.actor, old=old, new=status_label(kind, c.to_status) or "—",
                                note=c.note))
    return items
