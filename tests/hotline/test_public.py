"""Public side of the hotline: /signaler without JavaScript, tracking page, abuse protections."""

from __future__ import annotations

import io

import flask
import pytest
import sqlalchemy as sa

from gup.extensions import db, limiter
from gup.hotline import services
from gup.hotline.models import ReportStatus, ResidentReport
from gup.notifications.models import OutboundMail
from gup.territory.models import TerritoryKind


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ResidentReport))


def _form(category, **extra) -> dict:
    data = {"category_id": str(category.id), "description": "Lampadaire éteint depuis une semaine",
            "address": "4 allée des Tilleuls", "latitude": "", "longitude": "", "neighbourhood_id": "",
            "contact_name": "", "contact_email": "", "contact_phone": "", "website": ""}
    data.update(extra)
    return data


@pytest.fixture
def category(f):
    organisation = f.make_organisation(name="Bailleur du Parc")
    cat = f.make_category(label="Éclairage", description="Lampadaire, éclairage de hall", first_answer_days=3,
                          default_organisation=organisation)
    db.session.commit()
    return cat


def test_form_lists_published_categories_and_works_without_javascript(client, f, category):
    hidden = f.make_category(label="Catégorie interne", is_published=False)
    db.session.commit()
    html = client.get("/signaler").get_data(as_text=True)
    assert "Éclairage" in html and "Lampadaire, éclairage de hall" in html
    assert hidden.label not in html
    assert 'accept="image/*"' in html and 'capture="environment"' in html and "multiple" in html
    assert "J'accepte d'être contacté·e au sujet de ce signalement" in html
    assert 'tabindex="-1"' in html and 'name="website"' in html

    response = client.post("/signaler", data=_form(category, contact_name="Awa Diallo",
                                                  contact_email="Awa@Example.org", contact_consent="y"))
    assert response.status_code == 302
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    report = db.session.scalar(sa.select(ResidentReport))
    assert report.reference in thanks
    # the organisation only suggested at intake is not named before the coordination sends the report to it
    assert "Bailleur du Parc" not in thanks and "3 jours" in thanks
    assert "Bailleur du Parc" not in client.get(f"/suivi/{report.reference}").get_data(as_text=True)
    assert f"/suivi/{report.reference}" in thanks
    assert "accusé de réception" in thanks
    assert report.contact_email == "awa@example.org" and report.contact_consent
    assert db.session.scalar(sa.select(OutboundMail.to_address)) == "awa@example.org"


def test_contact_without_consent_is_not_stored(client, category):
    response = client.post("/signaler", data=_form(category, contact_name="Awa Diallo",
                                                  contact_email="awa@example.org", contact_phone="06 12 34 56 78"))
    assert response.status_code == 302
    report = db.session.scalar(sa.select(ResidentReport))
    assert (report.contact_name, report.contact_email, report.contact_phone) == (None, None, None)
    assert not report.contact_consent
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboundMail)) == 0
    assert "pas été conservées" in client.get("/signaler/merci").get_data(as_text=True)


def test_consent_without_contact_is_an_error(client, category):
    response = client.post("/signaler", data=_form(category, contact_consent="y"))
    assert response.status_code == 422
    assert "indiquez une adresse e-mail ou un numéro de téléphone" in response.get_data(as_text=True)
    assert _count() == 0


def test_invalid_submit_keeps_every_value_with_french_errors(client, category):
    data = _form(category, description="", address="7 rue Haute", contact_name="Jean Martin",
                 contact_email="pas-une-adresse", contact_phone="06 00 00 00 00", contact_consent="y",
                 latitude="48,85")
    response = client.post("/signaler", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert _count() == 0
    assert "Décrivez le problème." in html
    assert "Adresse e-mail invalide." in html
    assert "Indiquez la latitude et la longitude, ou aucune des deux." in html
    for value in ("7 rue Haute", "Jean Martin", "pas-une-adresse", "06 00 00 00 00", "48,85"):
        assert f'value="{value}"' in html
    assert f'value="{category.id}" checked' in html
    assert '<input checked id="contact_consent"' in html
    assert 'aria-describedby="description-hint description-err"' in html

    response = client.post("/signaler", data=_form(category, description="Tag sur le mur", address=""))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Indiquez où se trouve le problème" in html and "Tag sur le mur" in html


def test_every_field_has_a_size_limit(client, category):
    response = client.post("/signaler", data=_form(category, description="x" * 6000, address="a" * 300,
                                                  contact_name="n" * 200))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert html.count("caractères au maximum") >= 3
    assert _count() == 0


def test_tampered_choices_give_french_errors(client, f, category):
    response = client.post("/signaler", data=_form(category, category_id="abc", neighbourhood_id="999999"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choisissez une catégorie." in html and "Choisissez un quartier dans la liste." in html


def test_neighbourhood_alone_is_a_location(client, f, category):
    place = f.make_territory(TerritoryKind.NEIGHBOURHOOD, name="Les Tilleuls")
    db.session.commit()
    response = client.post("/signaler", data=_form(category, address="", neighbourhood_id=str(place.id)))
    assert response.status_code == 302
    assert db.session.scalar(sa.select(ResidentReport)).neighbourhood_id == place.id


def test_photos_are_stored_without_metadata(client, f, category):
    data = _form(category)
    data["photos"] = [(io.BytesIO(f.jpeg_bytes(gps=True)), "a.jpg"), (io.BytesIO(f.jpeg_bytes()), "b.jpg")]
    response = client.post("/signaler", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    report = db.session.scalar(sa.select(ResidentReport))
    assert len(report.photos) == 2


def test_non_image_upload_is_a_field_error_and_keeps_the_rest(client, f, category):
    data = _form(category, description="Poubelle renversée", contact_name="Léa")
    data["photos"] = [(io.BytesIO(f.jpeg_bytes()), "ok.jpg"), (io.BytesIO(b"%PDF-1.4 not an image"), "doc.pdf")]
    response = client.post("/signaler", data=data, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "pas une image lisible" in html and "Rien n&#39;a été enregistré" in html
    assert "Poubelle renversée" in html and 'value="Léa"' in html
    assert _count() == 0
    from gup.media.models import Photo

    assert db.session.scalar(sa.select(sa.func.count()).select_from(Photo)) == 0


def test_oversized_upload_gets_a_french_4xx(app, client, f, category, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 50_000)
    data = _form(category)
    data["photos"] = [(io.BytesIO(b"\xff" * 80_000), "big.jpg")]
    response = client.post("/signaler", data=data, content_type="multipart/form-data")
    assert response.status_code == 413
    assert "Envoi trop volumineux" in response.get_data(as_text=True)
    assert _count() == 0


def test_oversized_photo_is_a_field_error(app, client, f, category, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_PHOTO_BYTES", 1000)
    data = _form(category)
    data["photos"] = [(io.BytesIO(f.jpeg_bytes(400, 400)), "big.jpg")]
    response = client.post("/signaler", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "taille maximale" in response.get_data(as_text=True)
    assert _count() == 0


def test_too_many_photos_is_a_field_error(client, f, category):
    data = _form(category)
    data["photos"] = [(io.BytesIO(f.jpeg_bytes()), f"{i}.jpg") for i in range(6)]
    response = client.post("/signaler", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "5 photos au maximum" in response.get_data(as_text=True)
    assert _count() == 0


def test_honeypot_stores_nothing_and_looks_normal(client, category, caplog):
    response = client.post("/signaler", data=_form(category, website="http://spam.example",
                                                  contact_email="bot@example.org", contact_consent="y"))
    assert response.status_code == 200
    assert "Merci, votre signalement a bien été reçu" in response.get_data(as_text=True)
    assert _count() == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboundMail)) == 0
    assert "honeypot" in caplog.text


def test_tracking_page_shows_explanations_and_no_personal_data(client, f, category):
    place = f.make_territory(TerritoryKind.NEIGHBOURHOOD, name="Les Tilleuls")
    report = f.make_report(category, neighbourhood=place, contact_name="Awa Diallo", contact_email="awa@example.org",
                           contact_phone="06 12 34 56 78", contact_consent=True, callback_preference="le soir")
    agent = f.make_user(full_name="Agent Secret")
    services.route_report(report, to=category.default_organisation, actor=agent, now=report.created_at)
    services.change_status(report, to=ReportStatus.RESOLVED, actor=agent, now=report.created_at,
                           public_text="Le lampadaire a été remplacé.")
    db.session.commit()
    html = client.get(f"/suivi/{report.reference}").get_data(as_text=True)
    assert "Le lampadaire a été remplacé." in html and "Résolu" in html
    assert "Bailleur du Parc" in html and "Les Tilleuls" in html and "Éclairage" in html
    for secret in ("Awa", "Diallo", "awa@example.org", "06 12 34 56 78", "le soir", "Agent Secret",
                   report.description):
        assert secret not in html
    lower = client.get(f"/suivi/{report.reference.lower()}")
    assert lower.status_code == 302 and lower.headers["Location"].endswith(f"/suivi/{report.reference}")


def test_merged_report_links_to_the_survivor(client, f, category):
    first, second = f.make_report(category), f.make_report(category)
    coordinator = f.make_user()
    services.merge(second, into=first, actor=coordinator, now=second.created_at)
    db.session.commit()
    html = client.get(f"/suivi/{second.reference}").get_data(as_text=True)
    assert "fusionné avec" in html and f'href="/suivi/{first.reference}"' in html


def test_unknown_reference_is_a_french_404(client):
    response = client.get("/suivi/GUP-1999-000001")
    assert response.status_code == 404
    assert "Signalement introuvable" in response.get_data(as_text=True)


def test_track_form_redirects_trimmed_and_case_insensitive(client, f, category):
    report = f.make_report(category)
    db.session.commit()
    response = client.get("/signaler/suivi", query_string={"reference": f"  {report.reference.lower()} "})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/suivi/{report.reference}")
    assert client.get("/signaler/suivi").status_code == 200
    empty = client.get("/signaler/suivi", query_string={"reference": " "})
    assert empty.status_code == 422 and "Indiquez la référence" in empty.get_data(as_text=True)


def test_post_without_csrf_token_is_refused(app, category):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        with app.test_client() as c:
            rejected = c.post("/signaler", data=_form(category))
            assert rejected.status_code == 400
            assert _count() == 0
            c.get("/signaler")
            accepted = c.post("/signaler", data={**_form(category), "csrf_token": flask.g.csrf_token})
            assert accepted.status_code == 302
            app.config["MAX_CONTENT_LENGTH"], saved = 10_000, app.config["MAX_CONTENT_LENGTH"]
            try:  # the CSRF check reads the body first: the 413 still gets the French page
                too_big = c.post("/signaler", data={**_form(category), "photos": (io.BytesIO(b"x" * 20_000), "a.jpg")},
                                 content_type="multipart/form-data")
            finally:
                app.config["MAX_CONTENT_LENGTH"] = saved
            assert too_big.status_code == 413 and "Envoi trop volumineux" in too_big.get_data(as_text=True)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert _count() == 1


def test_flood_gets_429_in_french_and_nothing_legitimate_is_dropped(app, client, category):
    """The production limit (5 per minute) for this test; the test settings otherwise allow far more."""
    saved = app.config["PUBLIC_POST_LIMIT"]
    app.config["PUBLIC_POST_LIMIT"] = "5 per minute;30 per hour"
    limiter.reset()
    try:
        codes = [client.post("/signaler", data=_form(category, description=f"Problème {i}")).status_code
                 for i in range(6)]
        assert codes == [302] * 5 + [429]
        last = client.post("/signaler", data=_form(category, description="Encore"))
        html = last.get_data(as_text=True)
        assert last.status_code == 429 and "Trop de demandes" in html and "pas été enregistré" in html
        assert client.get("/signaler").status_code == 200  # reading is never limited
    finally:
        app.config["PUBLIC_POST_LIMIT"] = saved
        limiter.reset()
    descriptions = set(db.session.scalars(sa.select(ResidentReport.description)))
    assert descriptions == {f"Problème {i}" for i in range(5)}


@pytest.mark.parametrize(("path", "kind"), [("/api/v1/resident-reports", "json"), ("/open311/v2/requests.json", "list"),
                                            ("/open311/v2/requests.xml", "xml"), ("/signaler", "html")])
def test_rate_limit_answer_matches_the_caller(app, path, kind):
    from types import SimpleNamespace

    from flask_limiter import RateLimitExceeded

    from gup.hotline.views import rate_limited

    with app.test_request_context(path, method="POST"):
        response = rate_limited(RateLimitExceeded(SimpleNamespace(error_message=None, limit="5 per 1 minute")))
    assert response.status_code == 429
    body = response.get_data(as_text=True)
    assert "patientez" in body
    if kind == "json":
        assert response.json["code"] == 429
    elif kind == "list":
        assert response.json[0]["code"] == 429 and response.json[0]["description"]
    elif kind == "xml":
        assert response.mimetype == "application/xml" and "<code>429</code>" in body
    else:
        assert "Trop de demandes" in body and "<html" in body


def test_rate_limits_can_be_shared_through_redis(app, tmp_path):
    """With several workers the counters live in Redis (GUP_RATELIMIT_STORAGE_URI): the real server on
    127.0.0.1:6379 keeps a hit made by one process visible to the next."""
    from limits import parse
    from limits.storage import storage_from_string
    from limits.strategies import FixedWindowRateLimiter

    storage = storage_from_string("redis://127.0.0.1:6379/15")
    storage.reset()
    worker_a, worker_b = FixedWindowRateLimiter(storage), FixedWindowRateLimiter(
        storage_from_string("redis://127.0.0.1:6379/15"))
    limit = parse("2 per minute")
    assert worker_a.hit(limit, "signaler", "203.0.113.7")
    assert worker_b.hit(limit, "signaler", "203.0.113.7")
    assert not worker_a.hit(limit, "signaler", "203.0.113.7")  # the third hit is refused, whichever worker
    storage.reset()


def test_an_expired_public_form_gets_a_public_page_that_tells_the_truth(app, client, f):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/signaler", data={"description": "Lampadaire éteint"})
        html = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "rien n&#39;a été enregistré" in html or "rien n'a été enregistré" in html
        assert "n&#39;est pas gardé par le site" in html or "n'est pas gardé par le site" in html
        assert "Rien n'est perdu" not in html and "tableau de bord" not in html
        assert 'href="/signaler"' in html
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


#: the public form's POST: the published categories and neighbourhoods (the form's choices), the category's
#: default organisation (the suggested one), the response template; the report inserted, its reference set; its
#: public update, status change, acknowledgement mail and audit entries (create, then the reference). The
#: redirect reads the reference kept before the commit (no reload of the report).
PUBLIC_POST_QUERIES = 11


def test_a_public_report_stays_within_its_query_budget(client, category, count_queries):
    client.post("/signaler", data=_form(category, description="Échauffement"))  # lazily set up things
    data = _form(category, contact_email="awa@example.org", contact_consent="y")
    db.session.expunge_all()  # nothing the test loaded is expired and reloaded inside the request
    with count_queries() as statements:
        response = client.post("/signaler", data=data)
    assert response.status_code == 302
    assert len(statements) <= PUBLIC_POST_QUERIES, "\n".join(statements)
    report = db.session.scalar(sa.select(ResidentReport).order_by(ResidentReport.id.desc()))
    assert report.reference in client.get(response.headers["Location"]).get_data(as_text=True)
    assert [m.to_address for m in db.session.scalars(sa.select(OutboundMail).where(
        OutboundMail.cause_kind == "resident_report", OutboundMail.cause_id == report.id))] == ["awa@example.org"]
