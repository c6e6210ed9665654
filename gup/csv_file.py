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
from decimal import Decimal
from typing import Any

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
