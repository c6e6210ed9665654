"""The residents' menu of the public pages is what the features register (`registry.public_menu`)."""

from __future__ import annotations

import re

from gup.features import registry


def _menu(html: str) -> list[tuple[str, str, bool]]:
    nav = re.search(r'<nav class="main-nav" aria-label="Menu des habitants">(.*?)</nav>', html, re.S)
    assert nav, "no residents' menu on the page"
    return [(href, label.strip(), bool(current))
            for href, current, label in re.findall(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>',
                                                   nav.group(1))]


def test_features_register_their_public_pages(app):
    endpoints = [e.endpoint for e in sorted(registry(app).public_menu_entries, key=lambda e: e.order)]
    assert endpoints == ["hotline.public_report", "hotline.public_track_form", "budget_public.index"]


def test_the_hotline_form_lists_every_public_page_and_marks_itself(client):
    menu = _menu(client.get("/signaler").get_data(as_text=True))
    assert menu == [("/signaler", "Signaler un problème", True), ("/signaler/suivi", "Suivre un signalement", False),
                    ("/budget-participatif", "Budget participatif", False)]


def test_budget_pages_mark_the_budget_entry(client):
    menu = _menu(client.get("/budget-participatif").get_data(as_text=True))
    assert [label for _href, label, current in menu if current] == ["Budget participatif"]
    assert ("/signaler", "Signaler un problème", False) in menu
