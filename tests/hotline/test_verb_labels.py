"""The report page's status buttons say what they do (« Rejeter »), not the status they lead to (« Rejeté »)."""

from __future__ import annotations

import re

from gup.extensions import db
from gup.hotline.models import ReportStatus
from gup.hotline.report_page import STATUS_TARGETS
from gup.territory.models import TerritoryKind


def test_every_report_status_has_a_verb_distinct_from_its_label(app_ctx):
    for status in ReportStatus:
        assert str(status.verb) and str(status.verb) != str(status.label), status
    assert str(ReportStatus.REJECTED.verb) == "Rejeter"


def test_report_page_buttons_are_verbs(client, f, login):
    w = f.world()
    hood = f.make_territory(TerritoryKind.NEIGHBOURHOOD, name="Les Acacias")
    w["agreement"].territories.append(hood)
    category = f.make_category(label="Encombrants", default_organisation=w["hp2"])
    report = f.make_report(category, neighbourhood=hood)
    db.session.commit()
    login(w["coordinator"])
    html = client.get(f"/signalements/{report.id}").get_data(as_text=True)
    summaries = [s.strip() for s in re.findall(r"<summary>([^<]*)</summary>", html)]
    buttons = [b.strip() for b in re.findall(r'<button type="submit" class="button">([^<]*)</button>', html)]
    assert "Rejeter" in summaries and "Rejeter" in buttons
    assert "Déclarer hors de nos compétences" in buttons
    labels = {str(s.label) for s in STATUS_TARGETS}
    assert not labels & set(summaries) and not labels & set(buttons), (summaries, buttons)
    assert "Enregistrer : " not in html
