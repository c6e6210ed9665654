"""Locale selection and the display filters (dates in French, euros, Europe/Paris times)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import Flask, current_app, has_request_context, session
from flask_babel import format_currency, format_date, format_datetime, format_decimal, get_locale


def select_locale() -> str:
    """French unless the visitor chose another supported language."""
    chosen = session.get("lang") if has_request_context() else None
    return chosen if chosen in current_app.config["GUP_LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


def local_timezone() -> Any:
    """The display time zone (Europe/Paris unless configured otherwise)."""
    from zoneinfo import ZoneInfo

    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Paris"))


def local_today(now: datetime | None = None) -> date:
    """Today's date in the display time zone (Europe/Paris): due dates and "overdue" are local dates."""
    from gup.orm import now_utc

    return (now or now_utc()).astimezone(local_timezone()).date()


_FIRST_OF_MONTH = re.compile(r"^((?:\w+\.? )?)1 (?=\D)")


def _premier(text: str) -> str:
    """French writes the first day of a month « 1er » (« 1er décembre 2026 », « mardi 1er décembre »)."""
    return _FIRST_OF_MONTH.sub(r"\g<1>1er ", text) if str(get_locale()).startswith("fr") else text


def fmt_date(value: date | None, fmt: str = "long") -> str:
    """« 23 novembre 2026 », « 1er décembre 2026 »."""
    if value is None:
        return "—"
    text = format_date(value, fmt)
    return _premier(text) if value.day == 1 and fmt in ("long", "full", "medium") else text


def fmt_datetime(value: datetime | None) -> str:
    """Date and time in Europe/Paris, e.g. « 23 novembre 2026 à 15:04 », « 1er décembre 2026 à 09:00 »."""
    if value is None:
        return "—"
    if str(get_locale()) != "fr":
        return format_datetime(value, "d MMMM y HH:mm")
    return _premier(format_datetime(value, "d MMMM y 'à' HH:mm"))


def fmt_money(value: Decimal | int | None) -> str:
    """« 12 500,00 € »."""
    if value is None:
        return "—"
    return format_currency(value, "EUR")


def fmt_number(value: Decimal | int | None) -> str:
    if value is None:
        return "—"
    return format_decimal(value, format="#,##0.##")


def fmt_coordinates(place: Any) -> str:
    """A place's latitude and longitude to 5 decimals (about a metre), with the locale's decimal mark:
    « 47,21010 ; -1,55340 » in French (the semicolon, since the comma is the decimal mark), « 47.21010, -1.55340 »
    in English; « — » without coordinates."""
    latitude, longitude = getattr(place, "latitude", None), getattr(place, "longitude", None)
    if latitude is None or longitude is None:
        return "—"
    lat, lon = (format_decimal(v, format="0.00000") for v in (latitude, longitude))
    return f"{lat} ; {lon}" if str(get_locale()).startswith("fr") else f"{lat}, {lon}"


def register_filters(app: Flask) -> None:
    app.jinja_env.filters.update(date=fmt_date, datetime=fmt_datetime, money=fmt_money, number=fmt_number,
                                 coordinates=fmt_coordinates)
    app.jinja_env.add_extension("jinja2.ext.do")
