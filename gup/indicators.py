"""Evaluation indicators: what each feature can compute for an agreement and a period, declared to the registry.

A feature lists its `IndicatorSpec`s (usually in `<feature>/indicators.py`) and calls
`registry.indicators(indicators.ALL)` from its `init_app`; it may also declare the annex tables the reports list
in full (`registry.annexes(...)`). `gup.evaluations` collects them all, computes every indicator for the period
of an evaluation (and for the previous period), and freezes the results in a snapshot; the PDF reports are built
from that snapshot only. Nothing here imports a feature: a feature never depends on evaluations.

Values are plain numbers (float or int) or None when there is no data for the period ("—" in reports). A
`Breakdown` is one dimension of the same figure (by theme, partner, neighbourhood, month, channel, kind...);
every row carries its own value in the indicator's unit. Percentages are stored 0–100.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l


class Unit(enum.StrEnum):
    COUNT = "count"  # a number of things
    PERCENT = "percent"  # 0–100
    DAYS = "days"
    EUROS = "euros"
    RATIO = "ratio"  # a plain ratio (e.g. valued amount ÷ abatement)


class Direction(enum.StrEnum):
    """Which way is better (gaps to the target and the previous period are read with it)."""

    HIGHER = "higher"
    LOWER = "lower"
    NEUTRAL = "neutral"  # a volume: neither more nor less is better in itself


class Section(enum.StrEnum):
    """The report section an indicator or an annex belongs to (GUIDE §6; each outline maps these)."""

    GOVERNANCE = "governance"
    ACTIONS = "actions"
    COMMITMENTS = "commitments"
    FINDINGS = "findings"
    WALKS = "walks"
    RESIDENT_REPORTS = "resident_reports"
    PARTICIPATION = "participation"  # resident relays, participatory budgets
    TFPB = "tfpb"
    OTHER = "other"


#: the usual breakdown dimensions (features may add their own keys, e.g. "channel", "kind", "axis", naming them in
#: `IndicatorSpec.dimension_labels`)
THEME, PARTNER, NEIGHBOURHOOD, MONTH = "theme", "partner", "neighbourhood", "month"

#: how reports name the usual dimensions (« Constats enregistrés par thématique »)
DIMENSION_LABELS: dict[str, Any] = {THEME: _l("thématique"), PARTNER: _l("partenaire"),
                                    NEIGHBOURHOOD: _l("quartier"), MONTH: _l("mois")}


@dataclass(frozen=True)
class Period:
    """The dates an evaluation covers, both included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a period ends after it starts")

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class BreakdownRow:
    key: str  # stable: an id or a code ("3", "night", "2026-04")
    label: str  # what the reader sees (French)
    value: float | None
    #: a second figure beside the value when the unit alone misleads (e.g. the count a rate is computed on)
    count: int | None = None


@dataclass
class IndicatorValue:
    """The result of one indicator for one agreement and period."""

    value: float | None
    #: dimension → rows, in display order ("theme", "partner", "neighbourhood", "month", or a feature's own)
    breakdowns: dict[str, list[BreakdownRow]] = field(default_factory=dict)
    #: figures shown beside the value, label → number (e.g. {"Refusés": 3, "Réorientés": 1})
    details: dict[str, float | None] = field(default_factory=dict)
    #: one sentence read with the figure (e.g. « sur 42 constats résolus »)
    note: str | None = None


@dataclass(frozen=True)
class IndicatorSpec:
    """A computed indicator a feature declares (GUIDE §5)."""

    code: str  # unique across features: "findings_reported"
    label: Any  # lazy French label: _l("Constats enregistrés")
    unit: Unit
    direction: Direction
    section: Section
    #: compute(agreement, period) → IndicatorValue; reads only data dated within the period (or open at its end)
    compute: Callable[[Any, Period], IndicatorValue]
    description: Any = ""  # how it is computed, one sentence (printed in the reports' method annex)
    #: position within its section
    order: int = 100
    #: breakdown dimensions it provides, in display order (documentation and CSV columns)
    dimensions: Sequence[str] = ()
    #: the French name of each dimension of its own (« par canal »); the usual ones are in DIMENSION_LABELS
    dimension_labels: Mapping[str, Any] = field(default_factory=dict)

    def dimension_label(self, dimension: str) -> str:
        return str(self.dimension_labels.get(dimension) or DIMENSION_LABELS.get(dimension) or dimension)


@dataclass(frozen=True)
class AnnexColumn:
    key: str
    label: Any
    #: relative width in the PDF table
    width: float = 1.0
    #: how the reports format the cell: "text", "date" (ISO string), "number", "euros", "percent"
    kind: str = "text"


@dataclass(frozen=True)
class AnnexSpec:
    """A table a report lists in full in its annexes (every finding, action, resident report of the period).

    Rows are plain dicts keyed by column key, of JSON values (text, ISO dates, numbers, None) that the reports
    format by column kind; never residents' personal data."""

    code: str
    label: Any
    section: Section
    columns: Sequence[AnnexColumn]
    rows: Callable[[Any, Period], Iterable[Mapping[str, Any]]]
    order: int = 100


def as_number(value: Any) -> float | None:
    """A Decimal, int or float as a float for a snapshot (None stays None)."""
    return None if value is None else float(value)
