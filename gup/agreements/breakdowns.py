"""Shared tools of the features' evaluation indicators (gup.indicators): period bounds in UTC, the labels of the
usual breakdown dimensions (theme, partner organisation, neighbourhood, month), rates and percentiles.

Every feature's `indicators.py` fetches the narrow rows of one agreement and period in one query (one tuple per
record: ids, dates, status), then `breakdowns()` groups them by dimension in Python: months are local months
(Europe/Paris) and neighbourhoods come from the territory tree, neither of which SQL groups portably.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from gup.agreements.models import Theme
from gup.extensions import db
from gup.indicators import BreakdownRow, Period
from gup.organisations.models import Organisation
from gup.territory.queries import neighbourhood_of, territory_index

#: the key of the breakdown row gathering records without a value for the dimension
NONE_KEY = "none"
NOT_SET = _l("Non renseigné")


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Paris"))


def bounds(period: Period) -> tuple[datetime, datetime]:
    """The period as UTC datetimes [start, end): local midnight of its first day to local midnight after its last."""
    zone = _zone()
    start = datetime.combine(period.start, time(0), zone).astimezone(UTC)
    end = datetime.combine(period.end + timedelta(days=1), time(0), zone).astimezone(UTC)
    return start, end


def local_date(moment: datetime | None) -> date | None:
    """The local (display time zone) date of a UTC datetime."""
    if moment is None:
        return None
    if moment.tzinfo is None:  # SQLite returns naive UTC from raw column reads
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(_zone()).date()


def days_between(start: datetime | None, end: datetime | None) -> float | None:
    """Elapsed days (with fractions) between two UTC datetimes."""
    if start is None or end is None:
        return None
    start = start if start.tzinfo else start.replace(tzinfo=UTC)
    end = end if end.tzinfo else end.replace(tzinfo=UTC)
    return (end - start).total_seconds() / 86400


def months(period: Period) -> list[date]:
    """First day of every month the period touches, in order."""
    out, day = [], period.start.replace(day=1)
    while day <= period.end:
        out.append(day)
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return out


def month_key(day: date | None) -> str | None:
    return None if day is None else f"{day.year:04d}-{day.month:02d}"


def month_labels(period: Period) -> dict[str, str]:
    """« 2025-01 » → « janv. 2025 », for every month of the period, in order."""
    return {month_key(m): format_date(m, "MMM y") for m in months(period)}


def rate(part: float, whole: float) -> float | None:
    """A percentage 0–100 rounded to one decimal, None when there is nothing to divide by."""
    return None if not whole else round(100.0 * part / whole, 1)


def percentile(values: Sequence[float], p: float) -> float | None:
    """The p-th percentile (0–100) by linear interpolation between the closest ranks (the spreadsheet's
    CENTILE / numpy's default): [2, 4, 10] has median 4 and 90th percentile 8.8."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * p / 100.0
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    value = ordered[low] + (ordered[high] - ordered[low]) * (position - low)
    return round(value, 1)


def median(values: Sequence[float]) -> float | None:
    return percentile(values, 50)


# --- labels of the usual dimensions ----------------------------------------------------------------

def theme_labels(ids: Iterable[int | None]) -> dict[Any, str]:
    """Theme id → label, in the themes' display order."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = db.session.execute(sa.select(Theme.id, Theme.label).where(Theme.id.in_(wanted))
                              .order_by(Theme.position, Theme.label))
    return {r.id: r.label for r in rows}


def organisation_labels(ids: Iterable[int | None]) -> dict[Any, str]:
    """Organisation id → name, by name."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = db.session.execute(sa.select(Organisation.id, Organisation.name).where(Organisation.id.in_(wanted))
                              .order_by(Organisation.name))
    return {r.id: r.name for r in rows}


class Neighbourhoods:
    """The neighbourhood of territory nodes, from one read of the territory tree."""

    def __init__(self) -> None:
        self.index = territory_index()

    def of(self, territory_id: int | None, fallback_id: int | None = None) -> int | None:
        """Id of the neighbourhood above a place (or the fallback neighbourhood, e.g. the walk's)."""
        node = neighbourhood_of(territory_id, self.index)
        if node is None and fallback_id is not None:
            node = neighbourhood_of(fallback_id, self.index)
        return node.id if node is not None else None

    def name(self, node_id: int | None) -> str:
        node = self.index.get(node_id) if node_id is not None else None
        return node.name if node is not None else ""

    def place(self, territory_id: int | None) -> str:
        """« Quartier › Résidence › Bâtiment » of a node (empty when unknown)."""
        names, seen = [], set()
        node = self.index.get(territory_id) if territory_id is not None else None
        while node is not None and node.id not in seen:
            seen.add(node.id)
            names.append(node.name)
            node = self.index.get(node.parent_id) if node.parent_id is not None else None
        return " › ".join(reversed(names))

    def labels(self, ids: Iterable[int | None]) -> dict[Any, str]:
        found = {i: self.name(i) for i in ids if i is not None and i in self.index}
        return dict(sorted(found.items(), key=lambda item: item[1]))


# --- grouping ---------------------------------------------------------------------------------------

@dataclass
class Dim:
    """One breakdown dimension: the record's key, and the labels of the keys in display order.

    With `complete`, every labelled key gets a row even without records (the months of the period); with `multi`,
    `key` returns the record's keys (a walk counts for each organisation that took part)."""

    key: Callable[[Any], Any]
    labels: Mapping[Any, Any] = field(default_factory=dict)
    complete: bool = False
    none_label: Any = NOT_SET
    multi: bool = False


#: aggregate(records of one group) → (value, count)
Aggregate = Callable[[list[Any]], tuple[float | None, int | None]]


def count_of(records: list[Any]) -> tuple[float | None, int | None]:
    return len(records), None


def breakdowns(records: Sequence[Any], dims: Mapping[str, Dim], aggregate: Aggregate = count_of
               ) -> dict[str, list[BreakdownRow]]:
    """Group the records by each dimension; rows follow the labels' order, unlabelled keys last, then « Non
    renseigné » for records without a key."""
    out: dict[str, list[BreakdownRow]] = {}
    for name, dim in dims.items():
        groups: dict[Any, list[Any]] = {}
        for record in records:
            for key in (dim.key(record) or [None]) if dim.multi else [dim.key(record)]:
                groups.setdefault(key, []).append(record)
        keys = [k for k in dim.labels if dim.complete or k in groups]
        keys += sorted((k for k in groups if k is not None and k not in dim.labels), key=str)
        if None in groups:
            keys.append(None)
        rows = []
        for key in keys:
            value, count = aggregate(groups.get(key, []))
            label = dim.none_label if key is None else dim.labels.get(key, str(key))
            rows.append(BreakdownRow(key=NONE_KEY if key is None else str(key), label=str(label), value=value,
                                     count=count))
        out[name] = rows
    return out
