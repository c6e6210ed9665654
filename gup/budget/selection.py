"""The selection rule of a participatory budget, as a pure function (no database), shown on the results page.

The rule (RULE_TEXT, in French for the results page):

1. Candidates are ranked by total votes (online + paper), most first. Ties are broken by the lower cost, then
   the earlier submission, then the smaller project number.
2. Projects the coordination excluded (an override « non retenu », with its reason) are left out.
3. Projects the coordination forced in (an override « retenu », with its reason) are considered first, in rank
   order; then every other candidate in rank order.
4. A project considered is selected when its cost fits in what remains of the campaign's envelope AND, when its
   neighbourhood has its own envelope, in what remains of that one. A project that does not fit is skipped (an
   overridden one too: no override exceeds an envelope) and the next one is considered: a cheaper project
   further down can still be selected.
5. A project without a cost cannot be selected (it is skipped).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l

RULE_TEXT = _l(
    "Les projets sont classés par nombre total de voix (en ligne et papier), du plus grand au plus petit ; à "
    "égalité, le moins coûteux passe devant, puis le plus ancien déposé, puis le plus petit numéro. Les projets "
    "que la coordination a retenus, avec un motif, sont examinés en premier ; ceux qu'elle a écartés, avec un "
    "motif, ne le sont pas. Chaque projet examiné est retenu s'il tient dans ce qui reste de l'enveloppe de la "
    "campagne et, si son quartier a sa propre enveloppe, dans ce qui reste de celle-ci ; sinon il est écarté et "
    "le projet suivant est examiné. Un projet sans coût n'est pas retenu.")


@dataclass(frozen=True)
class Candidate:
    id: int
    votes: int
    cost: Decimal | None
    neighbourhood_id: int | None = None
    submitted_at: datetime | None = None


@dataclass(frozen=True)
class Skip:
    id: int
    reason: str  # "no_cost", "global_envelope", "neighbourhood_envelope", "excluded"
    #: what remained of the envelope(s) when the project was considered
    remaining: Decimal | None = None


@dataclass
class Selection:
    order: list[int] = field(default_factory=list)           # ids in the order they were considered
    selected: list[int] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    remaining: Decimal = Decimal(0)
    remaining_by_neighbourhood: dict[int, Decimal] = field(default_factory=dict)

    def skip_reason(self, project_id: int) -> str | None:
        return next((s.reason for s in self.skipped if s.id == project_id), None)


def rank_key(c: Candidate) -> tuple:
    """Most votes first; then lower cost (no cost last), earlier submission, smaller id."""
    return (-c.votes, c.cost is None, c.cost if c.cost is not None else Decimal(0),
            c.submitted_at is None, c.submitted_at or datetime.min, c.id)


def rank(candidates: Iterable[Candidate]) -> list[Candidate]:
    return sorted(candidates, key=rank_key)


def select(candidates: Iterable[Candidate], envelope: Decimal,
           neighbourhood_envelopes: Mapping[int, Decimal] | None = None,
           overrides: Mapping[int, bool] | None = None) -> Selection:
    """Apply the rule above; `overrides` maps a project id to True (forced in) or False (excluded)."""
    overrides = overrides or {}
    areas = dict(neighbourhood_envelopes or {})
    ranked = rank(candidates)
    forced = [c for c in ranked if overrides.get(c.id) is True]
    others = [c for c in ranked if c.id not in overrides]
    result = Selection(remaining=Decimal(envelope), remaining_by_neighbourhood=areas)
    result.skipped += [Skip(c.id, "excluded") for c in ranked if overrides.get(c.id) is False]
    for c in [*forced, *others]:
        result.order.append(c.id)
        if c.cost is None:
            result.skipped.append(Skip(c.id, "no_cost"))
            continue
        if c.cost > result.remaining:
            result.skipped.append(Skip(c.id, "global_envelope", result.remaining))
            continue
        area = areas.get(c.neighbourhood_id) if c.neighbourhood_id is not None else None
        if area is not None and c.cost > area:
            result.skipped.append(Skip(c.id, "neighbourhood_envelope", area))
            continue
        result.selected.append(c.id)
        result.remaining -= c.cost
        if area is not None:
            areas[c.neighbourhood_id] = area - c.cost
    return result
