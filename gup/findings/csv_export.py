"""CSV export of findings (gup.csv_file: UTF-8 with BOM, « ; », every text cell defused), JJ/MM/AAAA dates.

No resident quote and no personal data: the file is meant to circulate between partners."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask_babel import gettext as _

from gup.csv_file import Number, csv_text
from gup.findings.models import Finding


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _decimal(value: float | None) -> str:
    """A coordinate with a decimal comma, as French spreadsheets read numbers."""
    return "" if value is None else Number(repr(float(value)).replace(".", ","))


def _yes_no(value: bool) -> str:
    return _("oui") if value else _("non")


def headers() -> list[str]:
    return [_("n°"), _("convention"), _("diagnostic"), _("quartier"), _("thème"), _("type"), _("description"),
            _("adresse"), _("latitude"), _("longitude"), _("domanialité"), _("priorité"), _("organisme responsable"),
            _("échéance"), _("en retard"), _("statut"), _("date de résolution"), _("récurrent")]


def findings_csv(findings: Iterable[Finding], *, today: date, neighbourhoods: dict[int, str]) -> str:
    """The findings (with agreement, theme, organisation and walk loaded) as CSV text, BOM first."""
    return csv_text(headers(), ([
        f.id, f.agreement.reference, f.walkthrough.title if f.walkthrough else "",
        neighbourhoods.get(f.id, ""), f.theme.label, str(f.kind.label), f.description, f.address,
        _decimal(f.latitude), _decimal(f.longitude), str(f.land_ownership.label) if f.land_ownership else "",
        str(f.priority.label), f.responsible_organisation.name if f.responsible_organisation else "",
        _day(f.due_on), _yes_no(f.is_overdue(today)), str(f.status.label), _day(f.resolved_on),
        _yes_no(f.is_recurring),
    ] for f in findings))
