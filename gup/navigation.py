"""Main menu (the entries the features registered) for the signed-in user, and template globals."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from gup import policy
from gup.features import registry


@dataclass
class NavItem:
    url: str
    label: str
    current: bool


def nav_items() -> list[NavItem]:
    endpoint = request.endpoint or ""
    user = current_user._get_current_object()
    own_home = registry().home_for(user) is not None  # such a role sees only the entries meant for it
    entries = [entry for entry in sorted(registry().menu_entries, key=lambda e: e.order)
               if (entry.visible is None and not own_home) or (entry.visible is not None and entry.visible(user))]
    items = [NavItem(url_for(entry.endpoint), str(entry.label), False) for entry in entries]
    # the most specific matching prefix wins, so "Tableau de bord" and "Conventions" never both light up
    best, best_len = None, -1
    for item, entry in zip(items, entries, strict=True):
        for prefix in entry.current:
            if endpoint.startswith(prefix) and len(prefix) > best_len:
                best, best_len = item, len(prefix)
    if best is not None:
        best.current = True
    return items


def public_nav_items() -> list[NavItem]:
    """The residents' menu of the public pages (what the features registered with `registry.public_menu`)."""
    endpoint = request.endpoint or ""
    entries = sorted(registry().public_menu_entries, key=lambda e: e.order)
    return [NavItem(url_for(e.endpoint), str(e.label), any(endpoint.startswith(c) for c in e.current))
            for e in entries]


def register(app: Flask) -> None:
    @app.context_processor
    def _globals() -> dict:
        return {"nav_items": nav_items() if current_user.is_authenticated else [],
                "current_locale": str(get_locale() or "fr"), "can": policy.can, "public_nav_items": public_nav_items}
