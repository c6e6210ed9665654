"""The one CSV writer of every export, for French spreadsheet software: UTF-8 with BOM, « ; » separator, CRLF.

Every text cell is defused (OWASP "CSV injection"): a spreadsheet runs a cell starting with = + - @ tab or CR
as a formula, so such a cell gets a leading apostrophe, whatever column it is in (references, names and labels
are typed by users too). Numbers are written as numbers: ints, Decimals, or text wrapped in `Number`
(« -1,55 », a longitude with a decimal comma) are not defused.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import Response, current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


#: one French header per concept, shared by every export (the same column reads the same in every file)
HEADERS = {
    "reference": _l("Référence"), "title": _l("Intitulé"), "agreement": _l("Convention"),
    "walk": _l("Diagnostic"), "neighbourhood": _l("Quartier"), "theme": _l("Thématique"), "kind": _l("Type"),
    "category": _l("Catégorie"), "description": _l("Description"), "address": _l("Adresse"),
    "channel": _l("Canal"), "date": _l("Date"), "received_at": _l("Reçu le"),
    "organisation": _l("Organisme responsable"), "suggested_organisation": _l("Organisme proposé"),
    "partner": _l("Partenaire"), "due_on": _l("Échéance"), "overdue": _l("En retard"), "status": _l("Statut"),
    "progress": _l("Avancement (%)"), "findings": _l("Constats"), "duplicates": _l("Doublons possibles"),
}


def headers(*keys: str) -> list[str]:
    """The export's header row from the shared vocabulary."""
    return [str(HEADERS[k]) for k in keys]


def day(value: date | None) -> str:
    """Dates of every export: JJ/MM/AAAA."""
    return value.strftime("%d/%m/%Y") if value else ""


def day_time(value: datetime | None) -> str:
    """Times of every export: JJ/MM/AAAA HH:MM in the display time zone."""
    if value is None:
        return ""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Paris"))
    return value.astimezone(zone).strftime("%d/%m/%Y %H:%M")


def yes_no(flag: bool) -> str:
    return _("Oui") if flag else _("Non")


class Number(str):
    """A cell that is a number written as text (decimal comma): written as is."""


def cell(value: Any) -> str:
    """One cell as written: None empty, numbers as they are, any other text defused."""
    if value is None:
        return ""
    if isinstance(value, Number | int | Decimal) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(headers: Iterable[Any], rows: Iterable[Iterable[Any]]) -> str:
    """The CSV document, BOM first."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([cell(h) for h in headers])
    writer.writerows([cell(c) for c in row] for row in rows)
    return out.getvalue()


def csv_response(headers: Iterable[Any], rows: Iterable[Iterable[Any]], *, filename: str) -> Response:
    """A CSV download."""
    return Response(csv_text(headers, rows).encode("utf-8"), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def export_args(args: Any) -> dict[str, str]:
    """A list's query string without its page: the « Exporter (CSV) » link carries the filters."""
    return {k: v for k, v in args.items() if k != "page"}
