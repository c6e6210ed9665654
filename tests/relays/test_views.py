"""Relay pages on an agreement with themes, as the demo has."""

from gup.extensions import db


def test_the_relay_form_lists_the_agreements_themes(client, login, f):
    """An agreement with themes (the demo's): the form offers them by label."""
    w = f.world()
    w["agreement"].themes = [f.theme("waste")]
    db.session.commit()
    login(w["coordinator"])
    page = client.get(f"/agreements/{w['agreement'].id}/relays/new")
    assert page.status_code == 200 and "Déchets, encombrants, dépôts sauvages" in page.get_data(as_text=True)
