"""API keys of Open311 client applications: administration page and `flask gup open311-key` commands."""

from __future__ import annotations

import re

import sqlalchemy as sa

from gup.auth.models import Role, hash_token
from gup.extensions import db
from gup.open311.models import Open311Client
from gup.open311.services import client_for_key


def _post_with(client, key: str) -> int:
    return client.post("/open311/v2/requests.json", data={"api_key": key, "service_code": "cat",
                                                          "address_string": "1 rue Haute"}).status_code


def test_admin_creates_a_key_shown_once_and_revokes_it(client, login, f):
    f.make_category(code="cat")
    admin = f.make_user(Role.ADMIN)
    db.session.commit()
    login(admin)
    page = client.get("/admin/open311")
    assert page.status_code == 200 and "Aucune application cliente" in page.get_data(as_text=True)
    response = client.post("/admin/open311", data={"name": "  Appli du bailleur  "})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    key = re.search(r'id="new-key"><code>([^<]+)</code>', html).group(1)
    stored = db.session.scalars(sa.select(Open311Client)).one()
    assert stored.name == "Appli du bailleur" and stored.key_hash == hash_token(key) and key not in stored.key_hash
    assert client_for_key(key) == stored
    assert key not in client.get("/admin/open311").get_data(as_text=True)  # shown once
    assert _post_with(client, key) == 200
    listing = client.get("/admin/open311").get_data(as_text=True)
    # revoking asks first: the button opens what it does and the real submit button (no JavaScript needed)
    confirm = re.search(r'<details class="confirm">\s*<summary[^>]*>Révoquer la clé de l(&#39;|\')application Appli du '
                        r'bailleur</summary>(.*?)</details>', listing, re.S)
    assert confirm and "ne pourra plus déposer" in confirm.group(2)
    assert "Révoquer définitivement la clé" in confirm.group(2) and "/revoke" in confirm.group(2)
    base = client.application.config["PUBLIC_BASE_URL"]
    assert base and f"{base}/open311/v2/discovery.xml" in listing  # the site's public address, not the Host header
    response = client.post(f"/admin/open311/{stored.id}/revoke")
    assert response.status_code == 302
    db.session.refresh(stored)
    assert stored.is_revoked and client_for_key(key) is None
    assert _post_with(client, key) == 403
    assert "Révoquée le" in client.get("/admin/open311").get_data(as_text=True)


def test_admin_form_errors_are_shown_next_to_the_field(client, login, f):
    login(f.make_user(Role.ADMIN))
    response = client.post("/admin/open311", data={"name": " "})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="name-err"' in html and "Donnez le nom de l'application cliente." in html
    response = client.post("/admin/open311", data={"name": "x" * 121})
    assert response.status_code == 422 and 'value="' + "x" * 121 + '"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Open311Client.id))) == 0


def test_only_admins_manage_keys(client, login, f):
    login(f.make_user(Role.COORDINATOR))
    assert client.get("/admin/open311").status_code == 403
    assert client.post("/admin/open311", data={"name": "X"}).status_code == 403


def test_cli_create_list_revoke(app, runner, f):
    f.make_category(code="cat")
    db.session.commit()
    result = runner.invoke(args=["gup", "open311-key", "create", "Appli mobile"])
    assert result.exit_code == 0, result.output
    key = result.stdout.strip().splitlines()[0]
    assert key.startswith("o311_") and "conservez-la" in result.stderr
    stored = db.session.scalars(sa.select(Open311Client)).one()
    assert stored.key_hash == hash_token(key)
    listing = runner.invoke(args=["gup", "open311-key", "list"])
    assert f"{stored.id}\t{key[:10]}…\tAppli mobile\tactive" in listing.output
    assert key not in listing.output
    assert runner.invoke(args=["gup", "open311-key", "revoke", str(stored.id)]).exit_code == 0
    db.session.expire_all()
    assert client_for_key(key) is None
    assert "révoquée" in runner.invoke(args=["gup", "open311-key", "list"]).output
    missing = runner.invoke(args=["gup", "open311-key", "revoke", "999999"])
    assert missing.exit_code != 0 and "aucun client" in missing.output
    empty = runner.invoke(args=["gup", "open311-key", "create", "  "])
    assert empty.exit_code != 0


def test_revoking_without_the_confirmation_step_is_not_offered_and_the_rights_flash_elides(client, login, f):
    admin = f.make_user(Role.ADMIN)
    db.session.commit()
    login(admin)
    client.post("/admin/open311", data={"name": "Appli"})
    page = client.get("/admin/open311").get_data(as_text=True)
    # the revoke button only sits inside the <details> confirmation step (no JavaScript needed)
    forms = re.findall(r'<form method="post" action="/admin/open311/(\d+)/revoke"', page)
    assert len(forms) == 1
    before, _sep, after = page.partition(f'action="/admin/open311/{forms[0]}/revoke"')
    assert before.rfind('<details class="confirm">') > before.rfind("</details>")
    stored = re.search(r'action="/admin/open311/(\d+)/rights"', page).group(1)
    saved = client.post(f"/admin/open311/{stored}/rights", data={f"c{stored}-public_intake": "y"},
                        follow_redirects=True).get_data(as_text=True)
    assert re.search(r"Droits de l(&#39;|')application Appli enregistrés\.", saved)
