"""Page sections: a feature's page shows parts that other features (or aggregators) contribute.

The page's owner declares a blinker signal (e.g. `gup.agreements.signals.agreement_page`); a contributor
connects a receiver returning a `Section` (or None) for the record shown; the view passes
`sections(signal, record, ...)` to its template, which includes each section's template in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Section:
    """One contributed part of a page: its template and what that template reads (as `section.context`)."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


def sections(signal: Any, sender: Any, **kwargs: Any) -> list[Section]:
    """Every section the receivers of signal return for sender, by order."""
    found = [value for _receiver, value in signal.send(sender, **kwargs) if isinstance(value, Section)]
    return sorted(found, key=lambda s: s.order)
