"""CSV export of findings for French spreadsheet software: UTF-8 with BOM, « ; » separator, JJ/MM/AAAA dates.

No resident quote and no personal data: the file is meant to circulate between partners."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date

from flask_babel import gettext as _

from gup.findings.models import Finding


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _decimal(value: float | None) -> str:
    """A coordinate with a decimal comma, as French spreadsheets read numbers."""
    return "" if value is None else repr(float(value)).replace(".", ",")


def _text(value: str | None) -> str:
    """Free text, defused: a spreadsheet would run a cell starting with = + - @ as a formula."""
    value = value or ""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _yes_no(value: bool) -> str:
    return _("oui") if value else _("non")


def headers() -> list[str]:
    return [_("n°"), _("convention"), _("diagnostic"), _("quartier"), _("thème"), _("type"), _("description"),
            _("adresse"), _("latitude"), _("longitude"), _("domanialité"), _("priorité"), _("organisme responsable"),
            _("échéance"), _("en retard"), _("statut"), _("date de résolution"), _("récurrent")]


def findings_csv(findings: Iterable[Finding], *, today: date, neighbourhoods: dict[int, str]) -> str:
    """The findings (with agreement, theme, organisation and walk loaded) as CSV text, BOM first."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(headers())
    for f in findings:
        writer.writerow([
            f.id, f.agreement.reference, _text(f.walkthrough.title if f.walkthrough else ""),
            neighbourhoods.get(f.id, ""), f.theme.label, str(f.kind.label), _text(f.description), _text(f.address),
            _decimal(f.latitude),
            _decimal(f.longitude), str(f.land_ownership.label) if f.land_ownership else "", str(f.priority.label),
            f.responsible_organisation.name if f.responsible_organisation else "", _day(f.due_on),
            _yes_no(f.is_overdue(today)), str(f.status.label), _day(f.resolved_on), _yes_no(f.is_recurring),
        ])
    return out.getvalue()
