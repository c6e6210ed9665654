"""Creating an account reports every mistake at once: missing name, address already taken and a referent
without an organisation in one answer, each next to its field and linked from the summary."""

from __future__ import annotations

import sqlalchemy as sa

from gup.auth.models import Role, User
from gup.extensions import db


def test_account_creation_reports_all_errors_at_once(client, f, login):
    admin = f.make_user(Role.ADMIN, email="admin@example.org")
    f.make_user(Role.OBSERVER, email="pris@example.org")
    db.session.commit()
    login(admin)
    r = client.post("/admin/users/new", data={"full_name": "", "email": "Pris@Example.org",
                                              "role": "partner_referent", "organisation_id": ""})
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "Champ obligatoire." in html
    assert "Un compte existe déjà avec cette adresse e-mail." in html
    assert "Un·e référent·e partenaire doit appartenir à un organisme." in html
    for field_id in ("full_name", "email", "organisation_id"):
        assert f'<a href="#{field_id}">' in html and f'id="{field_id}-err"' in html
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 2


def test_an_account_with_only_the_cross_field_error_is_refused_without_a_500(client, f, login):
    admin = f.make_user(Role.ADMIN, email="admin@example.org")
    db.session.commit()
    login(admin)
    r = client.post("/admin/users/new", data={"full_name": "Bruno", "email": "bruno@example.org",
                                              "role": "partner_referent", "organisation_id": ""})
    assert r.status_code == 422 and "doit appartenir à un organisme" in r.get_data(as_text=True)
    org = f.make_organisation(name="Bailleur")
    db.session.commit()
    ok = client.post("/admin/users/new", data={"full_name": "Bruno", "email": "bruno@example.org",
                                               "role": "partner_referent", "organisation_id": str(org.id)})
    assert ok.status_code == 302
    edit = client.post(f"/admin/users/{admin.id}/edit", data={"full_name": "", "role": "admin",
                                                              "organisation_id": "", "is_active": "y"})
    assert edit.status_code == 422 and "Un compte existe déjà" not in edit.get_data(as_text=True)


def test_account_messages_never_need_an_elision(client, f, login):
    """« Compte de Anne » is wrong French: the name never follows « de » (« Compte créé pour Anne »)."""
    admin = f.make_user(Role.ADMIN, email="admin@example.org")
    db.session.commit()
    login(admin)
    done = client.post("/admin/users/new", data={"full_name": "Anne Martin", "email": "anne@example.org",
                                                 "role": "observer", "organisation_id": ""}, follow_redirects=True)
    html = done.get_data(as_text=True)
    assert "Compte créé pour Anne Martin" in html and "de Anne" not in html
    anne = db.session.scalar(sa.select(User).where(User.email == "anne@example.org"))
    page = client.get(f"/admin/users/{anne.id}/edit").get_data(as_text=True)
    assert "Compte : Anne Martin" in page and "de Anne" not in page


def test_choosing_a_password_reports_too_short_and_mismatch_together(client, f, login):
    from gup.auth import services

    user = f.make_user(Role.OBSERVER, email="chloe@example.org")
    db.session.commit()
    login(user)
    r = client.post("/account/password", data={"current_password": "faux", "password": "court",
                                               "confirm": "autre"})
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "au moins 12 caractères" in html and "ne correspondent pas" in html
    assert services.password_problem(user, "assez-long-pour-passer") is None
