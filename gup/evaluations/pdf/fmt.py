"""French formatting of snapshot values (ISO dates, numbers, euros, percentages, days) and of gaps.

Every function takes what a snapshot holds (ISO strings, floats, ints, None) and returns display text; None is
« — ». They need an app context (Flask-Babel, locale fr).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import format_currency, format_decimal, get_locale, ngettext
from flask_babel import gettext as _

from gup.i18n import fmt_date, fmt_number

DASH = "—"


def iso_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def day(value: str | None) -> str:
    """« 15 janvier 2026 » from "2026-01-15" (or a datetime's ISO text)."""
    parsed = iso_date(value)
    if parsed is None:
        return DASH
    text = fmt_date(parsed)
    if parsed.day == 1 and str(get_locale()) == "fr" and text.startswith("1 "):
        text = "1er" + text[1:]
    return text


def short_day(value: str | None) -> str:
    """« 15/01/2026 » (long tables)."""
    parsed = iso_date(value)
    return fmt_date(parsed, "dd/MM/y") if parsed else DASH


def moment(value: str | None) -> date | None:
    """The local (Europe/Paris) date of an ISO datetime (« 2026-01-10T09:00:00+01:00 »)."""
    if not value:
        return None
    try:
        moment_ = datetime.fromisoformat(str(value))
    except ValueError:
        return iso_date(value)
    if moment_.tzinfo is not None:
        from zoneinfo import ZoneInfo

        from flask import current_app

        moment_ = moment_.astimezone(ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Paris")))
    return moment_.date()


def number(value: float | int | None) -> str:
    """« 1 234 », « 12,5 »."""
    if value is None:
        return DASH
    return fmt_number(round(float(value), 2) if isinstance(value, float) else value)


def euros(value: float | int | None) -> str:
    """« 12 500 € » (whole euros: reports round to the euro)."""
    if value is None:
        return DASH
    return format_currency(round(float(value)), "EUR", format="#,##0\u00a0¤", currency_digits=False)


def percent(value: float | int | None) -> str:
    """« 62,5 % » (snapshot percentages are 0–100)."""
    if value is None:
        return DASH
    return format_decimal(round(float(value), 1), format="#,##0.#") + "\u00a0%"


def days(value: float | int | None) -> str:
    if value is None:
        return DASH
    text = format_decimal(round(float(value), 1), format="#,##0.#")
    return ngettext("%(n)s jour", "%(n)s jours", int(round(float(value))) or 1, n=text)


def ratio(value: float | int | None) -> str:
    if value is None:
        return DASH
    return format_decimal(round(float(value), 2), format="#,##0.00")


def value(value: Any, unit: str | None) -> str:
    """An indicator value in its unit."""
    if value is None:
        return DASH
    if not isinstance(value, int | float):
        return str(value)
    return {"percent": percent, "days": days, "euros": euros, "ratio": ratio}.get(unit or "count", number)(value)


def signed(gap: float | int | None, unit: str | None) -> str:
    """A gap with its sign: « +28 », « −3,5 pts », « +2 j », « −1 200 € »."""
    if gap is None:
        return DASH
    sign = "+" if gap > 0 else ("\u2212" if gap < 0 else "")
    size = abs(gap)
    if unit == "percent":
        text = format_decimal(round(float(size), 1), format="#,##0.#") + "\u00a0" + _("pts")
    elif unit == "days":
        text = format_decimal(round(float(size), 1), format="#,##0.#") + "\u00a0" + _("j")
    elif unit == "euros":
        text = euros(size)
    elif unit == "ratio":
        text = ratio(size)
    else:
        text = number(size)
    return sign + text


def trend(gap: float | int | None, direction: str | None) -> str:
    """How a change reads: « en amélioration » / « en recul » when a direction is known, else « en hausse »…"""
    if gap is None:
        return ""
    if abs(gap) < 1e-9:
        return _("stable")
    if direction == "higher":
        return _("en amélioration") if gap > 0 else _("en recul")
    if direction == "lower":
        return _("en amélioration") if gap < 0 else _("en recul")
    return _("en hausse") if gap > 0 else _("en baisse")


def target_status(gap: float | int | None, direction: str | None) -> str:
    """Whether the target is reached, read with the direction (gap = value − target)."""
    if gap is None:
        return ""
    if direction == "higher":
        return _("cible atteinte") if gap >= 0 else _("cible non atteinte")
    if direction == "lower":
        return _("cible atteinte") if gap <= 0 else _("cible non atteinte")
    return _("cible atteinte") if abs(gap) < 1e-9 else ""


def cell_value(raw: Any, kind: str) -> str:
    """An annex cell by its column kind (text, date, number, euros, percent)."""
    if raw is None or raw == "":
        return ""
    if kind == "date":
        return short_day(raw)
    if kind in ("number", "euros", "percent") and isinstance(raw, int | float) and not isinstance(raw, bool):
        return {"number": number, "euros": euros, "percent": percent}[kind](raw)
    if isinstance(raw, bool):
        return _("oui") if raw else _("non")
    return str(raw)
