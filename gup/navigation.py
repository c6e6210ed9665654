"""Main menu entries for the signed-in user, and template globals."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from gup import policy
from gup.auth.models import User

#: (endpoint, label, endpoints that mark the entry as current, who sees it)
_MENU = [
    ("actions.mine", _l("Mes actions"), ("actions.mine", "actions.bulk"), "referent"),
    ("agreements.dashboard", _l("Tableau de bord"), ("agreements.dashboard",), None),
    ("agreements.index", _l("Conventions"), ("agreements.", "commitments."), None),
    ("hotline.reports_index", _l("Signalements"), ("hotline.report", "hotline.phone", "hotline.categor",
                                                   "hotline.template", "hotline.privacy"), None),
    ("walks.index", _l("Diagnostics"), ("walks.",), None),
    ("findings.index", _l("Constats"), ("findings.", "media."), None),
    ("actions.index", _l("Actions"), ("actions.",), None),
    ("organisations.index", _l("Organismes"), ("organisations.",), None),
    ("territory.index", _l("Territoire"), ("territory.",), None),
    ("agreements.themes", _l("Thématiques"), ("agreements.themes", "agreements.theme_"), None),
    ("admin.users", _l("Utilisateurs"), ("admin.",), "manage_users"),
    ("admin.open311_clients", _l("Clients Open311"), ("admin.open311",), "manage_users"),
]


@dataclass
class NavItem:
    url: str
    label: str
    current: bool


def nav_items() -> list[NavItem]:
    endpoint = request.endpoint or ""
    shown = {None: True, "manage_users": policy.can(current_user, "manage", User),
             "referent": bool(current_user.is_referent)}
    entries = [entry for entry in _MENU if shown[entry[3]]]
    items = [NavItem(url_for(target), str(label), False) for target, label, _prefixes, _p in entries]
    # the most specific matching prefix wins, so "Tableau de bord" and "Conventions" never both light up
    best, best_len = None, -1
    for item, (_t, _label, prefixes, _p) in zip(items, entries, strict=True):
        for prefix in prefixes:
            if endpoint.startswith(prefix) and len(prefix) > best_len:
                best, best_len = item, len(prefix)
    if best is not None:
        best.current = True
    return items


def register(app: Flask) -> None:
    @app.context_processor
    def _globals() -> dict:
        return {"nav_items": nav_items() if current_user.is_authenticated else [],
                "current_locale": str(get_locale() or "fr"), "can": policy.can}
