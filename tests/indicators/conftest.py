"""Helpers of the indicator tests: the period (year 2025), Paris-local datetimes, the registered specs."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from gup.features import registry
from gup.indicators import Period

YEAR = Period(date(2025, 1, 1), date(2025, 12, 31))
PARIS = ZoneInfo("Europe/Paris")


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A Paris-local moment as the UTC-aware datetime the database stores."""
    return datetime(year, month, day, hour, minute, tzinfo=PARIS).astimezone(UTC)


def compute(code: str, agreement, period: Period = YEAR):
    return registry().indicator_specs[code].compute(agreement, period)


def annex(code: str, agreement, period: Period = YEAR) -> list[dict]:
    return list(registry().annex_specs[code].rows(agreement, period))


def rows(value, dimension: str) -> dict[str, tuple]:
    """label → (value, count) of one breakdown."""
    return {row.label: (row.value, row.count) for row in value.breakdowns[dimension]}


@pytest.fixture
def other(f):
    """Another agreement, whose data must never be counted."""
    return f.make_agreement()
