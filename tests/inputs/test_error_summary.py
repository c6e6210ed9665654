"""Back-office error summaries list every field in error as a link to the field (#field-id), like /signaler."""

from __future__ import annotations

import re

from gup.extensions import db


def _summary_links(html: str) -> list[str]:
    summary = re.search(r'<div class="alert alert-error error-summary"[^>]*>(.*?)</div>', html, re.S)
    assert summary, "no error summary"
    return re.findall(r'<a href="#([^"]+)">', summary.group(1))


def _assert_targets_exist(html: str, ids: list[str]) -> None:
    for field_id in ids:
        assert re.search(rf'\bid="{re.escape(field_id)}"', html), f"the summary links to #{field_id}, not on the page"


def test_agreement_form_summary_links_to_the_fields_in_error(client, f, login):
    w = f.world()
    db.session.commit()
    login(w["coordinator"])
    r = client.post("/agreements/new", data={"reference": "GUP-NEW", "title": "", "kind": "site",
                                             "start_on": "2026-01-01", "end_on": "31/02/2025"})
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    links = _summary_links(html)
    assert "title" in links and "end_on" in links and "start_on" not in links
    assert re.search(r'<a href="#end_on">Date de fin : Date invalide', html)
    _assert_targets_exist(html, links)


def test_walk_form_summary_links_to_a_stop_row_field(client, f, login):
    w = f.world()
    walk = f.make_walk(w["agreement"])
    db.session.commit()
    login(w["coordinator"])
    r = client.post(f"/agreements/{w['agreement'].id}/walks/new", data={
        "title": "Marche", "neighbourhood_id": walk.neighbourhood_id, "walked_on": "", "kind": "night",
        "stops-0-name": "Parc", "stops-0-latitude": "abc", "stops-0-longitude": "2"})
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    links = _summary_links(html)
    assert "walked_on" in links and "stops-0-latitude" in links
    _assert_targets_exist(html, links)


def test_every_back_office_form_template_shows_the_shared_summary():
    """A template that renders form fields also renders `form_errors` (the public pages have their own; a page
    whose inputs are built from rows — the paper tallies — renders its own linked `error-summary`)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    missing = [str(p.relative_to(root)) for p in root.rglob("*.html")
               if "{{ field(" in p.read_text(encoding="utf-8")
               and not any(mark in p.read_text(encoding="utf-8") for mark in ("form_errors(", "error-summary"))
               and "/public/" not in str(p.relative_to(root))]  # the residents' pages (hotline, budgets)
    assert not missing, missing
