"""The review PDF (built from the review dict) and « Envoyer aux signataires »: one mail per user of each
signatory organisation, queued once, delivered through the outbox to a real SMTP server."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from gup.errors import DomainError
from gup.extensions import db
from gup.notifications.models import OutboundMail
from gup.notifications.sender import send_outbox
from gup.reports import tfpb_review_pdf
from gup.reports.tfpb_review import TfpbReviewPdf
from gup.tfpb import queries, services
from gup.tfpb.models import TfpbReviewSending
from tests.smtp_server import plain_body

NOW = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_review_pdf_renders_the_figures(app_ctx, w, tfpb):
    pdf = tfpb_review_pdf(w["agreement"], w["hp1"], 2025, today=date(2026, 1, 15))
    assert pdf.startswith(b"%PDF")
    text = text_of(pdf)
    for expected in ("Bilan annuel de l'abattement de TFPB", "Bailleur Un", w["agreement"].reference, "2025",
                     "Montants valorisés par axe", "Par quartier prioritaire", "Actions valorisées",
                     "Sur-entretien", "Les Tilleuls", "QN07902M", "Fête de quartier", "page 1 / 1"):
        assert expected in text, expected
    flat = text.replace("\u202f", " ").replace("\xa0", " ")
    for amount in ("42 500,50 €", "50 000,00 €", "25 000,00 €", "85 %", "106,25 €"):
        assert amount in flat, amount


def test_a_long_action_list_pages_with_page_numbers(app_ctx):
    review = {"organisation": "Bailleur <Test> & Co", "year": 2025, "dwellings": None, "abatement_amount": None,
              "valued_amount": 0.0, "coverage_ratio": None, "per_dwelling": None, "by_axis": [],
              "by_neighbourhood": [],
              "actions": [{"axis_label": "Sur-entretien", "neighbourhood": "Q", "title": f"Action {i}",
                           "amount": 10.0} for i in range(120)]}
    text = text_of(TfpbReviewPdf().build({"review": review, "agreement": "GUP-1 — Test", "today": date(2026, 1, 1)}))
    assert "Bailleur <Test> & Co" in text and "Action 119" in text and "page 1 / " in text and "—" in text


def test_the_pdf_is_downloaded_from_the_review_page(client, login, w, tfpb):
    login(w["coordinator"])
    url = f"/agreements/{w['agreement'].id}/tfpb/review/{w['hp1'].id}/2025"
    assert f'href="{url}.pdf"' in client.get(url).get_data(as_text=True)
    response = client.get(url + ".pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "Bailleur Un" in text_of(response.data)


@pytest.fixture
def signatories(w, f):
    """Signatories: the town (2 active users, 1 inactive), the State (1 user), hp1 and hp2 (housing providers)."""
    state = f.make_organisation(kind=f.OrganisationKind.STATE, name="Préfecture")
    for org in (w["town"], state, w["hp1"], w["hp2"]):
        f.make_signatory(w["agreement"], org)
    f.make_user(f.Role.OBSERVER, organisation=w["town"], email="inactive@example.org", is_active_account=False)
    delegate = f.make_user(f.Role.PARTNER_REFERENT, organisation=state, email="delegue@example.org")
    db.session.commit()
    return {"state": state, "delegate": delegate}


def _links():
    return {"review_url": "https://gup.test/review", "pdf_url": "https://gup.test/review.pdf"}


def test_recipients_are_the_signatories_users_but_other_providers(w, tfpb, signatories):
    recipients = services.review_recipients(w["agreement"], w["hp1"])
    assert {u.email for u in recipients} == {w["coordinator"].email, w["other_coordinator"].email,
                                             "delegue@example.org", w["referent1"].email}


def test_mails_are_queued_once_and_a_second_sending_must_be_asked(w, tfpb, signatories):
    sending = services.send_review(w["agreement"], w["hp1"], 2025, links=_links(), actor=w["coordinator"], now=NOW)
    db.session.commit()
    mails = db.session.scalars(sa.select(OutboundMail).order_by(OutboundMail.to_address)).all()
    assert sending.number == 1 and sending.recipient_count == 4 == len(mails)
    assert {m.cause_id for m in mails} == {sending.id} and {m.template for m in mails} == {"tfpb_review"}
    assert mails[0].subject.startswith("Bilan 2025 de l'abattement de TFPB — Bailleur Un")
    with pytest.raises(DomainError, match="déjà été envoyé"):
        services.send_review(w["agreement"], w["hp1"], 2025, links=_links(), actor=w["coordinator"], now=NOW)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboundMail)) == 4
    again = services.send_review(w["agreement"], w["hp1"], 2025, links=_links(), actor=w["coordinator"], now=NOW,
                                 again=True)
    db.session.commit()
    assert again.number == 2 and db.session.scalar(sa.select(sa.func.count()).select_from(OutboundMail)) == 8


def test_no_recipient_is_refused(w, tfpb):
    with pytest.raises(DomainError, match="Aucun destinataire"):
        services.send_review(w["agreement"], w["hp1"], 2025, links=_links(), actor=None, now=NOW)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TfpbReviewSending)) == 0


def test_the_button_sends_once_then_asks(client, login, w, tfpb, signatories, smtp):
    login(w["referent1"])  # the provider sends its own review
    url = f"/agreements/{w['agreement'].id}/tfpb/review/{w['hp1'].id}/2025"
    response = client.post(url + "/send", follow_redirects=True)
    assert response.status_code == 200
    assert "Bilan envoyé à 4 destinataire(s)" in response.get_data(as_text=True)
    second = client.post(url + "/send")
    assert second.status_code == 422 and "déjà été envoyé" in second.get_data(as_text=True)
    assert "Envoyer à nouveau" in second.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboundMail)) == 4
    assert send_outbox(now=NOW) == 4
    delivered = {tuple(rcpt): message for rcpt, message in smtp.messages}
    body = plain_body(delivered[("delegue@example.org",)])
    assert f"https://gup.test{url}\n" in body and f"https://gup.test{url}.pdf" in body and "Bailleur Un" in body
    assert "Envoi n° 1" in client.get(url).get_data(as_text=True)
    third = client.post(url + "/send", data={"again": "y"}, follow_redirects=True)
    assert "Bilan envoyé à 4 destinataire(s)" in third.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboundMail)) == 8


def test_the_mail_template_exists_in_french_and_english(app_ctx):
    from gup.notifications.services import render

    context = {"agreement": "GUP-1", "agreement_title": "T", "provider": "HP", "year": 2025, "name": "N", **_links()}
    assert render("tfpb_review", context, locale="en")[0] == "2025 review of the TFPB abatement — HP (GUP-1)"
    assert render("tfpb_review", context, locale="fr")[2] is not None


def test_review_data_has_a_bad_year_404(client, login, w, tfpb):
    login(w["coordinator"])
    assert client.get(f"/agreements/{w['agreement'].id}/tfpb/review/{w['hp1'].id}/99999").status_code == 404
    assert queries.review(w["agreement"], w["hp1"], 2030)["valued_amount"] == 0.0
